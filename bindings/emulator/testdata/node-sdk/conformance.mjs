// Drives a running kosmo-lua emulator with WorkOS's official Node SDK and checks
// what the SDK returns. Run by TestNodeSDKConformance with:
//
//   EMULATOR_URL=http://127.0.0.1:PORT WORKOS_API_KEY=sk_test_default node conformance.mjs
//
// It prints one JSON line {operations, assertions, cases, failures, skipped} and
// exits 1 when any case failed.
import http from 'node:http';
import {
  NotFoundException,
  UnauthorizedException,
  WorkOS,
} from '@workos-inc/node';

const base = new URL(process.env.EMULATOR_URL ?? 'http://127.0.0.1:4000');
const apiKey = process.env.WORKOS_API_KEY ?? 'sk_test_default';
const acme = 'org_01HACME00000000000000000AC';
const alice = 'user_01HA11CE000000000000000AL';

let operations = 0;
let assertions = 0;
const failures = [];
const skipped = [];
const cases = [];

// Every HTTP request the SDK makes goes through this fetch: it counts them.
const countingFetch = (input, init) => {
  operations++;
  return fetch(input, init);
};

function client(key) {
  return new WorkOS(key, {
    apiHostname: base.hostname,
    port: Number(base.port),
    https: base.protocol === 'https:',
    fetchFn: countingFetch,
    maxRetries: 0,
    clientId: 'client_01HCONFORMANCE0000000000',
  });
}

const workos = client(apiKey);

function assert(cond, what) {
  assertions++;
  if (!cond) throw new Error(`assertion failed: ${what}`);
}

function eq(got, want, what) {
  assertions++;
  const g = JSON.stringify(got);
  const w = JSON.stringify(want);
  if (g !== w) throw new Error(`${what}: got ${g}, want ${w}`);
}

async function rejects(promise, cls, what) {
  try {
    await promise;
  } catch (err) {
    assertions++;
    if (!(err instanceof cls)) {
      throw new Error(`${what}: got ${err?.name} (${err?.message}), want ${cls.name}`);
    }
    return err;
  }
  throw new Error(`${what}: resolved, want ${cls.name}`);
}

async function run(name, fn) {
  cases.push(name);
  try {
    await fn();
  } catch (err) {
    failures.push(`${name}: ${err?.stack ?? err}`);
  }
}

const uniq = `${Date.now().toString(36)}`;

await run('organizations: create with an idempotency key, get, update, by external id, delete', async () => {
  const key = `idem-${uniq}`;
  const body = { name: `Idem ${uniq}`, externalId: `ext-${uniq}`, metadata: { tier: 'gold' } };
  const first = await workos.organizations.createOrganization(body, { idempotencyKey: key });
  const again = await workos.organizations.createOrganization(body, { idempotencyKey: key });
  eq(again.id, first.id, 'a replayed create returns the same organization');
  eq(first.externalId, `ext-${uniq}`, 'externalId is deserialised');
  eq(first.metadata, { tier: 'gold' }, 'metadata round-trips');
  const got = await workos.organizations.getOrganization(first.id);
  eq(got.name, body.name, 'get returns the created name');
  const byExt = await workos.organizations.getOrganizationByExternalId(`ext-${uniq}`);
  eq(byExt.id, first.id, 'get by external id');
  const upd = await workos.organizations.updateOrganization({ organization: first.id, name: `Renamed ${uniq}` });
  eq(upd.name, `Renamed ${uniq}`, 'update renames');
  await workos.organizations.deleteOrganization(first.id);
  await rejects(workos.organizations.getOrganization(first.id), NotFoundException, 'get after delete');
});

