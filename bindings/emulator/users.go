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
		"userland_user_identities_get": func(c *call) any {
			if _, err := c.user(c.p("id")); err != nil {
				return err
			}
			return []any{}
		},
		"userland_user_sessions_list":      (*call).sessionList,
		"userland_sessions_revoke_session": (*call).sessionRevoke,
	}
}

func (c *call) user(id string) (Object, *apiError) {
	u := c.st.get("users", id)
	if u == nil {
		return nil, notFound("User", id)
	}
	return u, nil
}

func (c *call) userByEmail(email string) Object {
	email = strings.ToLower(email)
	return c.st.find("users", func(o Object) bool { return strings.ToLower(str(o["email"])) == email })
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

func (c *call) userList() any {
	org := c.q.Get("organization_id")
	if org == "" {
		org = c.q.Get("organization")
	}
	email := strings.ToLower(c.q.Get("email"))
	var members map[string]bool
	if org != "" {
		members = map[string]bool{}
		for _, m := range c.st.filter("organization_memberships", where("organization_id", org)) {
			members[str(m["user_id"])] = true
		}
	}
	items := c.st.filter("users", func(o Object) bool {
		if email != "" && strings.ToLower(str(o["email"])) != email {
			return false
		}
		return members == nil || members[str(o["id"])]
	})
	out, err := c.page(items, nil)
	if err != nil {
		return err
	}
	return out
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

func (c *call) userCreate() any {
	email := c.s("email")
	if !strings.Contains(email, "@") {
		return invalid("email", "invalid", fmt.Sprintf("'%s' is not a valid email address.", email))
	}
	if c.userByEmail(email) != nil {
		return conflict("email_not_available", fmt.Sprintf("A user with email '%s' already exists.", strings.ToLower(email)))
	}
	if ext := c.s("external_id"); ext != "" && c.st.find("users", where("external_id", ext)) != nil {
		return conflict("external_id_not_available", fmt.Sprintf("A user with external_id '%s' already exists.", ext))
	}
	u := c.newUser(email)
	c.copyFields(u, "first_name", "last_name", "email_verified", "external_id", "metadata")
	if u["metadata"] == nil {
		u["metadata"] = map[string]any{}
	}
	if pw := c.s("password"); pw != "" {
		u["_password"] = hashPassword(str(u["id"]), pw)
	}
	c.st.put("users", u)
	c.emit("user.created", u, "")
	return public(u)
}

func (c *call) userByExternalID() any {
	u := c.st.find("users", where("external_id", c.p("external_id")))
	if u == nil {
		return notFound("User with external_id", c.p("external_id"))
	}
	return public(u)
}

func (c *call) userGet() any {
	u, err := c.user(c.p("id"))
	if err != nil {
		return err
	}
	return public(u)
}

func (c *call) userUpdate() any {
	u, err := c.user(c.p("id"))
	if err != nil {
		return err
	}
	if e := c.s("email"); e != "" {
		if other := c.userByEmail(e); other != nil && str(other["id"]) != str(u["id"]) {
			return conflict("email_not_available", fmt.Sprintf("A user with email '%s' already exists.", strings.ToLower(e)))
		}
		u["email"] = strings.ToLower(e)
	}
	c.copyFields(u, "first_name", "last_name", "email_verified", "external_id", "metadata", "locale")
	if pw := c.s("password"); pw != "" {
		u["_password"] = hashPassword(str(u["id"]), pw)
	}
	c.touch(u)
	c.emit("user.updated", u, "")
	return public(u)
}

func (c *call) userDelete() any {
	u, err := c.user(c.p("id"))
	if err != nil {
		return err
	}
	id := str(u["id"])
	for _, kind := range []string{"organization_memberships", "sessions", "api_keys", "authentication_factors"} {
		for _, x := range c.st.filter(kind, where("user_id", id)) {
			c.st.del(kind, str(x["id"]))
		}
	}
	c.st.del("users", id)
	c.emit("user.deleted", u, "")
	return nil
}

func (c *call) emailChangeSend() any {
	u, err := c.user(c.p("id"))
	if err != nil {
		return err
	}
	ne := strings.ToLower(c.s("new_email"))
	if other := c.userByEmail(ne); other != nil {
		return conflict("email_not_available", fmt.Sprintf("A user with email '%s' already exists.", ne))
	}
	id := c.st.newID("email_change_", c.now)
	ch := Object{"object": "email_change", "user": public(u), "new_email": ne, "code": code6(id),
		"expires_at": ts(c.now.Add(15 * time.Minute)), "created_at": ts(c.now)}
	u["_email_change"] = ch
	c.touch(u)
	c.emit("email_change.created", ch, "")
	return ch
}

func (c *call) emailChangeConfirm() any {
	u, err := c.user(c.p("id"))
	if err != nil {
		return err
	}
	ch, _ := u["_email_change"].(map[string]any)
	if ch == nil || str(ch["code"]) != c.s("code") {
		return badRequest("email_change_code_invalid", "The email change code is invalid or expired; send a new one with userland_users_send_email_change.")
	}
	u["email"] = ch["new_email"]
	u["email_verified"] = true
	delete(u, "_email_change")
	c.touch(u)
	c.emit("user.updated", u, "")
	return map[string]any{"object": "email_change_confirmation", "user": public(u)}
}

func (c *call) verificationSend() any {
	u, err := c.user(c.p("id"))
	if err != nil {
		return err
	}
	v := c.newObj("email_verification", "email_verification_")
	v["user_id"] = u["id"]
	v["email"] = u["email"]
	v["code"] = code6(str(v["id"]))
	v["expires_at"] = ts(c.now.Add(10 * time.Minute))
	c.st.put("email_verifications", v)
	c.emit("email_verification.created", v, "")
	return map[string]any{"user": public(u)}
}

func (c *call) verificationConfirm() any {
	u, err := c.user(c.p("id"))
	if err != nil {
		return err
	}
	v := c.st.find("email_verifications", where("user_id", str(u["id"]), "code", c.s("code")))
	if v == nil {
		return badRequest("email_verification_code_invalid", "The email verification code is invalid; send a new one with userland_users_send_verification_email_0.")
	}
	u["email_verified"] = true
	c.touch(u)
	c.st.del("email_verifications", str(v["id"]))
	c.emit("user.updated", u, "")
	return map[string]any{"user": public(u)}
}

func (c *call) verificationGet() any {
	v := c.st.get("email_verifications", c.p("id"))
	if v == nil {
		return notFound("Email Verification", c.p("id"))
	}
	return public(v)
}

func (c *call) passwordResetCreate() any {
	u := c.userByEmail(c.s("email"))
	if u == nil {
		return notFound("User with email", c.s("email"))
	}
	pr := c.newObj("password_reset", "password_reset_")
	tok := token(str(pr["id"]))
	pr["user_id"] = u["id"]
	pr["email"] = u["email"]
	pr["password_reset_token"] = tok
	pr["password_reset_url"] = "https://auth.example.com/reset-password?token=" + tok
	pr["expires_at"] = ts(c.now.Add(time.Hour))
	c.st.put("password_resets", pr)
	c.emit("password_reset.created", pr, "")
	return public(pr)
}

func (c *call) passwordResetGet() any {
	pr := c.st.get("password_resets", c.p("id"))
	if pr == nil {
		return notFound("Password Reset", c.p("id"))
	}
	return public(pr)
}

func (c *call) passwordResetConfirm() any {
	pr := c.st.find("password_resets", where("password_reset_token", c.s("token")))
	if pr == nil {
		return badRequest("password_reset_error", "The password reset token is invalid or expired; create a new one with userland_users_create_password_reset_token.")
	}
	u, err := c.user(str(pr["user_id"]))
	if err != nil {
		return err
	}
	u["_password"] = hashPassword(str(u["id"]), c.s("new_password"))
	c.touch(u)
	c.st.del("password_resets", str(pr["id"]))
	c.emit("password_reset.succeeded", pr, "")
	return map[string]any{"user": public(u)}
}

func (c *call) magicAuthSend() any {
	email := strings.ToLower(c.s("email"))
	if !strings.Contains(email, "@") {
		return invalid("email", "invalid", fmt.Sprintf("'%s' is not a valid email address.", email))
	}
	u := c.userByEmail(email)
	if u == nil {
		// WorkOS signs unknown emails up: the user exists from the first code on.
		u = c.newUser(email)
		c.st.put("users", u)
		c.emit("user.created", u, "")
	}
	ma := c.newObj("magic_auth", "magic_auth_")
	ma["user_id"] = u["id"]
	ma["email"] = email
	ma["code"] = code6(str(ma["id"]))
	ma["expires_at"] = ts(c.now.Add(10 * time.Minute))
	c.st.put("magic_auths", ma)
	c.emit("magic_auth.created", ma, "")
	return public(ma)
}

func (c *call) magicAuthGet() any {
	ma := c.st.get("magic_auths", c.p("id"))
	if ma == nil {
		return notFound("Magic Auth", c.p("id"))
	}
	return public(ma)
}

func (c *call) sessionList() any {
	if _, err := c.user(c.p("id")); err != nil {
		return err
	}
	out, err := c.page(c.st.filter("sessions", where("user_id", c.p("id"))), nil)
	if err != nil {
		return err
	}
	return out
}

func (c *call) sessionRevoke() any {
	s := c.st.get("sessions", c.s("session_id"))
	if s == nil {
		return notFound("Session", c.s("session_id"))
	}
	s["status"] = "revoked"
	s["ended_at"] = ts(c.now)
	delete(s, "_refresh_token")
	c.touch(s)
	c.emit("session.revoked", s, str(s["organization_id"]))
	return nil
}
