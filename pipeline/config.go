package pipeline

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/keyhound/keyhound/gitcache"
	"github.com/keyhound/keyhound/ignore"
	"github.com/keyhound/keyhound/report/webhook"
	"github.com/keyhound/keyhound/rules"
	"github.com/keyhound/keyhound/scanner"
)

// ruleSet is a loaded rule file with its matcher, shared by every root
// that uses it.
type ruleSet struct {
	set     *rules.Set
	matcher *scanner.Matcher
	keyOnce sync.Once
	key     string // incremental record key (git --cache-dir)
}

// recordKey is the key of the incremental records matched with this rule
// set by the engine.
func (rs *ruleSet) recordKey(engine string) string {
	rs.keyOnce.Do(func() { rs.key = gitcache.Key(rs.set, engine) })
	return rs.key
}

// rootConfig is the configuration of one scanned root (a directory given
// to dir, a repository given to git): its rules (-c, else its own
// .keyhound.toml, else the built-in rules), its ignore file (--ignore-file,
// else its own .keyhoundignore) and the webhooks of its own .keyhound.toml,
// which receive that root's findings only.
type rootConfig struct {
	*ruleSet
	ignore   *ignore.File            // nil: none
	ignores  *ignore.Matcher         // shared by the roots that share the ignore file
	hooks    []webhook.Hook          // from the root's own .keyhound.toml only
	gitleaks *ignore.GitleaksMatcher // the root's .gitleaksignore (or -i); nil: none
}

// configs loads and caches the configuration of each scanned root: roots
// without a file of their own share the global one. Safe for concurrent use.
type configs struct {
	opts *Options

	global      *ruleSet       // -c, or the built-in rules
	hooks       []webhook.Hook // -c's [[webhooks]] (or the built-in rules') and --webhook: every root's findings
	mu          sync.Mutex
	sets        map[string]*ruleSet // by rule file path
	ignoreFile  map[string]*ignoreState
	glIgnore    map[string]*ignore.GitleaksFile // .gitleaksignore files by path
	roots       map[string]*rootConfig
	named       map[string]bool // files named on stderr ("using ...")
	gitleaksEnv bool            // the global rules come from $GITLEAKS_CONFIG
}

type ignoreState struct {
	file    *ignore.File
	matcher *ignore.Matcher
}

// newConfigs loads -c (or the built-in rules) and the global webhooks.
func newConfigs(o *Options) (*configs, error) {
	c := &configs{opts: o, sets: map[string]*ruleSet{}, ignoreFile: map[string]*ignoreState{}, roots: map[string]*rootConfig{}, named: map[string]bool{}, glIgnore: map[string]*ignore.GitleaksFile{}}
	path := o.Config
	if env := o.Getenv(GitleaksConfigEnv); path == "" && env != "" {
		// gitleaks's own order: the variable over the scanned root's
		// .gitleaks.toml; a root's .keyhound.toml still wins over both.
		path, c.gitleaksEnv = env, true
		c.using(env, "using %s=%s (a root's own .keyhound.toml still applies to it)", GitleaksConfigEnv, env)
	}
	rs, err := c.loadRules(path)
	if err != nil {
		if c.gitleaksEnv {
			return nil, fmt.Errorf("%s: %w", GitleaksConfigEnv, err)
		}
		return nil, err
	}
	c.global = rs
	if o.NoWebhooks {
		return c, nil
	}
	hooks, err := webhook.Configure(rs.set.Webhooks, o.Webhooks, o.Getenv)
	if err != nil {
		return nil, err
	}
	c.hooks = c.redactHooks(hooks)
	return c, nil
}

// loadRules loads the rule file at path ("" for the built-in rules) once.
// Call with c.mu held, or before the scan starts.
func (c *configs) loadRules(path string) (*ruleSet, error) {
	if rs, ok := c.sets[path]; ok {
		return rs, nil
	}
	set, notices, err := rules.Load(rules.LoadOptions{Default: c.opts.DefaultRules, Path: path})
	if err != nil {
		return nil, err
	}
	if !c.opts.Quiet {
		for _, n := range notices {
			fmt.Fprintf(c.opts.Stderr, "keyhound: notice: %s\n", n)
		}
	}
	if set, err = c.only(set, path); err != nil {
		return nil, err
	}
	rs := &ruleSet{set: set, matcher: scanner.NewMatcher(set)}
	c.sets[path] = rs
	return rs, nil
}

// redactHooks applies --redact to hooks: no hook receives a secret, and each
// hook configured with include_secret is named on stderr.
func (c *configs) redactHooks(hooks []webhook.Hook) []webhook.Hook {
	if !c.opts.Redact {
		return hooks
	}
	for _, n := range webhook.Redact(hooks) {
		fmt.Fprintf(c.opts.Stderr, "keyhound: notice: %s\n", n)
	}
	return hooks
}

// Where a gitleaks repository keeps its configuration: read when keyhound's
// own is absent.
const (
	GitleaksConfigFile = ".gitleaks.toml"  // at a scanned root without .keyhound.toml
	GitleaksConfigEnv  = "GITLEAKS_CONFIG" // a rule file for every root without .keyhound.toml
)