await run('organizations: autoPagination over more than 100', async () => {
  const made = new Set();
  for (let i = 0; i < 105; i++) {
    const o = await workos.organizations.createOrganization({ name: `Page ${uniq} ${String(i).padStart(3, '0')}` });
    made.add(o.id);
  }
  const page = await workos.organizations.listOrganizations({ limit: 100 });
  eq(page.data.length, 100, 'the first page holds 100');
  assert(page.listMetadata.after, 'the first page has an after cursor');
  const second = await workos.organizations.listOrganizations({ limit: 100, after: page.listMetadata.after });
  assert(second.data.length > 0 && !second.data.some((o) => page.data.some((p) => p.id === o.id)), 'the next page continues after the first');
  // autoPagination walks every page of 100 only when the first call names no limit.
  const all = await (await workos.organizations.listOrganizations()).autoPagination();
  const ids = new Set(all.map((o) => o.id));
  assert(ids.size === all.length, 'autoPagination returns no duplicates');
  assert(all.length >= 108, `autoPagination returns every organization (got ${all.length})`);
  for (const id of made) assert(ids.has(id), `autoPagination includes ${id}`);
  assert(ids.has(acme), 'autoPagination includes the seeded Acme');
});

await run('organization domains: create, get, verify, delete', async () => {
  const d = await workos.organizationDomains.createOrganizationDomain({ organizationId: acme, domain: `d-${uniq}.example.com` });
  eq(d.domain, `d-${uniq}.example.com`, 'created domain');
  eq(d.organizationId, acme, 'domain organization');
  const got = await workos.organizationDomains.getOrganizationDomain(d.id);
  eq(got.id, d.id, 'get domain');
  const v = await workos.organizationDomains.verifyOrganizationDomain(d.id);
  eq(v.id, d.id, 'verify answers the domain');
  await workos.organizationDomains.deleteOrganizationDomain(d.id);
  await rejects(workos.organizationDomains.getOrganizationDomain(d.id), NotFoundException, 'domain after delete');
});

let userId;
await run('users: create, get, list by email, update, by external id', async () => {
  const email = `sdk-${uniq}@example.com`;
  const u = await workos.userManagement.createUser({ email, firstName: 'Sdk', lastName: 'User', externalId: `u-${uniq}` });
  userId = u.id;
  eq(u.email, email, 'created email');
  eq(u.firstName, 'Sdk', 'firstName deserialised');
  const got = await workos.userManagement.getUser(u.id);
  eq(got.id, u.id, 'get user');
  const byExt = await workos.userManagement.getUserByExternalId(`u-${uniq}`);
  eq(byExt.id, u.id, 'get user by external id');
  const list = await workos.userManagement.listUsers({ email });
  eq(list.data.map((x) => x.id), [u.id], 'list users by email');
  const upd = await workos.userManagement.updateUser({ userId: u.id, lastName: 'Renamed' });
  eq(upd.lastName, 'Renamed', 'update user');
});

await run('memberships: create, get, list, update role, deactivate, reactivate, delete', async () => {
  assert(userId, 'the users case created a user');
  const m = await workos.userManagement.createOrganizationMembership({ organizationId: acme, userId, roleSlug: 'member' });
  eq(m.role?.slug, 'member', 'created with the member role');
  eq(m.status, 'active', 'created active');
  const got = await workos.userManagement.getOrganizationMembership(m.id);
  eq(got.userId, userId, 'get membership');
  const list = await workos.userManagement.listOrganizationMemberships({ userId });
  eq(list.data.map((x) => x.id), [m.id], 'list memberships by user');
  const upd = await workos.userManagement.updateOrganizationMembership(m.id, { roleSlug: 'admin' });
  eq(upd.role?.slug, 'admin', 'update role');
  const de = await workos.userManagement.deactivateOrganizationMembership(m.id);
  eq(de.status, 'inactive', 'deactivate');
  const re = await workos.userManagement.reactivateOrganizationMembership(m.id);
  eq(re.status, 'active', 'reactivate');
  await workos.userManagement.deleteOrganizationMembership(m.id);
  await rejects(workos.userManagement.getOrganizationMembership(m.id), NotFoundException, 'membership after delete');
});

await run('invitations: send, get, by token, list, resend, revoke', async () => {
  const email = `invitee-${uniq}@example.com`;
  const inv = await workos.userManagement.sendInvitation({ email, organizationId: acme, roleSlug: 'member' });
  eq(inv.state, 'pending', 'a sent invitation is pending');
  eq(inv.email, email, 'invitation email');
  const got = await workos.userManagement.getInvitation(inv.id);
  eq(got.id, inv.id, 'get invitation');
  const byToken = await workos.userManagement.findInvitationByToken(inv.token);
  eq(byToken.id, inv.id, 'find by token');
  const list = await workos.userManagement.listInvitations({ email });
  eq(list.data.map((x) => x.id), [inv.id], 'list invitations by email');
  const re = await workos.userManagement.resendInvitation(inv.id);
  eq(re.id, inv.id, 'resend');
  const rev = await workos.userManagement.revokeInvitation(inv.id);
  eq(rev.state, 'revoked', 'revoke');
});

