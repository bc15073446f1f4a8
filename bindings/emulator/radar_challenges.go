package emulator

import (
	"fmt"
	"time"
)

// radarChallengeHandlers are the handlers of Radar's challenges (send an SMS
// challenge, get a challenge) and of the update of a standalone attempt.
func radarChallengeHandlers() map[string]handler {
	return map[string]handler{
		"public_radar_challenges_send_radar_sms_challenge": (*call).radarChallengeSend,
		"public_radar_challenges_get":                      (*call).radarChallengeGet,
		"radar_standalone_update_radar_attempt":            (*call).radarAttemptUpdate,
	}
}

// radarChallengeSend stores a challenge for the user with a six-digit code that
// expires in 10 minutes; its id is the answer's verification_id. Nothing is sent.
func (c *call) radarChallengeSend() (any, error) {
	u, err := c.user(c.bodyString("user_id"))
	if err != nil {
		return nil, err
	}
	phone := c.bodyString("phone_number")
	if len(phone) < 8 || phone[0] != '+' {
		return nil, invalid("phone_number", "invalid", "phone_number must be in E.164 form, such as +15555550123.")
	}
	ch := c.newObj("radar_challenge", "radar_challenge_")
	// The spec's Radar Challenge object has type "email" only; the SMS challenge
	// is answered in that shape.
	ch["type"], ch["user_id"], ch["email"] = "email", u["id"], u["email"]
	ch["code"] = code6(str(ch["id"]))
	ch["expires_at"] = ts(c.now.Add(10 * time.Minute))
	ch["_phone_number"] = phone
	c.store.put("radar_challenges", ch)
	c.emit("radar_challenge.created", ch, "")
	return map[string]any{"verification_id": ch["id"], "phone_number": phone}, nil
}

func (c *call) radarChallengeGet() (any, error) {
	return c.getOr404("radar_challenges", "Radar Challenge", c.pathParam("id"))
}

// radarAttemptUpdate marks a stored assessment (from radar_standalone_assess) as
// a successful attempt or challenge.
func (c *call) radarAttemptUpdate() (any, error) {
	a, err := c.lookup("radar_attempts", "Radar attempt", c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	for _, f := range []string{"challenge_status", "attempt_status"} {
		if !c.bodyHas(f) {
			continue
		}
		if v := c.bodyString(f); v != "success" {
			return nil, badRequest("invalid_request_parameters", fmt.Sprintf("%s can only be set to \"success\", not %q.", f, v))
		}
		a[f] = "success"
	}
	c.touch(a)
	c.emit("radar.attempt_updated", a, "")
	return nil, nil
}
