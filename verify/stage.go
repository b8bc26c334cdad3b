package verify

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/keyhound/keyhound/finding"
)

// DefaultWorkers is how many checks run at once by default.
const DefaultWorkers = 8

// Options configure a Stage.
type Options struct {
	Registry *Registry // nil: Default()
	Client   *Client   // nil: NewClient(ClientOptions{})
	Cache    *Cache    // nil: a cache for this run only
	Workers  int       // checks at once; 0: DefaultWorkers
	Now      func() time.Time
	// Context, when set, returns the text of the file a finding is in (or
	// nil): companion patterns also look there, so a Twilio auth token finds
	// its account SID on another line. Called at Close, once per file.
	Context func(f *finding.Finding) []byte
}

// Stage verifies findings concurrently with the scan: each unique secret
// once, at most Workers at a time. Findings whose verifier pairs
// companion values wait until Close, when every finding of their file and
// commit is known.
type Stage struct {
	ctx  context.Context
	o    Options
	sem  chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
	peer map[string][]peer // group (file or commit) → findings in it
	// deferred checks of paired verifiers, run at Close
	deferred []deferredCheck
	results  map[string]finding.Verification
	waiters  map[string][]func(finding.Verification)
	closed   bool
}

type peer struct{ rule, secret, match string }

type deferredCheck struct {
	v      *Verifier
	f      finding.Finding
	groups []string
	done   func(finding.Verification)
}

