package ignore

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestNewEntryKeyAndExpiry(t *testing.T) {
	now := time.Date(2026, 3, 15, 23, 0, 0, 0, time.UTC)
	tests := []struct {
		key     []string
		secret  string // "-": none
		expires string
		want    string // the fingerprint, or the error's text
		wantErr bool
	}{
		{[]string{" abc "}, "-", "", "abc", false},
		{nil, "s3cr3t\r\n", "2026-03-15", SecretHash("s3cr3t"), false},
		{[]string{"abc"}, "s3cr3t", "", "not both", true},
		{nil, "\n", "", "standard input is empty", true},
		{nil, "-", "", "give the FINGERPRINT", true},
		{[]string{"abc"}, "-", "2026-03-14", "in the past", true},
		{[]string{"abc"}, "-", "soon", "--expires", true},
	}
	for _, tt := range tests {
		var e NewEntry
		var secret io.Reader
		if tt.secret != "-" {
			secret = strings.NewReader(tt.secret)
		}
		err := e.SetKey(tt.key, secret)
		if err == nil {
			err = e.SetExpires(tt.expires, now)
		}
		switch {
		case tt.wantErr && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%v %q %q: error %v, want %q", tt.key, tt.secret, tt.expires, err, tt.want)
		case !tt.wantErr && (err != nil || e.Fingerprint != tt.want):
			t.Errorf("%v %q %q: %q, %v; want %q", tt.key, tt.secret, tt.expires, e.Fingerprint, err, tt.want)
		}
	}
}

func TestFind(t *testing.T) {
	root := t.TempDir()
	if _, err := Find("", root); err == nil || !strings.Contains(err.Error(), "give --ignore-file") {
		t.Errorf("no ignore file: %v", err)
	}
	entry := "[[ignore]]\nfingerprint = \"" + SecretHash("x") + "\"\nreason = \"test\"\n"
	if err := os.WriteFile(filepath.Join(root, FileName), []byte(entry), 0o644); err != nil {
		t.Fatal(err)
	}
	if f, err := Find("", root); err != nil || f == nil || len(f.Entries) != 1 {
		t.Errorf("root's own file: %+v, %v", f, err)
	}
	other := filepath.Join(t.TempDir(), "other.toml")
	if err := os.WriteFile(other, []byte("[[ignore]]\nreason = \"no key\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Find(other, root); err == nil {
		t.Errorf("an explicit file is not read before the root's")
	}
}
