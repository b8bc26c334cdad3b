package gitscan

import (
	"reflect"
	"strconv"
	"testing"
	"time"
)

func TestPathspec(t *testing.T) {
	tests := []struct {
		specs []string
		path  string
		want  bool
	}{
		{[]string{"src"}, "src/a.go", true},
		{[]string{"src/"}, "src/deep/a.go", true},
		{[]string{"src"}, "srcx/a.go", false},
		{[]string{"src/a.go"}, "src/a.go", true},
		{[]string{"."}, "anything/at/all", true},
		{[]string{"*.md"}, "docs/deep/x.md", true}, // * crosses '/', as in git
		{[]string{"*.md"}, "docs/x.mdx", false},
		{[]string{"docs/*"}, "docs/a/b.txt", true},
		{[]string{"conf/?.env"}, "conf/a.env", true},
		{[]string{"conf/[ab].env"}, "conf/c.env", false},
		{[]string{"conf/[!ab].env"}, "conf/c.env", true},
		{[]string{"vendor*"}, "vendor/x/y.go", true}, // a directory the pattern matches
		{[]string{":!vendor"}, "src/a.go", true},
		{[]string{":!vendor"}, "vendor/a.go", false},
		{[]string{":^vendor"}, "vendor/a.go", false},
		{[]string{"src", ":(exclude)src/gen"}, "src/gen/x.go", false},
		{[]string{"src", ":(exclude)src/gen"}, "src/x.go", true},
		{[]string{"src", ":(exclude)src/gen"}, "docs/x.go", false},
		{[]string{"a", "b"}, "b/x", true},
	}
	for _, tt := range tests {
		ps, err := parsePathspec(tt.specs)
		if err != nil {
			t.Fatalf("%q: %v", tt.specs, err)
		}
		if got := ps.match(tt.path); got != tt.want {
			t.Errorf("%q matches %s = %v, want %v", tt.specs, tt.path, got, tt.want)
		}
	}
	for _, bad := range []string{":(icase)x", ":(top)x", "a[b"} {
		if _, err := parsePathspec([]string{bad}); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// Since, Until and Paths report the secrets added by the selected commits
// at the selected paths, reading the whole history: a secret older than the
// selection is not new because a selected commit edits its file.
func TestScanSelective(t *testing.T) {
	r := newTestRepo(t)
	s := make([]string, 7)
	for i := range s {
		s[i] = token(int64(900 + i))
	}
	when := func() time.Time {
		n, err := strconv.ParseInt(r.git("show", "-s", "--format=%ct", "HEAD"), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		return time.Unix(n, 0)
	}
	r.write("a.txt", "one "+s[1]+"\n")
	r.write("docs/x.md", "two "+s[2]+"\n")
	r.commit("c1")
	t1 := when()
	r.write("a.txt", "one "+s[1]+"\nthree "+s[3]+"\n") // edits a.txt, keeps s1
	r.commit("c2")
	t2 := when()
	r.write("src/b.go", "four "+s[4]+"\n")
	r.write("docs/x.md", "gone\n")
	r.commit("c3")
	t3 := when()
	r.write("docs/y.md", "two again "+s[2]+"\n")
	r.write("vendor/v.txt", "five "+s[5]+"\n")
	r.commit("c4")

	tests := []struct {
		name string
		o    Options
		want []string // secrets by index, each "file:index"
	}{
		{"everything", Options{}, []string{"a.txt:1", "a.txt:3", "docs/x.md:2", "docs/y.md:2", "src/b.go:4", "vendor/v.txt:5"}},
		{"since c2", Options{Since: t2}, []string{"a.txt:3", "docs/y.md:2", "src/b.go:4", "vendor/v.txt:5"}},
		{"until c2", Options{Until: t2}, []string{"a.txt:1", "a.txt:3", "docs/x.md:2"}},
		{"until just before c2", Options{Until: t2.Add(-time.Second)}, []string{"a.txt:1", "docs/x.md:2"}},
		{"c3 alone", Options{Since: t3, Until: t3}, []string{"src/b.go:4"}},
		{"since after c1, before c2", Options{Since: t1.Add(time.Second), Until: t2.Add(-time.Second)}, nil},
		{"a directory", Options{Paths: []string{"src"}}, []string{"src/b.go:4"}},
		{"a glob", Options{Paths: []string{"*.md"}}, []string{"docs/x.md:2", "docs/y.md:2"}},
		{"an exclusion", Options{Paths: []string{":!vendor", ":!docs"}}, []string{"a.txt:1", "a.txt:3", "src/b.go:4"}},
		{"since and a path", Options{Since: t2, Paths: []string{"a.txt"}}, []string{"a.txt:3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sr := scanRepo(t, r.dir, tt.o)
			var got []string
			for _, f := range sr.findings {
				idx := -1
				for i := range s {
					if s[i] == f.Secret {
						idx = i
					}
				}
				got = append(got, f.File+":"+strconv.Itoa(idx))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if sr.res.Commits != 4 {
				t.Errorf("%d commits walked, want the whole history (4)", sr.res.Commits)
			}
		})
	}
}