// NewStage returns a Stage whose checks stop when ctx is done.
func NewStage(ctx context.Context, o Options) *Stage {
	if o.Registry == nil {
		o.Registry = Default()
	}
	if o.Client == nil {
		o.Client = NewClient(ClientOptions{})
	}
	if o.Cache == nil {
		o.Cache, _ = NewCache("", 0, o.Now)
	}
	if o.Workers <= 0 {
		o.Workers = DefaultWorkers
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Stage{
		ctx: ctx, o: o,
		sem:     make(chan struct{}, o.Workers),
		peer:    map[string][]peer{},
		results: map[string]finding.Verification{},
		waiters: map[string][]func(finding.Verification){},
	}
}

// groups are the pairing groups of a finding: its file (in its commit) and its commit.
func groups(f *finding.Finding) []string {
	g := []string{"f\x00" + f.Repository + "\x00" + f.Commit + "\x00" + f.File}
	if f.Commit != "" {
		g = append(g, "c\x00"+f.Repository+"\x00"+f.Commit)
	}
	return g
}

// Check verifies f and calls done once with the outcome, from another
// goroutine or (for a rule without a verifier) at once. It never blocks on
// the network.
func (s *Stage) Check(f finding.Finding, done func(finding.Verification)) {
	gs := groups(&f)
	v := s.o.Registry.For(f.RuleID)
	s.mu.Lock()
	for _, g := range gs {
		s.peer[g] = append(s.peer[g], peer{f.RuleID, f.Secret, f.Match})
	}
	if v != nil && (len(v.Companions) > 0 || v.CompanionPattern != nil) && !s.closed {
		s.deferred = append(s.deferred, deferredCheck{v: v, f: f, groups: gs, done: done})
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()
	if v == nil {
		done(finding.Verification{Status: finding.StatusUnknown, Detail: "no verifier for this rule"})
		return
	}
	s.start(v, Input{Rule: f.RuleID, Secret: f.Secret, Match: f.Match}, done)
}

// companions collects the companion values of a deferred check; texts
// caches the file texts from Options.Context by group.
func (s *Stage) companions(d *deferredCheck, texts map[string][]byte) []string {
	var out []string
	add := func(val string) {
		if val != "" && val != d.f.Secret && !slices.Contains(out, val) {
			out = append(out, val)
		}
	}
	if d.v.CompanionPattern != nil {
		for _, m := range d.v.CompanionPattern.FindAllString(d.f.Match, -1) {
			add(m)
		}
	}
	if d.v.CompanionPattern != nil && s.o.Context != nil {
		g := d.groups[0] // the file
		text, ok := texts[g]
		if !ok {
			text = s.o.Context(&d.f)
			texts[g] = text
		}
		for _, m := range d.v.CompanionPattern.FindAll(text, 16) {
			add(string(m))
		}
	}
	for _, g := range d.groups {
		for _, p := range s.peer[g] {
			if slices.Contains(d.v.Companions, p.rule) {
				add(p.secret)
			}
			if d.v.CompanionPattern != nil {
				for _, m := range d.v.CompanionPattern.FindAllString(p.match, -1) {
					add(m)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// start runs a check unless the same one is running or done.
func (s *Stage) start(v *Verifier, in Input, done func(finding.Verification)) {
	key := Key(v.Name, in.Rule, in.Secret, in.Companions)
	s.mu.Lock()
	if r, ok := s.results[key]; ok {
		s.mu.Unlock()
		done(r)
		return
	}
	if ws, ok := s.waiters[key]; ok {
		s.waiters[key] = append(ws, done)
		s.mu.Unlock()
		return
	}
	s.waiters[key] = []func(finding.Verification){done}
	s.wg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.wg.Done()
		var r finding.Verification
		select {
		case s.sem <- struct{}{}:
			r = s.o.Cache.Do(key, func() finding.Verification { return s.run(v, in) })
			<-s.sem
		case <-s.ctx.Done():
			r = finding.Verification{Status: finding.StatusError, Detail: "not checked: interrupted"}
		}
		s.mu.Lock()
		s.results[key] = r
		ws := s.waiters[key]
		delete(s.waiters, key)
		s.mu.Unlock()
		for _, w := range ws {
			w(r)
		}
	}()
}

// run performs one check and cleans its result: no secret or companion
// value in any field, one line, bounded length.
func (s *Stage) run(v *Verifier, in Input) (out finding.Verification) {
	defer func() {
		if p := recover(); p != nil {
			out = finding.Verification{Status: finding.StatusError, Detail: fmt.Sprintf("verifier %s failed (internal error)", v.Name)}
		}
	}()
	var r Result
	if v.NeedsCompanion && len(in.Companions) == 0 {
		r = unknown("no companion value (" + v.companionName() + ") found in the same file or commit")
	} else if s.ctx.Err() != nil {
		r = failed("not checked: interrupted")
	} else {
		r = v.Check(s.ctx, &HTTP{c: s.o.Client, hosts: v.Hosts}, in)
	}
	// Companion values found by pattern (an account SID, a shop name) are
	// not secret; those paired from other findings are.
	secrets := []string{in.Secret}
	for _, c := range in.Companions {
		if v.CompanionPattern == nil || v.CompanionPattern.FindString(c) != c {
			secrets = append(secrets, c)
		}
	}
	out = finding.Verification{
		Status:   r.Status,
		Detail:   scrub(r.Detail, secrets),
		Identity: scrub(r.Identity, secrets),
	}
	for _, sc := range r.Scopes {
		if sc = scrub(sc, secrets); sc != "" {
			out.Scopes = append(out.Scopes, sc)
		}
	}
	if out.Status != finding.StatusUnknown {
		out.CheckedAt = s.o.Now().UTC().Format(time.RFC3339)
	}
	if out.Status == "" {
		out.Status = finding.StatusError
	}
	return out
}

func (v *Verifier) companionName() string {
	if len(v.Companions) > 0 {
		return strings.Join(v.Companions, " or ")
	}
	return "a paired value"
}

// scrub removes every secret (and any long piece of one) from s and makes it one bounded line.
func scrub(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, "[secret]")
		}
	}
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 300 {
		s = string(r[:300]) + "…"
	}
	return s
}

// Close runs the deferred paired checks and waits for every check; done
// callbacks have all returned when it returns. Check must not be called
// after Close.
func (s *Stage) Close() {
	s.mu.Lock()
	s.closed = true
	ds := s.deferred
	s.deferred = nil
	s.mu.Unlock()
	texts := map[string][]byte{}
	for i := range ds {
		d := &ds[i]
		s.mu.Lock()
		comp := s.companions(d, texts)
		s.mu.Unlock()
		if len(comp) > 8 {
			comp = comp[:8] // bounded: a file full of keys does not multiply requests
		}
		s.start(d.v, Input{Rule: d.f.RuleID, Secret: d.f.Secret, Match: d.f.Match, Companions: comp}, d.done)
	}
	s.wg.Wait()
}
