package emulator

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
)

// Vault data keys: create_data_key stores a key under a key context and answers
// it with its encrypted form; decrypt gives the key back for that form; rekey
// re-encrypts the same key under a new context. The "encryption" is an envelope
// naming the stored key, so only keys this emulator issued decrypt.
func vaultKeyHandlers() map[string]handler {
	return map[string]handler{
		"vault_keys_create_data_key": withVaultErrors((*call).dataKeyCreate),
		"vault_keys_decrypt":         withVaultErrors((*call).dataKeyDecrypt),
		"vault_keys_rekey":           withVaultErrors((*call).dataKeyRekey),
	}
}

// dataKeyEnvelope prefixes the id of a stored data key in its encrypted form.
const dataKeyEnvelope = "WOS.EKM.emulator\x00"

func (c *call) dataKeyCreate() (any, error) {
	ctx, err := c.keyContext()
	if err != nil {
		return nil, err
	}
	k := c.newObj("data_key", "data_key_")
	sum := sha256.Sum256([]byte("data_key:" + str(k["id"])))
	k["data_key"] = base64.StdEncoding.EncodeToString(sum[:])
	return c.storeDataKey(k, ctx), nil
}

// storeDataKey stores k under ctx and answers create_data_key's body.
func (c *call) storeDataKey(k Object, ctx map[string]any) map[string]any {
	k["context"] = ctx
	k["encrypted_keys"] = base64.StdEncoding.EncodeToString([]byte(dataKeyEnvelope + str(k["id"])))
	c.store.put("vault_data_keys", k)
	c.emit("vault.dek.read", map[string]any{"key_id": k["id"], "key_context": clone(ctx)}, str(ctx["organization_id"]))
	return map[string]any{"id": k["id"], "context": clone(ctx), "data_key": k["data_key"], "encrypted_keys": k["encrypted_keys"]}
}

// keyContext is the body's context: a non-empty object of strings.
func (c *call) keyContext() (map[string]any, error) {
	ctx, _ := c.body["context"].(map[string]any)
	if len(ctx) == 0 {
		return nil, errBody(http.StatusUnprocessableEntity, "invalid_request_parameters", "context must be a non-empty object, such as {\"organization_id\": \"org_...\"}.")
	}
	return clone(ctx).(map[string]any), nil
}

// dataKeyFor finds the stored key whose encrypted form is field of the body.
func (c *call) dataKeyFor(field string) (Object, error) {
	enc := c.bodyString(field)
	raw, err := base64.StdEncoding.DecodeString(enc)
	id, ok := strings.CutPrefix(string(raw), dataKeyEnvelope)
	if enc == "" || err != nil || !ok {
		return nil, badRequest("invalid_encrypted_keys", field+" is not an encrypted data key from vault_keys_create_data_key.")
	}
	k := c.store.get("vault_data_keys", id)
	if k == nil {
		return nil, badRequest("invalid_encrypted_keys", field+" names a data key this environment does not hold (was the emulator reset?).")
	}
	return k, nil
}

func (c *call) dataKeyDecrypt() (any, error) {
	k, err := c.dataKeyFor("keys")
	if err != nil {
		return nil, err
	}
	c.emit("vault.dek.decrypted", map[string]any{"key_id": k["id"]}, str(k["context"].(map[string]any)["organization_id"]))
	return map[string]any{"id": k["id"], "data_key": k["data_key"]}, nil
}

func (c *call) dataKeyRekey() (any, error) {
	old, err := c.dataKeyFor("encrypted_keys")
	if err != nil {
		return nil, err
	}
	ctx, err := c.keyContext()
	if err != nil {
		return nil, err
	}
	k := c.newObj("data_key", "data_key_")
	k["data_key"] = old["data_key"]
	return c.storeDataKey(k, ctx), nil
}
