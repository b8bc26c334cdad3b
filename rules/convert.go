package rules

import "fmt"

// Convert translates the gitleaks-format config data, read from path, into
// a keyhound rule file (`keyhound rules convert`), checked to compile with
// builtin (the built-in rules.toml) when it extends them. comments are to
// head the written file; notices say what keyhound cannot express.
func Convert(path string, data, builtin []byte) (f *File, comments, notices []string, err error) {
	if !IsGitleaks(data) {
		if _, err := Parse(path, data); err == nil {
			return nil, nil, nil, fmt.Errorf("%s is already a keyhound rule file", path)
		}
		return nil, nil, nil, fmt.Errorf("%s: not a gitleaks-format config (no key only gitleaks has, such as secretGroup, useDefault or [[rules.allowlists]])", path)
	}
	def, err := Parse("rules.toml (built-in)", builtin)
	if err != nil {
		return nil, nil, nil, err
	}
	if f, notices, err = FromGitleaks(path, data, def); err != nil {
		return nil, nil, nil, err
	}
	// The result must load as keyhound rules before it is printed.
	check := f
	if f.Extend.UseDefault {
		check = Merge(def, f)
	}
	if _, err := Compile([]string{path + " (converted)"}, check); err != nil {
		return nil, nil, nil, err
	}
	comments = []string{"keyhound rule file converted from " + path + " by `keyhound rules convert`."}
	if len(notices) > 0 {
		comments = append(comments, "Differences from the gitleaks config (keyhound reports more, never less):")
		for _, n := range notices {
			comments = append(comments, "- "+n)
		}
	}
	return f, comments, notices, nil
}
