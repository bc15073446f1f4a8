//go:build !race

package sandbox

// slowdown scales test timeouts (see race_on_test.go).
const slowdown = 1
