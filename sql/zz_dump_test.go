package sql

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/ember-sql/ember/planner"
)

func TestZZDump(t *testing.T) {
	cat := testCatalog(t)
	fo := &fileOpener{}
	for _, q := range strings.Split(os.Getenv("Q"), "\n") {
		if strings.TrimSpace(q) == "" {
			continue
		}
		stmt, err := Bind(context.Background(), cat, Source{Text: q, Line: 1, Col: 1}, BindOptions{OpenFiles: fo.open})
		fmt.Printf("== %s\n", q)
		if err != nil {
			fmt.Printf("ERR %v\n", err)
			continue
		}
		switch s := stmt.(type) {
		case *Query:
			fmt.Print(planner.Format(s.Plan))
			fmt.Println("schema:", schemaText(s.Plan.Schema()))
		case *Insert:
			fmt.Print(planner.Format(s.Plan))
		case *CreateTable:
			fmt.Println(schemaText(s.Schema))
		default:
			fmt.Printf("%#v\n", stmt)
		}
	}
}
