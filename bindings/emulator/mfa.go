package emulator

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// mfaHandlers are the handlers of MFA factors and challenges.
func mfaHandlers() map[string]handler {
	return map[string]handler{
		"authentication_factors_create":                 (*call).factorEnroll,
		"userland_user_authentication_factors_create_0": (*call).userFactorEnroll,
		"userland_user_authentication_factors_list_0":   (*call).userFactorList,
		"authentication_factors_get": func(c *call) (any, error) {
			return c.getOr404("authentication_factors", "Authentication Factor", c.pathParam("id"))
		},
		"authentication_factors_delete":    (*call).factorDelete,
		"authentication_factors_challenge": (*call).factorChallenge,
		"authentication_challenges_verify": (*call).challengeVerify,
	}
}

func totpCode(secret string, t time.Time) string {
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(secret))
	if err != nil {
		return ""
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(t.Unix()/30))
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	n := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", n%1000000)
}

// TOTPCode returns the current code for a TOTP secret (as enrolled by the
// emulator), so tests can verify challenges.
func TOTPCode(secret string, now time.Time) string { return totpCode(secret, now) }

func (c *call) newFactor(typ, userID string) (Object, error) {
	f := c.newObj("authentication_factor", "auth_factor_")
	f["type"] = typ
	if userID != "" {
		f["user_id"] = userID
	}
	switch typ {
	case "totp":
		sum := sha256.Sum256([]byte("totp:" + str(f["id"])))
		secret := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:20])
		if s := c.bodyString("totp_secret"); s != "" {
			secret = s
		}
		issuer, user := c.bodyString("totp_issuer"), c.bodyString("totp_user")
		if issuer == "" {
			issuer = "WorkOS"
		}
		uri := fmt.Sprintf("otpauth://totp/%s:%s?secret=%s&issuer=%s", url.PathEscape(issuer), url.PathEscape(user), secret, url.QueryEscape(issuer))
		f["totp"] = map[string]any{"issuer": issuer, "user": user, "secret": secret, "uri": uri,
			"qr_code": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="}
	case "sms":
		if c.bodyString("phone_number") == "" {
			return nil, required422("phone_number")
		}
		f["sms"] = map[string]any{"phone_number": c.bodyString("phone_number")}
	default:
		return nil, invalid("type", "invalid", fmt.Sprintf("Factor type '%s' is not supported; use totp or sms.", typ))
	}
	c.store.put("authentication_factors", f)
	c.emit("authentication_factor.created", f, "")
	return f, nil
}

func (c *call) factorEnroll() (any, error) {
	f, err := c.newFactor(c.bodyString("type"), c.bodyString("user_id"))
	if err != nil {
		return nil, err
	}
	return public(f), nil
}

func (c *call) userFactorEnroll() (any, error) {
	uid := c.pathParam("userlandUserId")
	if _, err := c.user(uid); err != nil {
		return nil, err
	}
	f, err := c.newFactor(c.bodyString("type"), uid)
	if err != nil {
		return nil, err
	}
	ch := c.newChallenge(f)
	return map[string]any{"authentication_factor": public(f), "authentication_challenge": public(ch)}, nil
}

func (c *call) userFactorList() (any, error) {
	if _, err := c.user(c.pathParam("userlandUserId")); err != nil {
		return nil, err
	}
	return c.simpleList("authentication_factors", where("user_id", c.pathParam("userlandUserId")))
}

func (c *call) factorDelete() (any, error) {
	f, err := c.lookup("authentication_factors", "Authentication Factor", c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	c.store.del("authentication_factors", c.pathParam("id"))
	c.emit("authentication_factor.deleted", f, "")
	c.status = http.StatusNoContent
	return nil, nil
}

func (c *call) newChallenge(f Object) Object {
	ch := c.newObj("authentication_challenge", "auth_challenge_")
	ch["authentication_factor_id"] = f["id"]
	ch["expires_at"] = ts(c.now.Add(10 * time.Minute))
	if f["type"] == "sms" {
		ch["code"] = code6(str(ch["id"]))
	}
	c.store.put("authentication_challenges", ch)
	c.emit("authentication_challenge.created", ch, "")
	return ch
}

func (c *call) factorChallenge() (any, error) {
	f, err := c.lookup("authentication_factors", "Authentication Factor", c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	return public(c.newChallenge(f)), nil
}

func (c *call) challengeVerify() (any, error) {
	ch, err := c.lookup("authentication_challenges", "Authentication Challenge", c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	f := c.store.get("authentication_factors", str(ch["authentication_factor_id"]))
	valid := c.codeMatches(f, ch, c.bodyString("code"))
	if valid && f != nil {
		f["_verified"] = true // a verified factor makes password sign-in ask for MFA
		c.store.dirty = true
	}
	c.status = http.StatusCreated
	ev := "authentication.mfa_failed"
	if valid {
		ev = "authentication.mfa_succeeded"
	}
	userID := any(nil)
	if f != nil && f["user_id"] != nil {
		userID = f["user_id"]
	}
	c.emit(ev, Object{"type": "mfa", "status": strings.TrimPrefix(ev, "authentication.mfa_"), "user_id": userID, "ip_address": nil, "user_agent": nil}, "")
	return map[string]any{"challenge": public(ch), "valid": valid}, nil
}

// codeMatches checks a challenge's code: a TOTP factor's current code (±30 s) or
// an SMS challenge's code.
func (c *call) codeMatches(f, ch Object, code string) bool {
	if code == "" {
		return false
	}
	if f != nil && f["type"] == "totp" {
		secret := str(f["totp"].(map[string]any)["secret"])
		for _, d := range []time.Duration{-30 * time.Second, 0, 30 * time.Second} {
			if totpCode(secret, c.now.Add(d)) == code {
				return true
			}
		}
		return false
	}
	return code == str(ch["code"])
}
