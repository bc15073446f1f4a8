package emulator

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

func userHandlers() map[string]handler {
	return map[string]handler{
		"userland_users_list_0":                               (*call).userList,
		"userland_users_create_0":                             (*call).userCreate,
		"userland_users_get_by_external_id":                   (*call).userByExternalID,
		"userland_users_get_0":                                (*call).userGet,
		"userland_users_update_0":                             (*call).userUpdate,
		"userland_users_delete_0":                             (*call).userDelete,
		"userland_users_send_email_change":                    (*call).emailChangeSend,
		"userland_users_confirm_email_change":                 (*call).emailChangeConfirm,
		"userland_users_send_verification_email_0":            (*call).verificationSend,
		"userland_users_email_verification_0":                 (*call).verificationConfirm,
		"userland_users_get_email_verification":               (*call).verificationGet,
		"userland_users_create_password_reset_token":          (*call).passwordResetCreate,
		"userland_users_get_password_reset":                   (*call).passwordResetGet,
		"userland_users_reset_password_0":                     (*call).passwordResetConfirm,
		"userland_magic_auth_send_magic_auth_code_and_return": (*call).magicAuthSend,
		"userland_magic_auth_get":                             (*call).magicAuthGet,
		"userland_user_identities_get": func(c *call) (any, error) {
			if _, err := c.user(c.pathParam("id")); err != nil {
				return nil, err
			}
			return []any{}, nil
		},
		"userland_user_sessions_list":      (*call).sessionList,
		"userland_sessions_revoke_session": (*call).sessionRevoke,
	}
}

func (c *call) user(id string) (Object, error) {
	return c.lookup("users", "User", id)
}

func (c *call) userByEmail(email string) Object {
	email = strings.ToLower(email)
	return c.store.find("users", func(o Object) bool { return strings.ToLower(str(o["email"])) == email })
}

// hashPassword is a salted SHA-256 (the emulator is not a password store).
func hashPassword(id, pw string) string {
	sum := sha256.Sum256([]byte(id + ":" + pw))
	return hex.EncodeToString(sum[:])
}

// code6 derives a deterministic six-digit code from an id.
func code6(id string) string {
	sum := sha256.Sum256([]byte("code:" + id))
	n := (uint32(sum[0])<<16 | uint32(sum[1])<<8 | uint32(sum[2])) % 1000000
	return fmt.Sprintf("%06d", n)
}

func token(id string) string {
	sum := sha256.Sum256([]byte("token:" + id))
	return hex.EncodeToString(sum[:12])
}

func (c *call) userList() (any, error) {
	org := c.queryParam("organization_id")
	if org == "" {
		org = c.queryParam("organization")
	}
	email := strings.ToLower(c.queryParam("email"))
	var members map[string]bool
	if org != "" {
		members = map[string]bool{}
		for _, m := range c.store.filter("organization_memberships", where("organization_id", org)) {
			members[str(m["user_id"])] = true
		}
	}
	items := c.store.filter("users", func(o Object) bool {
		if email != "" && strings.ToLower(str(o["email"])) != email {
			return false
		}
		return members == nil || members[str(o["id"])]
	})
	return c.page(items, nil)
}

func (c *call) newUser(email string) Object {
	u := c.newObj("user", "user_")
	u["email"] = strings.ToLower(email)
	u["email_verified"] = false
	u["first_name"] = nil
	u["last_name"] = nil
	u["profile_picture_url"] = nil
	u["last_sign_in_at"] = nil
	u["external_id"] = nil
	u["metadata"] = map[string]any{}
	u["locale"] = nil
	return u
}

