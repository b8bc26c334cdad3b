package validate

import "testing"

// TestCodeIsNotASecret: values that sit where a credential would but are
// code or text (issue #17's false-positive classes) fail the generic and
// password checks; random values of the same shapes pass.
func TestCodeIsNotASecret(t *testing.T) {
	for _, tc := range []struct {
		v      string
		secret bool
	}{
		// member accesses, negations, camelCase / PascalCase / snake / kebab words
		{"token.accessKeyId", false},
		{"config.accessKeyId", false},
		{"Credentials.AccessKeyId", false},
		{"X-Amz-S3session-Token", false},
		{"!!p.withCredentials", false},
		{"credentialsTreatedAsExpired", false},
		{"V2IamApiKeyPermissionsUpdatedEvent", false},
		{"CustomJSONEncoder", false},
		{"json_encoder=CustomJSONEncoder)", false},
		{"etcd-cluster-k8s", false},
		{`\\nlistenPort:`, false},
		{"DB_PASSWORD", false},
		// format strings and time layouts
		{"2006-01-02T15:04:05Z", false},
		{"HH:mm:ss.SSSZ", false},
		{"yyyy-MM-ddTHH:mm:ss", false},
		{"%s;Database=%s", false},
		{"Basic %s:%s", false},
		{"{0}:{1}@{2}", false},
		// a value that ran past ';' into the next key, percent-encoded words
		{"pass;LANGUAGE=us_english", false},
		{"apples%2Foranges", false},
		{"/Users/me/Documents/google/astute-cumulus-342713-80000a3b5bdb.json", false},
		// base64 of a sentence, password hashes, a JWT without its signature
		{"c3VwZXIgbG9uZyBzdHJpbmcgc2hvdWxkIGNhdXNlIGVub3VnaCBlbnRyb3B5", false},
		{"$2b$12$KIXQJ9b3Jh0Zq1x5bW1lOe8sZ5b6tq4sW0aH2z8b1M3n4o5p6q7r8", false},
		{"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.", false},
		// random values of the same shapes
		{"kX9#vQ2mLp7!", true},
		{"qsXHvMaGuVha!SwBlez", true},
		{"Zx8vQ2mLp7rT4kW9nB3cF6hJ1dS5gA0e", true},
		{"fPKI6SK-6RI39", true},
		{"coPUUfdasq6xoPFV4wMJfDm0ugEleY-LvniGWamM", true},
	} {
		if got := GenericSecret(tc.v) && Password(tc.v); got != tc.secret {
			t.Errorf("%q: generic and password checks pass = %v, want %v", tc.v, got, tc.secret)
		}
	}
}

// TestStoredPassword: in a credential store a dictionary-word password is a
// password; placeholders, references and constant names are not.
func TestStoredPassword(t *testing.T) {
	for _, tc := range []struct {
		v    string
		want bool
	}{
		{"MyPassword2024!x", true},
		{"Sup3rSecretPa55w0rd!", true},
		{"swordfish", true},
		{"passw0rd", true},
		{"TXlQYXNzd29yZDIwMjQheA==", true},
		{"password", false},
		{"changeme", false},
		{"", false},
		{"********", false},
		{"xxxxxxxx", false},
		{"${DB_PASSWORD}", false},
		{"$DB_PASSWORD", false},
		{"DB_PASSWORD", false},
		{"{{ .Values.password }}", false},
		{"<password>", false},
		{"%DB_PASSWORD%", false},
	} {
		if got := StoredPassword(tc.v); got != tc.want {
			t.Errorf("StoredPassword(%q) = %v, want %v", tc.v, got, tc.want)
		}
	}
}
