package main

import "github.com/spf13/cobra"

// failBeforeCall keeps call's promise of an envelope on stdout for every
// outcome: when the call cannot be made (unknown function, a bad argument,
// no credentials) it prints an error envelope naming the function, then
// returns err so that the message goes to stderr with its exit code.
func (o *CallOptions) failBeforeCall(cmd *cobra.Command, err error) error {
	code := exitCodeOf(err)
	if werr := writeFailureEnvelope(o.IO.Out, cmd, err, code, o.IO.IsStdoutTTY(), o.Name); werr != nil {
		return werr
	}
	return shown(err)
}
