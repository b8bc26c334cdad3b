// Package webhook pushes every finding to HTTP receivers while a scan runs,
// so that a leaked key can be revoked within seconds of being found.
//
// # Configuration
//
// Hooks come from [[webhooks]] tables in the rule file and from --webhook URL
// on the command line (which gets the defaults: no signing key, all rules,
// secret not included):
//
//	[[webhooks]]
//	url = "https://revoke.internal.example/hooks/keyhound"
//	secret_env = "KEYHOUND_WEBHOOK_SECRET"   # env var holding the HMAC key; never the key itself
//	rules = ["github-pat", "aws-access-key-id"]  # optional: only these rule ids (default: all)
//	min_severity = "high"                    # optional: info < low < medium < high < critical
//	include_secret = true                    # the receiver needs the secret to revoke it
//	timeout = "10s"                          # per request (default 10s)
//	max_attempts = 5                         # default 5
//	headers = { Authorization = "env:REVOKE_TOKEN" }  # "env:NAME" is read from the environment
//
// [Configure] rejects, before any scanning, a URL that is not http or https,
// a secret_env or "env:" header whose variable is unset or empty, a bad
// timeout, max_attempts or min_severity. A finding whose severity is empty or
// unknown passes any min_severity filter (a misconfigured rule never hides a
// finding from the revoker).
//
// # Request
//
// One POST per finding per hook:
//
//	POST /hooks/keyhound HTTP/1.1
//	Content-Type: application/json
//	User-Agent: keyhound
//	X-Keyhound-Event: secret.detected
//	X-Keyhound-Delivery: 5f0c0a6e3d1b4c2a9e8f7d6c5b4a3921
//	X-Keyhound-Signature-256: sha256=<hex HMAC-SHA256 of the body, keyed with $secret_env>
//
//	{"event":"secret.detected","delivery":"5f0c0a6e3d1b4c2a9e8f7d6c5b4a3921","finding":{
//	  "rule_id":"github-pat","description":"...","severity":"high","file":"config/app.env",
//	  "line":3,"column":14,"end_line":3,"end_column":54,"secret":"REDACTED",
//	  "match":"TOKEN=REDACTED","entropy":4.9,"fingerprint":"...","tags":["github","token"],
//	  "commit":"...","author":"...","email":"...","date":"2024-05-01T10:00:00Z","message":"..."}}
//
// The finding is the one of the JSON report. Unless the hook sets
// include_secret, "secret" is "REDACTED" and the secret is cut out of "match".
// The signature header is present only when the hook has a signing key; a
// receiver verifies it by computing HMAC-SHA256 over the raw body bytes, as
// received, and comparing in constant time (see Example_receiver). Extra
// headers from the hook's configuration are added; they cannot replace the
// ones above.
//
// # Delivery
//
//   - X-Keyhound-Delivery is a random 128-bit hex id, unique per (hook,
//     finding) and identical on every retry of that delivery, together with
//     the body and its signature: receivers deduplicate on it.
//   - The same finding (same fingerprint and commit) is sent to a hook at most
//     once per run.
//   - A 2xx answer is a delivery. Network errors, timeouts, 429 and 5xx are
//     retried with exponential backoff and jitter (about 500ms, 1s, 2s, ... capped
//     at 30s); a 429 or 5xx answer with Retry-After (seconds or an HTTP date) waits
//     that long instead (capped at the same 30s). Any other answer (3xx, 4xx)
//     fails at once. Each request has its own timeout; a delivery gives up
//     after max_attempts, so it costs at most about
//     max_attempts × (timeout + 30s).
//   - After three consecutive deliveries to a hook have failed on their last
//     retryable attempt, further deliveries to it get a single attempt until
//     one succeeds, so that an endpoint that is down cannot hold the end of a
//     long scan for hours.
//   - Redirects are followed only to the same host and scheme, and only when
//     they keep the POST and its body (307, 308); anything else fails the
//     delivery, so the body never goes to another host.
//   - Deliveries run in the background, a few at once (Options.Concurrency),
//     while the scan goes on; [Sender.Close] waits for them. A failed delivery
//     is named on Options.Stderr with its reason and counted in the [Summary];
//     it never removes the finding from the report.
//
// With Options.DryRun the requests are printed instead of being sent (body
// redacted unless include_secret; header values read from the environment
// are masked). With Options.Log every attempt is recorded as one JSON line:
//
//	{"time":"...","delivery":"...","hook":"https://...","fingerprint":"...","attempt":1,"status":503,"latency_ms":12,"error":"HTTP 503 Service Unavailable"}
package webhook