await run('roles and permissions: create, get, PATCH update, set and add permissions, organization roles', async () => {
  const slug = `perm-${uniq}`;
  const p = await workos.authorization.createPermission({ slug, name: 'Conformance permission' });
  eq(p.slug, slug, 'created permission');
  const pu = await workos.authorization.updatePermission(slug, { name: 'Renamed permission', description: 'patched' });
  eq([pu.name, pu.description], ['Renamed permission', 'patched'], 'PATCH permission');
  const pg = await workos.authorization.getPermission(slug);
  eq(pg.name, 'Renamed permission', 'get permission after PATCH');
  const perms = await workos.authorization.listPermissions({ limit: 100 });
  assert(perms.data.some((x) => x.slug === slug), 'list permissions includes the new one');

  const role = `role-${uniq}`;
  const r = await workos.authorization.createEnvironmentRole({ slug: role, name: 'Conformance role' });
  eq(r.slug, role, 'created environment role');
  const ru = await workos.authorization.updateEnvironmentRole(role, { name: 'Renamed role', description: 'patched' });
  eq([ru.name, ru.description], ['Renamed role', 'patched'], 'PATCH environment role');
  const rs = await workos.authorization.setEnvironmentRolePermissions(role, { permissions: ['users:read'] });
  eq(rs.permissions, ['users:read'], 'set role permissions');
  const ra = await workos.authorization.addEnvironmentRolePermission(role, { permissionSlug: slug });
  eq([...ra.permissions].sort(), [slug, 'users:read'].sort(), 'add a role permission');
  const rg = await workos.authorization.getEnvironmentRole(role);
  eq(rg.name, 'Renamed role', 'get environment role');
  const roles = await workos.authorization.listEnvironmentRoles();
  assert(roles.data.some((x) => x.slug === role), 'list environment roles includes the new one');

  const orgRole = await workos.authorization.createOrganizationRole(acme, { slug: `org-${role}`, name: 'Org role' });
  assert(orgRole.slug.endsWith(`org-${role}`), `organization role slug (${orgRole.slug})`);
  const oru = await workos.authorization.updateOrganizationRole(acme, orgRole.slug, { name: 'Org role renamed' });
  eq(oru.name, 'Org role renamed', 'PATCH organization role');
  const orl = await workos.authorization.listOrganizationRoles(acme);
  assert(orl.data.some((x) => x.slug === orgRole.slug), 'list organization roles includes it');
  await workos.authorization.deleteOrganizationRole(acme, orgRole.slug);
  await workos.authorization.deletePermission(slug);
  await rejects(workos.authorization.getPermission(slug), NotFoundException, 'permission after delete');
});

await run('feature flags: list, get, disable, enable, targets, organization flags', async () => {
  const flags = await workos.featureFlags.listFeatureFlags();
  assert(flags.data.some((f) => f.slug === 'new-dashboard'), 'the seeded flag is listed');
  const f = await workos.featureFlags.getFeatureFlag('beta-search');
  eq(f.enabled, false, 'beta-search starts off');
  const on = await workos.featureFlags.enableFeatureFlag('beta-search');
  eq(on.enabled, true, 'enable');
  await workos.featureFlags.addFlagTarget({ slug: 'beta-search', targetId: acme });
  const orgFlags = await workos.featureFlags.listOrganizationFeatureFlags({ organizationId: acme });
  assert(orgFlags.data.some((x) => x.slug === 'beta-search'), 'a targeted, enabled flag is on for the organization');
  await workos.featureFlags.removeFlagTarget({ slug: 'beta-search', targetId: acme });
  const off = await workos.featureFlags.disableFeatureFlag('beta-search');
  eq(off.enabled, false, 'disable');
  await rejects(workos.featureFlags.getFeatureFlag(`missing-${uniq}`), NotFoundException, 'unknown flag');
});

