//go:build !race

package runtime_test

// raceDetector is false in ordinary builds (see race_on_test.go).
const raceDetector = false
