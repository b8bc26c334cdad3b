package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Fixture builders live in internal/testfixture, which only tests (and the
// benchmark corpus generator, bench/gen) import: no production package
// exports one, and none imports them.
func TestFixtureBuildersStayInTests(t *testing.T) {
	const fixtures = "github.com/keyhound/keyhound/internal/testfixture"
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && p != "." && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")):
			return filepath.SkipDir
		case d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go"):
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if path == fixtures && filepath.Dir(p) != filepath.Join("bench", "gen") {
				t.Errorf("%s imports %s: only tests may", p, fixtures)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// Package validate exports its validators (each registered by name) and
	// the registry's lookups, nothing else: no token or key builders.
	reg, err := os.ReadFile(filepath.Join("validate", "validate.go"))
	if err != nil {
		t.Fatal(err)
	}
	pkgs, err := parser.ParseDir(fset, "validate", func(fi fs.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range pkgs {
		for _, f := range pkg.Files {
			for _, d := range f.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok || fd.Recv != nil || !fd.Name.IsExported() || fd.Name.Name == "Lookup" || fd.Name.Name == "Names" {
					continue
				}
				if !regexp.MustCompile(`"[a-z0-9-]+":\s+` + fd.Name.Name + `,`).Match(reg) {
					t.Errorf("validate.%s is exported but is no registered validator (a fixture builder belongs in internal/testfixture)", fd.Name.Name)
				}
			}
		}
	}
}
