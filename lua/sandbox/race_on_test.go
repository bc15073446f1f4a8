//go:build race

package sandbox

// slowdown scales test timeouts: the race detector makes the VM about 5-10x
// slower, and memory bombs must reach their limit before the timeout.
const slowdown = 8
