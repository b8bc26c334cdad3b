package gitscan

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"errors"
	"io"
	"math/rand"
	"reflect"
	"strings"
	"testing"
)

// zlibBytes compresses data with the standard library at level.
func zlibBytes(t testing.TB, data []byte, level int) []byte {
	var buf bytes.Buffer
	zw, err := zlib.NewWriterLevel(&buf, level)
	if err != nil {
		t.Fatal(err)
	}
	zw.Write(data)
	zw.Close()
	return buf.Bytes()
}

// inflateSamples are contents that exercise every block type and code
// shape: stored, fixed and dynamic blocks, long codes, overlapping copies.
func inflateSamples() map[string][]byte {
	rng := rand.New(rand.NewSource(1))
	random := make([]byte, 100_000)
	rng.Read(random)
	skewed := make([]byte, 200_000) // long Huffman codes: a very uneven distribution
	for i := range skewed {
		k := rng.ExpFloat64() * 12
		skewed[i] = byte(min(k, 255))
	}
	var src strings.Builder
	for i := 0; i < 3000; i++ {
		src.WriteString("func f" + strings.Repeat("x", i%17) + "() { return " + string(rune('a'+i%26)) + " }\n")
	}
	return map[string][]byte{
		"empty":  {},
		"byte":   {'a'},
		"run":    bytes.Repeat([]byte{'z'}, 70_000),
		"text":   []byte(src.String()),
		"random": random,
		"skewed": skewed,
		"short":  []byte("hello, hello, hello world\n"),
	}
}

func TestZInflateMatchesZlib(t *testing.T) {
	var z zinflater
	for name, data := range inflateSamples() {
		for _, level := range []int{flate.NoCompression, flate.BestSpeed, flate.DefaultCompression, flate.BestCompression, flate.HuffmanOnly} {
			src := zlibBytes(t, data, level)
			dst := make([]byte, len(data))
			if err := z.inflate(dst, append(src, "trailing bytes are ignored"...)); err != nil {
				t.Fatalf("%s level %d: %v", name, level, err)
			}
			if !bytes.Equal(dst, data) {
				t.Fatalf("%s level %d: content differs", name, level)
			}
		}
	}
}

func TestZInflateRejectsCorruptStreams(t *testing.T) {
	data := []byte(strings.Repeat("some content that compresses, ", 200))
	src := zlibBytes(t, data, flate.BestCompression)
	flip := func(i int) []byte {
		b := bytes.Clone(src)
		b[i] ^= 0x10
		return b
	}
	tests := []struct {
		name string
		size int
		src  []byte
		want error
	}{
		{"header claims more", len(data) + 1, src, errZShort},
		{"header claims less", len(data) - 1, src, errZLong},
		{"checksum", len(data), flip(len(src) - 1), errZChecksum},
		{"truncated checksum", len(data), src[:len(src)-2], errZTrunc},
		{"truncated data", len(data), src[:len(src)/2], nil},
		{"not zlib", len(data), flip(0), errZHeader},
		{"empty", 0, nil, errZHeader},
		{"corrupt data", len(data), flip(len(src) / 2), nil},
	}
	var z zinflater
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := z.inflate(make([]byte, tt.size), tt.src)
			if err == nil {
				t.Fatal("corrupt stream accepted")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

// FuzzZInflate checks zinflater against the standard library's zlib
// reader: whatever either accepts, the other accepts with the same content.
func FuzzZInflate(f *testing.F) {
	for _, data := range inflateSamples() {
		if len(data) > 1500 {
			data = data[:1500] // small seeds keep the fuzzer's minimizing short
		}
		for _, level := range []int{flate.NoCompression, flate.BestSpeed, flate.BestCompression, flate.HuffmanOnly} {
			f.Add(zlibBytes(f, data, level), uint16(len(data)))
		}
	}
	var z zinflater
	f.Fuzz(func(t *testing.T, src []byte, size uint16) {
		zr, err := zlib.NewReader(bytes.NewReader(src))
		var want []byte
		if err == nil {
			want, err = io.ReadAll(io.LimitReader(zr, 1<<20))
		}
		if err == nil {
			got := make([]byte, len(want))
			if err := z.inflate(got, src); err != nil {
				t.Fatalf("zlib reads %d bytes, zinflater fails: %v", len(want), err)
			}
			if !bytes.Equal(got, want) {
				t.Fatal("content differs from zlib's")
			}
		}
		got := make([]byte, size)
		if z.inflate(got, src) == nil && (err != nil || !bytes.Equal(got, want)) {
			t.Fatalf("zinflater accepts %d bytes that zlib does not (%v)", size, err)
		}
	})
}

// TestPackedBlobChecksumIsChecked: a packed blob whose content decodes but
// whose zlib checksum does not match is reported, not scanned.
func TestPackedBlobChecksumIsChecked(t *testing.T) {
	r := newTestRepo(t)
	good, bad := token(47), token(48)
	r.write("good.txt", good+"\n")
	r.write("bad.txt", strings.Repeat("more filler\n", 20)+bad+"\n")
	r.commit("two files")
	r.git("repack", "-adq")
	r.corruptPacked("HEAD:bad.txt", func(data []byte, x packedExtent) {
		if x.typ != objBlob {
			t.Fatalf("bad.txt is a %s in the pack, not a whole blob", x.typ)
		}
		data[x.end-1] ^= 0x01 // the last byte of the adler32 trailer
	})
	sr := scanRepo(t, r.dir, Options{})
	if got := sr.secrets(); !reflect.DeepEqual(got, []string{good}) {
		t.Errorf("secrets = %v, want only %s", got, good)
	}
	if all := strings.Join(sr.errs, "\n"); !strings.Contains(all, "bad.txt") || !strings.Contains(all, "checksum") {
		t.Errorf("errors do not report bad.txt's checksum: %s", all)
	}
}
