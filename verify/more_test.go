package verify

import (
	"github.com/keyhound/keyhound/verify/verifytest"
)

// moreCases are the exchanges of the verifiers in more.go.
func moreCases() []vcase {
	tokenAuth := func(s verifytest.Seen, secret string) bool { return s.Header.Get("Authorization") == "token "+secret }
	std := func(name, rule, secret, host, uri string, carries func(verifytest.Seen, string) bool, liveBody, identity string) vcase {
		return vcase{name: name, rule: rule, secret: secret, host: host, method: "GET", uri: uri, carries: carries,
			live: answer(200, liveBody), invalid: answer(401, `{"error":"unauthorized"}`), identity: identity}
	}
	return []vcase{
		std("mistral", "mistral-api-key", fake("mi", 32, alnum), "api.mistral.ai", "/v1/models", bearerOf, `{"data":[]}`, ""),
		std("cohere", "cohere-api-key", fake("co", 40, alnum), "api.cohere.com", "/v1/models?page_size=1", bearerOf, `{"models":[]}`, ""),
		std("xai", "xai-api-key", "xai-"+fake("xai", 80, alnum), "api.x.ai", "/v1/api-key", bearerOf, `{"name":"prod","acls":["api-key:model:*"]}`, "prod"),
		std("openrouter", "openrouter-api-key", "sk-or-v1-"+fake("or", 64, hexd), "openrouter.ai", "/api/v1/key", bearerOf, `{"data":{"label":"sk-or-v1-abc...xyz"}}`, "sk-or-v1-abc...xyz"),
		std("deepseek", "deepseek-api-key", "sk-"+fake("ds", 32, hexd), "api.deepseek.com", "/models", bearerOf, `{"data":[]}`, ""),
		std("together", "together-api-key", fake("tg2", 64, hexd), "api.together.xyz", "/v1/models", bearerOf, `[]`, ""),
		std("fireworks", "fireworks-api-key", "fw_"+fake("fw", 24, alnum), "api.fireworks.ai", "/inference/v1/models", bearerOf, `{"data":[]}`, ""),
		std("elevenlabs", "elevenlabs-api-key", "sk_"+fake("el", 48, hexd), "api.elevenlabs.io", "/v1/user", inHeader("Xi-Api-Key", ""), `{"user_id":"u42"}`, "u42"),
		std("notion", "notion-integration-token", "ntn_12345678901"+fake("nt", 35, alnum), "api.notion.com", "/v1/users/me", bearerOf, `{"name":"CI bot"}`, "CI bot"),
		std("asana", "asana-pat", "2/1234567890123456/1234567890123456:"+fake("as", 32, hexd), "app.asana.com", "/api/1.0/users/me", bearerOf, `{"data":{"email":"pm@example.com"}}`, "pm@example.com"),
		std("figma", "figma-pat", "figd_"+fake("fg", 40, alnum), "api.figma.com", "/v1/me", inHeader("X-Figma-Token", ""), `{"email":"ux@example.com"}`, "ux@example.com"),
		std("pagerduty", "pagerduty-api-key", fake("pd", 20, alnum), "api.pagerduty.com", "/abilities", inHeader("Authorization", "Token token="), `{"abilities":[]}`, ""),
		std("terraform cloud", "terraform-cloud-token", fake("tf", 14, alnum)+".atlasv1."+fake("tf2", 64, alnum), "app.terraform.io", "/api/v2/account/details", bearerOf, `{"data":{"attributes":{"username":"infra"}}}`, "infra"),
		std("buildkite", "buildkite-token", "bkua_"+fake("bk", 40, alnum), "api.buildkite.com", "/v2/access-token", bearerOf, `{"scopes":["read_builds"]}`, ""),
		std("circleci", "circleci-token", "CCIPAT_"+fake("cc", 22, alnum)+"_"+fake("cc2", 40, hexd), "circleci.com", "/api/v2/me", inHeader("Circle-Token", ""), `{"login":"dev"}`, "dev"),
		std("render", "render-api-key", "rnd_"+fake("rn", 32, alnum), "api.render.com", "/v1/owners?limit=1", bearerOf, `[{"owner":{"email":"ops@example.com"}}]`, "ops@example.com"),
		std("hetzner", "hetzner-cloud-token", fake("hz", 64, alnum), "api.hetzner.cloud", "/v1/servers?per_page=1", bearerOf, `{"servers":[]}`, ""),
		std("linode", "linode-token", fake("li", 64, hexd), "api.linode.com", "/v4/profile", bearerOf, `{"username":"sysop"}`, "sysop"),
		std("pulumi", "pulumi-access-token", "pul-"+fake("pu", 40, hexd), "api.pulumi.com", "/api/user", tokenAuth, `{"githubLogin":"infra-bot"}`, "infra-bot"),
		std("snyk", "snyk-token", fake("sn", 8, hexd)+"-1234-4abc-8def-"+fake("sn2", 12, hexd), "api.snyk.io", "/rest/self?version=2024-06-10", tokenAuth, `{"data":{"attributes":{"username":"sec"}}}`, "sec"),
		std("postmark", "postmark-server-token", fake("pm3", 8, hexd)+"-1234-4abc-8def-"+fake("pm4", 12, hexd), "api.postmarkapp.com", "/server", inHeader("X-Postmark-Server-Token", ""), `{"Name":"transactional"}`, "transactional"),
		std("brevo", "brevo-api-key", "xkeysib-"+fake("br", 64, hexd)+"-"+fake("br2", 16, alnum), "api.brevo.com", "/v3/account", inHeader("Api-Key", ""), `{"email":"mail@example.com"}`, "mail@example.com"),
		std("intercom", "intercom-access-token", fake("ic", 60, alnum)+"=", "api.intercom.io", "/me", bearerOf, `{"email":"support@example.com"}`, "support@example.com"),
		std("hubspot", "hubspot-private-app-token", "pat-na1-"+fake("hs", 8, hexd)+"-1234-4abc-8def-"+fake("hs2", 12, hexd), "api.hubapi.com", "/account-info/v3/details", bearerOf, `{"portalId":62515}`, "62515"),
		std("typeform", "typeform-token", "tfp_"+fake("tf3", 44, alnum)+"_"+fake("tf4", 14, alnum), "api.typeform.com", "/me", bearerOf, `{"alias":"forms"}`, "forms"),
		std("launchdarkly", "launchdarkly-key", "api-"+fake("ld", 8, hexd)+"-1234-4abc-8def-"+fake("ld2", 12, hexd), "app.launchdarkly.com", "/api/v2/caller-identity", inHeader("Authorization", ""), `{"tokenName":"ci"}`, "ci"),
		std("honeycomb", "honeycomb-api-key", "hcaik_"+fake("hc", 58, alnum), "api.honeycomb.io", "/1/auth", inHeader("X-Honeycomb-Team", ""), `{"team":{"slug":"acme"}}`, "acme"),
		std("square", "square-access-token", "EAAA"+fake("sq", 60, alnum+"_-"), "connect.squareup.com", "/v2/merchants/me", bearerOf, `{"merchant":{"business_name":"Cafe"}}`, "Cafe"),
		std("shippo", "shippo-api-token", "shippo_live_"+fake("sp", 40, hexd), "api.goshippo.com", "/addresses?results=1", inHeader("Authorization", "ShippoToken "), `{"results":[]}`, ""),
		{name: "dropbox", rule: "dropbox-access-token", secret: "sl.u." + fake("db", 140, alnum+"_-"), host: "api.dropboxapi.com", method: "POST", uri: "/2/users/get_current_account", carries: bearerOf,
			live: answer(200, `{"email":"files@example.com"}`), invalid: answer(401, `{"error_summary":"invalid_access_token/"}`), identity: "files@example.com"},
		std("mollie", "mollie-api-key", "live_"+fake("mo", 30, alnum), "api.mollie.com", "/v2/methods", bearerOf, `{"count":0}`, ""),
		std("paddle", "paddle-api-key", "pdl_live_apikey_"+fake("pa", 26, "abcdefghijklmnopqrstuvwxyz0123456789")+"_"+fake("pa2", 22, alnum)+"_"+fake("pa3", 3, alnum), "api.paddle.com", "/event-types", bearerOf, `{"data":[]}`, ""),
		std("contentful", "contentful-token", "CFPAT-"+fake("cf2", 43, alnum), "api.contentful.com", "/users/me", bearerOf, `{"email":"cms@example.com"}`, "cms@example.com"),
	}
}
