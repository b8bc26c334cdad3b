//go:build vectorscan && !cgo

package scanner

// The vectorscan build links the Vectorscan (or Hyperscan) library through
// cgo: build it with CGO_ENABLED=1 and libvectorscan-dev installed.
var _ = vectorscan_build_needs_cgo_and_libvectorscan_dev
