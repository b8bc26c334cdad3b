package rules

import "testing"

// FuzzParseCompile feeds arbitrary rule files to the decoder and compiler:
// any input must give a rule set or an error, never a panic.
func FuzzParseCompile(f *testing.F) {
	f.Add([]byte("[[rules]]\nid = \"a-b\"\nregex = '''\\bab_[0-9]{4}'''\n"))
	f.Add([]byte("[extend]\nuse_default = true\ndisabled_rules = [\"x\"]\n"))
	f.Add([]byte("[[rules]]\nid = \"x\"\nregex = '(a)(b)'\nsecret_group = 3\n"))
	f.Add([]byte("[allowlist]\npaths = ['(']\n"))
	f.Add([]byte("[[rules]]\nid = \"k\"\nregex = 'x{1000}{1000}'\n"))
	f.Add([]byte("[[webhooks]]\nurl = 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("fuzz.toml", data)
		if err != nil {
			return
		}
		set, err := Compile([]string{"fuzz.toml"}, file)
		if err == nil && set == nil {
			t.Fatal("nil set without error")
		}
	})
}
