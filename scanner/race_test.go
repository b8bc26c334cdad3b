//go:build race

package scanner

// raceStride: under the race detector (10–20× slower) the tests that check
// every built-in rule check every raceStride-th one; the plain `go test`
// run checks them all. The race run is there for data races, which a few
// rules exercise as well as all of them.
const raceStride = 8
