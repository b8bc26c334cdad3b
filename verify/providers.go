package verify

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// builtin returns every verifier. Each one's request is read-only: it lists
// or describes the caller and changes nothing at the provider.
func builtin() []*Verifier {
	vs := []*Verifier{
		github(),
		simple("gitlab", []string{"gitlab-pat"}, "gitlab.com", probe{
			URL:      fixed("https://gitlab.com/api/v4/personal_access_tokens/self"),
			Header:   header("Private-Token"),
			Identity: []string{"name"},
			Scopes:   "scopes",
		}, "GET https://gitlab.com/api/v4/personal_access_tokens/self, header PRIVATE-TOKEN"),
		slackToken(),
		slackWebhook(),
		discordWebhook(),
		stripe(),
		openAI(),
		anthropic(),
		awsKeys(),
		googleAPIKey(),
		gcpServiceAccount(),
		simple("sendgrid", []string{"sendgrid-api-key"}, "api.sendgrid.com", probe{
			URL:     fixed("https://api.sendgrid.com/v3/scopes"),
			Header:  bearer,
			Invalid: []int{401, 403},
			Scopes:  "scopes",
		}, "GET https://api.sendgrid.com/v3/scopes, header Authorization: Bearer"),
		twilio(),
		mailgun(),
		mailchimp(),
		simple("npm", []string{"npm-access-token"}, "registry.npmjs.org", probe{
			URL:      fixed("https://registry.npmjs.org/-/whoami"),
			Header:   bearer,
			Identity: []string{"username"},
		}, "GET https://registry.npmjs.org/-/whoami, header Authorization: Bearer"),
		dockerHub(),
		simple("huggingface", []string{"huggingface-token", "huggingface-org-token"}, "huggingface.co", probe{
			URL:      fixed("https://huggingface.co/api/whoami-v2"),
			Header:   bearer,
			Identity: []string{"name"},
		}, "GET https://huggingface.co/api/whoami-v2, header Authorization: Bearer"),
		simple("digitalocean", []string{"digitalocean-token"}, "api.digitalocean.com", probe{
			URL:      fixed("https://api.digitalocean.com/v2/account"),
			Header:   bearer,
			Identity: []string{"account.email", "account.uuid"},
		}, "GET https://api.digitalocean.com/v2/account, header Authorization: Bearer"),
		datadog(),
		shopify(),
		telegram(),
		simple("heroku", []string{"heroku-api-key"}, "api.heroku.com", probe{
			URL: fixed("https://api.heroku.com/account"),
			Header: func(in Input) http.Header {
				return http.Header{"Authorization": {"Bearer " + in.Secret}, "Accept": {"application/vnd.heroku+json; version=3"}}
			},
			Identity: []string{"email", "id"},
		}, "GET https://api.heroku.com/account, header Authorization: Bearer"),
		linear(),
		simple("postman", []string{"postman-api-key"}, "api.getpostman.com", probe{
			URL:      fixed("https://api.getpostman.com/me"),
			Header:   header("X-Api-Key"),
			Identity: []string{"user.username", "user.email"},
		}, "GET https://api.getpostman.com/me, header X-API-Key"),
		simple("sentry", []string{"sentry-auth-token"}, "sentry.io", probe{
			URL:          fixed("https://sentry.io/api/0/organizations/"),
			Header:       bearer,
			Identity:     []string{"0.slug"},
			Forbidden403: true,
		}, "GET https://sentry.io/api/0/organizations/, header Authorization: Bearer"),
		newRelic(),
		grafanaCloud(),
		atlassian(),
		simple("doppler", []string{"doppler-token"}, "api.doppler.com", probe{
			URL:      fixed("https://api.doppler.com/v3/me"),
			Header:   bearer,
			Identity: []string{"name", "workplace.name"},
		}, "GET https://api.doppler.com/v3/me, header Authorization: Bearer"),
		simple("groq", []string{"groq-api-key"}, "api.groq.com", probe{
			URL:    fixed("https://api.groq.com/openai/v1/models"),
			Header: bearer,
		}, "GET https://api.groq.com/openai/v1/models, header Authorization: Bearer"),
		simple("replicate", []string{"replicate-api-token"}, "api.replicate.com", probe{
			URL:      fixed("https://api.replicate.com/v1/account"),
			Header:   bearer,
			Identity: []string{"username"},
		}, "GET https://api.replicate.com/v1/account, header Authorization: Bearer"),
		simple("perplexity", []string{"perplexity-api-key"}, "api.perplexity.ai", probe{
			URL:    fixed("https://api.perplexity.ai/router/v1/models"),
			Header: bearer,
		}, "GET https://api.perplexity.ai/router/v1/models, header Authorization: Bearer"),
		simple("airtable", []string{"airtable-pat"}, "api.airtable.com", probe{
			URL:      fixed("https://api.airtable.com/v0/meta/whoami"),
			Header:   bearer,
			Identity: []string{"email", "id"},
			Scopes:   "scopes",
		}, "GET https://api.airtable.com/v0/meta/whoami, header Authorization: Bearer"),
		simple("supabase", []string{"supabase-access-token"}, "api.supabase.com", probe{
			URL:    fixed("https://api.supabase.com/v1/projects"),
			Header: bearer,
		}, "GET https://api.supabase.com/v1/projects, header Authorization: Bearer"),
		planetScale(),
		flyIO(),
		simple("netlify", []string{"netlify-token"}, "api.netlify.com", probe{
			URL:      fixed("https://api.netlify.com/api/v1/user"),
			Header:   bearer,
			Identity: []string{"email", "full_name"},
		}, "GET https://api.netlify.com/api/v1/user, header Authorization: Bearer"),
		simple("vercel", []string{"vercel-token"}, "api.vercel.com", probe{
			URL:      fixed("https://api.vercel.com/v2/user"),
			Header:   bearer,
			Invalid:  []int{401, 403},
			Identity: []string{"user.username", "user.email"},
		}, "GET https://api.vercel.com/v2/user, header Authorization: Bearer"),
		simple("cloudflare", []string{"cloudflare-api-token"}, "api.cloudflare.com", probe{
			URL:    fixed("https://api.cloudflare.com/client/v4/user/tokens/verify"),
			Header: bearer,
			Read:   cloudflareRead,
		}, "GET https://api.cloudflare.com/client/v4/user/tokens/verify, header Authorization: Bearer"),
	}
	return append(vs, more()...)
}

