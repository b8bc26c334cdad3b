package scanner

import (
	"strconv"
	"strings"
	"testing"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/rules"
)

// TestLongMatchOnLongLine: a single-line rule whose shortest match is longer
// than 256 bytes past its keyword is still found: such a rule's window is
// its keyword's whole line (up to maxWiden either side), since a match longer
// than a window finds nothing in it and so could never widen it. (Found by
// the hostile-input work; the differential fuzz rules all match within 256
// bytes.)
func TestLongMatchOnLongLine(t *testing.T) {
	for _, n := range []int{250, 300, 1000} {
		set, err := rules.Compile([]string{"test"}, &rules.File{Rules: []rules.RuleSpec{
			{ID: "long", Regex: `kwx_[a-z]{` + strconv.Itoa(n) + `}`},
		}})
		if err != nil {
			t.Fatal(err)
		}
		var found []finding.Finding
		data := []byte("value = kwx_" + strings.Repeat("q", n) + "\n")
		if err := NewMatcher(set).NewWorker().ScanBytes(data, "a.txt", func(f finding.Finding) { found = append(found, f) }); err != nil {
			t.Fatal(err)
		}
		if len(found) != 1 {
			t.Errorf("kwx_[a-z]{%d}: %d findings in kwx_ + %d letters, want 1", n, len(found), n)
		}
	}
}
