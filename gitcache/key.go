package gitcache

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"io"
	"os"
	"strings"

	"github.com/keyhound/keyhound/rules"
)

// Key returns the key of an incremental record: a hash of the rule set's
// digest (rules.Set.Digest: everything in it that decides a blob's
// findings) and of engine, which identifies the matching code: the
// version, and for a development build (version "dev" or "+dirty") a hash
// of the executable too, since its code is not otherwise named. A changed
// rule set, or another keyhound, gives another key: everything is matched
// again.
func Key(set *rules.Set, engine string) string {
	h := sha256.New()
	for _, s := range []string{"keyhound record key 2", engine, set.Digest()} {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		io.WriteString(h, s)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Engine names the matching code for Key: version, and for a development
// build a hash of the running executable.
func Engine(version string) string {
	if version != "dev" && !strings.Contains(version, "dirty") {
		return version
	}
	exe, err := os.Executable()
	if err != nil {
		return version
	}
	f, err := os.Open(exe)
	if err != nil {
		return version
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return version
	}
	return version + " " + hex.EncodeToString(h.Sum(nil)[:16])
}
