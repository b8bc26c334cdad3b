package archive

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/ulikunitz/xz"
)

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func tarOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for name, body := range files {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg})
		io.WriteString(tw, body)
	}
	tw.Close()
	return b.Bytes()
}

func TestDetect(t *testing.T) {
	var gz, x bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("hi"))
	zw.Close()
	xw, _ := xz.NewWriter(&x)
	xw.Write([]byte("hi"))
	xw.Close()
	tests := []struct {
		name string
		in   []byte
		want Format
	}{
		{"zip", zipOf(t, map[string]string{"a": "b"}), Zip},
		{"empty zip", []byte("PK\x05\x06" + strings.Repeat("\x00", 18)), Zip},
		{"tar", tarOf(t, map[string]string{"a": "b"}), Tar},
		{"gzip", gz.Bytes(), Gzip},
		{"bzip2", []byte("BZh91AY&SY\x00\x00"), Bzip2},
		{"xz", x.Bytes(), Xz},
		{"text", []byte("PK is a word; BZh9 too"), None},
		{"short", []byte("P"), None},
	}
	for _, tc := range tests {
		if got := Detect(tc.in); got != tc.want {
			t.Errorf("%s: Detect = %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"config/.env":              "config/.env",
		"../../etc/passwd":         "etc/passwd",
		"/abs/path":                "abs/path",
		`C:\windows\system.ini`:    "windows/system.ini",
		"a/./b//c":                 "a/b/c",
		"evil\nname\x1b[31m\u202e": "evil?name?[31m?",
		"..":                       "?",
	} {
		if got := Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStreamName(t *testing.T) {
	for in, want := range map[string]string{
		"logs/app.log.gz": "app.log", "release.tgz": "release.tar", "a.zip!b.txt.bz2": "b.txt",
		"x.xz": "x", "noext": "noext", ".gz": ".gz",
	} {
		if got := StreamName(in); got != want {
			t.Errorf("StreamName(%q) = %q, want %q", in, got, want)
		}
	}
}

func members(t *testing.T, f Format, data []byte, b *Budget) ([]string, []string, error) {
	t.Helper()
	var names, notes []string
	err := Walk(f, bytes.NewReader(data), nil, -1, b, func(m Member) error {
		body, err := io.ReadAll(m.R)
		names = append(names, m.Name+"="+string(body))
		return err
	}, func(member, msg string) { notes = append(notes, member+": "+msg) })
	return names, notes, err
}

func TestWalk(t *testing.T) {
	files := map[string]string{"config/.env": "TOKEN=x", "../up": "y"}
	for _, tc := range []struct {
		f    Format
		data []byte
	}{{Zip, zipOf(t, files)}, {Tar, tarOf(t, files)}} {
		names, notes, err := members(t, tc.f, tc.data, NewBudget(Limits{}, int64(len(tc.data))))
		got := strings.Join(names, ",")
		if err != nil || len(notes) != 0 || !strings.Contains(got, "config/.env=TOKEN=x") || !strings.Contains(got, "up=y") {
			t.Errorf("%s: members %v, notes %v, err %v", tc.f, names, notes, err)
		}
	}
}

func TestBudgetBounds(t *testing.T) {
	many := map[string]string{}
	for _, c := range "abcdefghij" {
		many[string(c)] = strings.Repeat("z", 1000)
	}
	data := zipOf(t, many)
	tests := []struct {
		name  string
		lim   Limits
		bound string
	}{
		{"entries", Limits{MaxEntries: 3}, "3-entry"},
		{"bytes", Limits{MaxBytes: 2500, MinBytes: 1}, "2500-byte expansion"},
		{"ratio", Limits{MaxRatio: 2, MinBytes: 1}, "2:1 expansion ratio"},
		{"buffer", Limits{MaxBuffer: 100}, "100-byte in-memory zip"},
	}
	for _, tc := range tests {
		_, _, err := members(t, Zip, data, NewBudget(tc.lim, int64(len(data))))
		var le *LimitError
		if !errors.As(err, &le) || !strings.Contains(le.Error(), tc.bound) {
			t.Errorf("%s: err %v, want the %s bound", tc.name, err, tc.bound)
		}
	}
	if _, _, err := members(t, Zip, data, NewBudget(Limits{}, int64(len(data)))); err != nil {
		t.Errorf("default limits: %v", err)
	}
}

func TestEncryptedAndCorrupt(t *testing.T) {
	data := zipOf(t, map[string]string{"secret.env": "TOKEN=x", "plain.txt": "ok"})
	// Mark secret.env encrypted (general purpose flag bit 0) in its central
	// directory entry, as an encrypting zip tool would.
	cd := bytes.Index(data, []byte("PK\x01\x02"))
	for i := cd; i >= 0 && i < len(data); {
		nameLen := int(data[i+28]) | int(data[i+29])<<8
		if string(data[i+46:i+46+nameLen]) == "secret.env" {
			data[i+8] |= 1
		}
		extra := int(data[i+30]) | int(data[i+31])<<8
		comment := int(data[i+32]) | int(data[i+33])<<8
		i += 46 + nameLen + extra + comment
		if !bytes.HasPrefix(data[i:], []byte("PK\x01\x02")) {
			break
		}
	}
	names, notes, err := members(t, Zip, data, NewBudget(Limits{}, int64(len(data))))
	if err != nil || len(names) != 1 || names[0] != "plain.txt=ok" || len(notes) != 1 || !strings.Contains(notes[0], "secret.env: encrypted") {
		t.Errorf("encrypted member: names %v notes %v err %v", names, notes, err)
	}
	// Truncated: the central directory is gone.
	if _, _, err := members(t, Zip, data[:len(data)/2], NewBudget(Limits{}, -1)); err == nil || IsLimit(err) {
		t.Errorf("truncated zip: err %v", err)
	}
	tr := tarOf(t, map[string]string{"a": strings.Repeat("x", 5000)})
	if _, _, err := members(t, Tar, tr[:1000], NewBudget(Limits{}, -1)); err == nil {
		t.Errorf("truncated tar: no error")
	}
}

func TestXzDictionaryBound(t *testing.T) {
	var x bytes.Buffer
	xw, err := xz.WriterConfig{DictCap: 16 << 20}.NewWriter(&x)
	if err != nil {
		t.Fatal(err)
	}
	xw.Write([]byte("hello"))
	xw.Close()
	if _, err := Decompress(Xz, bytes.NewReader(x.Bytes()), NewBudget(Limits{MaxDict: 8 << 20}, -1)); !IsLimit(err) {
		t.Errorf("16 MiB dictionary over an 8 MiB bound: err %v", err)
	}
	r, err := Decompress(Xz, bytes.NewReader(x.Bytes()), NewBudget(Limits{}, -1))
	if err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(r); err != nil || string(b) != "hello" {
		t.Errorf("read %q, %v", b, err)
	}
}
