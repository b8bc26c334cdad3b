package verify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// probe is the common shape of a check: one request; a 2xx answer means
// live, a status in Invalid means invalid, anything else is an error.
type probe struct {
	Method string
	URL    func(in Input) string // built from constants and the secret
	Header func(in Input) http.Header
	Body   func(in Input) []byte
	// Invalid statuses (default 401). Forbidden403 says a 403 means the
	// key authenticated but may not read this resource: live.
	Invalid      []int
	Forbidden403 bool
	// Identity are JSON paths ("user.login") tried in order on a 2xx body.
	Identity []string
	// ScopesHeader names a header listing scopes, comma-separated.
	ScopesHeader string
	// Scopes is a JSON path to a list of strings (or objects with a "name").
	Scopes string
	// Read, when set, decides from a 2xx (or any) answer instead.
	Read func(r *Response) Result
}

func (p probe) check(ctx context.Context, h *HTTP, in Input) Result {
	req := Request{Method: p.Method, URL: p.URL(in)}
	if p.Header != nil {
		req.Header = p.Header(in)
	}
	if p.Body != nil {
		req.Body = p.Body(in)
	}
	resp, err := h.Do(ctx, req)
	if err != nil {
		return failed(err.Error())
	}
	if p.Read != nil {
		return p.Read(resp)
	}
	return p.read(resp)
}

func (p probe) read(resp *Response) Result {
	invalidCodes := p.Invalid
	if invalidCodes == nil {
		invalidCodes = []int{http.StatusUnauthorized}
	}
	switch {
	case resp.Status >= 200 && resp.Status < 300:
		var doc any
		_ = json.Unmarshal(resp.Body, &doc)
		id := ""
		for _, path := range p.Identity {
			if id = jsonString(doc, path); id != "" {
				break
			}
		}
		var scopes []string
		if p.ScopesHeader != "" {
			scopes = splitList(resp.Header.Get(p.ScopesHeader))
		}
		if p.Scopes != "" {
			scopes = append(scopes, jsonStrings(doc, p.Scopes)...)
		}
		return live(id, fmt.Sprintf("HTTP %d", resp.Status), scopes...)
	case slices.Contains(invalidCodes, resp.Status):
		return invalid(fmt.Sprintf("HTTP %d", resp.Status))
	case resp.Status == http.StatusForbidden && p.Forbidden403:
		return live("", "HTTP 403: the key authenticated but may not read this resource")
	}
	return statusError(resp)
}

// statusError is the result of an answer no verifier expects.
func statusError(resp *Response) Result {
	switch {
	case resp.Status == http.StatusTooManyRequests:
		return failed("HTTP 429: rate limited")
	case resp.Status >= 500:
		return failed(fmt.Sprintf("HTTP %d: provider error", resp.Status))
	case resp.Status >= 300 && resp.Status < 400:
		return failed(fmt.Sprintf("HTTP %d: redirect not followed", resp.Status))
	}
	return failed(fmt.Sprintf("unexpected HTTP %d", resp.Status))
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		if f != "" {
			out = append(out, f)
		}
	}
	return out
}

// jsonValue follows a dotted path ("user.login", "0.name") in a decoded document.
func jsonValue(doc any, path string) any {
	cur := doc
	for _, part := range strings.Split(path, ".") {
		switch c := cur.(type) {
		case map[string]any:
			cur = c[part]
		case []any:
			var i int
			if _, err := fmt.Sscanf(part, "%d", &i); err != nil || i < 0 || i >= len(c) {
				return nil
			}
			cur = c[i]
		default:
			return nil
		}
	}
	return cur
}

func jsonString(doc any, path string) string {
	switch v := jsonValue(doc, path).(type) {
	case string:
		return v
	case float64:
		return fmt.Sprint(v)
	case bool:
		return fmt.Sprint(v)
	}
	return ""
}

func jsonStrings(doc any, path string) []string {
	list, _ := jsonValue(doc, path).([]any)
	var out []string
	for _, e := range list {
		switch v := e.(type) {
		case string:
			out = append(out, v)
		case map[string]any:
			if n, ok := v["name"].(string); ok {
				out = append(out, n)
			}
		}
	}
	return out
}

func decode(b []byte) any {
	var doc any
	_ = json.Unmarshal(b, &doc)
	return doc
}

func bearer(in Input) http.Header { return http.Header{"Authorization": {"Bearer " + in.Secret}} }

func header(name string) func(in Input) http.Header {
	return func(in Input) http.Header { return http.Header{name: {in.Secret}} }
}

func fixed(url string) func(Input) string { return func(Input) string { return url } }

// simple makes a verifier from a probe.
func simple(name string, rules []string, host string, p probe, doc string) *Verifier {
	return &Verifier{Name: name, Rules: rules, Hosts: []string{host}, Check: p.check, Doc: doc}
}
