// The token formats of the built-in catalog, one entry per rule, written from
// the providers' documented formats: the same templates the rules' own
// examples were made from (template_test.go expands them). Keep an entry for
// every rule of rules.toml: TestCatalog checks it.

package eval

// formats lists every rule of the built-in catalog with its token templates,
// the variable name a positive is assigned to, documents in which the rule
// must find the token, and near misses it must not report.
var formats = []format{
	{
		Rule: "github-pat", Family: "source-ci",
		Tokens: []string{"{ghcrc:ghp_}"},
		Name:   "GITHUB_TOKEN",
	},
	{
		Rule: "github-oauth-token", Family: "source-ci",
		Tokens: []string{"{ghcrc:gho_}"},
		Name:   "GH_OAUTH_TOKEN",
	},
	{
		Rule: "github-app-user-token", Family: "source-ci",
		Tokens: []string{"{ghcrc:ghu_}"},
		Name:   "GH_USER_TOKEN",
	},
	{
		Rule: "github-app-installation-token", Family: "source-ci",
		Tokens: []string{"{ghcrc:ghs_}"},
		Name:   "INSTALLATION_TOKEN",
	},
	{
		Rule: "github-refresh-token", Family: "source-ci",
		Tokens: []string{"{ghcrc:ghr_}"},
		Name:   "GH_REFRESH_TOKEN",
	},
	{
		Rule: "github-fine-grained-pat", Family: "source-ci",
		Tokens: []string{"github_pat_{an:22}_{an:59}"},
		Name:   "GH_TOKEN",
	},
	{
		Rule: "github-legacy-token", Family: "source-ci",
		Tokens: []string{"{hex:40}"},
		Name:   "GITHUB_TOKEN",
	},
	{
		Rule: "gitlab-pat", Family: "source-ci",
		Tokens: []string{"glpat-{u64:20}"},
		Name:   "GITLAB_TOKEN",
	},
	{
		Rule: "gitlab-deploy-token", Family: "source-ci",
		Tokens: []string{"gldt-{u64:20}"},
		Name:   "DEPLOY_TOKEN",
	},
	{
		Rule: "gitlab-runner-token", Family: "source-ci",
		Tokens: []string{"glrt-{u64:20}"},
		Name:   "RUNNER_TOKEN",
	},
	{
		Rule: "gitlab-pipeline-trigger-token", Family: "source-ci",
		Tokens: []string{"glptt-{hex:40}"},
		Name:   "TRIGGER_TOKEN",
	},
	{
		Rule: "gitlab-ci-job-token", Family: "source-ci",
		Tokens: []string{"glcbt-{u64:20}"},
		Name:   "JOB_TOKEN",
	},
	{
		Rule: "gitlab-scim-token", Family: "source-ci",
		Tokens: []string{"glsoat-{u64:20}"},
		Name:   "SCIM_TOKEN",
	},
	{
		Rule: "gitlab-feed-token", Family: "source-ci",
		Tokens: []string{"glft-{u64:20}"},
		Name:   "FEED_TOKEN",
	},
	{
		Rule: "gitlab-oauth-app-secret", Family: "source-ci",
		Tokens: []string{"gloas-{u64:64}"},
		Name:   "GITLAB_CLIENT_SECRET",
	},
	{
		Rule: "gitlab-agent-token", Family: "source-ci",
		Tokens: []string{"glagent-{u64:50}"},
		Name:   "AGENT_TOKEN",
	},
	{
		Rule: "gitlab-misc-token", Family: "source-ci",
		Tokens: []string{"glimt-{u64:25}"},
		Name:   "INCOMING_EMAIL_TOKEN",
	},
	{
		Rule: "gitlab-runner-registration-token", Family: "source-ci",
		Tokens: []string{"GR1348941{u64:20}"},
		Name:   "REGISTRATION_TOKEN",
	},
	{
		Rule: "aws-access-key-id", Family: "cloud",
		Tokens: []string{"AKIA{b32:16}", "ASIA{b32:16}"},
		Name:   "AWS_ACCESS_KEY_ID",
	},
	{
		Rule: "aws-secret-access-key", Family: "cloud",
		Tokens: []string{"{b64:40}"},
		Name:   "AWS_SECRET_ACCESS_KEY",
	},
	{
		Rule: "google-api-key", Family: "cloud",
		Tokens: []string{"AIza{u64:35}"},
		Name:   "GOOGLE_API_KEY",
	},
	{
		Rule: "google-oauth-client-secret", Family: "cloud",
		Tokens: []string{"GOCSPX-{u64:28}"},
		Name:   "GOOGLE_CLIENT_SECRET",
	},
	{
		Rule: "google-oauth-access-token", Family: "cloud",
		Tokens: []string{"ya29.{u64:120}"},
		Name:   "GOOGLE_ACCESS_TOKEN",
	},
	{
		Rule: "azure-storage-account-key", Family: "cloud",
		Tokens: []string{"DefaultEndpointsProtocol=https;AccountName=acme{l:4};AccountKey={key64};EndpointSuffix=core.windows.net"},
		Name:   "AZURE_STORAGE_CONNECTION_STRING",
	},
	{
		Rule: "azure-sas-token", Family: "cloud",
		Tokens: []string{"https://acme{l:4}.blob.core.windows.net/c?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2027-01-01T00:00:00Z&sig={b64:43}="},
		Name:   "SAS_URL",
	},
	{
		Rule: "slack-bot-token", Family: "messaging",
		Tokens: []string{"xoxb-7{d:11}-1{d:12}-{an:24}"},
		Name:   "SLACK_BOT_TOKEN",
	},
	{
		Rule: "slack-user-token", Family: "messaging",
		Tokens: []string{"xoxp-5{d:11}-6{d:11}-2{d:12}-{hex:32}"},
		Name:   "SLACK_USER_TOKEN",
	},
	{
		Rule: "slack-app-token", Family: "messaging",
		Tokens: []string{"xapp-1-A{AU:10}-{d:13}-{hex:64}"},
		Name:   "SLACK_APP_TOKEN",
	},
	{
		Rule: "slack-config-token", Family: "messaging",
		Tokens: []string{"xoxe.xoxp-1-{an:140}"},
		Name:   "SLACK_CONFIG_TOKEN",
	},
	{
		Rule: "slack-legacy-token", Family: "messaging",
		Tokens: []string{"xoxs-9{d:11}-{an:40}"},
		Name:   "SLACK_TOKEN",
	},
	{
		Rule: "slack-webhook-url", Family: "messaging",
		Tokens: []string{"https://hooks.slack.com/services/T{AU:10}/B{AU:10}/{an:24}"},
		Name:   "SLACK_WEBHOOK_URL",
	},
	{
		Rule: "stripe-secret-key", Family: "payments",
		Tokens: []string{"sk_live_{an:99}"},
		Name:   "STRIPE_SECRET_KEY",
	},
	{
		Rule: "stripe-restricted-key", Family: "payments",
		Tokens: []string{"rk_live_{an:99}"},
		Name:   "STRIPE_KEY",
	},
	{
		Rule: "stripe-test-key", Family: "payments",
		Tokens: []string{"sk_test_{an:99}"},
		Name:   "STRIPE_SECRET_KEY",
	},
	{
		Rule: "stripe-webhook-secret", Family: "payments",
		Tokens: []string{"whsec_{an:32}"},
		Name:   "STRIPE_WEBHOOK_SECRET",
	},
	{
		Rule: "openai-project-key", Family: "ai",
		Tokens: []string{"sk-proj-{u64:74}T3BlbkFJ{u64:74}"},
		Name:   "OPENAI_API_KEY",
	},
	{
		Rule: "openai-service-account-key", Family: "ai",
		Tokens: []string{"sk-svcacct-{u64:74}T3BlbkFJ{u64:74}"},
		Name:   "OPENAI_API_KEY",
	},
	{
		Rule: "openai-admin-key", Family: "ai",
		Tokens: []string{"sk-admin-{u64:58}T3BlbkFJ{u64:58}"},
		Name:   "OPENAI_ADMIN_KEY",
	},
	{
		Rule: "openai-legacy-key", Family: "ai",
		Tokens: []string{"sk-{an:20}T3BlbkFJ{an:20}"},
		Name:   "OPENAI_API_KEY",
	},
	{
		Rule: "anthropic-api-key", Family: "ai",
		Tokens: []string{"sk-ant-api03-{u64:93}AA"},
		Name:   "ANTHROPIC_API_KEY",
	},
	{
		Rule: "anthropic-admin-key", Family: "ai",
		Tokens: []string{"sk-ant-admin01-{u64:93}AA"},
		Name:   "ANTHROPIC_ADMIN_KEY",
	},
	{
		Rule: "sendgrid-api-key", Family: "messaging",
		Tokens: []string{"SG.{u64:22}.{u64:43}"},
		Name:   "SENDGRID_API_KEY",
	},
	{
		Rule: "twilio-api-key", Family: "messaging",
		Tokens: []string{"SK{hex:32}"},
		Name:   "TWILIO_API_KEY",
	},
	{
		Rule: "twilio-auth-token", Family: "messaging",
		Tokens: []string{"{hex:32}"},
		Name:   "TWILIO_AUTH_TOKEN",
	},
	{
		Rule: "npm-access-token", Family: "registries",
		Tokens: []string{"{ghcrc:npm_}"},
		Name:   "NPM_TOKEN",
	},
	{
		Rule: "rubygems-api-key", Family: "registries",
		Tokens: []string{"rubygems_{hex:48}"},
		Name:   "GEM_HOST_API_KEY",
	},
	{
		Rule: "docker-hub-token", Family: "source-ci",
		Tokens: []string{"dckr_pat_{u64:27}"},
		Name:   "DOCKERHUB_TOKEN",
	},
	{
		Rule: "huggingface-token", Family: "ai",
		Tokens: []string{"hf_{an:34}"},
		Name:   "HF_TOKEN",
	},
	{
		Rule: "shopify-token", Family: "payments",
		Tokens: []string{"shpat_{hex:32}"},
		Name:   "SHOPIFY_ACCESS_TOKEN",
	},
	{
		Rule: "digitalocean-token", Family: "cloud",
		Tokens: []string{"dop_v1_{hex:64}"},
		Name:   "DIGITALOCEAN_TOKEN",
	},
	{
		Rule: "hashicorp-vault-token", Family: "secrets-identity",
		Tokens: []string{"hvs.{u64:90}"},
		Name:   "VAULT_TOKEN",
	},
	{
		Rule: "terraform-cloud-token", Family: "secrets-identity",
		Tokens: []string{"{an:14}.atlasv1.{u64:67}"},
		Name:   "TF_API_TOKEN",
	},
	{
		Rule: "databricks-token", Family: "saas",
		Tokens: []string{"dapi{hex:32}"},
		Name:   "DATABRICKS_TOKEN",
	},
	{
		Rule: "sentry-auth-token", Family: "observability",
		Tokens: []string{"sntryu_{hex:64}"},
		Name:   "SENTRY_AUTH_TOKEN",
	},
	{
		Rule: "grafana-service-account-token", Family: "observability",
		Tokens: []string{"{grafana}"},
		Name:   "GRAFANA_TOKEN",
	},
	{
		Rule: "discord-webhook-url", Family: "messaging",
		Tokens: []string{"https://discord.com/api/webhooks/{d:19}/{u64:68}"},
		Name:   "DISCORD_WEBHOOK",
	},
	{
		Rule: "jwt", Family: "jwt-config",
		Tokens: []string{"{jwt}"},
		Name:   "ID_TOKEN",
	},
	{
		Rule: "postgres-uri-password", Family: "uri",
		Tokens: []string{"postgres://app:{an:20}@db.internal:5432/app"},
		Name:   "DATABASE_URL",
	},
	{
		Rule: "mysql-uri-password", Family: "uri",
		Tokens: []string{"mysql://wp:{an:20}@mysql.internal:3306/wordpress"},
		Name:   "DATABASE_URL",
	},
	{
		Rule: "mongodb-uri-password", Family: "uri",
		Tokens: []string{"mongodb+srv://api:{an:20}@cluster0.ab1cd.mongodb.net/prod"},
		Name:   "MONGO_URL",
	},
	{
		Rule: "redis-uri-password", Family: "uri",
		Tokens: []string{"redis://:{an:32}@redis-master:6379/0"},
		Name:   "REDIS_URL",
	},
	{
		Rule: "amqp-uri-password", Family: "uri",
		Tokens: []string{"amqp://worker:{an:24}@rabbitmq.internal:5672/jobs"},
		Name:   "BROKER_URL",
	},
	{
		Rule: "github-app-installation-token-jwt", Family: "source-ci",
		Tokens: []string{"{ghsjwt}"},
		Name:   "GITHUB_TOKEN",
	},
	{
		Rule: "aws-credential-pair", Family: "cloud",
		Tokens: []string{"{awspair}"},
		Name:   "AWS_CREDS",
	},
	{
		Rule: "pypi-api-token", Family: "registries",
		Tokens: []string{"{pypi}"},
		Name:   "TWINE_PASSWORD",
	},
	{
		Rule: "age-secret-key", Family: "secrets-identity",
		Tokens: []string{"{age}"},
		Name:   "SOPS_AGE_KEY",
	},
	{
		Rule: "private-key-rsa", Family: "private-keys",
		Tokens: []string{"{pem:RSA PRIVATE KEY}"},
		Name:   "KEY",
	},
	{
		Rule: "private-key-ec", Family: "private-keys",
		Tokens: []string{"{pem:EC PRIVATE KEY}"},
		Name:   "KEY",
	},
	{
		Rule: "private-key-dsa", Family: "private-keys",
		Tokens: []string{"{pem:DSA PRIVATE KEY}"},
		Name:   "KEY",
	},
	{
		Rule: "private-key-openssh", Family: "private-keys",
		Tokens: []string{"{openssh}"},
		Name:   "KEY",
	},
	{
		Rule: "private-key-pkcs8", Family: "private-keys",
		Tokens: []string{"{pem:PRIVATE KEY}"},
		Name:   "KEY",
	},
	{
		Rule: "private-key-encrypted-pkcs8", Family: "private-keys",
		Tokens: []string{"{pem:ENCRYPTED PRIVATE KEY}"},
		Name:   "KEY",
	},
	{
		Rule: "private-key-pgp", Family: "private-keys",
		Tokens: []string{"{pgp}"},
		Name:   "KEY",
	},
	{
		Rule: "private-key-putty", Family: "private-keys",
		Tokens: []string{"{putty}"},
		Name:   "KEY",
	},
	{
		Rule: "aws-session-token", Family: "cloud",
		Tokens: []string{"IQoJb3JpZ2luX2Vj{b64:300}"},
		Name:   "AWS_SESSION_TOKEN",
		NearMisses: []string{
			"AWS_SESSION_TOKEN=${AWS_SESSION_TOKEN}",
			"aws_session_token = IQoJb3JpZ2luX2VjEAxxx",
		},
	},
	{
		Rule: "aws-session-token-prefixed", Family: "cloud",
		Tokens: []string{"IQoJb3JpZ2luX2Vj{b64:400}", "FwoGZXIvYXdzE{b64:300}"},
		Name:   "token",
		NearMisses: []string{
			"token: IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ",
		},
	},
	{
		Rule: "aws-bedrock-api-key", Family: "cloud",
		Tokens: []string{"ABSKQmVkcm9ja0FQSUtleS{b64:108}"},
		Name:   "AWS_BEARER_TOKEN_BEDROCK",
	},
	{
		Rule: "aws-mws-auth-token", Family: "cloud",
		Tokens: []string{"amzn.mws.{uuid}"},
		Name:   "MWS_AUTH_TOKEN",
	},
	{
		Rule: "gcp-service-account-key", Family: "cloud",
		Docs: []string{
			"{\"type\": \"service_account\", \"project_id\": \"acme-prod\", \"private_key_id\": \"{hex:40}\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----\\n\", \"client_email\": \"ci@acme-prod.iam.gserviceaccount.com\"}",
			"{\n  \"type\": \"service_account\",\n  \"project_id\": \"data-{l:6}\",\n  \"private_key_id\": \"{hex:40}\",\n  \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIIEvgIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----\\n\"\n}",
		},
		NearMisses: []string{
			"{\"private_key_id\": \"{hex:40}\", \"private_key\": \"\"}",
		},
	},
	{
		Rule: "google-oauth-refresh-token", Family: "cloud",
		Tokens: []string{"1//0{u64:99}"},
		Name:   "GOOGLE_REFRESH_TOKEN",
	},
	{
		Rule: "firebase-cloud-messaging-server-key", Family: "cloud",
		Tokens: []string{"AAAA{u64:7}:APA91b{u64:134}"},
		Name:   "FCM_SERVER_KEY",
	},
	{
		Rule: "azure-ad-client-secret", Family: "cloud",
		Tokens: []string{"{an:3}8Q~{an:34}"},
		Name:   "AZURE_CLIENT_SECRET",
	},
	{
		Rule: "azure-devops-pat", Family: "cloud",
		Tokens: []string{"{an:52}JQQJ99{an:18}AZDO{an:4}"},
		Name:   "AZURE_DEVOPS_PAT",
		NearMisses: []string{
			"AZURE_DEVOPS_PAT={an:52}JQQJ99{an:10}AZDO{an:4}",
		},
	},
	{
		Rule: "azure-devops-pat-legacy", Family: "cloud",
		Tokens: []string{"{b32l:52}"},
		Name:   "AZURE_DEVOPS_EXT_PAT",
	},
	{
		Rule: "azure-identifiable-key", Family: "cloud",
		Tokens: []string{"{an:33}AzFu{an:5}A==", "{an:33}+ASb{an:5}g==", "{an:42}AzSeB{an:5}"},
		Name:   "AZURE_KEY",
	},
	{
		Rule: "azure-service-bus-connection-string", Family: "cloud",
		Tokens: []string{"Endpoint=sb://acme-{l:5}.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={key32}"},
		Name:   "SERVICEBUS_CONNECTION",
		NearMisses: []string{
			"SERVICEBUS_CONNECTION=Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=<your key>",
		},
	},
	{
		Rule: "azure-app-configuration-connection-string", Family: "cloud",
		Tokens: []string{"Endpoint=https://acme-{l:5}.azconfig.io;Id=k{an:3}-l0-s0:{an:20};Secret={key32}"},
		Name:   "APPCONFIG_CONNECTION",
		NearMisses: []string{
			"APPCONFIG_CONNECTION=Endpoint=https://acme.azconfig.io;Id=k1-l0-s0:abc;Secret=${APPCONFIG_SECRET}",
		},
	},
	{
		Rule: "alibaba-access-key-id", Family: "cloud",
		Tokens: []string{"LTAI{an:20}", "LTAI5t{an:18}"},
		Name:   "ALIBABA_CLOUD_ACCESS_KEY_ID",
		NearMisses: []string{
			"ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI{an:6}",
		},
	},
	{
		Rule: "alibaba-access-key-secret", Family: "cloud",
		Tokens: []string{"{an:30}"},
		Name:   "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
	},
	{
		Rule: "tencent-cloud-secret-id", Family: "cloud",
		Tokens: []string{"AKID{an:32}"},
		Name:   "TENCENTCLOUD_SECRET_ID",
	},
	{
		Rule: "tencent-cloud-secret-key", Family: "cloud",
		Tokens: []string{"{an:32}"},
		Name:   "TENCENTCLOUD_SECRET_KEY",
	},
	{
		Rule: "ibm-cloud-api-key", Family: "cloud",
		Tokens: []string{"{u64:44}"},
		Name:   "IBMCLOUD_API_KEY",
	},
	{
		Rule: "ibm-cos-hmac-secret", Family: "cloud",
		Docs: []string{
			"{\"apikey\": \"x\", \"cos_hmac_keys\": {\"access_key_id\": \"{hex:32}\", \"secret_access_key\": \"{hex:48}\"}}",
			"\"cos_hmac_keys\": {\n    \"access_key_id\": \"{hex:32}\",\n    \"secret_access_key\": \"{hex:48}\"\n  }",
		},
		NearMisses: []string{
			"\"cos_hmac_keys\": {\"access_key_id\": \"{hex:32}\", \"secret_access_key\": \"{hex:40}\"}",
		},
	},
	{
		Rule: "oracle-oci-config-key", Family: "cloud",
		Docs: []string{
			"[DEFAULT]\nuser=ocid1.user.oc1..aaaaaaaa{b32l:52}\nfingerprint=20:3b:97:13:55:1c:5b:0d:d3:37:d8:50:4e:c5:3a:34\nkey_file=~/.oci/oci_api_key.pem\npass_phrase={pw}\ntenancy=ocid1.tenancy.oc1..aaaaaaaa{b32l:52}\nregion=us-ashburn-1",
			"user = ocid1.user.oc1..aaaaaaaa{b32l:52}\nauth_token = {pw}",
		},
		NearMisses: []string{
			"user=ocid1.user.oc1..aaaaaaaa{b32l:52}\npass_phrase=${OCI_PASSPHRASE}",
		},
	},
	{
		Rule: "oracle-oci-customer-secret-key", Family: "cloud",
		Tokens: []string{"{key32}"},
		Name:   "OCI_SECRET_KEY",
		NearMisses: []string{
			"OCI_SECRET_KEY=${OCI_SECRET_KEY}",
		},
	},
	{
		Rule: "digitalocean-spaces-key", Family: "cloud",
		Tokens: []string{"{b64:43}"},
		Name:   "SPACES_SECRET_KEY",
	},
	{
		Rule: "heroku-api-key", Family: "cloud",
		Tokens: []string{"HRKU-AA{u64:58}"},
		Name:   "HEROKU_API_KEY",
	},
	{
		Rule: "heroku-api-key-legacy", Family: "cloud",
		Tokens: []string{"{uuid}"},
		Name:   "HEROKU_API_KEY",
	},
	{
		Rule: "fly-io-token", Family: "cloud",
		Tokens: []string{"FlyV1 fm2_{b64:150}", "fm1r_{b64:120}"},
		Name:   "FLY_API_TOKEN",
	},
	{
		Rule: "fly-io-org-token", Family: "cloud",
		Tokens: []string{"fo1_{u64:43}"},
		Name:   "FLY_API_TOKEN",
	},
	{
		Rule: "vercel-token", Family: "cloud",
		Tokens: []string{"vcp_{an:56}"},
		Name:   "VERCEL_TOKEN",
	},
	{
		Rule: "vercel-token-legacy", Family: "cloud",
		Tokens: []string{"{an:24}"},
		Name:   "VERCEL_TOKEN",
	},
	{
		Rule: "netlify-token", Family: "cloud",
		Tokens: []string{"nfp_{an:36}"},
		Name:   "NETLIFY_AUTH_TOKEN",
	},
	{
		Rule: "netlify-token-legacy", Family: "cloud",
		Tokens: []string{"{u64:43}"},
		Name:   "NETLIFY_AUTH_TOKEN",
	},
	{
		Rule: "cloudflare-api-token", Family: "cloud",
		Tokens: []string{"{u64:40}"},
		Name:   "CLOUDFLARE_API_TOKEN",
	},
	{
		Rule: "cloudflare-global-api-key", Family: "cloud",
		Tokens: []string{"{hex:37}"},
		Name:   "CLOUDFLARE_API_KEY",
	},
	{
		Rule: "cloudflare-origin-ca-key", Family: "cloud",
		Tokens: []string{"v1.0-{hex:24}-{hex:146}"},
		Name:   "CF_ORIGIN_CA_KEY",
	},
	{
		Rule: "cloudflare-tunnel-token", Family: "cloud",
		Tokens: []string{"{cftunnel}"},
		Name:   "TUNNEL_TOKEN",
		NearMisses: []string{
			"TUNNEL_TOKEN=eyJhIjoiNotBase64Json!!",
		},
	},
	{
		Rule: "linode-token", Family: "cloud",
		Tokens: []string{"{hex:64}"},
		Name:   "LINODE_TOKEN",
	},
	{
		Rule: "scaleway-access-key", Family: "cloud",
		Tokens: []string{"SCW{AU:17}"},
		Name:   "SCW_ACCESS_KEY",
		NearMisses: []string{
			"SCW_ACCESS_KEY=SCW{AU:10}",
		},
	},
	{
		Rule: "scaleway-secret-key", Family: "cloud",
		Tokens: []string{"{uuid}"},
		Name:   "SCW_SECRET_KEY",
	},
	{
		Rule: "hetzner-cloud-token", Family: "cloud",
		Tokens: []string{"{an:64}"},
		Name:   "HCLOUD_TOKEN",
	},
	{
		Rule: "backblaze-b2-application-key", Family: "cloud",
		Tokens: []string{"K005{an:27}"},
		Name:   "B2_APPLICATION_KEY",
	},
	{
		Rule: "upcloud-or-vultr-api-key", Family: "cloud",
		Tokens: []string{"{AU:36}"},
		Name:   "VULTR_API_KEY",
	},
	{
		Rule: "render-api-key", Family: "cloud",
		Tokens: []string{"rnd_{an:32}"},
		Name:   "RENDER_API_KEY",
	},
	{
		Rule: "railway-token", Family: "cloud",
		Tokens: []string{"{uuid}"},
		Name:   "RAILWAY_TOKEN",
	},
	{
		Rule: "supabase-access-token", Family: "cloud",
		Tokens: []string{"sbp_{hex:40}"},
		Name:   "SUPABASE_ACCESS_TOKEN",
	},
	{
		Rule: "supabase-secret-key", Family: "cloud",
		Tokens: []string{"sb_secret_{u64:31}"},
		Name:   "SUPABASE_SECRET_KEY",
	},
	{
		Rule: "neon-api-key", Family: "cloud",
		Tokens: []string{"napi_{al:64}"},
		Name:   "NEON_API_KEY",
	},
	{
		Rule: "planetscale-token", Family: "saas",
		Tokens: []string{"pscale_tkn_{u64:43}", "pscale_pw_{u64:43}"},
		Name:   "PLANETSCALE_SERVICE_TOKEN",
	},
	{
		Rule: "pinecone-api-key", Family: "ai",
		Tokens: []string{"pcsk_{an:6}_{an:63}"},
		Name:   "PINECONE_API_KEY",
	},
	{
		Rule: "mongodb-atlas-api-key", Family: "cloud",
		Tokens: []string{"{uuid}"},
		Name:   "MONGODB_ATLAS_PRIVATE_KEY",
	},
	{
		Rule: "tailscale-key", Family: "cloud",
		Tokens: []string{"tskey-auth-k{an:11}CNTRL-{an:33}"},
		Name:   "TS_AUTHKEY",
	},
	{
		Rule: "ngrok-authtoken", Family: "cloud",
		Tokens: []string{"{an:27}_{an:21}"},
		Name:   "NGROK_AUTHTOKEN",
	},
	{
		Rule: "yandex-cloud-credential", Family: "cloud",
		Tokens: []string{"AQVN{u64:36}", "y0_AgAAAA{u64:48}"},
		Name:   "YC_TOKEN",
	},
	{
		Rule: "huawei-cloud-access-key", Family: "cloud",
		Tokens: []string{"{an:40}"},
		Name:   "HUAWEICLOUD_SDK_SK",
	},
	{
		Rule: "bitbucket-app-password", Family: "source-ci",
		Tokens: []string{"ATBB{an:24}{HEX:8}"},
		Name:   "BITBUCKET_APP_PASSWORD",
	},
	{
		Rule: "bitbucket-access-token", Family: "source-ci",
		Tokens: []string{"ATCTT3xFfGN0{u64:174}={HEX:8}"},
		Name:   "BITBUCKET_TOKEN",
	},
	{
		Rule: "bitbucket-client-secret", Family: "source-ci",
		Tokens: []string{"{an:32}"},
		Name:   "BITBUCKET_CLIENT_SECRET",
	},
	{
		Rule: "buildkite-token", Family: "source-ci",
		Tokens: []string{"bkua_{hex:40}", "bkaa_{an:64}"},
		Name:   "BUILDKITE_API_TOKEN",
	},
	{
		Rule: "buildkite-agent-token-legacy", Family: "source-ci",
		Tokens: []string{"{hex:50}"},
		Name:   "BUILDKITE_AGENT_TOKEN",
	},
	{
		Rule: "circleci-token", Family: "source-ci",
		Tokens: []string{"CCIPAT_{an:22}_{hex:40}", "CCIPRJ_{an:22}_{hex:40}"},
		Name:   "CIRCLECI_TOKEN",
	},
	{
		Rule: "circleci-token-legacy", Family: "source-ci",
		Tokens: []string{"{hex:40}"},
		Name:   "CIRCLECI_TOKEN",
	},
	{
		Rule: "travis-ci-token", Family: "source-ci",
		Tokens: []string{"{an:22}"},
		Name:   "TRAVIS_API_TOKEN",
	},
	{
		Rule: "jfrog-api-key", Family: "source-ci",
		Tokens: []string{"AKCp{an:69}"},
		Name:   "ARTIFACTORY_API_KEY",
	},
	{
		Rule: "jfrog-reference-token", Family: "source-ci",
		Tokens: []string{"cmVmdGtuOjAxOj{an:50}"},
		Name:   "JFROG_ACCESS_TOKEN",
	},
	{
		Rule: "sonarqube-token", Family: "source-ci",
		Tokens: []string{"squ_{hex:40}", "sqp_{hex:40}"},
		Name:   "SONAR_TOKEN",
	},
	{
		Rule: "sonarcloud-token", Family: "source-ci",
		Tokens: []string{"{hex:40}"},
		Name:   "SONAR_TOKEN",
	},
	{
		Rule: "snyk-token", Family: "source-ci",
		Tokens: []string{"{uuid}"},
		Name:   "SNYK_TOKEN",
	},
	{
		Rule: "codecov-token", Family: "source-ci",
		Tokens: []string{"{uuid}"},
		Name:   "CODECOV_TOKEN",
	},
	{
		Rule: "jenkins-api-token", Family: "source-ci",
		Tokens: []string{"11{hex:32}"},
		Name:   "JENKINS_API_TOKEN",
	},
	{
		Rule: "harness-pat", Family: "source-ci",
		Tokens: []string{"pat.{u64:22}.{hex:24}.{an:20}"},
		Name:   "HARNESS_API_KEY",
	},
	{
		Rule: "teamcity-token", Family: "source-ci",
		Tokens: []string{"eyJ0eXAiOiAiVENWMiJ9.{u64:36}.{u64:48}"},
		Name:   "TEAMCITY_TOKEN",
	},
	{
		Rule: "octopus-deploy-api-key", Family: "source-ci",
		Tokens: []string{"API-{AU:28}"},
		Name:   "OCTOPUS_API_KEY",
		NearMisses: []string{
			"OCTOPUS_API_KEY=API-{AU:12}",
			"x-request-id: API-GATEWAY-PROXY-INTEGRATION-TESTS",
		},
	},
	{
		Rule: "drone-ci-token", Family: "source-ci",
		Tokens: []string{"{an:32}"},
		Name:   "DRONE_TOKEN",
	},
	{
		Rule: "azure-pipelines-or-appveyor-token", Family: "source-ci",
		Tokens: []string{"v2.{al:20}"},
		Name:   "APPVEYOR_API_TOKEN",
	},
	{
		Rule: "github-oauth-client-secret", Family: "source-ci",
		Tokens: []string{"{hex:40}"},
		Name:   "GITHUB_CLIENT_SECRET",
	},
	{
		Rule: "gitea-token", Family: "source-ci",
		Tokens: []string{"{hex:40}"},
		Name:   "GITEA_TOKEN",
	},
	{
		Rule: "sourcegraph-token", Family: "source-ci",
		Tokens: []string{"sgp_{hex:16}_{hex:40}", "sgp_local_{hex:40}"},
		Name:   "SRC_ACCESS_TOKEN",
	},
	{
		Rule: "docker-registry-config-auth", Family: "jwt-config",
		Docs: []string{
			"{\"auths\": {\"https://index.docker.io/v1/\": {\"auth\": \"{basic}\"}}}",
			"{\n  \"auths\": {\n    \"ghcr.io\": {\n      \"auth\": \"{basic}\"\n    }\n  }\n}",
		},
		NearMisses: []string{
			"{\"auths\": {\"ghcr.io\": {\"auth\": \"\"}}}",
			"{\"auths\": {\"ghcr.io\": {\"auth\": \"dXNlcjpwYXNzd29yZA==\"}}}",
		},
	},
	{
		Rule: "docker-registry-config-password", Family: "jwt-config",
		Docs: []string{
			"{\"auths\": {\"registry.acme.io\": {\"username\": \"ci\", \"password\": \"{pw}\"}}}",
			"{\n  \"auths\": {\n    \"quay.io\": {\n      \"username\": \"robot+deploy\",\n      \"password\": \"{AU:32}{pw}\"\n    }\n  }\n}",
		},
		NearMisses: []string{
			"{\"auths\": {\"registry.acme.io\": {\"username\": \"ci\", \"password\": \"password123\"}}}",
		},
	},
	{
		Rule: "quay-robot-token", Family: "source-ci",
		Tokens: []string{"{AU:64}"},
		Name:   "QUAY_ROBOT_TOKEN",
	},
	{
		Rule: "npm-legacy-token", Family: "registries",
		Docs: []string{
			"//registry.npmjs.org/:_authToken={uuid}",
			"registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=\"{uuid}\"",
		},
		NearMisses: []string{
			"//registry.npmjs.org/:_authToken=${NPM_TOKEN}",
			"//registry.npmjs.org/:_authToken=00000000-0000-0000-0000-000000000000",
		},
	},
	{
		Rule: "npmrc-auth", Family: "registries",
		Docs: []string{
			"_auth={basic}",
			"always-auth=true\n//npm.acme.internal/:_auth=\"{basic}\"",
		},
		NearMisses: []string{
			"_auth=${NPM_AUTH}",
			"_auth=dXNlcjpwYXNzd29yZA==",
		},
	},
	{
		Rule: "npmrc-password", Family: "registries",
		Docs: []string{
			"//npm.acme.internal/:_password={b64:24}",
			"//registry.acme.io/:username=ci\n//registry.acme.io/:_password=\"{b64:18}\"",
		},
		NearMisses: []string{
			"//npm.acme.internal/:_password=${NPM_PASSWORD}",
		},
	},
	{
		Rule: "yarnrc-npm-auth-token", Family: "registries",
		Docs: []string{
			"npmAuthToken: \"{an:36}\"",
			"npmScopes:\n  acme:\n    npmRegistryServer: \"https://npm.acme.io\"\n    npmAuthToken: {u64:40}",
		},
		NearMisses: []string{
			"npmAuthToken: \"${NPM_TOKEN}\"",
		},
	},
	{
		Rule: "pypirc-password", Family: "registries",
		Docs: []string{
			"[distutils]\nindex-servers = internal\n\n[internal]\nrepository = https://pypi.acme.io/simple\nusername = ci\npassword = {pw}",
			"[pypi]\nusername = deploy\npassword = {pw}",
		},
		NearMisses: []string{
			"[pypi]\nusername = __token__\npassword = <your token>",
			"[pypi]\npassword = %(PYPI_PASSWORD)s",
		},
		Path: "home/ci/.pypirc",
	},
	{
		Rule: "nuget-api-key", Family: "registries",
		Tokens: []string{"oy2{al:43}"},
		Name:   "NUGET_API_KEY",
	},
	{
		Rule: "nuget-config-password", Family: "registries",
		Docs: []string{
			"<packageSourceCredentials>\n  <acme>\n    <add key=\"Username\" value=\"ci\" />\n    <add key=\"ClearTextPassword\" value=\"{pw}\" />\n  </acme>\n</packageSourceCredentials>",
			"<add key=\"ClearTextPassword\" value=\"{an:52}\" />",
		},
		NearMisses: []string{
			"<add key=\"ClearTextPassword\" value=\"%NUGET_PASSWORD%\" />",
		},
	},
	{
		Rule: "crates-io-token", Family: "registries",
		Tokens: []string{"cio{an:32}"},
		Name:   "CARGO_REGISTRY_TOKEN",
		NearMisses: []string{
			"CARGO_REGISTRY_TOKEN=cio{an:20}",
			"let gracious = \"cioAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\";",
		},
	},
	{
		Rule: "hex-pm-api-key", Family: "registries",
		Tokens: []string{"{hex:32}"},
		Name:   "HEX_API_KEY",
	},
	{
		Rule: "packagist-token", Family: "registries",
		Tokens: []string{"packagist_uut_{hex:68}", "packagist_ort_{hex:68}"},
		Name:   "PACKAGIST_TOKEN",
	},
	{
		Rule: "composer-auth-password", Family: "registries",
		Docs: []string{
			"{\"http-basic\": {\"repo.packagist.com\": {\"username\": \"token\", \"password\": \"{an:40}\"}}}",
			"{\n  \"http-basic\": {\n    \"satis.acme.io\": {\n      \"username\": \"ci\",\n      \"password\": \"{pw}\"\n    }\n  }\n}",
		},
		NearMisses: []string{
			"{\"http-basic\": {\"repo.acme.io\": {\"username\": \"x\", \"password\": \"changeme!\"}}}",
		},
	},
	{
		Rule: "clojars-token", Family: "registries",
		Tokens: []string{"CLOJARS_{hex:60}"},
		Name:   "CLOJARS_PASSWORD",
	},
	{
		Rule: "deno-deploy-token", Family: "registries",
		Tokens: []string{"ddp_{an:36}"},
		Name:   "DENO_DEPLOY_TOKEN",
	},
	{
		Rule: "gradle-publish-key", Family: "registries",
		Docs: []string{
			"gradle.publish.key={an:32}",
			"gradle.publish.key={an:32}\ngradle.publish.secret={an:32}",
		},
		NearMisses: []string{
			"gradle.publish.key=${GRADLE_PUBLISH_KEY}",
		},
	},
	{
		Rule: "maven-settings-password", Family: "registries",
		Docs: []string{
			"<servers>\n  <server>\n    <id>releases</id>\n    <username>deploy</username>\n    <password>{pw}</password>\n  </server>\n</servers>",
			"<server><id>central</id><username>ci</username><password>{an:24}{pw}</password></server>",
		},
		NearMisses: []string{
			"<server><id>x</id><username>ci</username><password>${env.MAVEN_PASSWORD}</password></server>",
		},
	},
	{
		Rule: "rubygems-credentials-bundler", Family: "registries",
		Docs: []string{
			"BUNDLE_GEMS__CONTRIBSYS__COM=ci:{an:16}",
			"BUNDLE_RUBYGEMS__PKG__GITHUB__COM: \"acme:{an:24}\"",
		},
		NearMisses: []string{
			"BUNDLE_GEMS__ACME__IO=user:${GEM_TOKEN}",
		},
	},
	{
		Rule: "square-access-token", Family: "payments",
		Tokens: []string{"EAAA{u64:60}"},
		Name:   "SQUARE_ACCESS_TOKEN",
	},
	{
		Rule: "square-legacy-token", Family: "payments",
		Tokens: []string{"sq0atp-{u64:22}", "sq0csp-{u64:43}"},
		Name:   "SQUARE_TOKEN",
	},
	{
		Rule: "braintree-access-token", Family: "payments",
		Tokens: []string{"access_token$production${al:16}${hex:32}"},
		Name:   "BRAINTREE_ACCESS_TOKEN",
	},
	{
		Rule: "braintree-private-key", Family: "payments",
		Tokens: []string{"{hex:32}"},
		Name:   "BRAINTREE_PRIVATE_KEY",
	},
	{
		Rule: "paypal-client-secret", Family: "payments",
		Tokens: []string{"E{u64:79}"},
		Name:   "PAYPAL_CLIENT_SECRET",
	},
	{
		Rule: "adyen-api-key", Family: "payments",
		Tokens: []string{"AQE{an:2}{b64:40}.{an:8}-{b64:44}-{an:12}"},
		Name:   "ADYEN_API_KEY",
		NearMisses: []string{
			"ADYEN_API_KEY=AQE{an:20}",
		},
	},
	{
		Rule: "adyen-hmac-key", Family: "payments",
		Tokens: []string{"{HEX:64}"},
		Name:   "ADYEN_HMAC_KEY",
	},
	{
		Rule: "razorpay-key", Family: "payments",
		Tokens: []string{"rzp_live_{an:14}"},
		Name:   "RAZORPAY_KEY_ID",
	},
	{
		Rule: "razorpay-key-secret", Family: "payments",
		Tokens: []string{"{an:24}"},
		Name:   "RAZORPAY_KEY_SECRET",
	},
	{
		Rule: "shopify-app-token", Family: "payments",
		Tokens: []string{"shpua_{hex:32}"},
		Name:   "SHOPIFY_TOKEN",
	},
	{
		Rule: "shopify-partner-token", Family: "payments",
		Tokens: []string{"prtapi_{hex:32}"},
		Name:   "SHOPIFY_PARTNER_TOKEN",
	},
	{
		Rule: "shippo-api-token", Family: "payments",
		Tokens: []string{"shippo_live_{hex:40}"},
		Name:   "SHIPPO_API_TOKEN",
	},
	{
		Rule: "flutterwave-secret-key", Family: "payments",
		Tokens: []string{"FLWSECK-{hex:32}-X", "FLWSECK_TEST-{hex:32}-X", "FLWSECK_TEST{hex:12}"},
		Name:   "FLW_SECRET_KEY",
	},
	{
		Rule: "coinbase-cdp-api-key", Family: "payments",
		Docs: []string{
			"{\"name\": \"organizations/{uuid}/apiKeys/{uuid}\", \"privateKey\": \"-----BEGIN EC PRIVATE KEY-----\\nMHcCAQEEI\\n-----END EC PRIVATE KEY-----\\n\"}",
			"const apiKey = {name: \"organizations/{uuid}/apiKeys/{uuid}\", \"privateKey\": \"-----BEGIN EC PRIVATE KEY-----\\nMHcC\\n-----END EC PRIVATE KEY-----\"}",
		},
		NearMisses: []string{
			"{\"name\": \"organizations/{uuid}/apiKeys/{uuid}\"}",
		},
	},
	{
		Rule: "coinbase-api-secret", Family: "payments",
		Tokens: []string{"{an:32}"},
		Name:   "COINBASE_API_SECRET",
	},
	{
		Rule: "plaid-access-token", Family: "payments",
		Tokens: []string{"access-production-{uuid}"},
		Name:   "PLAID_ACCESS_TOKEN",
	},
	{
		Rule: "plaid-secret", Family: "payments",
		Tokens: []string{"{hex:30}"},
		Name:   "PLAID_SECRET",
	},
	{
		Rule: "paddle-api-key", Family: "payments",
		Tokens: []string{"pdl_live_apikey_{al:26}_{an:22}_{an:3}"},
		Name:   "PADDLE_API_KEY",
	},
	{
		Rule: "gocardless-token", Family: "payments",
		Tokens: []string{"live_{u64:40}"},
		Name:   "GOCARDLESS_ACCESS_TOKEN",
		NearMisses: []string{
			"GOCARDLESS_ACCESS_TOKEN=live_{an:12}",
			"is_live_streaming_enabled_for_this_account_flag_value",
		},
	},
	{
		Rule: "mollie-api-key", Family: "payments",
		Tokens: []string{"live_{an:30}"},
		Name:   "MOLLIE_API_KEY",
	},
	{
		Rule: "checkout-com-secret-key", Family: "payments",
		Tokens: []string{"sk_sbox_{al:27}"},
		Name:   "CKO_SECRET_KEY",
	},
	{
		Rule: "lemonsqueezy-or-paystack-key", Family: "payments",
		Tokens: []string{"sk_live_{hex:40}"},
		Name:   "PAYSTACK_SECRET_KEY",
	},
	{
		Rule: "easypost-api-key", Family: "payments",
		Tokens: []string{"EZAK{an:54}"},
		Name:   "EASYPOST_API_KEY",
	},
	{
		Rule: "duffel-api-token", Family: "payments",
		Tokens: []string{"duffel_live_{u64:43}"},
		Name:   "DUFFEL_TOKEN",
	},
	{
		Rule: "lob-api-key", Family: "payments",
		Tokens: []string{"live_{hex:35}"},
		Name:   "LOB_API_KEY",
		NearMisses: []string{
			"LOB_API_KEY=live_{hex:20}",
		},
	},
	{
		Rule: "discord-bot-token", Family: "messaging",
		Tokens: []string{"{discord}"},
		Name:   "DISCORD_BOT_TOKEN",
		NearMisses: []string{
			"DISCORD_BOT_TOKEN=MTAxMDEwMTAxMDEwMTAxMDEw.xxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxx",
			"DISCORD_BOT_TOKEN=QWxhZGRpbjpvcGVuIHNlc2Ft.GhYtrE.{u64:38}",
		},
	},
	{
		Rule: "discord-client-secret", Family: "messaging",
		Tokens: []string{"{u64:32}"},
		Name:   "DISCORD_CLIENT_SECRET",
	},
	{
		Rule: "telegram-bot-token", Family: "messaging",
		Tokens: []string{"{d:10}:AA{u64:33}"},
		Name:   "TELEGRAM_BOT_TOKEN",
		NearMisses: []string{
			"TELEGRAM_BOT_TOKEN=123456789:AA{u64:20}",
		},
	},
	{
		Rule: "microsoft-teams-webhook", Family: "messaging",
		Tokens: []string{"https://acme.webhook.office.com/webhookb2/{uuid}@{uuid}/IncomingWebhook/{hex:32}/{uuid}/V2{u64:45}"},
		Name:   "TEAMS_WEBHOOK_URL",
	},
	{
		Rule: "microsoft-teams-webhook-legacy", Family: "messaging",
		Tokens: []string{"https://outlook.office.com/webhook/{uuid}@{uuid}/IncomingWebhook/{hex:32}/{uuid}"},
		Name:   "TEAMS_WEBHOOK_URL",
	},
	{
		Rule: "power-automate-workflow-url", Family: "messaging",
		Tokens: []string{"https://prod-{d:2}.westeurope.logic.azure.com:443/workflows/{hex:32}/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={u64:43}"},
		Name:   "TEAMS_WORKFLOW_URL",
	},
	{
		Rule: "twilio-account-auth-pair", Family: "messaging",
		Docs: []string{
			"client = twilio.rest.Client(\"AC{hex:32}\", \"{hex:32}\")",
			"curl -u AC{hex:32}:{hex:32} https://api.twilio.com/2010-04-01/Accounts.json",
		},
		NearMisses: []string{
			"client = Client(\"AC{hex:32}\", os.environ[\"TWILIO_AUTH_TOKEN\"])",
		},
	},
	{
		Rule: "mailgun-api-key", Family: "messaging",
		Tokens: []string{"key-{hex:32}", "{hex:32}-{hex:8}-{hex:8}"},
		Name:   "MAILGUN_API_KEY",
		NearMisses: []string{
			"MAILGUN_API_KEY=key-{hex:16}",
		},
	},
	{
		Rule: "mailgun-webhook-signing-key", Family: "messaging",
		Tokens: []string{"{hex:32}"},
		Name:   "MAILGUN_WEBHOOK_SIGNING_KEY",
	},
	{
		Rule: "mailchimp-api-key", Family: "messaging",
		Tokens: []string{"{hex:32}-us1{d:1}"},
		Name:   "MAILCHIMP_API_KEY",
	},
	{
		Rule: "mandrill-api-key", Family: "messaging",
		Tokens: []string{"md-{u64:22}", "{an:22}"},
		Name:   "MANDRILL_API_KEY",
	},
	{
		Rule: "postmark-server-token", Family: "messaging",
		Tokens: []string{"{uuid}"},
		Name:   "POSTMARK_SERVER_TOKEN",
	},
	{
		Rule: "brevo-api-key", Family: "messaging",
		Tokens: []string{"xkeysib-{hex:64}-{an:16}"},
		Name:   "BREVO_API_KEY",
	},
	{
		Rule: "resend-api-key", Family: "messaging",
		Tokens: []string{"re_{an:8}_{an:24}"},
		Name:   "RESEND_API_KEY",
	},
	{
		Rule: "sparkpost-api-key", Family: "messaging",
		Tokens: []string{"{hex:40}"},
		Name:   "SPARKPOST_API_KEY",
	},
	{
		Rule: "mailjet-secret-key", Family: "messaging",
		Tokens: []string{"{hex:32}"},
		Name:   "MJ_APIKEY_PRIVATE",
	},
	{
		Rule: "vonage-api-secret", Family: "messaging",
		Tokens: []string{"{an:16}"},
		Name:   "VONAGE_API_SECRET",
	},
	{
		Rule: "messagebird-api-key", Family: "messaging",
		Tokens: []string{"{an:25}"},
		Name:   "MESSAGEBIRD_API_KEY",
	},
	{
		Rule: "plivo-auth-token", Family: "messaging",
		Tokens: []string{"{an:40}"},
		Name:   "PLIVO_AUTH_TOKEN",
	},
	{
		Rule: "telnyx-api-key", Family: "messaging",
		Tokens: []string{"KEY0{HEX:31}_{an:22}"},
		Name:   "TELNYX_API_KEY",
	},
	{
		Rule: "sinch-or-infobip-api-key", Family: "messaging",
		Docs: []string{
			"Authorization: App {hex:32}-{uuid}",
			"curl -H \"Authorization: App {hex:32}-{uuid}\" https://api.infobip.com/sms/2/text/advanced",
		},
		NearMisses: []string{
			"Authorization: App {hex:20}",
		},
	},
	{
		Rule: "pusher-secret", Family: "messaging",
		Tokens: []string{"{hex:20}"},
		Name:   "PUSHER_APP_SECRET",
	},
	{
		Rule: "onesignal-api-key", Family: "messaging",
		Tokens: []string{"os_v2_app_{b32l:113}"},
		Name:   "ONESIGNAL_REST_API_KEY",
	},
	{
		Rule: "line-channel-token", Family: "messaging",
		Tokens: []string{"{b64:129}"},
		Name:   "LINE_CHANNEL_ACCESS_TOKEN",
	},
	{
		Rule: "zulip-api-key", Family: "messaging",
		Docs: []string{
			"[api]\nemail=deploy-bot@acme.zulipchat.com\nkey={an:32}\nsite=https://acme.zulipchat.com",
			"[api]\nkey={an:32}",
		},
		NearMisses: []string{
			"[api]\\nemail=bot@acme.zulipchat.com\\nkey=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		},
	},
	{
		Rule: "ntfy-access-token", Family: "messaging",
		Tokens: []string{"tk_{al:29}"},
		Name:   "NTFY_TOKEN",
	},
	{
		Rule: "intercom-access-token", Family: "messaging",
		Tokens: []string{"dG9rO{b64:55}="},
		Name:   "INTERCOM_ACCESS_TOKEN",
	},
	{
		Rule: "twitch-client-secret", Family: "messaging",
		Tokens: []string{"{al:30}"},
		Name:   "TWITCH_CLIENT_SECRET",
	},
	{
		Rule: "huggingface-org-token", Family: "ai",
		Tokens: []string{"api_org_{an:34}"},
		Name:   "HF_ORG_TOKEN",
	},
	{
		Rule: "groq-api-key", Family: "ai",
		Tokens: []string{"gsk_{an:52}"},
		Name:   "GROQ_API_KEY",
	},
	{
		Rule: "replicate-api-token", Family: "ai",
		Tokens: []string{"r8_{an:37}"},
		Name:   "REPLICATE_API_TOKEN",
	},
	{
		Rule: "perplexity-api-key", Family: "ai",
		Tokens: []string{"pplx-{an:48}"},
		Name:   "PERPLEXITY_API_KEY",
	},
	{
		Rule: "cohere-api-key", Family: "ai",
		Tokens: []string{"{an:40}"},
		Name:   "CO_API_KEY",
	},
	{
		Rule: "mistral-api-key", Family: "ai",
		Tokens: []string{"{an:32}"},
		Name:   "MISTRAL_API_KEY",
	},
	{
		Rule: "xai-api-key", Family: "ai",
		Tokens: []string{"xai-{an:80}"},
		Name:   "XAI_API_KEY",
	},
	{
		Rule: "openrouter-api-key", Family: "ai",
		Tokens: []string{"sk-or-v1-{hex:64}"},
		Name:   "OPENROUTER_API_KEY",
	},
	{
		Rule: "deepseek-api-key", Family: "ai",
		Tokens: []string{"sk-{hex:32}"},
		Name:   "DEEPSEEK_API_KEY",
	},
	{
		Rule: "together-api-key", Family: "ai",
		Tokens: []string{"tgp_v1_{u64:43}", "{hex:64}"},
		Name:   "TOGETHER_API_KEY",
	},
	{
		Rule: "fireworks-api-key", Family: "ai",
		Tokens: []string{"fw_{an:24}"},
		Name:   "FIREWORKS_API_KEY",
	},
	{
		Rule: "langsmith-api-key", Family: "ai",
		Tokens: []string{"lsv2_pt_{hex:32}_{hex:10}"},
		Name:   "LANGSMITH_API_KEY",
	},
	{
		Rule: "langfuse-secret-key", Family: "ai",
		Tokens: []string{"sk-lf-{uuid}"},
		Name:   "LANGFUSE_SECRET_KEY",
	},
	{
		Rule: "nvidia-api-key", Family: "ai",
		Tokens: []string{"nvapi-{u64:64}"},
		Name:   "NVIDIA_API_KEY",
	},
	{
		Rule: "elevenlabs-api-key", Family: "ai",
		Tokens: []string{"sk_{hex:48}"},
		Name:   "ELEVENLABS_API_KEY",
	},
	{
		Rule: "tavily-api-key", Family: "ai",
		Tokens: []string{"tvly-dev-{an:32}"},
		Name:   "TAVILY_API_KEY",
	},
	{
		Rule: "firecrawl-api-key", Family: "ai",
		Tokens: []string{"fc-{hex:32}"},
		Name:   "FIRECRAWL_API_KEY",
	},
	{
		Rule: "jina-api-key", Family: "ai",
		Tokens: []string{"jina_{hex:32}{u64:28}"},
		Name:   "JINA_API_KEY",
	},
	{
		Rule: "cerebras-api-key", Family: "ai",
		Tokens: []string{"csk-{al:48}"},
		Name:   "CEREBRAS_API_KEY",
	},
	{
		Rule: "voyage-api-key", Family: "ai",
		Tokens: []string{"pa-{u64:43}"},
		Name:   "VOYAGE_API_KEY",
	},
	{
		Rule: "assemblyai-api-key", Family: "ai",
		Tokens: []string{"{hex:32}"},
		Name:   "ASSEMBLYAI_API_KEY",
	},
	{
		Rule: "deepgram-api-key", Family: "ai",
		Tokens: []string{"{hex:40}"},
		Name:   "DEEPGRAM_API_KEY",
	},
	{
		Rule: "azure-openai-api-key", Family: "ai",
		Tokens: []string{"{hex:32}"},
		Name:   "AZURE_OPENAI_API_KEY",
	},
	{
		Rule: "weights-and-biases-api-key", Family: "ai",
		Tokens: []string{"{hex:40}"},
		Name:   "WANDB_API_KEY",
	},
	{
		Rule: "stability-or-runway-api-key", Family: "ai",
		Tokens: []string{"sk-{an:48}"},
		Name:   "STABILITY_API_KEY",
	},
	{
		Rule: "modal-token", Family: "ai",
		Tokens: []string{"as-{an:22}"},
		Name:   "MODAL_TOKEN_SECRET",
	},
	{
		Rule: "gemini-api-key-context", Family: "ai",
		Tokens: []string{"AQ.{u64:53}"},
		Name:   "GEMINI_API_KEY",
	},
	{
		Rule: "anthropic-oauth-token", Family: "ai",
		Tokens: []string{"sk-ant-oat01-{u64:93}AA"},
		Name:   "CLAUDE_CODE_OAUTH_TOKEN",
	},
	{
		Rule: "datadog-api-key", Family: "observability",
		Tokens: []string{"{hex:32}"},
		Name:   "DD_API_KEY",
	},
	{
		Rule: "datadog-app-key", Family: "observability",
		Tokens: []string{"{hex:40}"},
		Name:   "DD_APP_KEY",
	},
	{
		Rule: "datadog-client-token", Family: "observability",
		Tokens: []string{"pub{hex:32}"},
		Name:   "DD_CLIENT_TOKEN",
	},
	{
		Rule: "new-relic-user-key", Family: "observability",
		Tokens: []string{"NRAK-{AU:27}"},
		Name:   "NEW_RELIC_API_KEY",
	},
	{
		Rule: "new-relic-license-key", Family: "observability",
		Tokens: []string{"{hex:36}NRAL"},
		Name:   "NEW_RELIC_LICENSE_KEY",
	},
	{
		Rule: "new-relic-insert-key", Family: "observability",
		Tokens: []string{"NRII-{u64:32}", "NRJS-{hex:19}"},
		Name:   "NEW_RELIC_INSERT_KEY",
	},
	{
		Rule: "sentry-dsn", Family: "observability",
		Tokens: []string{"https://{hex:32}@o{d:6}.ingest.sentry.io/{d:7}"},
		Name:   "SENTRY_DSN",
	},
	{
		Rule: "grafana-cloud-token", Family: "observability",
		Tokens: []string{"glc_{gcjson}"},
		Name:   "GRAFANA_CLOUD_TOKEN",
		NearMisses: []string{
			"GRAFANA_CLOUD_TOKEN=glc_eyJvIjoi",
		},
	},
	{
		Rule: "grafana-api-key-legacy", Family: "observability",
		Tokens: []string{"{grafanalegacy}"},
		Name:   "GRAFANA_API_KEY",
		NearMisses: []string{
			"GRAFANA_API_KEY=eyJrIjoi!not-base64-json-at-all-here-padding-padding-padding-padding",
		},
	},
	{
		Rule: "dynatrace-token", Family: "observability",
		Tokens: []string{"dt0c01.{AU:24}.{AU:64}"},
		Name:   "DT_API_TOKEN",
	},
	{
		Rule: "pagerduty-api-key", Family: "observability",
		Tokens: []string{"u+{u64:18}", "{an:20}"},
		Name:   "PAGERDUTY_TOKEN",
	},
	{
		Rule: "pagerduty-routing-key", Family: "observability",
		Tokens: []string{"{hex:32}"},
		Name:   "PAGERDUTY_ROUTING_KEY",
	},
	{
		Rule: "honeycomb-api-key", Family: "observability",
		Tokens: []string{"hcaik_01{an:56}"},
		Name:   "HONEYCOMB_API_KEY",
	},
	{
		Rule: "honeycomb-api-key-legacy", Family: "observability",
		Tokens: []string{"{an:22}"},
		Name:   "HONEYCOMB_API_KEY",
	},
	{
		Rule: "splunk-hec-token", Family: "observability",
		Tokens: []string{"{uuid}"},
		Name:   "SPLUNK_HEC_TOKEN",
	},
	{
		Rule: "splunk-observability-token", Family: "observability",
		Tokens: []string{"{u64:22}"},
		Name:   "SFX_ACCESS_TOKEN",
	},
	{
		Rule: "elastic-cloud-api-key", Family: "observability",
		Tokens: []string{"essu_{b64:90}"},
		Name:   "EC_API_KEY",
	},
	{
		Rule: "elasticsearch-api-key", Family: "observability",
		Tokens: []string{"{b64:60}"},
		Name:   "ELASTIC_API_KEY",
	},
	{
		Rule: "axiom-token", Family: "observability",
		Tokens: []string{"xaat-{uuid}"},
		Name:   "AXIOM_TOKEN",
	},
	{
		Rule: "coralogix-key", Family: "observability",
		Tokens: []string{"cxtp_{an:30}"},
		Name:   "CORALOGIX_PRIVATE_KEY",
	},
	{
		Rule: "rollbar-access-token", Family: "observability",
		Tokens: []string{"{hex:32}"},
		Name:   "ROLLBAR_ACCESS_TOKEN",
	},
	{
		Rule: "bugsnag-api-key", Family: "observability",
		Tokens: []string{"{hex:32}"},
		Name:   "BUGSNAG_API_KEY",
	},
	{
		Rule: "logzio-token", Family: "observability",
		Tokens: []string{"{L:32}"},
		Name:   "LOGZIO_TOKEN",
	},
	{
		Rule: "sumologic-access-key", Family: "observability",
		Tokens: []string{"{an:64}"},
		Name:   "SUMOLOGIC_ACCESSKEY",
	},
	{
		Rule: "lightstep-access-token", Family: "observability",
		Tokens: []string{"{an:32}"},
		Name:   "LIGHTSTEP_ACCESS_TOKEN",
	},
	{
		Rule: "betterstack-token", Family: "observability",
		Tokens: []string{"{an:24}"},
		Name:   "LOGTAIL_SOURCE_TOKEN",
	},
	{
		Rule: "checkly-api-key", Family: "observability",
		Tokens: []string{"cu_{hex:32}"},
		Name:   "CHECKLY_API_KEY",
	},
	{
		Rule: "opsgenie-api-key", Family: "observability",
		Tokens: []string{"{uuid}"},
		Name:   "OPSGENIE_API_KEY",
	},
	{
		Rule: "uptimerobot-api-key", Family: "observability",
		Tokens: []string{"u{d:7}-{hex:24}"},
		Name:   "UPTIMEROBOT_API_KEY",
	},
	{
		Rule: "hashicorp-vault-token-legacy", Family: "secrets-identity",
		Tokens: []string{"s.{an:24}"},
		Name:   "VAULT_TOKEN",
	},
	{
		Rule: "hashicorp-vault-unseal-key", Family: "secrets-identity",
		Docs: []string{
			"Unseal Key 1: {key32}",
			"{\"unseal_keys_b64\": [], \"unseal_key\": \"{hex:66}\"}",
		},
		NearMisses: []string{
			"Unseal Key 1: <unseal key>",
		},
	},
	{
		Rule: "hcp-client-secret", Family: "secrets-identity",
		Tokens: []string{"{u64:64}"},
		Name:   "HCP_CLIENT_SECRET",
	},
	{
		Rule: "doppler-token", Family: "secrets-identity",
		Tokens: []string{"dp.pt.{an:43}", "dp.st.prd.{an:43}"},
		Name:   "DOPPLER_TOKEN",
	},
	{
		Rule: "onepassword-service-account-token", Family: "secrets-identity",
		Tokens: []string{"ops_{opsjson}"},
		Name:   "OP_SERVICE_ACCOUNT_TOKEN",
		NearMisses: []string{
			"OP_SERVICE_ACCOUNT_TOKEN=ops_eyJ{an:20}",
		},
	},
	{
		Rule: "onepassword-secret-key", Family: "secrets-identity",
		Tokens: []string{"A3-{AU:6}-{AU:6}-{AU:5}-{AU:5}-{AU:5}-{AU:5}", "A3-{AU:6}-{AU:11}-{AU:5}-{AU:5}-{AU:5}"},
		Name:   "OP_SECRET_KEY",
	},
	{
		Rule: "onepassword-connect-token", Family: "secrets-identity",
		Tokens: []string{"{jwt}"},
		Name:   "OP_CONNECT_TOKEN",
		NearMisses: []string{
			"OP_CONNECT_TOKEN=${OP_CONNECT_TOKEN}",
		},
	},
	{
		Rule: "infisical-token", Family: "secrets-identity",
		Tokens: []string{"st.{hex:24}.{hex:32}.{hex:32}"},
		Name:   "INFISICAL_TOKEN",
	},
	{
		Rule: "infisical-client-secret", Family: "secrets-identity",
		Tokens: []string{"{hex:64}"},
		Name:   "INFISICAL_CLIENT_SECRET",
	},
	{
		Rule: "okta-api-token", Family: "secrets-identity",
		Tokens: []string{"00{u64:40}"},
		Name:   "OKTA_API_TOKEN",
	},
	{
		Rule: "okta-ssws-header", Family: "secrets-identity",
		Docs: []string{
			"curl -H \"Authorization: SSWS 00{u64:40}\" https://acme.okta.com/api/v1/users",
			"headers = {\"Authorization\": \"SSWS 00{u64:40}\"}",
		},
		NearMisses: []string{
			"Authorization: SSWS ${OKTA_API_TOKEN}",
		},
	},
	{
		Rule: "auth0-client-secret", Family: "secrets-identity",
		Tokens: []string{"{u64:64}"},
		Name:   "AUTH0_CLIENT_SECRET",
	},
	{
		Rule: "auth0-management-token", Family: "secrets-identity",
		Tokens: []string{"{jwt}"},
		Name:   "AUTH0_MANAGEMENT_TOKEN",
		NearMisses: []string{
			"AUTH0_MANAGEMENT_TOKEN=eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
		},
	},
	{
		Rule: "pulumi-access-token", Family: "secrets-identity",
		Tokens: []string{"pul-{hex:40}"},
		Name:   "PULUMI_ACCESS_TOKEN",
	},
	{
		Rule: "terraform-cloud-token-context", Family: "secrets-identity",
		Docs: []string{
			"{\"credentials\": {\"app.terraform.io\": {\"token\": \"{an:14}.atlasv1.{u64:67}\"}}}",
			"TF_TOKEN_app_terraform_io={an:14}.atlasv1.{u64:67}",
		},
		NearMisses: []string{
			"TF_TOKEN_app_terraform_io={an:14}.atlasv1.{u64:20}",
		},
	},
	{
		Rule: "age-plugin-identity", Family: "secrets-identity",
		Tokens: []string{"AGE-PLUGIN-YUBIKEY-1{bech:50}"},
		Name:   "AGE_IDENTITY",
	},
	{
		Rule: "stytch-secret", Family: "secrets-identity",
		Tokens: []string{"secret-live-{u64:36}"},
		Name:   "STYTCH_SECRET",
	},
	{
		Rule: "clerk-secret-key", Family: "secrets-identity",
		Tokens: []string{"sk_live_{an:44}"},
		Name:   "CLERK_SECRET_KEY",
	},
	{
		Rule: "workos-api-key", Family: "secrets-identity",
		Tokens: []string{"sk_live_{an:45}"},
		Name:   "WORKOS_API_KEY",
	},
	{
		Rule: "bitwarden-sm-access-token", Family: "secrets-identity",
		Tokens: []string{"0.{uuid}.{an:30}:{b64:22}=="},
		Name:   "BWS_ACCESS_TOKEN",
	},
	{
		Rule: "keycloak-client-secret", Family: "secrets-identity",
		Tokens: []string{"{an:32}"},
		Name:   "KEYCLOAK_CLIENT_SECRET",
	},
	{
		Rule: "descope-management-key", Family: "secrets-identity",
		Tokens: []string{"K2{an:48}"},
		Name:   "DESCOPE_MANAGEMENT_KEY",
	},
	{
		Rule: "kubernetes-secret-manifest", Family: "jwt-config",
		Docs: []string{
			"apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-credentials\ntype: Opaque\ndata:\n  username: YXBw\n  password: {b64:24}",
			"apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\nstringData:\n  API_TOKEN: \"{an:40}\"",
		},
		NearMisses: []string{
			"apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: {{ .Values.dbPassword | b64enc }}",
			"kind: Secret\ndata:\n  password: cGFzc3dvcmQ=",
		},
	},
	{
		Rule: "kubeconfig-client-key-data", Family: "jwt-config",
		Docs: []string{
			"users:\n- name: admin\n  user:\n    client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t\n    client-key-data: {b64pem}",
			"    client-key-data: \"{b64pem}\"",
		},
		NearMisses: []string{
			"    client-key-data: REDACTED",
		},
	},
	{
		Rule: "kubeconfig-token", Family: "jwt-config",
		Docs: []string{
			"users:\n- name: ci\n  user:\n    token: {an:40}",
			"apiVersion: v1\nkind: Config\nusers:\n- name: deployer\n  user:\n    token: \"kubeadm.{al:6}{an:30}\"",
		},
		NearMisses: []string{
			"users:\n- name: ci\n  user:\n    token: ${K8S_TOKEN}",
		},
	},
	{
		Rule: "atlassian-api-token", Family: "saas",
		Tokens: []string{"ATATT3xFfGF0{u64:171}={HEX:8}"},
		Name:   "JIRA_API_TOKEN",
	},
	{
		Rule: "atlassian-api-token-legacy", Family: "saas",
		Tokens: []string{"{an:24}"},
		Name:   "JIRA_API_TOKEN",
	},
	{
		Rule: "linear-api-key", Family: "saas",
		Tokens: []string{"lin_api_{an:40}"},
		Name:   "LINEAR_API_KEY",
	},
	{
		Rule: "linear-oauth-token", Family: "saas",
		Tokens: []string{"lin_oauth_{hex:64}"},
		Name:   "LINEAR_TOKEN",
	},
	{
		Rule: "notion-integration-token", Family: "saas",
		Tokens: []string{"ntn_{d:11}{an:35}", "secret_{an:43}"},
		Name:   "NOTION_TOKEN",
		NearMisses: []string{
			"NOTION_TOKEN=ntn_{d:11}{an:10}",
			"client_secret_{an:20}",
		},
	},
	{
		Rule: "airtable-pat", Family: "saas",
		Tokens: []string{"pat{an:14}.{hex:64}"},
		Name:   "AIRTABLE_TOKEN",
	},
	{
		Rule: "airtable-api-key-legacy", Family: "saas",
		Tokens: []string{"key{an:14}"},
		Name:   "AIRTABLE_API_KEY",
	},
	{
		Rule: "asana-pat", Family: "saas",
		Tokens: []string{"1/{d:16}:{hex:32}", "2/{d:16}/{d:16}:{hex:32}"},
		Name:   "ASANA_ACCESS_TOKEN",
	},
	{
		Rule: "figma-pat", Family: "saas",
		Tokens: []string{"figd_{u64:40}"},
		Name:   "FIGMA_TOKEN",
	},
	{
		Rule: "mapbox-secret-token", Family: "saas",
		Tokens: []string{"sk.eyJ1IjoiYWNtZ{u64:40}.{u64:22}"},
		Name:   "MAPBOX_SECRET_TOKEN",
	},
	{
		Rule: "postman-api-key", Family: "saas",
		Tokens: []string{"PMAK-{hex:24}-{hex:34}"},
		Name:   "POSTMAN_API_KEY",
	},
	{
		Rule: "twitter-bearer-token", Family: "saas",
		Tokens: []string{"AAAAAAAAAAAAAAAAAAAAA{an:20}%3D{an:48}"},
		Name:   "TWITTER_BEARER_TOKEN",
	},
	{
		Rule: "twitter-api-secret", Family: "saas",
		Tokens: []string{"{an:50}"},
		Name:   "TWITTER_CONSUMER_SECRET",
	},
	{
		Rule: "facebook-access-token", Family: "saas",
		Tokens: []string{"EAAB{an:2}ZD{an:160}"},
		Name:   "FACEBOOK_ACCESS_TOKEN",
	},
	{
		Rule: "facebook-app-secret", Family: "saas",
		Tokens: []string{"{hex:32}"},
		Name:   "FACEBOOK_APP_SECRET",
	},
	{
		Rule: "dropbox-access-token", Family: "saas",
		Tokens: []string{"sl.u.{u64:140}", "sl.B{u64:135}"},
		Name:   "DROPBOX_ACCESS_TOKEN",
	},
	{
		Rule: "dropbox-long-lived-token", Family: "saas",
		Tokens: []string{"{u64:11}AAAAAAAAAA{u64:43}", "{al:15}"},
		Name:   "DROPBOX_TOKEN",
	},
	{
		Rule: "slack-signing-secret", Family: "messaging",
		Tokens: []string{"{hex:32}"},
		Name:   "SLACK_SIGNING_SECRET",
	},
	{
		Rule: "databricks-oauth-secret", Family: "saas",
		Tokens: []string{"dose{hex:32}"},
		Name:   "DATABRICKS_CLIENT_SECRET",
	},
	{
		Rule: "prefect-api-key", Family: "saas",
		Tokens: []string{"pnu_{an:36}"},
		Name:   "PREFECT_API_KEY",
	},
	{
		Rule: "contentful-token", Family: "saas",
		Tokens: []string{"CFPAT-{u64:43}"},
		Name:   "CONTENTFUL_MANAGEMENT_TOKEN",
	},
	{
		Rule: "contentful-delivery-token", Family: "saas",
		Tokens: []string{"{u64:43}"},
		Name:   "CONTENTFUL_ACCESS_TOKEN",
	},
	{
		Rule: "algolia-admin-key", Family: "saas",
		Tokens: []string{"{hex:32}"},
		Name:   "ALGOLIA_ADMIN_KEY",
	},
	{
		Rule: "hubspot-private-app-token", Family: "saas",
		Tokens: []string{"pat-na1-{uuid}"},
		Name:   "HUBSPOT_ACCESS_TOKEN",
	},
	{
		Rule: "hubspot-api-key-legacy", Family: "saas",
		Tokens: []string{"{uuid}"},
		Name:   "HUBSPOT_API_KEY",
	},
	{
		Rule: "zendesk-api-token", Family: "saas",
		Tokens: []string{"{an:40}"},
		Name:   "ZENDESK_API_TOKEN",
	},
	{
		Rule: "launchdarkly-key", Family: "saas",
		Tokens: []string{"api-{uuid}", "sdk-{uuid}"},
		Name:   "LAUNCHDARKLY_ACCESS_TOKEN",
	},
	{
		Rule: "typeform-token", Family: "saas",
		Tokens: []string{"tfp_{u64:44}_{u64:14}"},
		Name:   "TYPEFORM_TOKEN",
	},
	{
		Rule: "readme-api-key", Family: "saas",
		Tokens: []string{"rdme_{al:70}"},
		Name:   "README_API_KEY",
	},
	{
		Rule: "frameio-token", Family: "saas",
		Tokens: []string{"fio-u-{u64:64}"},
		Name:   "FRAMEIO_TOKEN",
	},
	{
		Rule: "adafruit-io-key", Family: "saas",
		Tokens: []string{"aio_{an:28}"},
		Name:   "ADAFRUIT_IO_KEY",
	},
	{
		Rule: "scalingo-token", Family: "saas",
		Tokens: []string{"tk-us-{u64:48}"},
		Name:   "SCALINGO_API_TOKEN",
	},
	{
		Rule: "beamer-api-key", Family: "saas",
		Tokens: []string{"b_{u64:44}"},
		Name:   "BEAMER_API_KEY",
	},
	{
		Rule: "mixpanel-secret", Family: "saas",
		Tokens: []string{"{an:32}"},
		Name:   "MIXPANEL_API_SECRET",
	},
	{
		Rule: "segment-write-key", Family: "saas",
		Tokens: []string{"sgp_{an:64}"},
		Name:   "SEGMENT_TOKEN",
	},
	{
		Rule: "amplitude-secret", Family: "saas",
		Tokens: []string{"{hex:32}"},
		Name:   "AMPLITUDE_SECRET_KEY",
	},
	{
		Rule: "trello-api-token", Family: "saas",
		Tokens: []string{"ATTA{hex:64}{HEX:8}"},
		Name:   "TRELLO_TOKEN",
	},
	{
		Rule: "miro-access-token", Family: "saas",
		Tokens: []string{"{u64:27}"},
		Name:   "MIRO_ACCESS_TOKEN",
	},
	{
		Rule: "box-developer-token", Family: "saas",
		Tokens: []string{"{an:32}"},
		Name:   "BOX_DEVELOPER_TOKEN",
	},
	{
		Rule: "zoom-client-secret", Family: "saas",
		Tokens: []string{"{an:32}"},
		Name:   "ZOOM_CLIENT_SECRET",
	},
	{
		Rule: "webflow-api-token", Family: "saas",
		Tokens: []string{"{hex:64}"},
		Name:   "WEBFLOW_API_TOKEN",
	},
	{
		Rule: "shortcut-api-token", Family: "saas",
		Tokens: []string{"{uuid}"},
		Name:   "SHORTCUT_API_TOKEN",
	},
	{
		Rule: "sendbird-api-token", Family: "saas",
		Tokens: []string{"{hex:40}"},
		Name:   "SENDBIRD_API_TOKEN",
	},
	{
		Rule: "rapidapi-key", Family: "saas",
		Tokens: []string{"{al:50}"},
		Name:   "RAPIDAPI_KEY",
	},
	{
		Rule: "confluent-api-secret", Family: "saas",
		Tokens: []string{"{b64:64}"},
		Name:   "CONFLUENT_CLOUD_API_SECRET",
	},
	{
		Rule: "fastly-api-token", Family: "saas",
		Tokens: []string{"{u64:32}"},
		Name:   "FASTLY_API_TOKEN",
	},
	{
		Rule: "snowflake-private-key-passphrase", Family: "saas",
		Tokens: []string{"{pw}"},
		Name:   "SNOWFLAKE_PASSWORD",
		NearMisses: []string{
			"SNOWFLAKE_PASSWORD=changeme",
		},
	},
	{
		Rule: "okta-or-onelogin-secret", Family: "saas",
		Tokens: []string{"{hex:64}"},
		Name:   "ONELOGIN_CLIENT_SECRET",
	},
	{
		Rule: "freshdesk-api-key", Family: "saas",
		Tokens: []string{"{an:20}"},
		Name:   "FRESHDESK_API_KEY",
	},
	{
		Rule: "salesforce-access-token", Family: "saas",
		Tokens: []string{"00D{an:12}!{an:96}"},
		Name:   "SF_ACCESS_TOKEN",
	},
	{
		Rule: "gitter-or-mattermost-token", Family: "saas",
		Tokens: []string{"{al:26}"},
		Name:   "MATTERMOST_TOKEN",
	},
	{
		Rule: "cloudinary-url", Family: "saas",
		Tokens: []string{"cloudinary://{d:15}:{u64:27}@acme"},
		Name:   "CLOUDINARY_URL",
	},
	{
		Rule: "shopify-webhook-or-storefront", Family: "saas",
		Tokens: []string{"shpsa_{hex:32}"},
		Name:   "SHOPIFY_STOREFRONT_TOKEN",
	},
	{
		Rule: "ftp-uri-password", Family: "uri",
		Tokens: []string{"ftp://backup:{an:20}@ftp.acme.io/dumps"},
		Name:   "FTP_URL",
		NearMisses: []string{
			"FTP_URL=ftp://backup:password@ftp.acme.io/dumps",
			"FTP_URL=ftp://backup:${PASSWORD}@ftp.acme.io/dumps",
		},
	},
	{
		Rule: "smtp-uri-password", Family: "uri",
		Tokens: []string{"smtp://apikey:{an:20}@smtp.sendgrid.net:587"},
		Name:   "SMTP_URL",
		NearMisses: []string{
			"SMTP_URL=smtp://apikey:password@smtp.sendgrid.net:587",
			"SMTP_URL=smtp://apikey:${PASSWORD}@smtp.sendgrid.net:587",
		},
	},
	{
		Rule: "ldap-uri-password", Family: "uri",
		Tokens: []string{"ldaps://cn=admin:{an:20}@ldap.acme.io:636"},
		Name:   "LDAP_URL",
		NearMisses: []string{
			"LDAP_URL=ldaps://cn=admin:password@ldap.acme.io:636",
			"LDAP_URL=ldaps://cn=admin:${PASSWORD}@ldap.acme.io:636",
		},
	},
	{
		Rule: "mssql-uri-password", Family: "uri",
		Tokens: []string{"sqlserver://sa:{an:20}@sql01.acme.io:1433?database=app"},
		Name:   "MSSQL_URL",
		NearMisses: []string{
			"MSSQL_URL=sqlserver://sa:password@sql01.acme.io:1433?database=app",
			"MSSQL_URL=sqlserver://sa:${PASSWORD}@sql01.acme.io:1433?database=app",
		},
	},
	{
		Rule: "clickhouse-uri-password", Family: "uri",
		Tokens: []string{"clickhouse://default:{an:20}@ch.acme.io:9000/events"},
		Name:   "CLICKHOUSE_URL",
		NearMisses: []string{
			"CLICKHOUSE_URL=clickhouse://default:password@ch.acme.io:9000/events",
			"CLICKHOUSE_URL=clickhouse://default:${PASSWORD}@ch.acme.io:9000/events",
		},
	},
	{
		Rule: "neo4j-uri-password", Family: "uri",
		Tokens: []string{"neo4j+s://neo4j:{an:20}@abc123.databases.neo4j.io"},
		Name:   "NEO4J_URL",
		NearMisses: []string{
			"NEO4J_URL=neo4j+s://neo4j:password@abc123.databases.neo4j.io",
			"NEO4J_URL=neo4j+s://neo4j:${PASSWORD}@abc123.databases.neo4j.io",
		},
	},
	{
		Rule: "nats-uri-password", Family: "uri",
		Tokens: []string{"nats://svc:{an:20}@nats.acme.io:4222"},
		Name:   "NATS_URL",
		NearMisses: []string{
			"NATS_URL=nats://svc:password@nats.acme.io:4222",
			"NATS_URL=nats://svc:${PASSWORD}@nats.acme.io:4222",
		},
	},
	{
		Rule: "couchdb-uri-password", Family: "uri",
		Tokens: []string{"couchbases://app:{an:20}@cb.acme.io"},
		Name:   "COUCHBASE_URL",
		NearMisses: []string{
			"COUCHBASE_URL=couchbases://app:password@cb.acme.io",
			"COUCHBASE_URL=couchbases://app:${PASSWORD}@cb.acme.io",
		},
	},
	{
		Rule: "snowflake-uri-password", Family: "uri",
		Tokens: []string{"snowflake://etl:{an:20}@acme-xy12345/analytics/public"},
		Name:   "SNOWFLAKE_URL",
		NearMisses: []string{
			"SNOWFLAKE_URL=snowflake://etl:password@acme-xy12345/analytics/public",
			"SNOWFLAKE_URL=snowflake://etl:${PASSWORD}@acme-xy12345/analytics/public",
		},
	},
	{
		Rule: "oracle-uri-password", Family: "uri",
		Tokens: []string{"oracle+cx_oracle://scott:{an:20}@db.acme.io:1521/ORCLPDB1"},
		Name:   "ORACLE_URL",
		NearMisses: []string{
			"ORACLE_URL=oracle+cx_oracle://scott:password@db.acme.io:1521/ORCLPDB1",
			"ORACLE_URL=oracle+cx_oracle://scott:${PASSWORD}@db.acme.io:1521/ORCLPDB1",
		},
	},
	{
		Rule: "kafka-uri-password", Family: "uri",
		Tokens: []string{"kafka://svc:{an:20}@kafka.acme.io:9092"},
		Name:   "KAFKA_URL",
		NearMisses: []string{
			"KAFKA_URL=kafka://svc:password@kafka.acme.io:9092",
			"KAFKA_URL=kafka://svc:${PASSWORD}@kafka.acme.io:9092",
		},
	},
	{
		Rule: "http-basic-auth-uri", Family: "uri",
		Tokens: []string{"https://deploy:{an:20}@git.acme.io/acme/app.git"},
		Name:   "GIT_URL",
		NearMisses: []string{
			"https://user:password@example.com/",
			"https://{{user}}:{{password}}@host.io/",
			"https://x-access-token:${GITHUB_TOKEN}@github.com/acme/app.git",
		},
	},
	{
		Rule: "jdbc-password", Family: "uri",
		Tokens: []string{"jdbc:sqlserver://sql01:1433;databaseName=app;user=etl;password={pw}"},
		Name:   "JDBC_URL",
		NearMisses: []string{
			"jdbc:postgresql://db:5432/app?user=app&password=${DB_PASSWORD}",
			"jdbc:mysql://db/app?user=root&password=password",
		},
	},
	{
		Rule: "jdbc-user-password-url", Family: "uri",
		Tokens: []string{"jdbc:oracle:thin:scott/{pw}@//db.acme.io:1521/ORCL"},
		Name:   "JDBC_URL",
		NearMisses: []string{
			"jdbc:oracle:thin:scott/tiger@//db.acme.io:1521/ORCL",
		},
	},
	{
		Rule: "connection-string-password", Family: "uri",
		Tokens: []string{"Server=tcp:sql01.database.windows.net,1433;Initial Catalog=app;User ID=etl;Password={pw};Encrypt=True;"},
		Name:   "ConnectionStrings__Default",
		NearMisses: []string{
			"Server=db;Database=app;User Id=sa;Password=Your_password123;",
			"Server=db;Database=app;User Id=sa;Password=$(DB_PASSWORD);",
		},
	},
	{
		Rule: "kafka-jaas-password", Family: "uri",
		Docs: []string{
			"sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"svc-orders\" password=\"{pw}\";",
			"KAFKA_SASL_JAAS_CONFIG: org.apache.kafka.common.security.scram.ScramLoginModule required username=\\\"app\\\" password=\\\"{pw}\\\";",
		},
		NearMisses: []string{
			"sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"x\" password=\"${KAFKA_PASSWORD}\";",
		},
	},
	{
		Rule: "netrc-password", Family: "jwt-config",
		Docs: []string{
			"machine api.heroku.com login ci@acme.io password {pw}",
			"machine github.com\n  login deploy\n  password {ghcrc:ghp_}",
		},
		NearMisses: []string{
			"machine github.com login x password $GITHUB_TOKEN",
		},
		Path: "home/ci/.netrc",
	},
	{
		Rule: "git-credentials", Family: "jwt-config",
		Docs: []string{
			"https://deploy:{an:24}@git.acme.io",
			"https://oauth2:{u64:20}@gitlab.com\nhttps://x:{an:30}@bitbucket.org",
		},
		NearMisses: []string{
			"https://deploy:password@git.acme.io",
		},
		Path: "home/ci/.git-credentials",
	},
	{
		Rule: "pgpass-password", Family: "jwt-config",
		Docs: []string{
			"db.internal:5432:app:app_rw:{pw}",
			"*:*:*:replicator:{pw}\nlocalhost:5432:*:postgres:{pw}",
		},
		NearMisses: []string{
			"localhost:5432:*:postgres:postgres",
		},
		Path: "home/ci/.pgpass",
	},
	{
		Rule: "private-key-generic-pem", Family: "private-keys",
		Docs: []string{
			"-----BEGIN X25519 PRIVATE KEY-----\n{pembody:48}\n-----END X25519 PRIVATE KEY-----",
			"-----BEGIN ANY PRIVATE KEY-----\n{pembody:120}\n-----END ANY PRIVATE KEY-----",
		},
		NearMisses: []string{
			"-----BEGIN X25519 PRIVATE KEY-----\n{{ .Values.key }}\n-----END X25519 PRIVATE KEY-----",
		},
	},
	{
		Rule: "private-key-ssh2", Family: "private-keys",
		Docs: []string{
			"---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nComment: \"rsa-key-20240101\"\n{b64:48}\n{b64:48}\n{b64:48}\n---- END SSH2 ENCRYPTED PRIVATE KEY ----",
			"---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\n{b64:48}\n{b64:48}\n---- END SSH2 ENCRYPTED PRIVATE KEY ----",
		},
		NearMisses: []string{
			"---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\n---- END SSH2 ENCRYPTED PRIVATE KEY ----",
		},
	},
	{
		Rule: "private-key-base64-pem", Family: "private-keys",
		Tokens: []string{"{b64pem}"},
		Name:   "TLS_KEY",
		NearMisses: []string{
			"tls.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSURYVENDQWtXZ0F3SUJBZ0lKQUpDMW5IUWJ3VjRaTUEwR0NTcUdTSWIzRFFFQkN3VUFNRVV4Q3pBSkJnTlZCQVlUCg==",
		},
	},
	{
		Rule: "openvpn-static-key", Family: "private-keys",
		Docs: []string{
			"-----BEGIN OpenVPN Static key V1-----\n{ovpn}\n-----END OpenVPN Static key V1-----",
			"<tls-auth>\n-----BEGIN OpenVPN Static key V1-----\n{ovpn}\n-----END OpenVPN Static key V1-----\n</tls-auth>",
		},
		NearMisses: []string{
			"-----BEGIN OpenVPN Static key V1-----\n-----END OpenVPN Static key V1-----",
		},
	},
	{
		Rule: "wireguard-private-key", Family: "private-keys",
		Docs: []string{
			"[Interface]\nAddress = 10.8.0.2/24\nPrivateKey = {key32}\nDNS = 1.1.1.1",
			"PrivateKey={key32}",
		},
		NearMisses: []string{
			"[Peer]\nPublicKey = {key32}",
			"PrivateKey = <private key of the client>",
		},
	},
	{
		Rule: "ethereum-private-key", Family: "private-keys",
		Tokens: []string{"0x{hex:64}"},
		Name:   "DEPLOYER_PRIVATE_KEY",
		NearMisses: []string{
			"PRIVATE_KEY=0x0000000000000000000000000000000000000000000000000000000000000001",
			"PRIVATE_KEY=0x0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		},
	},
	{
		Rule: "mnemonic-seed-phrase", Family: "private-keys",
		Docs: []string{
			"MNEMONIC=\"{mnemonic}\"",
			"  mnemonic: '{mnemonic}'",
		},
		NearMisses: []string{
			"MNEMONIC=\"test test test test test test test test test test test junk\"",
		},
	},
	{
		Rule: "laravel-app-key", Family: "jwt-config",
		Docs: []string{
			"APP_KEY=base64:{key32}",
			"APP_ENV=production\nAPP_KEY=\"base64:{key32}\"",
		},
		NearMisses: []string{
			"APP_KEY=base64:SomeRandomStringOf32CharactersX=",
			"APP_KEY=",
		},
	},
	{
		Rule: "rails-secret-key-base", Family: "jwt-config",
		Docs: []string{
			"production:\n  secret_key_base: {hex:128}",
			"SECRET_KEY_BASE={hex:128}",
		},
		NearMisses: []string{
			"secret_key_base: <%= ENV[\"SECRET_KEY_BASE\"] %>",
		},
	},
	{
		Rule: "rails-master-key", Family: "jwt-config",
		Docs: []string{
			"RAILS_MASTER_KEY={hex:32}",
			"export RAILS_MASTER_KEY=\"{hex:32}\"",
		},
		NearMisses: []string{
			"RAILS_MASTER_KEY=${RAILS_MASTER_KEY}",
		},
	},
	{
		Rule: "django-secret-key", Family: "jwt-config",
		Docs: []string{
			"SECRET_KEY = '{djangokey}'",
			"SECRET_KEY = os.environ.get(\"DJANGO_SECRET_KEY\", \"{djangokey}\")",
		},
		NearMisses: []string{
			"SECRET_KEY = 'django-insecure-changeme-before-production-please-thanks'",
			"SECRET_KEY = os.environ['SECRET_KEY']",
		},
	},
	{
		Rule: "symfony-app-secret", Family: "jwt-config",
		Docs: []string{
			"APP_SECRET={hex:32}",
			"APP_ENV=prod\nAPP_SECRET=\"{hex:40}\"",
		},
		NearMisses: []string{
			"APP_SECRET=%env(APP_SECRET)%",
		},
	},
	{
		Rule: "htpasswd-plaintext-or-sha", Family: "jwt-config",
		Docs: []string{
			"admin:$apr1${an:8}${an:22}",
			"deploy:$2y$05${an:53}",
		},
		NearMisses: []string{
			"admin:$apr1$",
		},
		Path: "deploy/.htpasswd",
	},
	{
		Rule: "ansible-become-password", Family: "jwt-config",
		Docs: []string{
			"[web]\nweb01 ansible_host=10.0.1.5 ansible_user=deploy ansible_password={pw}",
			"ansible_become_password: \"{pw}\"",
		},
		NearMisses: []string{
			"ansible_become_password: \"{{ vault_become_pass }}\"",
		},
	},
	{
		Rule: "terraform-sensitive-variable", Family: "jwt-config",
		Docs: []string{
			"variable \"db_password\" {\n  type      = string\n  default   = \"{pw}\"\n  sensitive = true\n}",
			"variable \"api_token\" { default = \"{an:32}\" }",
		},
		NearMisses: []string{
			"variable \"db_password\" {\n  type    = string\n  default = \"\"\n}",
		},
	},
	{
		Rule: "curl-basic-auth", Family: "jwt-config",
		Docs: []string{
			"curl -u deploy:{pw} https://nexus.acme.io/repository/raw/",
			"curl -s --user \"ci:{pw}\" -X POST https://jenkins.acme.io/job/x/build",
		},
		NearMisses: []string{
			"curl -u \"$USER:$PASSWORD\" https://api.acme.io",
			"curl -u user:password https://example.com",
		},
	},
	{
		Rule: "http-basic-auth-header", Family: "jwt-config",
		Docs: []string{
			"curl -H \"Authorization: Basic {basic}\" https://registry.acme.io/v2/",
			"headers = {\"Authorization\": \"Basic {basic}\"}",
		},
		NearMisses: []string{
			"Authorization: Basic dXNlcjpwYXNzd29yZA==",
			"Authorization: Basic ${AUTH}",
		},
	},
	{
		Rule: "generic-api-key", Family: "generic",
		Tokens: []string{"{an:32}"},
		Name:   "PAYMENTS_API_KEY",
		Docs: []string{
			"PAYMENTS_API_KEY=l3R31xbFHkFB17Liiaho700OAk9dk7iO",
			"{\"client_secret\": \"coPUUfdasq6xoPFV4wMJfDm0ugEleY-LvniGWamM\", \"client_id\": \"reporting\"}",
			"app:\n  webhook_secret: \"qsXHvMaGuVha!SwBlez7\"",
		},
		NearMisses: []string{
			"api_key = os.environ[\"API_KEY\"]",
			"SECRET_KEY = \"django-insecure-changeme-before-production\"",
			"token: ${{ secrets.GITHUB_TOKEN }}",
			"tokenizer_path = \"models/tokenizer/config.json\"",
			"maxTokenSize: MaxScanTokenSize,",
			"token = userAuthGSSAPITokenReq.Token",
			"expectedToken: \"client-valid-token-1\"",
			"GITHUB_TOKEN=ghp_V3Y8NfpP0oTRYPtv3gCCYeuqvY0Veo24Vlla",
			"secret_hash: \"sha256-4kOpTQYc9dBe3eEi0lXnQ1vR0rS2tU8wX7yZ5aB6cD4=\"",
			"access_token_url: https://oauth2.googleapis.com/token",
			"client_secret: 123e4567-e89b-12d3-a456-426614174000",
			"secret_name: prod/db/MasterUserPassword",
			"token: iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
			"public_api_key = \"pk_0a9Bf8dE7c6B5a4D3e2F1g0H\"",
			"apiKey: \"AAAAC3NzaC1lZDI1NTE5AAAAIHZ4Gpjg73KucCqDp9Xv34QepBXcHZ1A1\"",
		},
	},
	{
		Rule: "generic-secret", Family: "generic",
		Tokens: []string{"{an:32}"},
		Name:   "SESSION_SECRET",
		Docs: []string{
			"SESSION_SECRET=Zx8vQ2mLp7rT4kW9nB3cF6hJ1dS5gA0e",
			"registration_shared_secret: \"Kq3#Vn8!pLz2Rw7@Tb5mXc9d\"",
		},
		NearMisses: []string{
			"api_key = os.environ[\"API_KEY\"]",
			"SECRET_KEY = \"django-insecure-changeme-before-production\"",
			"token: ${{ secrets.GITHUB_TOKEN }}",
			"tokenizer_path = \"models/tokenizer/config.json\"",
			"maxTokenSize: MaxScanTokenSize,",
			"token = userAuthGSSAPITokenReq.Token",
			"expectedToken: \"client-valid-token-1\"",
			"GITHUB_TOKEN=ghp_V3Y8NfpP0oTRYPtv3gCCYeuqvY0Veo24Vlla",
			"secret_hash: \"sha256-4kOpTQYc9dBe3eEi0lXnQ1vR0rS2tU8wX7yZ5aB6cD4=\"",
			"access_token_url: https://oauth2.googleapis.com/token",
			"client_secret: 123e4567-e89b-12d3-a456-426614174000",
			"secret_name: prod/db/MasterUserPassword",
			"token: iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
		},
	},
	{
		Rule: "generic-token", Family: "generic",
		Tokens: []string{"{an:32}"},
		Name:   "DEPLOY_TOKEN",
		Docs: []string{
			"DEPLOY_TOKEN=Zx8vQ2mLp7rT4kW9nB3cF6hJ1dS5gA0e",
			"{\"refresh_token\": \"1HdK9qLmZ2pX7vR4tW8yB3nC6fJ0sA5e-GhUiOp\"}",
		},
		NearMisses: []string{
			"api_key = os.environ[\"API_KEY\"]",
			"SECRET_KEY = \"django-insecure-changeme-before-production\"",
			"token: ${{ secrets.GITHUB_TOKEN }}",
			"tokenizer_path = \"models/tokenizer/config.json\"",
			"maxTokenSize: MaxScanTokenSize,",
			"token = userAuthGSSAPITokenReq.Token",
			"expectedToken: \"client-valid-token-1\"",
			"GITHUB_TOKEN=ghp_V3Y8NfpP0oTRYPtv3gCCYeuqvY0Veo24Vlla",
			"secret_hash: \"sha256-4kOpTQYc9dBe3eEi0lXnQ1vR0rS2tU8wX7yZ5aB6cD4=\"",
			"access_token_url: https://oauth2.googleapis.com/token",
			"client_secret: 123e4567-e89b-12d3-a456-426614174000",
			"secret_name: prod/db/MasterUserPassword",
			"token: iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
			"{\"NextToken\": \"eyJ2IjoxLCJwIjoiMTIzNCIsIm4iOiJhYmNkZWZnaGlqa2xtbm9wIn0=\"}",
			"csrf_token: \"Qm9vYmFyQmF6UXV4Q29yZ2VHcmF1bHQ\"",
		},
	},
	{
		Rule: "generic-hex-secret", Family: "generic",
		Tokens: []string{"{hex:40}"},
		Name:   "WEBHOOK_SECRET",
		Docs: []string{
			"WEBHOOK_SECRET=4f9c2e81d7b3a0659e1f7c4d2b8a6e30f5c9d1a7",
			"config:\n  api_key: \"9be02d6c74e1f3a85b0d29c6e7f14a3b\"",
		},
		NearMisses: []string{
			"SharedSecret: \"46fc62106420ff012e54a434fbdd2d25ccc5852060561e68040dd7778997bd7b\",",
			"\"exporter_secret\": \"5e9bc3d236e1911d95e65b576a8a86d478fb827e8bdfe77b741b289890490d4d\",",
			"token_hash = \"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"",
			"stateless_reset_token: \"0102030405060708090a0b0c0d0e0f10\"",
			"secret = \"d41d8cd98f00b204e9800998ecf8427e\" # md5 of empty",
			"public_key: \"04a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9\"",
		},
	},
	{
		Rule: "generic-password", Family: "generic",
		Tokens: []string{"{pw}"},
		Name:   "DB_PASSWORD",
		Docs: []string{
			"DB_PASSWORD=kX9#vQ2mLp7!",
			"db:\n  password: \"qsXHvMaGuVha!SwBlez\"",
			"<password>Tr0ub4dor&3xK</password>",
			"define('DB_PASSWORD', 'h7Gk!2pQz9Lm');",
		},
		NearMisses: []string{
			"password = \"5sey\"",
			"password: ${DB_PASSWORD}",
			"DB_PASSWORD=changeme",
			"password = getpass.getpass(\"Password: \")",
			"password_hash = \"$2b$12$KIXQJ9b3Jh0Zq1x5bW1lOe8sZ5b6tq4sW0aH2z8b1M3n4o5p6q7r8\"",
			"\"passwordLabel\": \"Enter your password\"",
			"password: P@ssw0rd123",
			"PASSWORD=password123!",
			"password = self.password",
			"password: \"{{ .Values.db.password }}\"",
			"password: ********",
			"password=$(cat /run/secrets/db)",
		},
	},
	{
		Rule: "generic-bearer-token", Family: "generic",
		Docs: []string{
			"curl -H \"Authorization: Bearer {an:40}\" https://api.acme.io/v1/items",
			"headers = {\"Authorization\": \"Bearer {u64:48}\"}",
		},
		NearMisses: []string{
			"curl -H \"Authorization: Bearer $TOKEN\" https://api.acme.io",
			"Authorization: Bearer <token>",
			"Authorization: Bearer YOUR_ACCESS_TOKEN_HERE",
		},
	},
	{
		Rule: "generic-appsetting-secret", Family: "generic",
		Docs: []string{
			"<add key=\"StripeApiKey\" value=\"{an:32}\" />",
			"<appSettings>\n  <add key=\"ServiceToken\" value=\"{u64:40}\"/>\n</appSettings>",
		},
		NearMisses: []string{
			"<add key=\"ApiKey\" value=\"%API_KEY%\" />",
			"<add key=\"TokenEndpoint\" value=\"https://login.acme.io/oauth2/token\" />",
		},
	},
}
