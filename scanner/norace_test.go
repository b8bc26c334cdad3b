//go:build !race

package scanner

// raceStride: see race_test.go.
const raceStride = 1
