package eval

// hardNegatives are documents that sit next to credential-like names without
// holding a credential: what a generic detector must stay silent on. Each is
// a template (fresh random hashes, UUIDs, … per sample).
var hardNegatives = []struct{ path, doc string }{
	// hashes, integrity strings, digests, checksums
	{"go.sum.txt", "golang.org/x/crypto v0.31.0 h1:{b64:32}\ngolang.org/x/crypto v0.31.0/go.mod h1:{b64:32}\n"},
	{"web/package-lock.json", "{\n  \"node_modules/left-pad\": {\n    \"version\": \"1.3.0\",\n    \"resolved\": \"https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz\",\n    \"integrity\": \"sha512-{b64:64}\"\n  }\n}\n"},
	{"web/yarn-deps.txt", "\"@babel/core@^7.0.0\":\n  version \"7.24.0\"\n  resolved \"https://registry.yarnpkg.com/@babel/core/-/core-7.24.0.tgz#{hex:40}\"\n  integrity sha512-{b64:64}\n"},
	{"deploy/values.yaml", "image:\n  repository: ghcr.io/acme/api\n  digest: sha256:{hex:64}\n  tag: v1.4.2\n"},
	{"SHA256SUMS", "{hex:64}  keyhound_1.0.0_linux_amd64.tar.gz\n{hex:64}  keyhound_1.0.0_darwin_arm64.tar.gz\n"},
	{"config/release.yaml", "token_sha256: {hex:64}\nsecret_checksum: \"{hex:64}\"\napi_key_hash: {hex:64}\n"},
	{"db/seed.sql", "INSERT INTO users (email, password_hash) VALUES ('a@acme.io', '$2b$12${an:53}');\n"},
	{"config/auth.json", "{\"password_digest\": \"{b64:32}\", \"token_fingerprint\": \"{hex:40}\"}\n"},
	// git SHAs
	{".github/workflows/ci.yml", "steps:\n  - uses: actions/checkout@{hex:40}\n  - uses: actions/setup-go@{hex:40}\n    with:\n      token: ${{ secrets.GITHUB_TOKEN }}\n"},
	{"CHANGELOG.md", "## 1.4.2\n- fix token refresh ({hex:40})\n- rotate secret store client (commit {hex:7})\n"},
	{"build/info.go", "package build\n\nconst Commit = \"{hex:40}\"\nconst TokenVersion = 3\n"},
	// UUIDs
	{"config/tenant.yaml", "tenant_id: {uuid}\nclient_id: {uuid}\nsubscription_id: {uuid}\n"},
	{"config/ids.json", "{\"token_id\": \"{uuid}\", \"secret_id\": \"{uuid}\", \"key_id\": \"{uuid}\"}\n"},
	// base64 images and fonts
	{"web/icons.css", ".token-icon { background: url(data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQ{b64:60}); }\n"},
	{"web/theme.json", "{\"secretIcon\": \"iVBORw0KGgoAAAANSUhEUgAAABAAAAAQ{b64:48}\", \"tokenFont\": \"d09GMgABAAAAA{b64:48}\"}\n"},
	// public keys
	{"deploy/authorized_keys.yaml", "users:\n  - name: deploy\n    public_key: \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{b64:32} deploy@ci\"\n"},
	{"config/jwt.yaml", "jwt:\n  public_key: \"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE{b64:48}\"\n  publishable_key: pk_live_{an:24}\n"},
	{"web/.env.production", "NEXT_PUBLIC_STRIPE_KEY=pk_live_{an:99}\nNEXT_PUBLIC_API_URL=https://api.acme.io\n"},
	{"keys/signing.pub", "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA{b64:48}\n{b64:48}\n-----END PUBLIC KEY-----\n"},
	{"config/age.txt", "# public key: age1{bech:58}\nrecipient: age1{bech:58}\n"},
	// environment and secret-store lookups
	{"app/settings.py", "import os\nSECRET_KEY = os.environ[\"DJANGO_SECRET_KEY\"]\nAPI_TOKEN = os.getenv(\"API_TOKEN\")\nDB_PASSWORD = os.environ.get('DB_PASSWORD', '')\n"},
	{"src/config.js", "const apiKey = process.env.STRIPE_API_KEY;\nconst clientSecret = process.env['OAUTH_CLIENT_SECRET'];\nexport default { apiKey, clientSecret };\n"},
	{"cmd/server/main.go", "package main\n\nimport \"os\"\n\nvar apiToken = os.Getenv(\"API_TOKEN\")\nvar dbPassword = mustSecret(ctx, \"projects/acme/secrets/db-password/versions/latest\")\n"},
	{"src/main/java/Config.java", "String password = System.getenv(\"DB_PASSWORD\");\nString apiKey = config.getProperty(\"api.key\");\n"},
	{".github/workflows/deploy.yml", "env:\n  NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n  AWS_SECRET_ACCESS_KEY: ${{ secrets.AWS_SECRET_ACCESS_KEY }}\n  API_KEY: ${{ vars.API_KEY }}\n"},
	{"k8s/deployment.yaml", "env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: db-credentials\n        key: password\n  - name: API_TOKEN\n    valueFrom:\n      secretKeyRef: {name: api, key: token}\n"},
	{"infra/db.tf", "resource \"aws_db_instance\" \"main\" {\n  password = var.db_password\n  master_password = data.aws_secretsmanager_secret_version.db.secret_string\n}\n"},
	{"charts/api/templates/secret.yaml", "apiVersion: v1\nkind: Secret\ndata:\n  password: {{ .Values.db.password | b64enc }}\n  token: {{ required \"token\" .Values.token }}\n"},
	{"config/app.yaml", "database:\n  password: ${DB_PASSWORD}\n  token: \"${API_TOKEN:-}\"\napi_key: \"{{ api_key }}\"\nsecret: <%= ENV['SECRET'] %>\n"},
	{"ansible/group_vars/all.yml", "db_password: \"{{ vault_db_password }}\"\napi_token: \"{{ lookup('env', 'API_TOKEN') }}\"\n"},
	{"config/vault.hcl", "secret_key = \"vault:secret/data/app#api_key\"\ntoken = \"op://Engineering/Deploy/token\"\n"},
	// empty or prompted passwords
	{"scripts/login.py", "password = getpass.getpass(\"Password: \")\ntoken = input(\"Token: \")\nsecret = \"\"\n"},
	{"config/empty.env", "DB_PASSWORD=\nAPI_TOKEN=\nSECRET_KEY=\"\"\n"},
	// function and variable names, code
	{"auth/token.go", "package auth\n\nfunc (c *Client) refreshToken(ctx context.Context) (string, error) {\n\ttoken := c.tokenSource.Token()\n\tsecret := cfg.ClientSecretFromFile(path)\n\tpassword := strings.TrimSpace(string(passwordBytes))\n\treturn token, nil\n}\n"},
	{"src/auth.ts", "const accessToken = await getAccessTokenSilently({ audience });\nconst apiKey = useApiKeyFromContext();\nlet password = form.passwordInput.value;\n"},
	{"lib/auth.rb", "def api_key\n  @api_key ||= Rails.application.credentials.dig(:stripe, :api_key)\nend\npassword = params[:password]\n"},
	{"src/constants.ts", "export const TOKEN_STORAGE_KEY = 'auth.accessToken';\nexport const SECRET_HEADER_NAME = 'X-Webhook-Secret';\nexport const PASSWORD_MIN_LENGTH = 12;\n"},
	{"internal/names.go", "const (\n\tTokenTypeBearer = \"bearer\"\n\tSecretKindOpaque = \"kubernetes.io/service-account-token\"\n\tpasswordField    = \"password_confirmation\"\n)\n"},
	// i18n strings
	{"locales/en.json", "{\"password_label\": \"Password\", \"password_hint\": \"At least 12 characters\", \"token_expired\": \"Your session token has expired, please sign in again\", \"secret_prompt\": \"Enter the secret shown in your authenticator app\"}\n"},
	{"locales/fr.yml", "fr:\n  password: Mot de passe\n  api_key: Clé d'API\n  token_invalid: Jeton invalide\n"},
	// redacted and placeholder values
	{"docs/setup.md", "Set `API_KEY=your_api_key_here` and `SECRET_KEY=<secret key>` in `.env`, then run `make`.\n\n    export GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"},
	{"logs/app.log", "2026-01-01T00:00:00Z INFO login user=alice password=******** token=[REDACTED] api_key=sk_live_...\n"},
	{"config/example.env", "STRIPE_SECRET_KEY=sk_test_xxxxxxxxxxxxxxxxxxxxxxxx\nAWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\nPASSWORD=changeme\n"},
	{"docs/api.md", "curl -H \"Authorization: Bearer YOUR_ACCESS_TOKEN\" https://api.acme.io/v1\ncurl -u user:password https://example.com/\n"},
	// crypto test vectors in test code
	{"crypto/hpke/testdata/vectors.json", "[{\"shared_secret\": \"{hex:64}\", \"exporter_secret\": \"{hex:64}\", \"key_schedule_context\": \"{hex:130}\"}]\n"},
	{"crypto/ecdh/ecdh_test.go", "var vectors = []struct{ PrivateKey, PublicKey, SharedSecret string }{\n\t{PrivateKey: \"{hex:64}\", SharedSecret: \"{hex:64}\"},\n}\n"},
	{"pkg/hmac/hmac_test.py", "def test_hmac():\n    secret = bytes.fromhex(\"{hex:64}\")\n    api_key = \"{hex:40}\"\n"},
	// versions, numbers, dates, paths, URLs next to credential words
	{"config/limits.yaml", "max_tokens: 4096\ntoken_ttl: 3600\nsecret_rotation_days: 90\npassword_min_length: 12\ntoken_url: https://login.acme.io/oauth2/v2.0/token\nsecret_path: /var/run/secrets/kubernetes.io/serviceaccount/token\n"},
	{"config/versions.toml", "[tool.token-bucket]\nversion = \"1.24.0-rc.1+build.20240101\"\nsecret_store_version = \"v2.3.11\"\n"},
	// issue #17: code identifiers, member accesses and calls under credential names
	{"src/s3.js", "const client = new S3Client({\n  credentials: {\n    accessKeyId: token.accessKeyId,\n    secretAccessKey: config.secretAccessKey,\n    sessionToken: creds.Credentials.SessionToken,\n  },\n});\nconst sessionToken = \"X-Amz-S3session-Token\";\nif (!!p.withCredentials) { credentials = credentialsTreatedAsExpired; }\n"},
	{"CHANGELOG.md", "## 12.1.0\n* Add support for `ApiKeyExpiredEvent`, `V2IamApiKeyPermissionsUpdatedEvent` thin events\n* api_key: `RequestOptions.api_key` is now `RequestOptions.apiKeyOverride`\n"},
	{"tests/test_api_jwt.py", "def test_encode(self):\n    token = jwt.encode(payload, \"secret\", json_encoder=CustomJSONEncoder)\n    secret = self.fixtures.get_secret_value()\n"},
	{"charts/etcd/values.yaml", "auth:\n  token:\n    secretName: 'etcd-cluster-k8s'\n  password: \"\\\\nlistenPort:\"\n"},
	{"internal/log/format.go", "package log\n\nconst passwordChangedAtLayout = \"2006-01-02T15:04:05Z\"\nvar tokenExpiry = \"HH:mm:ss.SSSZ\"\n"},
	{"app/db.py", "url = f\"postgresql://{user}:DB_PASSWORD@db.{domain}/app\"\nconn = \"DRIVER={ODBC};SERVER=%s;UID=%s;PWD=%s;Database=%s\" % args\nodbc = \"PWD=pass;LANGUAGE=us_english\"\n"},
	// issue #17: credential words inside longer key names
	{".secrets.baseline", "{\"results\": {\"app/config.py\": [{\"type\": \"Secret Keyword\", \"hashed_secret\": \"{hex:40}\", \"is_verified\": false, \"line_number\": 3}]}}\n"},
	{"config/secrets.yaml", "secret_version: {an:32}\ntoken_url: https://login.acme.io/oauth2/{an:24}\npassword_hash: \"$2b$12${an:53}\"\n"},
	{"settings.py", "DATABASES = {\"default\": {\"NAME\": \"app\"}}\nDB_PASSWORD = os.environ.get(\"DB_PASSWORD\", \"\")\n"},
	// issue #17: documentation connection strings, unsigned JWTs, test Basic credentials
	{"doc/build/core/engines.rst", "    engine = create_engine(\"postgresql+pg8000://dbuser:kx%40jj5%2Fg@pghost10/appdb\")\n    engine = create_engine(\"oracle+oracledb://scott:tiger@tnsalias\")\n    engine = create_engine(\"mysql://scott:tiger@localhost/test\")\n"},
	{"docs/audit.md", "    password=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.\n"},
	{"test/req.auth.js", "request(app).get('/').set('Authorization', 'Basic dG9iaTpmZXJyZXQ=').expect('tobi:ferret', done)\n"},
	// issue #17: end-to-end test fixtures
	{"cypress/fixtures/users.json", "{\"admin\": {\"email\": \"admin@acme.io\", \"password\": \"{pw}\"}, \"api_key\": \"{an:32}\"}\n"},
}