func github() *Verifier {
	return &Verifier{
		Name: "github",
		Rules: []string{"github-pat", "github-oauth-token", "github-app-user-token", "github-app-installation-token",
			"github-fine-grained-pat", "github-legacy-token"},
		Hosts: []string{"api.github.com"},
		Doc:   "GET https://api.github.com/user (installation tokens ghs_: GET https://api.github.com/installation/repositories?per_page=1), header Authorization: Bearer",
		Check: func(ctx context.Context, h *HTTP, in Input) Result {
			hd := http.Header{"Authorization": {"Bearer " + in.Secret}, "Accept": {"application/vnd.github+json"}, "X-Github-Api-Version": {"2022-11-28"}}
			p := probe{URL: fixed("https://api.github.com/user"), Header: func(Input) http.Header { return hd },
				Identity: []string{"login"}, ScopesHeader: "X-OAuth-Scopes"}
			if strings.HasPrefix(in.Secret, "ghs_") {
				p.URL = fixed("https://api.github.com/installation/repositories?per_page=1")
				p.Identity = nil
			}
			return p.check(ctx, h, in)
		},
	}
}

func slackToken() *Verifier {
	return simple("slack", []string{"slack-bot-token", "slack-user-token", "slack-legacy-token"}, "slack.com", probe{
		Method: http.MethodPost,
		URL:    fixed("https://slack.com/api/auth.test"),
		Header: bearer,
		Read: func(r *Response) Result {
			if r.Status != 200 {
				return probe{}.read(r)
			}
			doc := decode(r.Body)
			if jsonString(doc, "ok") == "true" {
				id := jsonString(doc, "user")
				if t := jsonString(doc, "team"); t != "" {
					id += " @ " + t
				}
				return live(id, "auth.test ok", splitList(r.Header.Get("X-Oauth-Scopes"))...)
			}
			switch e := jsonString(doc, "error"); e {
			case "invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive", "org_login_required":
				return invalid("auth.test: " + e)
			case "":
				return failed("auth.test: answer without ok")
			default:
				return failed("auth.test: " + e)
			}
		},
	}, "POST https://slack.com/api/auth.test, header Authorization: Bearer")
}

