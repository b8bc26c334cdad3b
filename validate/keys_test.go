package validate

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/keyhound/keyhound/internal/testfixture"
)

// validatorFor names the validator of each generated key's rule.
var validatorFor = map[string]func(string) bool{
	"private-key-rsa":             PEMPrivateKey,
	"private-key-ec":              PEMPrivateKey,
	"private-key-pkcs8":           PEMPrivateKey,
	"private-key-encrypted-pkcs8": PEMPrivateKey,
	"private-key-openssh":         PEMPrivateKey,
	"private-key-pgp":             PGPPrivateKey,
	"private-key-putty":           PuTTYPrivateKey,
}

// Every generated key passes its validator, whole, inside a JSON string
// and cut off after three quarters of it (a big key cut by the end of a
// file); its truncated documentation forms do not.
func TestPrivateKeyValidators(t *testing.T) {
	keys, err := testfixture.PrivateKeys("test key")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		valid := validatorFor[k.Rule]
		if valid == nil {
			t.Fatalf("%s: no validator for %s", k.Name, k.Rule)
		}
		text := strings.TrimRight(k.Text, "\n")
		good := []string{text, strings.ReplaceAll(text, "\n", "\r\n")}
		if k.Rule != "private-key-putty" { // the .ppk rule matches real line breaks only
			good = append(good, strings.ReplaceAll(text, "\n", `\n`)) // inside a JSON string
		}
		if len(text) > 1200 {
			good = append(good, text[:len(text)*3/4])
		}
		for _, s := range good {
			if !valid(s) {
				t.Errorf("%s rejected:\n%s", k.Name, s)
			}
		}
		lines := strings.Split(text, "\n")
		body := 1
		for body < len(lines) && (strings.Contains(lines[body], ":") || lines[body] == "") {
			body++
		}
		head, last := strings.Join(lines[:body], "\n"), lines[len(lines)-1]
		bad := []string{
			head + "\n" + lines[body][:20] + "...\n...\n" + last, // README style
			head + "\n" + lines[body],                            // a single line, cut off
			head + "\n" + last,                                   // no body
			head + "\n<your key here>\n" + last,
		}
		if body+3 < len(lines)-1 { // (a small key's whole body is one line)
			bad = append(bad,
				head+"\n"+lines[body]+"\n"+last, // a single body line
				head+"\n"+strings.Join(lines[body:body+3], "\n")+"\n...\n"+last)
			if !strings.Contains(k.Name, "encrypted-pem") { // ciphertext has no structure to lose
				// One body line lost: the structure no longer adds up.
				bad = append(bad, head+"\n"+strings.Join(append(append([]string{}, lines[body:body+1]...), lines[body+2:]...), "\n"))
			}
		}
		for _, s := range bad {
			if valid(s) {
				t.Errorf("%s: truncated form accepted:\n%s", k.Name, s)
			}
		}
	}
}

func TestPrivateKeyValidatorsReject(t *testing.T) {
	for _, s := range []string{
		"-----BEGIN RSA PRIVATE KEY-----\n" + strings.Repeat("x", 64) + "\n-----END RSA PRIVATE KEY-----",
		"-----BEGIN EC PRIVATE KEY-----\n<your key here>\n-----END EC PRIVATE KEY-----",
		"-----BEGIN RSA PRIVATE KEY-----\nMIIEogIBAAKCAQEAvLYcyu8f...\n...\n-----END RSA PRIVATE KEY-----",
		"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE...\n-----END OPENSSH PRIVATE KEY-----",
		"",
		"-----BEGIN ",
	} {
		if PEMPrivateKey(s) || PGPPrivateKey(s) || PuTTYPrivateKey(s) {
			t.Errorf("accepted %q", s)
		}
	}
	if PuTTYPrivateKey("PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: placeholder") {
		t.Error("a .ppk without key material accepted")
	}
}

// OpenSSH keys encrypted with an AEAD cipher carry the cipher's tag after
// the private section (as in x/crypto's ssh/testdata).
func TestOpenSSHAEADKeys(t *testing.T) {
	str := func(b []byte) []byte {
		return append([]byte{byte(len(b) >> 24), byte(len(b) >> 16), byte(len(b) >> 8), byte(len(b))}, b...)
	}
	for _, cipher := range []string{"chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "aes256-ctr"} {
		pub := append(str([]byte("ssh-ed25519")), str(make([]byte, 32))...)
		key := []byte("openssh-key-v1\x00")
		key = append(key, str([]byte(cipher))...)
		key = append(key, str([]byte("bcrypt"))...)
		key = append(key, str(append(str(make([]byte, 16)), 0, 0, 0, 24))...)
		key = append(key, 0, 0, 0, 1)
		key = append(key, str(pub)...)
		key = append(key, str(make([]byte, 144))...)
		aead := cipher != "aes256-ctr"
		if aead {
			key = append(key, make([]byte, 16)...)
		}
		b64 := base64.StdEncoding.EncodeToString(key)
		var lines []string
		for len(b64) > 70 {
			lines, b64 = append(lines, b64[:70]), b64[70:]
		}
		lines = append(lines, b64)
		pem := "-----BEGIN OPENSSH PRIVATE KEY-----\n" + strings.Join(lines, "\n") + "\n-----END OPENSSH PRIVATE KEY-----"
		if !PEMPrivateKey(pem) {
			t.Errorf("%s key rejected", cipher)
		}
	}
}
