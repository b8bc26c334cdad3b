package validate

import (
	"encoding/base64"
	"encoding/binary"
	"strconv"
	"strings"
)

// minCutMaterial is how many bytes of key material a block cut off before
// its END line (by the end of the file or of the scan window) must hold to
// be taken for a key: more than any documentation snippet shows, less than
// any real key but the smallest (whose whole block is always in reach).
const minCutMaterial = 192

// armored is a key block split into its parts.
type armored struct {
	label    string   // between "BEGIN " and the dashes, e.g. "RSA PRIVATE KEY"
	headers  []string // "Name: value" lines before the body
	body     string   // the base64 lines, joined
	complete bool     // its END line was reached
	checksum string   // PGP armor checksum ("=abcd"), if any
	gap      bool     // a line in the body that is no base64 ("...", "<key here>")
}

// parseArmor splits a PEM, OpenSSH or PGP block. The body ends at the END
// line or where the block is cut off; a line in it that is no base64 (a
// documentation snippet's "...") sets gap. Inside a JSON or other quoted
// string the line breaks are written "\n".
func parseArmor(secret string) (armored, bool) {
	var a armored
	s := strings.ReplaceAll(secret, `\r`, "")
	s = strings.ReplaceAll(s, `\n`, "\n")
	begin := strings.Index(s, "-----BEGIN ")
	if begin < 0 {
		return a, false
	}
	rest := s[begin+len("-----BEGIN "):]
	eol := strings.Index(rest, "-----")
	if eol < 0 {
		return a, false
	}
	a.label, rest = rest[:eol], rest[eol+5:]
	var body strings.Builder
lines:
	for _, line := range strings.Split(rest, "\n") {
		line = strings.TrimSpace(strings.Trim(strings.TrimSpace(line), `\"'`))
		switch {
		case strings.HasPrefix(line, "-----END "):
			a.complete = true
			break lines
		case line == "":
		case body.Len() == 0 && strings.Contains(line, ": "):
			a.headers = append(a.headers, line)
		case strings.HasPrefix(line, "=") && len(line) == 5 && body.Len() > 0:
			a.checksum = line
		case isBase64(line):
			body.WriteString(line)
		default:
			a.gap = true
			break lines
		}
	}
	a.body = body.String()
	return a, true
}

func isBase64(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=') {
			return false
		}
	}
	return s != ""
}

// material decodes a block's body: the whole of it when the block is
// complete (it must be valid base64), else the longest whole prefix.
func (a armored) material() ([]byte, bool) {
	if a.gap {
		return nil, false
	}
	b := a.body
	if !a.complete {
		b = strings.TrimRight(b, "=")
		b = b[:len(b)/4*4]
	}
	raw, err := base64.StdEncoding.DecodeString(b)
	if err != nil {
		raw, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(b, "="))
	}
	if err != nil {
		return nil, false
	}
	if !a.complete && len(raw) < minCutMaterial {
		return nil, false
	}
	return raw, true
}

// PEMPrivateKey checks a PEM private key block. Its key material must be
// a key: with the END line, the whole body decodes and parses — DER (one
// SEQUENCE of well-formed elements, nothing after it) for PKCS#1, SEC 1,
// DSA and PKCS#8, OpenSSH's "openssh-key-v1" structure, or for a
// PEM-encrypted key (Proc-Type: 4,ENCRYPTED) ciphertext in whole cipher
// blocks; a block cut off before its END line (by the end of the file or
// of the scan window) needs at least minCutMaterial bytes that begin the
// same way. A truncated documentation key ("MIIEogIBAAKCAQEA...", a single
// body line) is no key.
func PEMPrivateKey(secret string) bool {
	a, ok := parseArmor(secret)
	if !ok {
		return false
	}
	raw, ok := a.material()
	if !ok {
		return false
	}
	encrypted, dekInfo := false, false
	for _, h := range a.headers {
		if strings.HasPrefix(h, "Proc-Type:") && strings.Contains(h, "ENCRYPTED") {
			encrypted = true
		}
		dekInfo = dekInfo || strings.HasPrefix(h, "DEK-Info:")
	}
	switch {
	case encrypted:
		// Ciphertext: no structure to check, but whole cipher blocks and
		// more than a line of them (the smallest key, EC P-256, is 128 bytes).
		return dekInfo && len(raw) >= 64 && (!a.complete || len(raw)%8 == 0)
	case strings.Contains(a.label, "OPENSSH"):
		return opensshKey(raw, a.complete)
	}
	return derKey(raw, a.complete)
}

