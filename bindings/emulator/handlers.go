package emulator

// buildHandlers merges every resource group's operation handlers. Operations
// without a handler answer with a response synthesised from their schema.
func buildHandlers() map[string]handler {
	out := map[string]handler{}
	for _, group := range []map[string]handler{
		orgHandlers(),
		userHandlers(),
		memberHandlers(),
		authzHandlers(),
		groupFlagHandlers(),
		miscHandlers(),
		authHandlers(),
		vaultHandlers(),
	} {
		for k, v := range group {
			out[k] = v
		}
	}
	return out
}

func (e *Emulator) handlerFor(name string) handler { return e.handlers[name] }