func (c *call) userCreate() (any, error) {
	email := c.bodyString("email")
	if !strings.Contains(email, "@") {
		return nil, invalid("email", "invalid", fmt.Sprintf("'%s' is not a valid email address.", email))
	}
	if c.userByEmail(email) != nil {
		return nil, conflict("email_not_available", fmt.Sprintf("A user with email '%s' already exists.", strings.ToLower(email)))
	}
	if ext := c.bodyString("external_id"); ext != "" && c.store.find("users", where("external_id", ext)) != nil {
		return nil, conflict("external_id_not_available", fmt.Sprintf("A user with external_id '%s' already exists.", ext))
	}
	u := c.newUser(email)
	c.copyFields(u, "first_name", "last_name", "email_verified", "external_id", "metadata")
	if u["metadata"] == nil {
		u["metadata"] = map[string]any{}
	}
	if pw := c.bodyString("password"); pw != "" {
		u["_password"] = hashPassword(str(u["id"]), pw)
	}
	c.store.put("users", u)
	c.emit("user.created", u, "")
	return public(u), nil
}

func (c *call) userByExternalID() (any, error) {
	u := c.store.find("users", where("external_id", c.pathParam("external_id")))
	if u == nil {
		return nil, notFound("User with external_id", c.pathParam("external_id"))
	}
	return public(u), nil
}