var slackHookPath = lazyRE(`^https://hooks\.slack\.com(/(?:services|workflows|triggers)/[A-Za-z0-9/]+)$`)

// slackWebhook posts an empty JSON object: Slack rejects it (no text)
// without delivering anything, and the error says whether the hook exists.
func slackWebhook() *Verifier {
	return &Verifier{
		Name: "slack-webhook", Rules: []string{"slack-webhook-url"}, Hosts: []string{"hooks.slack.com"},
		Doc: "POST https://hooks.slack.com/services/… (the webhook URL itself) with body {} — Slack answers no_text without posting anything",
		Check: func(ctx context.Context, h *HTTP, in Input) Result {
			m := slackHookPath().FindStringSubmatch(in.Secret)
			if m == nil {
				return unknown("not a hooks.slack.com webhook URL")
			}
			if !strings.HasPrefix(m[1], "/services/") {
				return unknown("workflow triggers are not checked: any request may start the workflow")
			}
			resp, err := h.Do(ctx, Request{Method: http.MethodPost, URL: "https://hooks.slack.com" + m[1],
				Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte("{}")})
			if err != nil {
				return failed(err.Error())
			}
			body := strings.TrimSpace(string(resp.Body))
			switch {
			case resp.Status == 400 && (body == "no_text" || body == "invalid_payload" || body == "missing_text_or_fallback_or_attachments"):
				return live("", "webhook exists (rejected an empty message: "+body+")")
			case resp.Status == 404 || resp.Status == 403 || resp.Status == 410:
				return invalid(fmt.Sprintf("HTTP %d %s", resp.Status, shortBody(body)))
			case resp.Status == 200:
				return failed("HTTP 200: unexpected acceptance of an empty message")
			}
			return statusError(resp)
		},
	}
}

var discordHook = lazyRE(`^https://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/api/webhooks/([0-9]{17,20})/([A-Za-z0-9_-]{60,68})$`)

// discordWebhook reads the webhook object (GET): nothing is posted.
func discordWebhook() *Verifier {
	return &Verifier{
		Name: "discord-webhook", Rules: []string{"discord-webhook-url"}, Hosts: []string{"discord.com"},
		Doc: "GET https://discord.com/api/webhooks/{id}/{token} (reads the webhook; posts nothing)",
		Check: func(ctx context.Context, h *HTTP, in Input) Result {
			m := discordHook().FindStringSubmatch(in.Secret)
			if m == nil {
				return unknown("not a Discord webhook URL")
			}
			return probe{URL: fixed("https://discord.com/api/webhooks/" + m[1] + "/" + m[2]),
				Invalid: []int{401, 404}, Identity: []string{"name"}}.check(ctx, h, in)
		},
	}
}

func stripe() *Verifier {
	return simple("stripe", []string{"stripe-secret-key", "stripe-restricted-key", "stripe-test-key"}, "api.stripe.com", probe{
		URL:          fixed("https://api.stripe.com/v1/balance"),
		Header:       basicAuth(func(in Input) (string, string) { return in.Secret, "" }),
		Forbidden403: true, // a restricted key without balance read permission
	}, "GET https://api.stripe.com/v1/balance, HTTP basic auth (key as user name)")
}

func openAI() *Verifier {
	return &Verifier{
		Name: "openai", Rules: []string{"openai-project-key", "openai-service-account-key", "openai-legacy-key", "openai-admin-key"},
		Hosts: []string{"api.openai.com"},
		Doc:   "GET https://api.openai.com/v1/models (admin keys: GET https://api.openai.com/v1/organization/projects?limit=1), header Authorization: Bearer",
		Check: func(ctx context.Context, h *HTTP, in Input) Result {
			u := "https://api.openai.com/v1/models"
			if in.Rule == "openai-admin-key" {
				u = "https://api.openai.com/v1/organization/projects?limit=1"
			}
			return probe{URL: fixed(u), Header: bearer, Forbidden403: true}.check(ctx, h, in)
		},
	}
}

