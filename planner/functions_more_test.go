package planner

import (
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
)

func TestMoreFunctionTypes(t *testing.T) {
	tsNano := &arrow.TimestampType{Unit: arrow.Nanosecond}
	for _, tc := range []struct {
		name  string
		args  []arrow.DataType
		casts string // the casts, "-" for none
		res   string
		err   string
	}{
		{name: "lpad", args: []arrow.DataType{TypeString, TypeBigInt, TypeString}, casts: "- INT -", res: "VARCHAR"},
		{name: "lpad", args: []arrow.DataType{TypeInt, TypeInt}, casts: "VARCHAR -", res: "VARCHAR"},
		{name: "instr", args: []arrow.DataType{TypeString, TypeString}, casts: "- -", res: "INT"},
		{name: "starts_with", args: []arrow.DataType{TypeString, TypeNull}, casts: "- VARCHAR", res: "BOOLEAN"},
		{name: "chr", args: []arrow.DataType{TypeInt}, casts: "BIGINT", res: "VARCHAR"},
		{name: "chr", args: []arrow.DataType{TypeString}, err: "does not accept"},
		{name: "sqrt", args: []arrow.DataType{TypeInt}, casts: "DOUBLE", res: "DOUBLE"},
		{name: "sqrt", args: []arrow.DataType{Decimal(10, 2)}, casts: "DOUBLE", res: "DOUBLE"},
		{name: "sqrt", args: []arrow.DataType{TypeDate}, err: "does not accept"},
		{name: "log", args: []arrow.DataType{TypeDouble, TypeBigInt}, casts: "- DOUBLE", res: "DOUBLE"},
		{name: "pi", casts: "", res: "DOUBLE"},
		{name: "mod", args: []arrow.DataType{TypeInt, TypeBigInt}, casts: "BIGINT BIGINT", res: "BIGINT"},
		{name: "mod", args: []arrow.DataType{Decimal(5, 1), TypeInt}, casts: "DECIMAL(5,1) DECIMAL(10,0)", res: "DECIMAL(5,1)"},
		{name: "greatest", args: []arrow.DataType{TypeInt, TypeDouble, TypeNull}, casts: "DOUBLE - DOUBLE", res: "DOUBLE"},
		{name: "greatest", args: []arrow.DataType{TypeDate, TypeTimestamp}, casts: "TIMESTAMP -", res: "TIMESTAMP"},
		{name: "least", args: []arrow.DataType{TypeInterval, TypeInterval}, err: "cannot compare"},
		{name: "least", args: []arrow.DataType{TypeInt, TypeBoolean}, err: "cannot combine"},
		{name: "date_add", args: []arrow.DataType{TypeString, TypeSmallInt}, casts: "DATE INT", res: "DATE"},
		{name: "date_add", args: []arrow.DataType{TypeTimestamp, TypeInt}, casts: "DATE -", res: "DATE"},
		{name: "date_add", args: []arrow.DataType{TypeDate, TypeDouble}, err: "does not accept"},
		{name: "datediff", args: []arrow.DataType{TypeDate, TypeString}, casts: "- DATE", res: "INT"},
		{name: "date_trunc", args: []arrow.DataType{TypeString, TypeDate}, casts: "- TIMESTAMP", res: "TIMESTAMP"},
		{name: "date_trunc", args: []arrow.DataType{TypeString, tsNano}, casts: "- TIMESTAMP", res: "TIMESTAMP"},
		{name: "hour", args: []arrow.DataType{TypeString}, casts: "TIMESTAMP", res: "INT"},
		{name: "dayofweek", args: []arrow.DataType{TypeTimestamp}, casts: "-", res: "INT"},
		{name: "date_format", args: []arrow.DataType{TypeDate, TypeString}, casts: "TIMESTAMP -", res: "VARCHAR"},
		{name: "to_date", args: []arrow.DataType{TypeString, TypeString}, casts: "- -", res: "DATE"},
		{name: "nvl", args: []arrow.DataType{TypeInt, TypeBigInt}, casts: "BIGINT -", res: "BIGINT"},
		{name: "nvl2", args: []arrow.DataType{TypeDate, TypeInt, TypeNull}, casts: "- - INT", res: "INT"},
		{name: "if", args: []arrow.DataType{TypeBoolean, TypeInt, TypeString}, casts: "- - INT", res: "INT"},
		{name: "if", args: []arrow.DataType{TypeInt, TypeInt, TypeInt}, err: "must be BOOLEAN"},
		{name: "isnull", args: []arrow.DataType{TypeDate}, casts: "-", res: "BOOLEAN"},
	} {
		fn := LookupFunction(tc.name)
		if fn == nil {
			t.Fatalf("%s is not registered", tc.name)
		}
		if len(tc.args) < fn.MinArgs || fn.MaxArgs >= 0 && len(tc.args) > fn.MaxArgs {
			t.Fatalf("%s does not take %d arguments", tc.name, len(tc.args))
		}
		casts, res, err := fn.Resolve(tc.args)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s%v: got %v, want an error containing %q", tc.name, tc.args, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s%v: %v", tc.name, tc.args, err)
			continue
		}
		names := make([]string, len(casts))
		for i, c := range casts {
			names[i] = "-"
			if c != nil {
				names[i] = TypeName(c)
			}
		}
		if got := strings.Join(names, " "); got != tc.casts || TypeName(res) != tc.res {
			t.Errorf("%s%v: casts %q result %s, want %q %s", tc.name, tc.args, got, TypeName(res), tc.casts, tc.res)
		}
	}
}

func TestNullOnValues(t *testing.T) {
	x := &Literal{Value: 0.0, DataType: TypeDouble}
	if !(&Func{Name: "ln", Args: []Expr{x}, DataType: TypeDouble}).Nullable() {
		t.Errorf("ln(0) is NULL, so ln of a non-NULL argument is nullable")
	}
	if (&Func{Name: "sqrt", Args: []Expr{x}, DataType: TypeDouble}).Nullable() {
		t.Errorf("sqrt of a non-NULL argument is not NULL")
	}
}
