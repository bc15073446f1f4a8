package emulator

// buildHandlers merges every resource group's operation handlers. Operations
// without a handler answer with a response synthesised from their schema.
func buildHandlers() map[string]handler {
	out := map[string]handler{}
	for _, group := range []map[string]handler{
		organizationHandlers(),
		organizationDomainHandlers(),
		userHandlers(),
		userCodeHandlers(),
		membershipHandlers(),
		invitationHandlers(),
		permissionHandlers(),
		roleHandlers(),
		resourceHandlers(),
		roleAssignmentHandlers(),
		permissionGraphHandlers(),
		groupHandlers(),
		featureFlagHandlers(),
		apiKeyHandlers(),
		environmentSettingHandlers(),
		connectApplicationHandlers(),
		auditLogHandlers(),
		eventHandlers(),
		directoryHandlers(),
		connectionHandlers(),
		adminPortalHandlers(),
		authenticateHandlers(),
		ssoHandlers(),
		deviceAuthorizationHandlers(),
		mfaHandlers(),
		radarHandlers(),
		widgetHandlers(),
		vaultHandlers(),
		vaultKeyHandlers(),
		jwksHandlers(),
		authorizedApplicationHandlers(),
		ssoLogoutHandlers(),
		clientTokenHandlers(),
		radarChallengeHandlers(),
		dataIntegrationHandlers(),
		connectedAccountHandlers(),
	} {
		for k, v := range group {
			out[k] = v
		}
	}
	return out
}

func (e *Emulator) handlerFor(name string) handler { return e.handlers[name] }

// lookup returns the stored object of kind with id, or WorkOS's 404 naming it as what.
func (c *call) lookup(kind, what, id string) (Object, error) {
	o := c.store.get(kind, id)
	if o == nil {
		return nil, notFound(what, id)
	}
	return o, nil
}

// getOr404 answers a get: the object's public fields, or a 404.
func (c *call) getOr404(kind, what, id string) (any, error) {
	o, err := c.lookup(kind, what, id)
	if err != nil {
		return nil, err
	}
	return public(o), nil
}

// simpleList answers a list: one page of the objects of kind matching pred (nil: all).
func (c *call) simpleList(kind string, pred func(Object) bool) (any, error) {
	return c.page(c.store.filter(kind, pred), nil)
}

// simpleDelete answers a delete by the "id" path parameter and records event.
func (c *call) simpleDelete(kind, what, event string) (any, error) {
	o, err := c.lookup(kind, what, c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	c.store.del(kind, str(o["id"]))
	c.emit(event, o, str(o["organization_id"]))
	return nil, nil
}
