//go:build race

package cmd

// raceEnabled: the tests run under the race detector.
const raceEnabled = true
