package validate

import "strings"

// Bech32 (BIP 173) as age uses it for its keys
// (https://age-encryption.org/v1): a human-readable part, the separator '1',
// data in the 32-character alphabet below and a 6-character checksum. age
// lifts BIP 173's 90-character limit.
const bech32Alphabet = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

const ageSecretKeyHRP = "age-secret-key-"

func bech32Polymod(values []byte) uint32 {
	gen := [5]uint32{0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3}
	chk := uint32(1)
	for _, v := range values {
		top := chk >> 25
		chk = (chk&0x1ffffff)<<5 ^ uint32(v)
		for i := 0; i < 5; i++ {
			if (top>>uint(i))&1 == 1 {
				chk ^= gen[i]
			}
		}
	}
	return chk
}

func bech32HRPExpand(hrp string) []byte {
	out := make([]byte, 0, 2*len(hrp)+1)
	for i := 0; i < len(hrp); i++ {
		out = append(out, hrp[i]>>5)
	}
	out = append(out, 0)
	for i := 0; i < len(hrp); i++ {
		out = append(out, hrp[i]&31)
	}
	return out
}

// bech32Decode returns the lower-case human-readable part and the 5-bit data
// (checksum removed) of a Bech32 string, and whether its checksum is right.
func bech32Decode(s string) (hrp string, data []byte, ok bool) {
	if strings.ToLower(s) != s && strings.ToUpper(s) != s {
		return "", nil, false // mixed case is invalid
	}
	s = strings.ToLower(s)
	pos := strings.LastIndexByte(s, '1')
	if pos < 1 || pos+7 > len(s) {
		return "", nil, false
	}
	hrp = s[:pos]
	for i := 0; i < len(hrp); i++ {
		if hrp[i] < 33 || hrp[i] > 126 {
			return "", nil, false
		}
	}
	for i := pos + 1; i < len(s); i++ {
		d := strings.IndexByte(bech32Alphabet, s[i])
		if d < 0 {
			return "", nil, false
		}
		data = append(data, byte(d))
	}
	if bech32Polymod(append(bech32HRPExpand(hrp), data...)) != 1 {
		return "", nil, false
	}
	return hrp, data[:len(data)-6], true
}

// convertBits regroups bits (8 to 5 or 5 to 8); with pad false it rejects
// leftover bits that are not zero padding.
func convertBits(data []byte, from, to uint, pad bool) ([]byte, bool) {
	acc, bits := uint32(0), uint(0)
	maxv := uint32(1)<<to - 1
	var out []byte
	for _, v := range data {
		if uint32(v)>>from != 0 {
			return nil, false
		}
		acc = acc<<from | uint32(v)
		bits += from
		for bits >= to {
			bits -= to
			out = append(out, byte(acc>>bits&maxv))
		}
	}
	if pad {
		if bits > 0 {
			out = append(out, byte(acc<<(to-bits)&maxv))
		}
	} else if bits >= from || acc<<(to-bits)&maxv != 0 {
		return nil, false
	}
	return out, true
}

// AgeSecretKey checks an age X25519 identity: "AGE-SECRET-KEY-1" then the
// Bech32 encoding (human-readable part "age-secret-key-") of a 32-byte key,
// with a correct Bech32 checksum.
func AgeSecretKey(secret string) bool {
	hrp, data, ok := bech32Decode(secret)
	if !ok || hrp != ageSecretKeyHRP {
		return false
	}
	key, ok := convertBits(data, 5, 8, false)
	return ok && len(key) == 32
}