func anthropic() *Verifier {
	return &Verifier{
		Name: "anthropic", Rules: []string{"anthropic-api-key", "anthropic-admin-key"}, Hosts: []string{"api.anthropic.com"},
		Doc: "GET https://api.anthropic.com/v1/models (admin keys: GET https://api.anthropic.com/v1/organizations/me), header x-api-key",
		Check: func(ctx context.Context, h *HTTP, in Input) Result {
			u, id := "https://api.anthropic.com/v1/models", []string(nil)
			if in.Rule == "anthropic-admin-key" {
				u, id = "https://api.anthropic.com/v1/organizations/me", []string{"name"}
			}
			return probe{URL: fixed(u), Identity: id, Header: func(in Input) http.Header {
				return http.Header{"X-Api-Key": {in.Secret}, "Anthropic-Version": {"2023-06-01"}}
			}}.check(ctx, h, in)
		},
	}
}

// googleAPIKey lists the Gemini models: 200 is live; Google answers an
// unknown key with 400 API_KEY_INVALID, and a valid key restricted to other
// APIs with 403, which still proves the key exists.
func googleAPIKey() *Verifier {
	return simple("google-api-key", []string{"google-api-key"}, "generativelanguage.googleapis.com", probe{
		URL:    fixed("https://generativelanguage.googleapis.com/v1beta/models?pageSize=1"),
		Header: header("X-Goog-Api-Key"),
		Read: func(r *Response) Result {
			body := string(r.Body)
			switch {
			case r.Status == 200:
				return live("", "key accepted (Generative Language API)")
			case strings.Contains(body, "API_KEY_INVALID") || strings.Contains(body, "API key not valid"):
				return invalid(fmt.Sprintf("HTTP %d API_KEY_INVALID", r.Status))
			case r.Status == 403:
				return live("", "key exists but is restricted or this API is not enabled (HTTP 403)")
			}
			return statusError(r)
		},
	}, "GET https://generativelanguage.googleapis.com/v1beta/models?pageSize=1, header X-Goog-Api-Key")
}

func twilio() *Verifier {
	sid := regexp.MustCompile(`\bAC[0-9a-f]{32}\b`)
	return &Verifier{
		Name: "twilio", Rules: []string{"twilio-account-auth-pair", "twilio-auth-token"}, Hosts: []string{"api.twilio.com"},
		CompanionPattern: sid, NeedsCompanion: true,
		Doc: "GET https://api.twilio.com/2010-04-01/Accounts/{AccountSid}.json, HTTP basic auth AccountSid:AuthToken (the SID from the same file or commit)",
		Check: func(ctx context.Context, h *HTTP, in Input) Result {
			var last Result
			for _, c := range in.Companions {
				if !sid.MatchString(c) {
					continue
				}
				sidv := c
				last = probe{URL: fixed("https://api.twilio.com/2010-04-01/Accounts/" + sidv + ".json"),
					Header:   basicAuth(func(in Input) (string, string) { return sidv, in.Secret }),
					Identity: []string{"friendly_name"}}.check(ctx, h, in)
				if last.Status == "live" {
					return last
				}
			}
			if last.Status == "" {
				return unknown("no account SID (AC…) in the same file or commit")
			}
			return last
		},
	}
}

// mailgun tries the US then the EU region.
func mailgun() *Verifier {
	return &Verifier{
		Name: "mailgun", Rules: []string{"mailgun-api-key"}, Hosts: []string{"api.mailgun.net", "api.eu.mailgun.net"},
		Doc: "GET https://api.mailgun.net/v3/domains?limit=1 then https://api.eu.mailgun.net/v3/domains?limit=1, HTTP basic auth api:KEY",
		Check: func(ctx context.Context, h *HTTP, in Input) Result {
			var r Result
			for _, host := range []string{"api.mailgun.net", "api.eu.mailgun.net"} {
				r = probe{URL: fixed("https://" + host + "/v3/domains?limit=1"),
					Header:  basicAuth(func(in Input) (string, string) { return "api", in.Secret }),
					Invalid: []int{401, 403}}.check(ctx, h, in)
				if r.Status != "invalid" {
					return r
				}
			}
			return r
		},
	}
}

var mailchimpDC = lazyRE(`-(us[0-9]{1,2})$`)