// using names a configuration file on stderr, once per file (not with -q).
// Call with c.mu held, or before the scan starts.
func (c *configs) using(file, format string, args ...any) {
	if c.named[file] || c.opts.Quiet {
		return
	}
	c.named[file] = true
	fmt.Fprintf(c.opts.Stderr, "keyhound: "+format+"\n", args...)
}

// only keeps the rules --enable-rule names; an id the set does not know is
// an error with the closest id suggested.
func (c *configs) only(set *rules.Set, path string) (*rules.Set, error) {
	ids := c.opts.EnableRules
	if len(ids) == 0 {
		return set, nil
	}
	from := path
	if from == "" {
		from = "the built-in rules"
	}
	keep := map[string]bool{}
	for _, id := range ids {
		if err := set.CheckID(id); err != nil {
			return nil, fmt.Errorf("--enable-rule %s (%s): %w", id, from, err)
		}
		keep[id] = true
	}
	out := *set
	out.Rules = nil
	for _, r := range set.Rules {
		if keep[r.ID] {
			out.Rules = append(out.Rules, r)
			delete(keep, r.ID)
		}
	}
	for _, id := range ids {
		if keep[id] {
			return nil, fmt.Errorf("--enable-rule %s: the rule is disabled in %s", id, from)
		}
	}
	return &out, nil
}

// regularFile returns path when it names a regular file, else "".
func regularFile(path string) string {
	if st, err := os.Stat(path); err == nil && st.Mode().IsRegular() {
		return path
	}
	return ""
}

// forRoot returns the configuration of root ("" for content that has no
// root of its own: a single file, a URL): errors name the file at fault.
func (c *configs) forRoot(root string) (*rootConfig, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if rc, ok := c.roots[root]; ok {
		return rc, nil
	}
	rc := &rootConfig{ruleSet: c.global}
	own := ""
	if c.opts.Config == "" && root != "" {
		own = regularFile(filepath.Join(root, ".keyhound.toml"))
		if own == "" && !c.gitleaksEnv {
			if own = regularFile(filepath.Join(root, GitleaksConfigFile)); own != "" {
				c.using(own, "using %s (gitleaks format; there is no .keyhound.toml)", own)
			}
		}
	}
	if own != "" {
		rs, err := c.loadRules(own)
		if err != nil {
			return nil, err
		}
		rc.ruleSet = rs
	}
	if own != "" && !c.opts.NoWebhooks {
		hooks, err := webhook.Configure(rc.set.Webhooks, nil, c.opts.Getenv)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", own, err)
		}
		rc.hooks = c.redactHooks(hooks)
	}
	if err := c.loadIgnore(rc, root); err != nil {
		return nil, err
	}
	if err := c.loadGitleaksIgnore(rc, root); err != nil {
		return nil, err
	}
	c.roots[root] = rc
	return rc, nil
}

// loadIgnore sets rc's ignore file: --ignore-file, or the .keyhoundignore at
// root if there is one.
func (c *configs) loadIgnore(rc *rootConfig, root string) error {
	o := c.opts
	if o.NoIgnore {
		return nil
	}
	p := o.IgnoreFile
	if p == "" && root != "" {
		p = regularFile(filepath.Join(root, ignore.FileName))
	}
	if p == "" {
		return nil
	}
	st, ok := c.ignoreFile[p]
	if !ok {
		f, err := ignore.Load(p)
		if err != nil {
			return err
		}
		st = &ignoreState{file: f, matcher: ignore.NewMatcher(f, time.Now())}
		c.ignoreFile[p] = st
	}
	if err := st.file.CheckRules(rc.set); err != nil {
		return err
	}
	rc.ignore, rc.ignores = st.file, st.matcher
	return nil
}

// loadGitleaksIgnore sets rc's .gitleaksignore: -i (a file, or a directory
// holding one), else the one at root if there is one.
func (c *configs) loadGitleaksIgnore(rc *rootConfig, root string) error {
	o := c.opts
	if o.NoIgnore {
		return nil
	}
	p := o.GitleaksIgnore
	if st, err := os.Stat(p); p != "" && err == nil && st.IsDir() {
		p = filepath.Join(p, ignore.GitleaksFileName)
	}
	if p == "" && root != "" {
		p = regularFile(filepath.Join(root, ignore.GitleaksFileName))
	}
	if p == "" {
		return nil
	}
	f, ok := c.glIgnore[p]
	if !ok {
		var err error
		if f, err = ignore.LoadGitleaks(p); err != nil {
			return err
		}
		c.glIgnore[p] = f
		c.using(p, "using %s: %d gitleaks fingerprints, matched by file, line, commit and (where keyhound has the rule) rule id", p, len(f.Entries))
	}
	rc.gitleaks = ignore.NewGitleaksMatcher(f, rc.set)
	return nil
}

// ignoreFiles returns every ignore file in use, in the order of their paths.
func (c *configs) ignoreFiles() []*ignoreState {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []*ignoreState
	for _, st := range c.ignoreFile {
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].file.Path < out[j].file.Path })
	return out
}

// anyHooks reports whether a webhook is configured so far.
func (c *configs) anyHooks() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.hooks) > 0 {
		return true
	}
	for _, rc := range c.roots {
		if len(rc.hooks) > 0 {
			return true
		}
	}
	return false
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

func trimPrefix(s, prefix string) string { return strings.TrimPrefix(s, prefix) }
