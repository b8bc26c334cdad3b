package gitcache

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"io"
	"math"
	"os"
	"strings"

	"github.com/keyhound/keyhound/rules"
)

// Key returns the key of an incremental record: a hash of everything in
// the effective rule set that decides what a blob's findings are (each
// rule's id, description, severity, tags, regex, secret group, keywords,
// entropy, validator, path and allowlist, in order, and the global
// allowlist; not examples or webhooks) and of keyhound's version. A
// changed rule set, or another keyhound, gives another key: everything is
// matched again. engine identifies the matching code: the version, and for
// a development build (version "dev" or "+dirty") a hash of the executable
// too, since its code is not otherwise named.
func Key(set *rules.Set, engine string) string {
	h := sha256.New()
	str := func(s string) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		io.WriteString(h, s)
	}
	strs := func(ss []string) {
		str(strings.Join(ss, "\x00"))
	}
	num := func(f float64) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], math.Float64bits(f))
		h.Write(n[:])
	}
	allow := func(a *rules.Allowlist) {
		if a == nil {
			str("-")
			return
		}
		str("allowlist")
		for _, re := range a.Paths {
			str(re.String())
		}
		str("|")
		for _, re := range a.Regexes {
			str(re.String())
		}
		str("|")
		strs(a.Stopwords)
	}
	str("keyhound record key 1")
	str(engine)
	for _, r := range set.Rules {
		str(r.ID)
		str(r.Description)
		str(r.Severity)
		strs(r.Tags)
		str(r.Expr)
		num(float64(r.SecretGroup))
		strs(r.Keywords)
		num(r.Entropy)
		str(r.ValidateName)
		if r.Path != nil {
			str(r.Path.String())
		} else {
			str("")
		}
		allow(r.Allowlist)
		if r.Generic {
			str("generic")
		} else {
			str("")
		}
	}
	str("global")
	allow(set.Allowlist)
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
