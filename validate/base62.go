package validate

import (
	"hash/crc32"
	"strings"
)

// base62Alphabet is the digit order GitHub and npm use for the checksum:
// digits, then upper case, then lower case (note that Go's math/big uses
// lower case before upper case for base 62, which is not this order).
const base62Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// base62ChecksumLen is the number of base62 digits holding the CRC32: 62^6 > 2^32.
const base62ChecksumLen = 6

// githubPrefixes are the token kinds that carry the CRC32 checksum
// (https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/):
// personal access token (classic), OAuth access token, GitHub App
// user-to-server, server-to-server (installation) and refresh tokens.
var githubPrefixes = []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_"}

// base62CRC32 returns the 6-character checksum GitHub and npm append to a
// token: the CRC32 (IEEE polynomial) of the random part, written in base62
// (alphabet 0-9A-Za-z) and left-padded with '0' to 6 characters.
func base62CRC32(random string) string {
	v := crc32.ChecksumIEEE([]byte(random))
	var b [base62ChecksumLen]byte
	for i := base62ChecksumLen - 1; i >= 0; i-- {
		b[i] = base62Alphabet[v%62]
		v /= 62
	}
	return string(b[:])
}

// GitHubChecksum checks a GitHub token of the prefixed format introduced in
// 2021: one of ghp_ gho_ ghu_ ghs_ ghr_, then base62 characters whose last 6
// are the base62 CRC32 of the ones before them (30 random characters for
// most kinds; refresh tokens are longer and use the same scheme).
func GitHubChecksum(secret string) bool {
	for _, p := range githubPrefixes {
		if strings.HasPrefix(secret, p) {
			return base62ChecksumOK(secret[len(p):])
		}
	}
	return false
}

// NPMChecksum checks an npm access token: "npm_", 30 base62 characters and
// their 6-character base62 CRC32, the same scheme as GitHub's tokens
// (https://github.blog/2021-09-23-announcing-npms-new-access-token-format/).
func NPMChecksum(secret string) bool {
	body, ok := strings.CutPrefix(secret, "npm_")
	return ok && len(body) == 36 && base62ChecksumOK(body)
}

// base62ChecksumOK reports whether body is base62, has at least 30 random
// characters, and ends with the checksum of what precedes the checksum.
func base62ChecksumOK(body string) bool {
	if len(body) < 30+base62ChecksumLen {
		return false
	}
	for i := 0; i < len(body); i++ {
		if strings.IndexByte(base62Alphabet, body[i]) < 0 {
			return false
		}
	}
	n := len(body) - base62ChecksumLen
	return base62CRC32(body[:n]) == body[n:]
}
