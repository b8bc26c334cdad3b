package gitscan

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

func TestPackOrderFromReverseIndex(t *testing.T) {
	r, _ := branchyHistory(t)
	r.git("-c", "pack.writeReverseIndex=true", "repack", "-adq")
	revs, _ := filepath.Glob(filepath.Join(r.dir, ".git", "objects", "pack", "*.rev"))
	if len(revs) != 1 {
		t.Skip("git wrote no reverse index")
	}
	order := func() ([]int64, []int32) {
		db, err := openODB(filepath.Join(r.dir, ".git", "objects"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.close()
		p := db.packs[0]
		offs, pos, err := p.byOffset()
		if err != nil {
			t.Fatal(err)
		}
		if !slices.IsSorted(offs) || len(offs) != p.idx.n {
			t.Fatalf("offsets not in pack order: %v", offs)
		}
		for i, j := range pos {
			if off, _ := p.idx.offsetAt(int(j)); off != offs[i] {
				t.Fatalf("object %d: position %d has offset %d, not %d", i, j, off, offs[i])
			}
		}
		return offs, pos
	}
	wantOffs, wantPos := order()
	data, err := os.ReadFile(revs[0])
	if err != nil {
		t.Fatal(err)
	}
	// A reverse index that does not match the pack is not trusted.
	for name, bad := range map[string][]byte{
		"swapped":   swapEntries(data),
		"truncated": data[:len(data)-1],
		"no magic":  append([]byte("XXXX"), data[4:]...),
	} {
		if err := os.WriteFile(revs[0], bad, 0o644); err != nil {
			t.Fatal(err)
		}
		offs, pos := order()
		if !reflect.DeepEqual(offs, wantOffs) || !reflect.DeepEqual(pos, wantPos) {
			t.Errorf("%s reverse index: order differs", name)
		}
	}
	if err := os.Remove(revs[0]); err != nil {
		t.Fatal(err)
	}
	if offs, _ := order(); !reflect.DeepEqual(offs, wantOffs) {
		t.Error("order differs without a reverse index")
	}
}

// swapEntries swaps a reverse index's first two positions.
func swapEntries(rev []byte) []byte {
	b := append([]byte(nil), rev...)
	copy(b[12:16], rev[16:20])
	copy(b[16:20], rev[12:16])
	return b
}