func (c *call) userGet() (any, error) {
	u, err := c.user(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	return public(u), nil
}

func (c *call) userUpdate() (any, error) {
	u, err := c.user(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	if e := c.bodyString("email"); e != "" {
		if other := c.userByEmail(e); other != nil && str(other["id"]) != str(u["id"]) {
			return nil, conflict("email_not_available", fmt.Sprintf("A user with email '%s' already exists.", strings.ToLower(e)))
		}
		u["email"] = strings.ToLower(e)
	}
	c.copyFields(u, "first_name", "last_name", "email_verified", "external_id", "metadata", "locale")
	if pw := c.bodyString("password"); pw != "" {
		u["_password"] = hashPassword(str(u["id"]), pw)
	}
	c.touch(u)
	c.emit("user.updated", u, "")
	return public(u), nil
}

func (c *call) userDelete() (any, error) {
	u, err := c.user(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	id := str(u["id"])
	for _, kind := range []string{"organization_memberships", "sessions", "api_keys", "authentication_factors"} {
		for _, x := range c.store.filter(kind, where("user_id", id)) {
			c.store.del(kind, str(x["id"]))
		}
	}
	c.store.del("users", id)
	c.emit("user.deleted", u, "")
	return nil, nil
}

func (c *call) emailChangeSend() (any, error) {
	u, err := c.user(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	ne := strings.ToLower(c.bodyString("new_email"))
	if other := c.userByEmail(ne); other != nil {
		return nil, conflict("email_not_available", fmt.Sprintf("A user with email '%s' already exists.", ne))
	}
	id := c.store.newID("email_change_", c.now)
	ch := Object{"object": "email_change", "user": public(u), "new_email": ne, "code": code6(id),
		"expires_at": ts(c.now.Add(15 * time.Minute)), "created_at": ts(c.now)}
	u["_email_change"] = ch
	c.touch(u)
	c.emit("email_change.created", ch, "")
	return ch, nil
}

func (c *call) emailChangeConfirm() (any, error) {
	u, err := c.user(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	ch, _ := u["_email_change"].(map[string]any)
	if ch == nil || str(ch["code"]) != c.bodyString("code") {
		return nil, badRequest("email_change_code_invalid", "The email change code is invalid or expired; send a new one with userland_users_send_email_change.")
	}
	u["email"] = ch["new_email"]
	u["email_verified"] = true
	delete(u, "_email_change")
	c.touch(u)
	c.emit("user.updated", u, "")
	return map[string]any{"object": "email_change_confirmation", "user": public(u)}, nil
}

func (c *call) verificationSend() (any, error) {
	u, err := c.user(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	v := c.newObj("email_verification", "email_verification_")
	v["user_id"] = u["id"]
	v["email"] = u["email"]
	v["code"] = code6(str(v["id"]))
	v["expires_at"] = ts(c.now.Add(10 * time.Minute))
	c.store.put("email_verifications", v)
	c.emit("email_verification.created", v, "")
	return map[string]any{"user": public(u)}, nil
}

func (c *call) verificationConfirm() (any, error) {
	u, err := c.user(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	v := c.store.find("email_verifications", where("user_id", str(u["id"]), "code", c.bodyString("code")))
	if v == nil {
		return nil, badRequest("email_verification_code_invalid", "The email verification code is invalid; send a new one with userland_users_send_verification_email_0.")
	}
	u["email_verified"] = true
	c.touch(u)
	c.store.del("email_verifications", str(v["id"]))
	c.emit("user.updated", u, "")
	return map[string]any{"user": public(u)}, nil
}

func (c *call) verificationGet() (any, error) {
	return c.getOr404("email_verifications", "Email Verification", c.pathParam("id"))
}

func (c *call) passwordResetCreate() (any, error) {
	u := c.userByEmail(c.bodyString("email"))
	if u == nil {
		return nil, notFound("User with email", c.bodyString("email"))
	}
	pr := c.newObj("password_reset", "password_reset_")
	tok := token(str(pr["id"]))
	pr["user_id"] = u["id"]
	pr["email"] = u["email"]
	pr["password_reset_token"] = tok
	pr["password_reset_url"] = "https://auth.example.com/reset-password?token=" + tok
	pr["expires_at"] = ts(c.now.Add(time.Hour))
	c.store.put("password_resets", pr)
	c.emit("password_reset.created", pr, "")
	return public(pr), nil
}

func (c *call) passwordResetGet() (any, error) {
	return c.getOr404("password_resets", "Password Reset", c.pathParam("id"))
}

func (c *call) passwordResetConfirm() (any, error) {
	pr := c.store.find("password_resets", where("password_reset_token", c.bodyString("token")))
	if pr == nil {
		return nil, badRequest("password_reset_error", "The password reset token is invalid or expired; create a new one with userland_users_create_password_reset_token.")
	}
	u, err := c.user(str(pr["user_id"]))
	if err != nil {
		return nil, err
	}
	u["_password"] = hashPassword(str(u["id"]), c.bodyString("new_password"))
	c.touch(u)
	c.store.del("password_resets", str(pr["id"]))
	c.emit("password_reset.succeeded", pr, "")
	return map[string]any{"user": public(u)}, nil
}

func (c *call) magicAuthSend() (any, error) {
	email := strings.ToLower(c.bodyString("email"))
	if !strings.Contains(email, "@") {
		return nil, invalid("email", "invalid", fmt.Sprintf("'%s' is not a valid email address.", email))
	}
	u := c.userByEmail(email)
	if u == nil {
		// WorkOS signs unknown emails up: the user exists from the first code on.
		u = c.newUser(email)
		c.store.put("users", u)
		c.emit("user.created", u, "")
	}
	ma := c.newObj("magic_auth", "magic_auth_")
	ma["user_id"] = u["id"]
	ma["email"] = email
	ma["code"] = code6(str(ma["id"]))
	ma["expires_at"] = ts(c.now.Add(10 * time.Minute))
	c.store.put("magic_auths", ma)
	c.emit("magic_auth.created", ma, "")
	return public(ma), nil
}

func (c *call) magicAuthGet() (any, error) {
	return c.getOr404("magic_auths", "Magic Auth", c.pathParam("id"))
}

func (c *call) sessionList() (any, error) {
	if _, err := c.user(c.pathParam("id")); err != nil {
		return nil, err
	}
	return c.page(c.store.filter("sessions", where("user_id", c.pathParam("id"))), nil)
}

func (c *call) sessionRevoke() (any, error) {
	s, err := c.lookup("sessions", "Session", c.bodyString("session_id"))
	if err != nil {
		return nil, err
	}
	s["status"] = "revoked"
	s["ended_at"] = ts(c.now)
	delete(s, "_refresh_token")
	c.touch(s)
	c.emit("session.revoked", s, str(s["organization_id"]))
	return nil, nil
}
