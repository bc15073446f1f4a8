package emulator

import (
	"fmt"
	"strings"
	"time"
)

// userCodeHandlers are the handlers of the codes and links sent to users: email
// change, email verification, password reset and magic auth.
func userCodeHandlers() map[string]handler {
	return map[string]handler{
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
	}
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
		return nil, badRequest("email_change_code_incorrect", "The email change code is incorrect; send a new one with userland_users_send_email_change.")
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
		return nil, badRequest("email_verification_code_incorrect", "The email verification code is incorrect; send a new one with userland_users_send_verification_email_0.")
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
		// The spec's 400 body for this operation requires errors.
		return nil, badRequest("password_reset_error", "The password reset token is invalid or expired; create a new one with userland_users_create_password_reset_token.").
			with("errors", []any{})
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
