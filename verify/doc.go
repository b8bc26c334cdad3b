// Package verify checks found secrets against their providers' APIs
// (keyhound's opt-in --verify): one read-only request per unique secret, sent
// only over HTTPS to the fixed hosts the provider's verifier names, never to a
// host taken from the scanned content, never following a redirect, and never
// writing the secret into an error, a log line or a cache file.
//
// A Verifier is data (the rules it serves, its hosts, what it pairs with) and
// one small function that builds the request and reads the answer. The Client
// enforces the transport rules (HTTPS, host allow-list, timeout, retries,
// per-host concurrency); the Stage runs the checks concurrently with the scan,
// each unique secret once, pairing companion values (an AWS key id with its
// secret key) found in the same file or commit; the Cache keeps results for
// one run and, with a directory, across runs by a hash of the secret.
package verify
