package verify

import (
	"context"
	"fmt"
	"time"

	"github.com/keyhound/keyhound/finding"
)

// Settings are a scan's live verification flags (--verify and friends).
type Settings struct {
	On       bool          // --verify
	Only     bool          // --only-verified: report (and deliver) only live findings
	Workers  int           // --verify-workers
	Timeout  time.Duration // --verify-timeout, per request
	CacheDir string        // results across runs; "" keeps them for this run only
}

// Check validates the settings; Only implies On.
func (s *Settings) Check() error {
	if s.Only {
		s.On = true
	}
	if !s.On {
		return nil
	}
	if s.Workers < 1 {
		return fmt.Errorf("--verify-workers %d: must be 1 or more", s.Workers)
	}
	if s.Timeout <= 0 {
		return fmt.Errorf("--verify-timeout %s: must be positive", s.Timeout)
	}
	return nil
}

// Stage returns the verification stage of a run, or nil without On; text
// gives a finding's surrounding text (for companion values).
func (s *Settings) Stage(ctx context.Context, text func(*finding.Finding) []byte) (*Stage, error) {
	if !s.On {
		return nil, nil
	}
	cache, err := NewCache(s.CacheDir, DefaultTTL, nil)
	if err != nil {
		return nil, fmt.Errorf("--cache-dir: %w", err)
	}
	return NewStage(ctx, Options{
		Client:  NewClient(ClientOptions{Timeout: s.Timeout, PerHost: min(s.Workers, DefaultPerHost), UserAgent: "keyhound-verify"}),
		Cache:   cache,
		Workers: s.Workers,
		Context: text,
	}), nil
}
