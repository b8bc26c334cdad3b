package verify

import (
	"context"
	"net/http"
	"strings"
)

// more returns verifiers beyond the list: providers whose
// documented "who am I", key-info or list endpoint answers the key alone.
func more() []*Verifier {
	return []*Verifier{
		simple("mistral", []string{"mistral-api-key"}, "api.mistral.ai", probe{
			URL: fixed("https://api.mistral.ai/v1/models"), Header: bearer,
		}, "GET https://api.mistral.ai/v1/models, header Authorization: Bearer"),
		simple("cohere", []string{"cohere-api-key"}, "api.cohere.com", probe{
			URL: fixed("https://api.cohere.com/v1/models?page_size=1"), Header: bearer,
		}, "GET https://api.cohere.com/v1/models?page_size=1, header Authorization: Bearer"),
		simple("xai", []string{"xai-api-key"}, "api.x.ai", probe{
			URL: fixed("https://api.x.ai/v1/api-key"), Header: bearer, Invalid: []int{400, 401},
			Identity: []string{"name", "api_key_id"}, Scopes: "acls",
		}, "GET https://api.x.ai/v1/api-key, header Authorization: Bearer"),
		simple("openrouter", []string{"openrouter-api-key"}, "openrouter.ai", probe{
			URL: fixed("https://openrouter.ai/api/v1/key"), Header: bearer, Identity: []string{"data.label"},
		}, "GET https://openrouter.ai/api/v1/key, header Authorization: Bearer"),
		simple("deepseek", []string{"deepseek-api-key"}, "api.deepseek.com", probe{
			URL: fixed("https://api.deepseek.com/models"), Header: bearer,
		}, "GET https://api.deepseek.com/models, header Authorization: Bearer"),
		simple("together", []string{"together-api-key"}, "api.together.xyz", probe{
			URL: fixed("https://api.together.xyz/v1/models"), Header: bearer,
		}, "GET https://api.together.xyz/v1/models, header Authorization: Bearer"),
		simple("fireworks", []string{"fireworks-api-key"}, "api.fireworks.ai", probe{
			URL: fixed("https://api.fireworks.ai/inference/v1/models"), Header: bearer,
		}, "GET https://api.fireworks.ai/inference/v1/models, header Authorization: Bearer"),
		simple("elevenlabs", []string{"elevenlabs-api-key"}, "api.elevenlabs.io", probe{
			URL: fixed("https://api.elevenlabs.io/v1/user"), Header: header("Xi-Api-Key"), Identity: []string{"user_id"},
		}, "GET https://api.elevenlabs.io/v1/user, header xi-api-key"),
		simple("notion", []string{"notion-integration-token"}, "api.notion.com", probe{
			URL: fixed("https://api.notion.com/v1/users/me"),
			Header: func(in Input) http.Header {
				return http.Header{"Authorization": {"Bearer " + in.Secret}, "Notion-Version": {"2022-06-28"}}
			},
			Identity: []string{"name", "bot.workspace_name"},
		}, "GET https://api.notion.com/v1/users/me, header Authorization: Bearer"),
		simple("asana", []string{"asana-pat"}, "app.asana.com", probe{
			URL: fixed("https://app.asana.com/api/1.0/users/me"), Header: bearer, Identity: []string{"data.email", "data.name"},
		}, "GET https://app.asana.com/api/1.0/users/me, header Authorization: Bearer"),
		simple("figma", []string{"figma-pat"}, "api.figma.com", probe{
			URL: fixed("https://api.figma.com/v1/me"), Header: header("X-Figma-Token"), Invalid: []int{401, 403},
			Identity: []string{"email", "handle"},
		}, "GET https://api.figma.com/v1/me, header X-Figma-Token"),
		simple("pagerduty", []string{"pagerduty-api-key"}, "api.pagerduty.com", probe{
			URL: fixed("https://api.pagerduty.com/abilities"),
			Header: func(in Input) http.Header {
				return http.Header{"Authorization": {"Token token=" + in.Secret}, "Accept": {"application/vnd.pagerduty+json;version=2"}}
			},
		}, "GET https://api.pagerduty.com/abilities, header Authorization: Token token=KEY"),
		simple("terraform-cloud", []string{"terraform-cloud-token"}, "app.terraform.io", probe{
			URL: fixed("https://app.terraform.io/api/v2/account/details"), Header: bearer,
			Identity: []string{"data.attributes.username", "data.attributes.email"},
		}, "GET https://app.terraform.io/api/v2/account/details, header Authorization: Bearer"),
		{
			Name: "buildkite", Rules: []string{"buildkite-token"}, Hosts: []string{"api.buildkite.com"},
			Doc: "GET https://api.buildkite.com/v2/access-token, header Authorization: Bearer (user API tokens bkua_ only)",
			Check: func(ctx context.Context, h *HTTP, in Input) Result {
				if !strings.HasPrefix(in.Secret, "bkua_") {
					return unknown("agent and cluster tokens are not checked")
				}
				return probe{URL: fixed("https://api.buildkite.com/v2/access-token"), Header: bearer, Scopes: "scopes"}.check(ctx, h, in)
			},
		},
		simple("circleci", []string{"circleci-token"}, "circleci.com", probe{
			URL: fixed("https://circleci.com/api/v2/me"), Header: header("Circle-Token"), Identity: []string{"login"},
		}, "GET https://circleci.com/api/v2/me, header Circle-Token"),
		simple("render", []string{"render-api-key"}, "api.render.com", probe{
			URL: fixed("https://api.render.com/v1/owners?limit=1"), Header: bearer, Identity: []string{"0.owner.email", "0.owner.name"},
		}, "GET https://api.render.com/v1/owners?limit=1, header Authorization: Bearer"),
		simple("hetzner", []string{"hetzner-cloud-token"}, "api.hetzner.cloud", probe{
			URL: fixed("https://api.hetzner.cloud/v1/servers?per_page=1"), Header: bearer,
		}, "GET https://api.hetzner.cloud/v1/servers?per_page=1, header Authorization: Bearer"),
		simple("linode", []string{"linode-token"}, "api.linode.com", probe{
			URL: fixed("https://api.linode.com/v4/profile"), Header: bearer, Identity: []string{"username", "email"},
		}, "GET https://api.linode.com/v4/profile, header Authorization: Bearer"),
		simple("pulumi", []string{"pulumi-access-token"}, "api.pulumi.com", probe{
			URL: fixed("https://api.pulumi.com/api/user"),
			Header: func(in Input) http.Header {
				return http.Header{"Authorization": {"token " + in.Secret}, "Accept": {"application/vnd.pulumi+8"}}
			},
			Identity: []string{"githubLogin", "name"},
		}, "GET https://api.pulumi.com/api/user, header Authorization: token KEY"),
		simple("snyk", []string{"snyk-token"}, "api.snyk.io", probe{
			URL:      fixed("https://api.snyk.io/rest/self?version=2024-06-10"),
			Header:   func(in Input) http.Header { return http.Header{"Authorization": {"token " + in.Secret}} },
			Identity: []string{"data.attributes.username", "data.attributes.email"},
		}, "GET https://api.snyk.io/rest/self?version=2024-06-10, header Authorization: token KEY"),
		simple("postmark", []string{"postmark-server-token"}, "api.postmarkapp.com", probe{
			URL: fixed("https://api.postmarkapp.com/server"),
			Header: func(in Input) http.Header {
				return http.Header{"X-Postmark-Server-Token": {in.Secret}, "Accept": {"application/json"}}
			},
			Identity: []string{"Name"},
		}, "GET https://api.postmarkapp.com/server, header X-Postmark-Server-Token"),
		{
			Name: "brevo", Rules: []string{"brevo-api-key"}, Hosts: []string{"api.brevo.com"},
			Doc: "GET https://api.brevo.com/v3/account, header api-key (API keys xkeysib- only; SMTP keys are not checked)",
			Check: func(ctx context.Context, h *HTTP, in Input) Result {
				if !strings.HasPrefix(in.Secret, "xkeysib-") {
					return unknown("SMTP keys are not checked")
				}
				return probe{URL: fixed("https://api.brevo.com/v3/account"), Header: header("Api-Key"), Identity: []string{"email"}}.check(ctx, h, in)
			},
		},
		simple("intercom", []string{"intercom-access-token"}, "api.intercom.io", probe{
			URL: fixed("https://api.intercom.io/me"),
			Header: func(in Input) http.Header {
				return http.Header{"Authorization": {"Bearer " + in.Secret}, "Accept": {"application/json"}}
			},
			Identity: []string{"email", "app.name"},
		}, "GET https://api.intercom.io/me, header Authorization: Bearer"),
		simple("hubspot", []string{"hubspot-private-app-token"}, "api.hubapi.com", probe{
			URL: fixed("https://api.hubapi.com/account-info/v3/details"), Header: bearer, Forbidden403: true,
			Identity: []string{"portalId"},
		}, "GET https://api.hubapi.com/account-info/v3/details, header Authorization: Bearer"),
		simple("typeform", []string{"typeform-token"}, "api.typeform.com", probe{
			URL: fixed("https://api.typeform.com/me"), Header: bearer, Identity: []string{"alias", "email"},
		}, "GET https://api.typeform.com/me, header Authorization: Bearer"),
		{
			Name: "launchdarkly", Rules: []string{"launchdarkly-key"}, Hosts: []string{"app.launchdarkly.com"},
			Doc: "GET https://app.launchdarkly.com/api/v2/caller-identity, header Authorization (API access tokens api-… only; SDK keys are not checked)",
			Check: func(ctx context.Context, h *HTTP, in Input) Result {
				if !strings.HasPrefix(in.Secret, "api-") {
					return unknown("SDK keys are not checked")
				}
				return probe{URL: fixed("https://app.launchdarkly.com/api/v2/caller-identity"), Header: header("Authorization"),
					Identity: []string{"tokenName", "accountId"}}.check(ctx, h, in)
			},
		},
		{
			Name: "honeycomb", Rules: []string{"honeycomb-api-key"}, Hosts: []string{"api.honeycomb.io"},
			Doc: "GET https://api.honeycomb.io/1/auth, header X-Honeycomb-Team (ingest keys; management keys need their key id and are not checked)",
			Check: func(ctx context.Context, h *HTTP, in Input) Result {
				if !strings.HasPrefix(in.Secret, "hcaik_") && !strings.HasPrefix(in.Secret, "hcxik_") {
					return unknown("management keys need their key id: not checked")
				}
				return probe{URL: fixed("https://api.honeycomb.io/1/auth"), Header: header("X-Honeycomb-Team"),
					Identity: []string{"team.slug", "environment.slug"}}.check(ctx, h, in)
			},
		},
		simple("square", []string{"square-access-token"}, "connect.squareup.com", probe{
			URL: fixed("https://connect.squareup.com/v2/merchants/me"), Header: bearer, Identity: []string{"merchant.business_name", "merchant.id"},
		}, "GET https://connect.squareup.com/v2/merchants/me, header Authorization: Bearer"),
		simple("shippo", []string{"shippo-api-token"}, "api.goshippo.com", probe{
			URL:    fixed("https://api.goshippo.com/addresses?results=1"),
			Header: func(in Input) http.Header { return http.Header{"Authorization": {"ShippoToken " + in.Secret}} },
		}, "GET https://api.goshippo.com/addresses?results=1, header Authorization: ShippoToken KEY"),
		simple("dropbox", []string{"dropbox-access-token", "dropbox-long-lived-token"}, "api.dropboxapi.com", probe{
			Method: http.MethodPost, URL: fixed("https://api.dropboxapi.com/2/users/get_current_account"), Header: bearer,
			Identity: []string{"email", "account_id"},
		}, "POST https://api.dropboxapi.com/2/users/get_current_account (no body; reads the account), header Authorization: Bearer"),
		simple("mollie", []string{"mollie-api-key"}, "api.mollie.com", probe{
			URL: fixed("https://api.mollie.com/v2/methods"), Header: bearer,
		}, "GET https://api.mollie.com/v2/methods, header Authorization: Bearer"),
		{
			Name: "paddle", Rules: []string{"paddle-api-key"}, Hosts: []string{"api.paddle.com", "sandbox-api.paddle.com"},
			Doc: "GET https://api.paddle.com/event-types (sandbox keys: sandbox-api.paddle.com), header Authorization: Bearer",
			Check: func(ctx context.Context, h *HTTP, in Input) Result {
				host := "api.paddle.com"
				if strings.HasPrefix(in.Secret, "pdl_sdbx_") {
					host = "sandbox-api.paddle.com"
				}
				return probe{URL: fixed("https://" + host + "/event-types"), Header: bearer, Forbidden403: true}.check(ctx, h, in)
			},
		},
		simple("contentful", []string{"contentful-token"}, "api.contentful.com", probe{
			URL: fixed("https://api.contentful.com/users/me"), Header: bearer, Identity: []string{"email"},
		}, "GET https://api.contentful.com/users/me, header Authorization: Bearer"),
	}
}
