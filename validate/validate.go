// Package validate holds offline structural checks ("validators") that a rule
// names with `validate = "..."`. A validator receives the rule's secret (the
// capture group) and reports whether it is structurally valid: a correct
// embedded checksum, a decodable envelope, the right key length. None of them
// contacts a provider.
package validate

import (
	"sort"
)

// registry maps a validator name to its check. Every entry is documented in
// the function it points to.
var registry = map[string]func(secret string) bool{
	"age-secret-key":          AgeSecretKey,
	"aws-access-key-id":       AWSAccessKeyID,
	"base64-key-32":           Base64Key32,
	"bip32-private-key":       BIP32ExtendedPrivateKey,
	"cardano-signing-key":     CardanoSigningKey,
	"lnd-macaroon":            LNDMacaroon,
	"minisign-secret-key":     MinisignSecretKey,
	"nostr-secret-key":        NostrSecretKey,
	"signify-secret-key":      SignifySecretKey,
	"base64-key-16-or-32":     Base64Key16or32,
	"base64url-key-32":        Base64URLKey32,
	"basic-auth":              BasicAuth,
	"discord-bot-token":       DiscordBotToken,
	"embedded-json":           EmbeddedJSON,
	"generic-secret":          GenericSecret,
	"generic-secret-text":     GenericSecretText,
	"grafana-checksum":        GrafanaChecksum,
	"password":                Password,
	"pem-private-key":         PEMPrivateKey,
	"pgp-private-key":         PGPPrivateKey,
	"putty-private-key":       PuTTYPrivateKey,
	"slack-token":             SlackToken,
	"stored-password":         StoredPassword,
	"azure-storage-key":       AzureStorageKey,
	"github-checksum":         GitHubChecksum,
	"github-installation-jwt": GitHubInstallationJWT,
	"gitlab-checksum":         GitLabChecksum,
	"jwt":                     JWT,
	"npm-checksum":            NPMChecksum,
	"pypi-macaroon":           PyPIMacaroon,
}

// Lookup returns the named validator; ok is false for an unknown name.
func Lookup(name string) (fn func(secret string) bool, ok bool) {
	fn, ok = registry[name]
	return fn, ok
}

// Names lists every validator name, sorted.
func Names() []string {
	names := make([]string, 0, len(registry))
	for name := range registry {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
