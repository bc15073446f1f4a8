package emulator

import "time"

// widgetHandlers are the handlers of widget session tokens.
func widgetHandlers() map[string]handler {
	return map[string]handler{
		"widgets_public_issue_widget_session_token": (*call).widgetToken,
	}
}

func (c *call) widgetToken() (any, error) {
	claims := map[string]any{"iss": "https://api.workos.com", "aud": "widgets", "iat": c.now.Unix(), "exp": c.now.Add(time.Hour).Unix(), "scopes": strs(c.body["scopes"])}
	if org := c.bodyString("organization_id"); org != "" {
		if _, err := c.org(org); err != nil {
			return nil, err
		}
		claims["org_id"] = org
	}
	if uid := c.bodyString("user_id"); uid != "" {
		if _, err := c.user(uid); err != nil {
			return nil, err
		}
		claims["sub"] = uid
	}
	c.emit("widget_session_token.issued", Object{"organization_id": claims["org_id"], "user_id": claims["sub"]}, str(c.bodyString("organization_id")))
	return map[string]any{"token": jwt(claims)}, nil
}
