package rules

// File is the TOML rule file as written by a user (see CONTRACT.md).
type File struct {
	Extend    Extend        `toml:"extend"`
	Rules     []RuleSpec    `toml:"rules"`
	Allowlist AllowlistSpec `toml:"allowlist"`
	Webhooks  []WebhookSpec `toml:"webhooks"`

	builtin bool // the generated built-in form (checked when generated): its allowlist is compiled on first use
}

// Extend says how a user's file combines with the built-in rules.
type Extend struct {
	UseDefault    bool     `toml:"use_default"`
	DisabledRules []string `toml:"disabled_rules"`
}

// RuleSpec is one [[rules]] table.
type RuleSpec struct {
	ID               string         `toml:"id"`
	Description      string         `toml:"description"`
	Regex            string         `toml:"regex"`
	SecretGroup      int            `toml:"secret_group"`
	Keywords         []string       `toml:"keywords"`
	Entropy          float64        `toml:"entropy"`
	Validate         string         `toml:"validate"`
	Severity         string         `toml:"severity"`
	Tags             []string       `toml:"tags"`
	Path             string         `toml:"path"` // optional: the rule applies only to paths matching this regex
	Examples         []string       `toml:"examples"`
	NegativeExamples []string       `toml:"negative_examples"`
	Allowlist        *AllowlistSpec `toml:"allowlist"`

	builtin bool // from the generated built-in form (checked when generated): compiled on first use
}

// AllowlistSpec is a global [allowlist] or a rule's [rules.allowlist].
type AllowlistSpec struct {
	Description string   `toml:"description"`
	Paths       []string `toml:"paths"`     // regexes over the /-separated path
	Regexes     []string `toml:"regexes"`   // regexes over the secret
	Stopwords   []string `toml:"stopwords"` // case-insensitive substrings of the secret
}

// WebhookSpec is one [[webhooks]] table (see CONTRACT.md, Webhooks).
type WebhookSpec struct {
	URL           string            `toml:"url"`
	SecretEnv     string            `toml:"secret_env"`
	Rules         []string          `toml:"rules"`
	MinSeverity   string            `toml:"min_severity"`
	MinStatus     string            `toml:"min_status"` // "live": only keys verified live (--verify)
	IncludeSecret bool              `toml:"include_secret"`
	Timeout       string            `toml:"timeout"` // Go duration, e.g. "10s"
	MaxAttempts   int               `toml:"max_attempts"`
	Headers       map[string]string `toml:"headers"` // a value "env:NAME" is read from the environment
}