await run('audit logs: create an event (with an idempotency key, replayed)', async () => {
  const event = {
    action: 'user.signed_in',
    occurredAt: new Date(),
    actor: { type: 'user', id: alice, name: 'Alice' },
    targets: [{ type: 'team', id: 'team_01' }],
    context: { location: '203.0.113.7', userAgent: 'conformance' },
    metadata: { attempt: 1 },
  };
  await workos.auditLogs.createEvent(acme, event, { idempotencyKey: `audit-${uniq}` });
  await workos.auditLogs.createEvent(acme, event, { idempotencyKey: `audit-${uniq}` });
  assert(true, 'createEvent resolved twice with the same key');
  await rejects(
    workos.auditLogs.createEvent(`org_missing${uniq}`, event),
    NotFoundException,
    'an event for an unknown organization',
  );
});

await run('events: list with filters', async () => {
  const created = await workos.events.listEvents({ events: ['organization.created'], limit: 100 });
  assert(created.data.length > 0, 'organization.created events exist');
  assert(created.data.every((e) => e.event === 'organization.created'), 'only the requested type');
  assert(created.data.every((e) => typeof e.id === 'string' && e.data), 'events carry id and data');
  const byOrg = await workos.events.listEvents({ events: ['organization_domain.created', 'organization_membership.created'], organizationId: acme });
  assert(byOrg.data.length > 0, 'events for Acme exist');
  assert(byOrg.data.every((e) => e.data.organizationId === acme || e.data.organization_id === acme), 'only Acme events');
  const future = new Date(Date.now() + 3600_000).toISOString();
  const none = await workos.events.listEvents({ events: ['organization.created'], rangeStart: future });
  eq(none.data.length, 0, 'a range in the future has no events');
});

await run('webhooks: create, list, update, delete an endpoint', async () => {
  const ep = await workos.webhooks.createWebhookEndpoint({ endpointUrl: `http://127.0.0.1:9/hook-${uniq}`, events: ['user.created'] });
  assert(ep.id && ep.secret, 'the endpoint has an id and a secret');
  const list = await workos.webhooks.listWebhookEndpoints();
  assert(list.data.some((x) => x.id === ep.id), 'listed');
  const upd = await workos.webhooks.updateWebhookEndpoint({ id: ep.id, status: 'disabled' });
  eq(upd.status, 'disabled', 'disabled');
  await workos.webhooks.deleteWebhookEndpoint({ id: ep.id });
  const after = await workos.webhooks.listWebhookEndpoints();
  assert(!after.data.some((x) => x.id === ep.id), 'gone after delete');
});

