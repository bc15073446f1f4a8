//go:build race

package main

// raceEnabled: the test binary runs under the race detector, so the servers
// it starts are built with it too.
const raceEnabled = true
