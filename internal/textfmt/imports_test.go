package textfmt

import (
	"go/parser"
	"go/token"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestImportsNothingOfEmber holds the line that lets catalog and
// internal/output share this package: it imports only the standard library
// and arrow-go, never Ember's packages (catalog sits below planner, which
// internal/output imports).
func TestImportsNothingOfEmber(t *testing.T) {
	files, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, f := range files {
		name := f.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range file.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if strings.Contains(path, ".") && !strings.HasPrefix(path, "github.com/apache/arrow-go/") {
				t.Errorf("%s imports %s: textfmt may import only the standard library and arrow-go", name, path)
			}
		}
	}
}
