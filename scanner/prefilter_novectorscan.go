//go:build !vectorscan

package scanner

// vsPrefilter is the Vectorscan keyword prefilter of the vectorscan build;
// the default build has none and runs the Go automaton alone.
type vsPrefilter struct{}

func newVectorscan([]string, []int) *vsPrefilter { return nil }

func (*vsPrefilter) find(_ []byte, hits []hit) ([]hit, bool) { return hits, false }
