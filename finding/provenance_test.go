package finding

import (
	"reflect"
	"testing"
)

func TestProvenance(t *testing.T) {
	for _, tc := range []struct {
		f          Finding
		want       Provenance
		wantMember string
	}{
		{Finding{File: "src/app.go"}, Provenance{File: "src/app.go", Members: []string{}}, ""},
		{Finding{File: "go.sum"}, Provenance{File: "go.sum", Members: []string{}}, ""},
		{Finding{File: "a.zip!b.tar.gz!c/.env", Repository: "r", Commit: "abc"},
			Provenance{Repository: "r", Commit: "abc", File: "a.zip", Members: []string{"b.tar.gz", "c/.env"}}, "b.tar.gz!c/.env"},
	} {
		got := tc.f.Provenance()
		if !reflect.DeepEqual(got, tc.want) || got.Member() != tc.wantMember {
			t.Errorf("%q: got %+v (member %q), want %+v (member %q)", tc.f.File, got, got.Member(), tc.want, tc.wantMember)
		}
	}
}