func mailchimp() *Verifier {
	return &Verifier{
		Name: "mailchimp", Rules: []string{"mailchimp-api-key"}, Hosts: []string{"*.api.mailchimp.com"},
		Doc: "GET https://{dc}.api.mailchimp.com/3.0/ (dc is the key's own usNN suffix), HTTP basic auth",
		Check: func(ctx context.Context, h *HTTP, in Input) Result {
			m := mailchimpDC().FindStringSubmatch(in.Secret)
			if m == nil {
				return unknown("no data centre suffix in the key")
			}
			return probe{URL: fixed("https://" + m[1] + ".api.mailchimp.com/3.0/"),
				Header:   basicAuth(func(in Input) (string, string) { return "keyhound", in.Secret }),
				Identity: []string{"account_name"}}.check(ctx, h, in)
		},
	}
}

// datadog validates an API key on each Datadog site in turn.
func datadog() *Verifier {
	sites := []string{"api.datadoghq.com", "api.datadoghq.eu", "api.us3.datadoghq.com", "api.us5.datadoghq.com", "api.ap1.datadoghq.com", "api.ddog-gov.com"}
	return &Verifier{
		Name: "datadog", Rules: []string{"datadog-api-key"}, Hosts: sites,
		Doc: "GET https://api.datadoghq.com/api/v1/validate (then the other Datadog sites: " + strings.Join(sites[1:], ", ") + "), header DD-API-KEY",
		Check: func(ctx context.Context, h *HTTP, in Input) Result {
			var r Result
			for _, s := range sites {
				r = probe{URL: fixed("https://" + s + "/api/v1/validate"), Header: header("Dd-Api-Key"), Invalid: []int{401, 403}}.check(ctx, h, in)
				if r.Status != "invalid" {
					if r.Status == "live" {
						r.Identity = s
					}
					return r
				}
			}
			return r
		},
	}
}

var shopDomain = lazyRE(`\b([a-z0-9][a-z0-9-]{0,60})\.myshopify\.com\b`)

func shopify() *Verifier {
	return &Verifier{
		Name: "shopify", Rules: []string{"shopify-token"}, Hosts: []string{"*.myshopify.com"},
		CompanionPattern: shopDomain(), NeedsCompanion: true,
		Doc: "GET https://{shop}.myshopify.com/admin/oauth/access_scopes.json, header X-Shopify-Access-Token (the shop's myshopify.com name from the same file or commit)",
		Check: func(ctx context.Context, h *HTTP, in Input) Result {
			if strings.HasPrefix(in.Secret, "shpss_") {
				return unknown("a shared secret signs webhooks; it cannot be checked by a request")
			}
			var last Result
			for _, c := range in.Companions {
				m := shopDomain().FindStringSubmatch(c)
				if m == nil {
					continue
				}
				last = probe{URL: fixed("https://" + m[1] + ".myshopify.com/admin/oauth/access_scopes.json"),
					Header: header("X-Shopify-Access-Token"), Scopes: "access_scopes"}.check(ctx, h, in)
				if last.Status == "live" {
					last.Identity = m[1] + ".myshopify.com"
					return last
				}
			}
			if last.Status == "" {
				return unknown("no shop (*.myshopify.com) in the same file or commit")
			}
			return last
		},
	}
}

var telegramToken = lazyRE(`^[0-9]{8,10}:[A-Za-z0-9_-]{35}$`)

func telegram() *Verifier {
	return &Verifier{
		Name: "telegram", Rules: []string{"telegram-bot-token"}, Hosts: []string{"api.telegram.org"},
		Doc: "GET https://api.telegram.org/bot{token}/getMe (the token is part of the path, as the Bot API requires)",
		Check: func(ctx context.Context, h *HTTP, in Input) Result {
			if !telegramToken().MatchString(in.Secret) {
				return unknown("not a bot token")
			}
			return probe{URL: fixed("https://api.telegram.org/bot" + in.Secret + "/getMe"),
				Invalid: []int{401, 404}, Identity: []string{"result.username"}}.check(ctx, h, in)
		},
	}
}

func linear() *Verifier {
	return simple("linear", []string{"linear-api-key"}, "api.linear.app", probe{
		Method: http.MethodPost,
		URL:    fixed("https://api.linear.app/graphql"),
		Header: func(in Input) http.Header {
			return http.Header{"Authorization": {in.Secret}, "Content-Type": {"application/json"}}
		},
		Body:     func(Input) []byte { return []byte(`{"query":"{ viewer { id email } }"}`) },
		Invalid:  []int{400, 401},
		Identity: []string{"data.viewer.email", "data.viewer.id"},
	}, "POST https://api.linear.app/graphql, query { viewer { id email } }, header Authorization")
}

