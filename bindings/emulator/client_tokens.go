package emulator

import "time"

// clientTokenHandlers issue tokens for WorkOS's client API: short-lived JWTs
// (signed like access tokens, so the JWKS verifies them) scoped to a user and an
// organization that must exist.
func clientTokenHandlers() map[string]handler {
	return map[string]handler{
		"client_api_token_issue_client_api_token": func(c *call) (any, error) {
			u, err := c.user(c.bodyString("user_id"))
			if err != nil {
				return nil, err
			}
			o, err := c.org(c.bodyString("organization_id"))
			if err != nil {
				return nil, err
			}
			return map[string]any{"token": jwt(map[string]any{"iss": "https://api.workos.com", "sub": u["id"], "org_id": o["id"],
				"aud": "client_api", "iat": c.now.Unix(), "exp": c.now.Add(10 * time.Minute).Unix()})}, nil
		},
	}
}