// derKey reports whether b is one DER SEQUENCE whose contents are
// well-formed elements, the first an INTEGER (a version) or a SEQUENCE (an
// algorithm identifier); for a cut-off key, the start of one.
func derKey(b []byte, complete bool) bool {
	tag, content, rest, ok := derTLV(b)
	if tag != 0x30 {
		return false
	}
	if !ok {
		if complete {
			return false
		}
		// Cut off: the SEQUENCE's declared length runs past the data.
		content = b[derHeaderLen(b):]
	} else if complete && len(rest) != 0 {
		return false
	}
	first := true
	for len(content) > 0 {
		t, _, r, ok := derTLV(content)
		if first && t != 0x02 && t != 0x30 {
			return false
		}
		first = false
		if !ok {
			return !complete && t != 0 // the data ends inside this element
		}
		content = r
	}
	return !first
}

// derTLV splits a DER element off b: its tag, contents and what follows;
// ok is false when the element is malformed or runs past b (tag is then
// still set when it could be read).
func derTLV(b []byte) (tag byte, content, rest []byte, ok bool) {
	if len(b) < 2 {
		return 0, nil, nil, false
	}
	tag = b[0]
	if tag&0x1f == 0x1f {
		return tag, nil, nil, false // multi-byte tags appear in no key format
	}
	n, hl := int(b[1]), 2
	if n >= 0x80 {
		k := n & 0x7f
		if k == 0 || k > 3 || len(b) < 2+k {
			return tag, nil, nil, false
		}
		n = 0
		for _, c := range b[2 : 2+k] {
			n = n<<8 | int(c)
		}
		if n < 0x80 || (k > 1 && b[2] == 0) {
			return tag, nil, nil, false // not the shortest form
		}
		hl += k
	}
	if len(b)-hl < n {
		return tag, nil, nil, false
	}
	return tag, b[hl : hl+n], b[hl+n:], true
}

// derHeaderLen is the length of the tag and length bytes at the start of b.
func derHeaderLen(b []byte) int {
	if len(b) > 1 && b[1] >= 0x80 {
		return min(len(b), 2+int(b[1]&0x7f))
	}
	return min(len(b), 2)
}

// opensshKey checks the "openssh-key-v1" format: cipher, KDF and its
// options, the number of keys, their public keys and the (possibly
// encrypted) private section, and nothing after it but, for an AEAD cipher
// (chacha20-poly1305, AES-GCM), its 16-byte tag.
func opensshKey(b []byte, complete bool) bool {
	const magic = "openssh-key-v1\x00"
	if !strings.HasPrefix(string(b), magic) {
		return false
	}
	r := sshReader{b: b[len(magic):]}
	cipher, _ := r.str()
	r.str() // KDF name
	r.str() // KDF options
	n, ok := r.uint32()
	if !complete {
		return ok || len(r.b) == 0 // cut off: what there is must parse so far
	}
	if !ok || n == 0 || n > 16 {
		return false
	}
	for i := uint32(0); i <= n; i++ { // the public keys, then the private section
		f, ok := r.str()
		if !ok {
			return false
		}
		if i == n && string(cipher) == "none" && len(f)%8 != 0 {
			return false // unencrypted private sections are padded to 8 bytes
		}
	}
	if string(cipher) == "chacha20-poly1305@openssh.com" || strings.HasSuffix(string(cipher), "-gcm@openssh.com") {
		return len(r.b) == 16 && !r.bad // the AEAD tag follows the private section
	}
	return len(r.b) == 0 && !r.bad
}

// sshReader reads SSH wire-format fields; a short read sets bad.
type sshReader struct {
	b   []byte
	bad bool
}

func (r *sshReader) uint32() (uint32, bool) {
	if r.bad || len(r.b) < 4 {
		r.bad = true
		return 0, false
	}
	v := binary.BigEndian.Uint32(r.b)
	r.b = r.b[4:]
	return v, true
}

func (r *sshReader) str() ([]byte, bool) {
	n, ok := r.uint32()
	if !ok || uint64(n) > uint64(len(r.b)) {
		r.bad = true
		return nil, false
	}
	s := r.b[:n]
	r.b = r.b[n:]
	return s, true
}

// PGPPrivateKey checks an armored PGP private key block: after the armor
// headers, the body decodes to OpenPGP packets, the first a secret key (5)
// or secret subkey (7); with the END line every packet is whole and nothing
// follows the last, and the armor checksum, when present, is the CRC-24 of
// the data. A block cut off needs at least minCutMaterial bytes.
func PGPPrivateKey(secret string) bool {
	a, ok := parseArmor(secret)
	if !ok {
		return false
	}
	raw, ok := a.material()
	if !ok || len(raw) == 0 {
		return false
	}
	if a.complete && a.checksum != "" {
		sum, err := base64.StdEncoding.DecodeString(a.checksum[1:])
		if err != nil || len(sum) != 3 || uint32(sum[0])<<16|uint32(sum[1])<<8|uint32(sum[2]) != crc24(raw) {
			return false
		}
	}
	first := true
	for len(raw) > 0 {
		tag, n, hl, ok := pgpPacket(raw)
		if !ok {
			return false
		}
		if first && tag != 5 && tag != 7 {
			return false
		}
		first = false
		if hl+n > len(raw) {
			return !a.complete
		}
		raw = raw[hl+n:]
	}
	return true
}

