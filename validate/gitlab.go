package validate

import (
	"encoding/base64"
	"hash/crc32"
	"strconv"
	"strings"
)

// GitLab "routable" tokens (GitLab 17.x and later, for personal, project,
// group, runner, CI job tokens, ...) end with a CRC32. Their layout, from
// GitLab's own generator (Authn::TokenField::Generator::RoutableToken), is
//
//	PREFIX BASE64 "." VERSION "." LEN CRC
//
// where BASE64 is URL-safe base64 without padding of 16 random bytes, the
// routing payload ("k:v" lines) and one byte holding the payload length;
// VERSION is "01"; LEN is the length of BASE64 in base 36 on 2 characters;
// CRC is the CRC32 (IEEE) of everything before it, in lower-case base 36
// left-padded with '0' to 7 characters.
const (
	gitlabCRCLen        = 7
	gitlabRandomBytes   = 16
	gitlabTokenVersion  = "01"
	gitlabLenHolderSize = 2
)

// GitLabChecksum checks a GitLab token (glpat-, glrt-, gldt-, ...). A routable
// token (one containing ".01.") must carry a correct CRC32 and a well-formed
// base64 payload. Tokens of the older format (prefix and 20 random
// characters, or the hexadecimal pipeline trigger tokens) carry no checksum;
// they pass when they are "gl", a type, "-" and at least 20 URL-safe base64
// characters.
func GitLabChecksum(secret string) bool {
	if !strings.HasPrefix(secret, "gl") {
		return false
	}
	if !strings.Contains(secret, ".") {
		return gitlabClassicOK(secret)
	}
	return gitlabRoutableOK(secret)
}

// gitlabClassicOK accepts "gl", a lower-case type, "-" and at least 20
// URL-safe base64 characters.
func gitlabClassicOK(s string) bool {
	i := 2
	for i < len(s) && s[i] >= 'a' && s[i] <= 'z' {
		i++
	}
	if i == 2 || i >= len(s) || s[i] != '-' || len(s)-i-1 < 20 {
		return false
	}
	for _, c := range []byte(s[i+1:]) {
		if !isBase64URL(c) {
			return false
		}
	}
	return true
}

func isBase64URL(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

func gitlabRoutableOK(token string) bool {
	if len(token) <= gitlabCRCLen {
		return false
	}
	head, crc := token[:len(token)-gitlabCRCLen], token[len(token)-gitlabCRCLen:]
	if gitlabCRC(head) != crc {
		return false
	}
	parts := strings.Split(head, ".")
	if len(parts) != 3 || parts[1] != gitlabTokenVersion || len(parts[2]) != gitlabLenHolderSize {
		return false
	}
	n, err := strconv.ParseUint(parts[2], 36, 16)
	if err != nil || int(n) > len(parts[0]) || n == 0 {
		return false
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[0][len(parts[0])-int(n):])
	if err != nil || len(raw) < gitlabRandomBytes+1 {
		return false
	}
	// The last byte is the length of the routing payload between the random
	// bytes and itself.
	return int(raw[len(raw)-1]) == len(raw)-gitlabRandomBytes-1
}

func gitlabCRC(s string) string {
	c := strconv.FormatUint(uint64(crc32.ChecksumIEEE([]byte(s))), 36)
	return strings.Repeat("0", gitlabCRCLen-len(c)) + c
}
