package verify

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/keyhound/keyhound/rules"
)

func TestRegistryList(t *testing.T) {
	const file = `
[[rules]]
id = "github-pat"
description = "GitHub token"
regex = '''ghp_[A-Za-z0-9]{36}'''
keywords = ["ghp_"]

[[rules]]
id = "no-verifier"
description = "something else"
regex = '''zz_[a-z]{20}'''
keywords = ["zz_"]
tags = ["misc"]
`
	f, err := rules.Parse("t.toml", []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	set, err := rules.Compile([]string{"t.toml"}, f)
	if err != nil {
		t.Fatal(err)
	}
	list, n := Default().List(set)
	if n != 1 || len(list) != 2 || list[0].Verifier == "" || list[1].Verifier != "" {
		t.Fatalf("%d verifiable: %+v", n, list)
	}
	data, _ := json.Marshal(list)
	if !strings.Contains(string(data), `"id":"no-verifier","description":"something else","severity":"`) || strings.Contains(string(data), "null") {
		t.Errorf("JSON: %s", data)
	}
}