// pgpPacket reads an OpenPGP packet header: tag, body length, header length.
func pgpPacket(b []byte) (tag byte, n, hl int, ok bool) {
	if len(b) < 2 || b[0]&0x80 == 0 {
		return 0, 0, 0, false
	}
	if b[0]&0x40 == 0 { // old format
		tag = (b[0] >> 2) & 0x0f
		switch b[0] & 3 {
		case 0:
			return tag, int(b[1]), 2, true
		case 1:
			if len(b) < 3 {
				return 0, 0, 0, false
			}
			return tag, int(binary.BigEndian.Uint16(b[1:])), 3, true
		case 2:
			if len(b) < 5 {
				return 0, 0, 0, false
			}
			return tag, int(binary.BigEndian.Uint32(b[1:])), 5, true
		}
		return 0, 0, 0, false // indeterminate length: not in key files
	}
	tag = b[0] & 0x3f
	switch l := int(b[1]); {
	case l < 192:
		return tag, l, 2, true
	case l < 224:
		if len(b) < 3 {
			return 0, 0, 0, false
		}
		return tag, (l-192)<<8 + int(b[2]) + 192, 3, true
	case l == 255:
		if len(b) < 6 {
			return 0, 0, 0, false
		}
		return tag, int(binary.BigEndian.Uint32(b[2:])), 6, true
	}
	return 0, 0, 0, false // partial lengths: not in key files
}

// crc24 is the OpenPGP armor checksum (RFC 4880, 6.1).
func crc24(b []byte) uint32 {
	crc := uint32(0xb704ce)
	for _, c := range b {
		crc ^= uint32(c) << 16
		for i := 0; i < 8; i++ {
			crc <<= 1
			if crc&0x1000000 != 0 {
				crc ^= 0x1864cfb
			}
		}
	}
	return crc & 0xffffff
}

// PuTTYPrivateKey checks a PuTTY .ppk file: its Public-Lines and
// Private-Lines counts match the lines that follow them; the public blob
// starts with the algorithm the first line names; an unencrypted private
// blob is whole SSH fields, an encrypted one whole cipher blocks; and a
// complete file ends with Private-MAC. A file cut off before its MAC needs
// its public blob and at least 32 bytes of private material.
func PuTTYPrivateKey(secret string) bool {
	lines := strings.Split(strings.ReplaceAll(secret, "\r", ""), "\n")
	if len(lines) < 2 {
		return false
	}
	_, alg, ok := strings.Cut(lines[0], ":")
	if !ok || !strings.HasPrefix(lines[0], "PuTTY-User-Key-File-") {
		return false
	}
	alg = strings.TrimSpace(alg)
	enc := ""
	var pub, priv []byte
	havePub, havePriv, mac := false, false, false
	blob := func(i int, count string) ([]byte, int, bool) {
		n, err := strconv.Atoi(strings.TrimSpace(count))
		if err != nil || n <= 0 || n > 1024 {
			return nil, i, false
		}
		var b strings.Builder
		j := i + 1
		for ; j < len(lines) && j <= i+n; j++ {
			l := strings.TrimSpace(lines[j])
			if !isBase64(l) {
				return nil, j, false
			}
			b.WriteString(l)
		}
		whole := j == i+n+1
		s := b.String()
		if !whole {
			s = strings.TrimRight(s, "=")
			s = s[:len(s)/4*4]
		}
		raw, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, j, false
		}
		return raw, j - 1, whole
	}
	for i := 1; i < len(lines); i++ {
		k, v, ok := strings.Cut(strings.TrimSpace(lines[i]), ":")
		if !ok {
			if strings.TrimSpace(lines[i]) == "" {
				continue
			}
			return false
		}
		switch k {
		case "Encryption":
			enc = strings.TrimSpace(v)
		case "Public-Lines":
			if pub, i, havePub = blob(i, v); !havePub {
				return false
			}
		case "Private-Lines":
			var whole bool
			priv, i, whole = blob(i, v)
			havePriv = true
			if !whole {
				return len(pub) > 0 && len(priv) >= 32 && i == len(lines)-1
			}
		case "Private-MAC":
			mac = true
		}
	}
	r := sshReader{b: pub}
	if name, ok := r.str(); !ok || string(name) != alg {
		return false
	}
	if !havePriv {
		return false
	}
	if !mac {
		return len(priv) >= 32 // cut off after the private lines
	}
	if enc != "none" {
		return len(priv) > 0 && len(priv)%16 == 0
	}
	r = sshReader{b: priv}
	for len(r.b) > 0 {
		if _, ok := r.str(); !ok {
			return false
		}
	}
	return len(priv) > 0
}
