package rules

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"math"
	"reflect"
	"regexp"
)

// Fields that do not decide what findings content yields, left out of the
// digest. Every other field is in it, including any field added later: a
// new field changes the digest unless it is listed here (TestDigestFields
// changes each field in turn).
var digestSkip = map[string]bool{
	"Rule.Examples":         true, // only `rules test` reads them
	"Rule.NegativeExamples": true,
	"Rule.Validate":         true, // the function ValidateName names
	"Rule.re":               true, // compiled from Expr
	"Rule.reErr":            true,
	"Rule.reOnce":           true,
	"Rule.builtin":          true, // when the regex is compiled, not what it is
	"Allowlist.Regexes":     true, // compiled from regexSrc (lazily for a built-in rule)
	"Allowlist.once":        true,
	"Allowlist.err":         true,
	"Set.Webhooks":          true, // where findings go, not which
	"Set.Sources":           true, // file names, for messages
	"Set.known":             true,
}

// digestUnexported are unexported fields the digest includes.
var digestUnexported = map[string]bool{"Allowlist.regexSrc": true}

var (
	regexpType = reflect.TypeOf((*regexp.Regexp)(nil))
	regexType  = reflect.TypeOf((*Regex)(nil))
)

// Digest returns a hash of everything in the set that decides which
// findings content yields: each rule's fields in order (not its examples)
// and the global allowlist. Equal digests mean equal findings from the same
// engine, so incremental records are keyed by it.
func (s *Set) Digest() string {
	d := digester{h: sha256.New()}
	d.str("keyhound rules digest 1")
	d.value("Set", reflect.ValueOf(s).Elem())
	return hex.EncodeToString(d.h.Sum(nil)[:16])
}

type digester struct{ h hash.Hash }

func (d *digester) num(n uint64) {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	d.h.Write(b[:])
}

func (d *digester) str(s string) {
	d.num(uint64(len(s)))
	d.h.Write([]byte(s))
}

// value writes v, of type name where it is a struct, by its kind; a kind
// that no field has today is written as its type, which TestDigestFields
// catches for a new field.
func (d *digester) value(name string, v reflect.Value) {
	if v.Type() == regexType { // written as the regexp it compiles to
		if v.IsNil() {
			d.str("-")
		} else {
			d.str("re:" + v.Interface().(*Regex).String())
		}
		return
	}
	if v.Type() == regexpType {
		switch {
		case v.IsNil():
			d.str("-")
		case v.CanInterface():
			d.str("re:" + v.Interface().(*regexp.Regexp).String())
		default:
			d.str("?unexported regexp")
		}
		return
	}
	switch v.Kind() {
	case reflect.String:
		d.str(v.String())
	case reflect.Bool:
		if v.Bool() {
			d.num(1)
		} else {
			d.num(0)
		}
	case reflect.Int, reflect.Int64:
		d.num(uint64(v.Int()))
	case reflect.Float64:
		d.num(math.Float64bits(v.Float()))
	case reflect.Slice:
		d.num(uint64(v.Len()))
		for i := 0; i < v.Len(); i++ {
			d.value(v.Type().Elem().Name(), v.Index(i))
		}
	case reflect.Pointer:
		if v.IsNil() {
			d.str("-")
			return
		}
		d.str("+")
		d.value(v.Type().Elem().Name(), v.Elem())
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			key := name + "." + f.Name
			if digestSkip[key] || (!f.IsExported() && !digestUnexported[key]) {
				continue
			}
			d.str(f.Name)
			d.value(f.Type.Name(), v.Field(i))
		}
	default:
		d.str("?" + v.Type().String())
	}
}
