package verify

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/keyhound/keyhound/finding"
)

// DefaultTTL is how long a result in a cache directory is reused.
const DefaultTTL = 24 * time.Hour

// Cache holds verification results: in memory for one run (each key
// checked once, concurrent askers wait for the first), and with a
// directory, live and invalid results across runs for TTL. Files are named
// by a hash of the key and hold only the result, never the secret.
type Cache struct {
	dir string
	ttl time.Duration
	now func() time.Time

	mu  sync.Mutex
	mem map[string]*cacheEntry
}

type cacheEntry struct {
	done chan struct{}
	v    finding.Verification
}

// NewCache returns a cache; dir "" keeps results for this run only. The
// directory is created (mode 0700) when missing.
func NewCache(dir string, ttl time.Duration, now func() time.Time) (*Cache, error) {
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	if now == nil {
		now = time.Now
	}
	if dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("verification cache %s: %w", dir, err)
		}
	}
	return &Cache{dir: dir, ttl: ttl, now: now, mem: map[string]*cacheEntry{}}, nil
}

// Key is the cache key of a check: a SHA-256 of the verifier, rule, secret
// and companion values.
func Key(verifier, rule, secret string, companions []string) string {
	h := sha256.New()
	for _, s := range append([]string{"keyhound-verify-1", verifier, rule, secret}, companions...) {
		fmt.Fprintf(h, "%d:%s\x00", len(s), s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Do returns the result for key, running check once per key per run (and
// not at all when the directory holds a fresh result).
func (c *Cache) Do(key string, check func() finding.Verification) finding.Verification {
	c.mu.Lock()
	if e, ok := c.mem[key]; ok {
		c.mu.Unlock()
		<-e.done
		return e.v
	}
	e := &cacheEntry{done: make(chan struct{})}
	c.mem[key] = e
	c.mu.Unlock()
	defer close(e.done)
	if v, ok := c.load(key); ok {
		e.v = v
		return v
	}
	e.v = check()
	c.store(key, e.v)
	return e.v
}

func (c *Cache) path(key string) string { return filepath.Join(c.dir, key[:2], key+".json") }

func (c *Cache) load(key string) (finding.Verification, bool) {
	if c.dir == "" {
		return finding.Verification{}, false
	}
	b, err := os.ReadFile(c.path(key))
	if err != nil {
		return finding.Verification{}, false
	}
	var v finding.Verification
	if json.Unmarshal(b, &v) != nil {
		return finding.Verification{}, false
	}
	t, err := time.Parse(time.RFC3339, v.CheckedAt)
	if err != nil || c.now().Sub(t) > c.ttl || c.now().Before(t.Add(-time.Minute)) {
		return finding.Verification{}, false
	}
	if v.Status != finding.StatusLive && v.Status != finding.StatusInvalid {
		return finding.Verification{}, false
	}
	return v, true
}

// store writes live and invalid results (an error is worth retrying next
// run); a failure to write only loses the cache entry.
func (c *Cache) store(key string, v finding.Verification) {
	if c.dir == "" || (v.Status != finding.StatusLive && v.Status != finding.StatusInvalid) {
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	p := c.path(key)
	if os.MkdirAll(filepath.Dir(p), 0o700) != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return
	}
	_, werr := tmp.Write(b)
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Rename(tmp.Name(), p) != nil {
		os.Remove(tmp.Name())
	}
}
