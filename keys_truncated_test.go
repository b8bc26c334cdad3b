package main

import (
	"strings"
	"testing"

	"github.com/keyhound/keyhound/internal/testfixture"
)

// A truncated key in documentation is not a finding (#14.5): its body is
// cut with "..." or is a single line, so it is no key.
func TestTruncatedDocumentationKeys(t *testing.T) {
	keys, err := testfixture.PrivateKeys("")
	if err != nil {
		t.Fatal(err)
	}
	var docs []string
	for _, k := range keys {
		lines := strings.Split(strings.TrimRight(k.Text, "\n"), "\n")
		first, last := lines[0], lines[len(lines)-1]
		body := 1
		for body < len(lines) && (strings.Contains(lines[body], ": ") || lines[body] == "") {
			body++
		}
		head := strings.Join(lines[:body], "\n")
		if body+3 > len(lines) {
			docs = append(docs, head+"\n"+lines[body][:24]+"...\n...\n"+last+"\n")
			continue
		}
		docs = append(docs,
			head+"\n"+lines[body][:24]+"...\n...\n"+last+"\n",                        // README style
			head+"\n"+lines[body]+"\n...\n"+last+"\n",                                // one line, then ...
			head+"\n"+strings.Join(lines[body:body+3], "\n")+"\n...\n"+last+"\n",     // a few lines, then ...
			head+"\n"+lines[body]+"\n"+last+"\n",                                     // a single body line
			head+"\n"+lines[body]+"\n",                                               // a single line, nothing after
			"```\n"+head+"\n"+strings.Join(lines[body:body+2], "\n")+"\n```\nmore\n", // cut, in a code block
		)
		_ = first
	}
	docs = append(docs, "-----BEGIN RSA PRIVATE KEY-----\nMIIEogIBAAKCAQEAvLYcyu8f...\n...\n-----END RSA PRIVATE KEY-----\n")
	for _, d := range docs {
		if fs := scanStdin(t, d, ""); len(fs) != 0 {
			t.Errorf("truncated key reported as %v:\n%s", ruleIDs(fs), d)
		}
	}
}