func newRelic() *Verifier {
	return &Verifier{
		Name: "newrelic", Rules: []string{"new-relic-user-key"}, Hosts: []string{"api.newrelic.com", "api.eu.newrelic.com"},
		Doc: "POST https://api.newrelic.com/graphql (then api.eu.newrelic.com), query { actor { user { email } } }, header API-Key",
		Check: func(ctx context.Context, h *HTTP, in Input) Result {
			var r Result
			for _, host := range []string{"api.newrelic.com", "api.eu.newrelic.com"} {
				r = probe{Method: http.MethodPost, URL: fixed("https://" + host + "/graphql"),
					Header: func(in Input) http.Header {
						return http.Header{"Api-Key": {in.Secret}, "Content-Type": {"application/json"}}
					},
					Body: func(Input) []byte { return []byte(`{"query":"{ actor { user { email } } }"}`) },
					Read: func(r *Response) Result {
						doc := decode(r.Body)
						if r.Status == 200 {
							if e := jsonString(doc, "data.actor.user.email"); e != "" {
								return live(e, "NerdGraph answered")
							}
							return invalid("NerdGraph: no user for this key")
						}
						return probe{Invalid: []int{401, 403}}.read(r)
					}}.check(ctx, h, in)
				if r.Status != "invalid" {
					return r
				}
			}
			return r
		},
	}
}

var grafanaRegion = lazyRE(`^[a-z0-9-]{2,40}$`)

// grafanaCloud lists access policies of the token's region (from the
// token's own JSON): 200 or 403 (authenticated, no accesspolicies:read) is live.
func grafanaCloud() *Verifier {
	return &Verifier{
		Name: "grafana-cloud", Rules: []string{"grafana-cloud-token"}, Hosts: []string{"grafana.com"},
		Doc: "GET https://grafana.com/api/v1/accesspolicies?region={region from the token}&pageSize=1, header Authorization: Bearer",
		Check: func(ctx context.Context, h *HTTP, in Input) Result {
			region := "us"
			if b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(strings.TrimPrefix(in.Secret, "glc_"), "=")); err == nil {
				if r := jsonString(decode(b), "m.r"); grafanaRegion().MatchString(r) {
					region = r
				}
			} else if b, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(in.Secret, "glc_")); err == nil {
				if r := jsonString(decode(b), "m.r"); grafanaRegion().MatchString(r) {
					region = r
				}
			}
			return probe{URL: fixed("https://grafana.com/api/v1/accesspolicies?region=" + url.QueryEscape(region) + "&pageSize=1"),
				Header: bearer, Forbidden403: true}.check(ctx, h, in)
		},
	}
}

var atlassianSite = lazyRE(`\b([a-z0-9][a-z0-9-]{0,60})\.atlassian\.net\b`)
var emailAddr = lazyRE(`\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,20}\b`)

// atlassian needs the account's e-mail address and its site, both from
// the same file or commit.
func atlassian() *Verifier {
	pair := regexp.MustCompile(atlassianSite().String() + `|` + emailAddr().String())
	return &Verifier{
		Name: "atlassian", Rules: []string{"atlassian-api-token"}, Hosts: []string{"*.atlassian.net"},
		CompanionPattern: pair, NeedsCompanion: true,
		Doc: "GET https://{site}.atlassian.net/rest/api/3/myself, HTTP basic auth email:token (site and e-mail address from the same file or commit)",
		Check: func(ctx context.Context, h *HTTP, in Input) Result {
			var sites, emails []string
			for _, c := range in.Companions {
				if m := atlassianSite().FindStringSubmatch(c); m != nil && m[0] == c {
					sites = append(sites, m[1])
				} else if emailAddr().MatchString(c) {
					emails = append(emails, c)
				}
			}
			if len(sites) == 0 || len(emails) == 0 {
				return unknown("needs the site (*.atlassian.net) and the account's e-mail address in the same file or commit")
			}
			var last Result
			for _, s := range sites[:min(2, len(sites))] {
				for _, e := range emails[:min(2, len(emails))] {
					email := e
					last = probe{URL: fixed("https://" + s + ".atlassian.net/rest/api/3/myself"),
						Header:   basicAuth(func(in Input) (string, string) { return email, in.Secret }),
						Identity: []string{"emailAddress", "displayName"}}.check(ctx, h, in)
					if last.Status == "live" {
						return last
					}
				}
			}
			return last
		},
	}
}

