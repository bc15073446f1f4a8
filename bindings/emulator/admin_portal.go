package emulator

// adminPortalHandlers are the handlers of Admin Portal links.
func adminPortalHandlers() map[string]handler {
	return map[string]handler{
		"portal_sessions_create": (*call).portalLink,
	}
}

func (c *call) portalLink() (any, error) {
	org := c.bodyString("organization")
	if _, err := c.org(org); err != nil {
		return nil, err
	}
	intent := c.bodyString("intent")
	if intent == "" {
		intent = "sso"
	}
	id := c.store.newID("portal_", c.now)
	c.emit("portal_link.created", Object{"organization_id": org, "intent": intent}, org)
	return map[string]any{"link": "https://setup.workos.com/portal/launch?secret=" + token(id) + "&intent=" + intent}, nil
}
