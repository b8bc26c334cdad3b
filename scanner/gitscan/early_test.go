package gitscan

import (
	"context"
	"sync"
	"testing"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/scanner"
)

// TestEarlyFindingsComeBeforeTheReplay: with run.Early set, each matched
// blob's findings are handed out while blobs are still being read (before
// the settled findings are emitted), attributed to the commit that
// introduced the blob.
func TestEarlyFindingsComeBeforeTheReplay(t *testing.T) {
	r := newTestRepo(t)
	s1, s2 := token(901), token(902)
	r.write("a.txt", "one "+s1+"\n")
	c1 := r.commit("first")
	r.write("a.txt", "one "+s1+"\nmore\n") // a second version holding s1
	r.commit("edit")
	r.write("b.txt", s2+"\n")
	c3 := r.commit("second secret")

	var mu sync.Mutex
	var events []string
	early := map[string]finding.Finding{}
	run := scanner.Options{Workers: 2, Early: func(f finding.Finding) {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, "early")
		if _, ok := early[f.Secret]; !ok || f.Commit == c1 {
			early[f.Secret] = f
		}
	}}
	var final []finding.Finding
	_, err := Scan(context.Background(), r.dir, matcher(t), run, &scanner.Counters{}, func(f finding.Finding) {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, "emit")
		final = append(final, f)
	}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(final) != 2 || len(events) < 4 {
		t.Fatalf("events %v, final %d", events, len(final))
	}
	for i, e := range events {
		if e == "emit" {
			for _, later := range events[i:] {
				if later == "early" {
					t.Fatalf("an early finding came after a settled one: %v", events)
				}
			}
			break
		}
	}
	if f := early[s1]; f.Commit != c1 || f.File != "a.txt" || f.Author == "" || f.Date == "" {
		t.Errorf("early s1: %+v", f)
	}
	if f := early[s2]; f.Commit != c3 || f.File != "b.txt" {
		t.Errorf("early s2: %+v", f)
	}
}