func planetScale() *Verifier {
	return &Verifier{
		Name: "planetscale", Rules: []string{"planetscale-token"}, Hosts: []string{"api.planetscale.com"},
		Doc: "GET https://api.planetscale.com/v1/organizations, header Authorization: Bearer (OAuth tokens pscale_oauth_; service tokens need their id and database passwords their host, so they are not checked)",
		Check: func(ctx context.Context, h *HTTP, in Input) Result {
			if !strings.HasPrefix(in.Secret, "pscale_oauth_") {
				return unknown("service tokens need their id and passwords their database host: not checked")
			}
			return probe{URL: fixed("https://api.planetscale.com/v1/organizations"), Header: bearer,
				Identity: []string{"data.0.name"}}.check(ctx, h, in)
		},
	}
}

func flyIO() *Verifier {
	return &Verifier{
		Name: "fly", Rules: []string{"fly-io-token", "fly-io-org-token"}, Hosts: []string{"api.machines.dev"},
		Doc: "GET https://api.machines.dev/v1/apps?org_slug=personal, header Authorization: FlyV1 (macaroon tokens) or Bearer",
		Check: func(ctx context.Context, h *HTTP, in Input) Result {
			auth := "Bearer " + in.Secret
			if strings.HasPrefix(in.Secret, "FlyV1 ") {
				auth = in.Secret
			} else if strings.HasPrefix(in.Secret, "fm") {
				auth = "FlyV1 " + in.Secret
			}
			return probe{URL: fixed("https://api.machines.dev/v1/apps?org_slug=personal"),
				Header:       func(Input) http.Header { return http.Header{"Authorization": {auth}} },
				Forbidden403: true}.check(ctx, h, in)
		},
	}
}

// dockerHub exchanges a personal access token for a registry pull token of
// no repository (auth.docker.io answers 200 for valid credentials, 401
// otherwise); the user name comes from the same file or commit.
func dockerHub() *Verifier {
	user := regexp.MustCompile(`(?i)(?:docker[_.-]?(?:hub[_.-]?)?user(?:name)?|-u)["'\s:=]+([a-z0-9][a-z0-9_.-]{1,29})\b`)
	return &Verifier{
		Name: "dockerhub", Rules: []string{"docker-hub-token"}, Hosts: []string{"auth.docker.io"},
		CompanionPattern: user, NeedsCompanion: true,
		Doc: "GET https://auth.docker.io/token?service=registry.docker.io, HTTP basic auth user:token (the Docker ID from the same file or commit)",
		Check: func(ctx context.Context, h *HTTP, in Input) Result {
			var last Result
			for _, c := range in.Companions {
				m := user.FindStringSubmatch(c)
				if m == nil {
					continue
				}
				name := strings.ToLower(m[1])
				last = probe{URL: fixed("https://auth.docker.io/token?service=registry.docker.io"),
					Header: basicAuth(func(in Input) (string, string) { return name, in.Secret })}.check(ctx, h, in)
				if last.Status == "live" {
					last.Identity = name
					return last
				}
			}
			if last.Status == "" {
				return unknown("no Docker ID in the same file or commit")
			}
			return last
		},
	}
}

func cloudflareRead(r *Response) Result {
	doc := decode(r.Body)
	switch {
	case r.Status == 200 && jsonString(doc, "result.status") == "active":
		return live(jsonString(doc, "result.id"), "token active")
	case r.Status == 200:
		return invalid("token status " + jsonString(doc, "result.status"))
	case r.Status == 400 || r.Status == 401 || r.Status == 403:
		return invalid(fmt.Sprintf("HTTP %d", r.Status))
	}
	return statusError(r)
}

func basicAuth(f func(in Input) (string, string)) func(in Input) http.Header {
	return func(in Input) http.Header {
		u, p := f(in)
		return http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(u+":"+p))}}
	}
}

func shortBody(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 60 {
		s = s[:60]
	}
	return s
}
