//go:build race

package runtime_test

// raceDetector is true in `go test -race` builds, where the VM runs 5-10x
// slower and which limit fires first in a hostile script can change.
const raceDetector = true
