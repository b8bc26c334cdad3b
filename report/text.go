package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/keyhound/keyhound/finding"
)

// ANSI escape sequences used when Options.Color is set.
const (
	ansiBold  = "\x1b[1m"
	ansiRed   = "\x1b[31m"
	ansiReset = "\x1b[0m"
)

// writeText writes one line per finding,
//
//	path:line:col: rule-id (severity) description: preview
//
// followed, for a finding from git history, by an indented line with the
// short commit id, author and date, and by an indented line with its
// fingerprint (what .keyhoundignore and --baseline take). Only a preview of
// the secret is shown.
// Control characters from the scanned content (file names, commit
// metadata) are escaped so that they cannot drive the terminal.
func writeText(w io.Writer, rep *finding.Report, opts Options) error {
	bw := bufio.NewWriter(w)
	paint := func(code, s string) string {
		if !opts.Color {
			return s
		}
		return code + s + ansiReset
	}
	for i := range rep.Findings {
		f := &rep.Findings[i]
		fmt.Fprintf(bw, "%s:%d:%d: %s", paint(ansiBold, clean(f.File)), f.Line, f.Column, paint(ansiRed, clean(f.RuleID)))
		if f.Severity != "" {
			fmt.Fprintf(bw, " (%s)", clean(f.Severity))
		}
		if f.Description != "" {
			fmt.Fprintf(bw, " %s", clean(f.Description))
		}
		fmt.Fprintf(bw, ": %s", clean(Preview(f)))
		switch v := &f.Verification; v.Status {
		case finding.StatusLive:
			fmt.Fprintf(bw, " %s", paint(ansiBold+ansiRed, "[LIVE]"))
			if v.Identity != "" {
				fmt.Fprintf(bw, " (%s)", clean(v.Identity))
			}
		case finding.StatusInvalid:
			fmt.Fprint(bw, " [invalid]")
		case finding.StatusError:
			fmt.Fprintf(bw, " [verification error: %s]", clean(v.Detail))
		}
		fmt.Fprintln(bw)
		if f.Commit != "" || f.Repository != "" {
			var parts []string
			if f.Commit != "" {
				parts = append(parts, "commit "+clean(shortCommit(f.Commit)))
			}
			if f.Author != "" {
				parts = append(parts, "by "+clean(f.Author))
			}
			if f.Date != "" {
				parts = append(parts, "on "+clean(f.Date))
			}
			if f.Repository != "" {
				parts = append(parts, "in "+clean(f.Repository))
			}
			switch {
			case f.PresentAtHead != nil && *f.PresentAtHead:
				parts = append(parts, "; still at HEAD")
			case f.RemovedIn != nil:
				parts = append(parts, "; removed in "+clean(shortCommit(f.RemovedIn.Commit)))
			case len(f.PresentIn) > 0:
				parts = append(parts, "; still in "+clean(strings.Join(f.PresentIn, ", ")))
			}
			if f.OccurrenceCount > 1 {
				parts = append(parts, fmt.Sprintf("(committed %d times)", f.OccurrenceCount))
			}
			fmt.Fprintf(bw, "    %s\n", strings.ReplaceAll(strings.Join(parts, " "), " ;", ";"))
		}
		if f.Fingerprint != "" {
			fmt.Fprintf(bw, "    fingerprint %s\n", clean(f.Fingerprint))
		}
	}
	return bw.Flush()
}

// CleanText escapes control characters (newlines and ESC included) and
// bidirectional-text controls in s, as the text report does. Messages on
// stderr that name what was scanned use it: a file name or a commit's
// metadata comes from the scanned content and must not forge a line of
// output or drive the terminal.
func CleanText(s string) string { return clean(s) }

// clean escapes control characters (C0, DEL, C1, which include ESC and
// newlines) and bidirectional-text controls as Go-style escapes, leaving
// other text untouched.
func clean(s string) string {
	if strings.IndexFunc(s, unsafeRune) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r <= 0xff && unsafeRune(r):
			fmt.Fprintf(&b, "\\x%02x", r)
		case unsafeRune(r):
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// unsafeRune reports runes that can change how a terminal shows what follows.
func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || (0x202a <= r && r <= 0x202e) || (0x2066 <= r && r <= 0x2069) || r == 0x200e || r == 0x200f
}

// Preview is the masked secret the text report shows: what kind of value it
// is without disclosing it. A private key shows its BEGIN line, a password
// in a URI the URI with the password masked, anything else its first few
// characters (finding.Preview).
func Preview(f *finding.Finding) string {
	sec := f.Secret
	if sec == finding.Redacted || sec == "" {
		return finding.Preview(sec)
	}
	if strings.HasPrefix(sec, "-----BEGIN ") {
		if end := strings.Index(sec[len("-----BEGIN "):], "-----"); end >= 0 {
			head := sec[:len("-----BEGIN ")+end+len("-----")]
			if !strings.ContainsAny(head, "\r\n") {
				return head + " …"
			}
		}
	}
	if uri := maskedURI(f.Match, sec); uri != "" {
		return uri
	}
	return finding.Preview(sec)
}

// maskedURI is scheme://user:****@host when secret is the password of a URI
// in match, else "".
func maskedURI(match, secret string) string {
	i := strings.Index(match, secret)
	if i <= 0 || i+len(secret) >= len(match) || match[i-1] != ':' || match[i+len(secret)] != '@' {
		return ""
	}
	before := match[:i-1] // ...scheme://user
	s := strings.LastIndex(before, "://")
	if s < 0 {
		return ""
	}
	start := s
	for start > 0 && isSchemeByte(before[start-1]) {
		start--
	}
	user := before[s+3:]
	if start == s || strings.ContainsAny(user, "/@ \t\r\n\"'") || len(user) > 64 {
		return ""
	}
	// The host, when the match holds it whole (a rule may stop its match
	// a character past the @).
	host := match[i+len(secret)+1:]
	if j := strings.IndexAny(host, "/?#@ \t\r\n\"'`<>;,)]}"); j >= 0 {
		host = host[:j]
	} else {
		host = "…"
	}
	if len(host) > 64 {
		host = host[:64] + "…"
	}
	return before[start:] + ":****@" + host
}

func isSchemeByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'
}