// Delivery needs the emulator to POST events to endpoints; an emulator without a
// delivery log (GET /_emulate/webhooks answers 404) has none, and the case is skipped.
const deliveryLog = await fetch(new URL('/_emulate/webhooks', base)).catch(() => null);
if (!deliveryLog || deliveryLog.status === 404) {
  skipped.push('webhooks: delivery verified with constructEvent (this emulator does not deliver webhooks)');
} else {
  await run('webhooks: a user.created delivery, retried after a 500, verified with constructEvent', async () => {
    // The receiver fails the first attempt with a 500, so the delivery that
    // verifies is the emulator's retry.
    const got = [];
    let calls = 0;
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (calls++ === 0) {
          res.writeHead(500).end('try again');
          return;
        }
        got.push({ sig: req.headers['workos-signature'], body });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${receiver.address().port}/webhooks`;
      const ep = await workos.webhooks.createWebhookEndpoint({ endpointUrl: url, events: ['user.created'] });
      const u = await workos.userManagement.createUser({ email: `hook-${uniq}@example.com` });
      const deadline = Date.now() + 20_000;
      while (got.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert(got.length > 0, 'a delivery arrived within 20 s');
      const ev = await workos.webhooks.constructEvent({ payload: JSON.parse(got[0].body), sigHeader: got[0].sig, secret: ep.secret });
      eq(ev.event, 'user.created', 'the verified event type');
      eq(ev.data.id, u.id, 'the verified event is about the new user');
      await rejects(
        workos.webhooks.constructEvent({ payload: JSON.parse(got[0].body), sigHeader: got[0].sig, secret: 'whsec_wrong' }),
        Error,
        'a wrong secret does not verify',
      );
      // The log records the 200 once the emulator has read it: poll for it.
      let rec;
      while (Date.now() < deadline) {
        const log = await (await fetch(new URL('/_emulate/webhooks', base))).json();
        rec = log.find((d) => d.webhook_endpoint_id === ep.id && d.event === 'user.created');
        if (rec?.state === 'delivered') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert(rec, 'the delivery log has the delivery');
      eq(rec.attempts.map((a) => a.status), [500, 200], 'the log shows the failed attempt and the retry');
      eq(rec.state, 'delivered', 'the delivery is delivered');
      await workos.webhooks.deleteWebhookEndpoint({ id: ep.id });
    } finally {
      receiver.close();
    }
  });
}

await run('vault: encrypt and decrypt through data keys, rekey', async () => {
  const ciphertext = await workos.vault.encrypt('the secret', { organization_id: acme });
  assert(typeof ciphertext === 'string' && !ciphertext.includes('the secret'), 'encrypt hides the plaintext');
  eq(await workos.vault.decrypt(ciphertext), 'the secret', 'decrypt gives the plaintext back');
  const dk = await workos.vault.createDataKey({ context: { organization_id: acme } });
  const back = await workos.vault.decryptDataKey({ keys: dk.encryptedKeys });
  eq(back.key, dk.dataKey.key, 'decryptDataKey returns the created key');
  const re = await workos.vault.createRekey({ context: { organization_id: 'org_01HGL0BEX000000000000000GX' }, encryptedKeys: dk.encryptedKeys });
  eq(re.dataKey, dk.dataKey.key, 'rekey keeps the key');
  eq((await workos.vault.decryptDataKey({ keys: re.encryptedKeys })).key, dk.dataKey.key, 'the rekeyed form decrypts to the same key');
});

await run('pipes: data integration round trip with a user connection and vended credential', async () => {
  const slug = `notion-${uniq}`;
  const d = await workos.pipes.createDataIntegration({ provider: slug, scopes: ['read'] });
  eq(d.slug, slug, 'created by provider');
  eq((await workos.pipes.getDataIntegration({ slug })).id, d.id, 'get by slug');
  const list = await workos.pipes.listDataIntegrations();
  assert(list.data.some((x) => x.slug === slug), 'listed');
  const acct = await workos.pipes.updateDataIntegrationApiKey({ slug, userId: alice, secret: 'ntn_secret9876' });
  eq(acct.state, 'connected', 'the API key connects the user');
  const got = await workos.pipes.getUserConnectedAccount({ userId: alice, slug });
  eq(got.id, acct.id, 'get the user connected account');
  const cred = await workos.pipes.createDataIntegrationCredential({ slug, userId: alice });
  eq([cred.active, cred.credential?.value], [true, 'ntn_secret9876'], 'vended credential');
  await workos.pipes.deleteDataIntegration({ slug });
  await rejects(workos.pipes.getDataIntegration({ slug }), NotFoundException, 'integration after delete');
});

await run('typed errors: 404 NotFoundException, 401 UnauthorizedException', async () => {
  const nf = await rejects(workos.organizations.getOrganization('org_01HNOSUCH0000000000000000X'), NotFoundException, 'unknown organization');
  eq(nf.status, 404, 'status 404');
  assert(nf.requestID, 'the 404 carries the request id');
  await rejects(workos.userManagement.getUser('user_01HNOSUCH000000000000000X'), NotFoundException, 'unknown user');
  const bad = client('sk_test_not_a_key');
  const un = await rejects(bad.organizations.listOrganizations(), UnauthorizedException, 'a wrong API key');
  eq(un.status, 401, 'status 401');
  assert(!JSON.stringify(un).includes('sk_test_not_a_key'), 'the error does not echo the key');
});

console.log(JSON.stringify({ operations, assertions, cases: cases.length, failures, skipped }));
process.exit(failures.length ? 1 : 0);
