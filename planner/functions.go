package planner

import (
	"fmt"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// ScalarFunction describes a scalar function the binder accepts and the
// evaluator implements (as a Func expression with the same Name). Resolve
// checks the argument types and returns the types the arguments must be cast
// to (nil entries: keep as is) and the result type.
type ScalarFunction struct {
	Name    string
	MinArgs int
	MaxArgs int // -1: variadic
	Resolve func(args []arrow.DataType) (casts []arrow.DataType, result arrow.DataType, err error)
	// NullOnValues is set for functions that may return NULL for non-NULL
	// arguments (ln(0), date_trunc of an unknown unit), as Spark does.
	NullOnValues bool
}

// The scalar functions, by lower-case name. Their semantics follow Spark:
//
//	substring(s, start[, len])  1-based; start <= 0 counts as in Spark
//	upper(s), lower(s), trim(s), ltrim(s), rtrim(s)
//	length(s)                   characters, not bytes; INT
//	concat(s, ...)              NULL if any argument is NULL
//	abs(n), round(n[, d]), floor(n), ceil(n)   round is HALF_UP
//	coalesce(x, ...), nullif(a, b)
//	year(d), month(d), day(d)   from DATE or TIMESTAMP (EXTRACT binds to these); INT
//	rand(seed)                  DOUBLE in [0,1), deterministic per seed and row position
var scalarFunctions = map[string]*ScalarFunction{}

func register(f *ScalarFunction) { scalarFunctions[f.Name] = f }

// LookupFunction returns the scalar function named name (lower case), or nil.
func LookupFunction(name string) *ScalarFunction { return scalarFunctions[name] }

// FunctionNames lists the scalar functions, sorted, for error messages.
func FunctionNames() []string {
	out := make([]string, 0, len(scalarFunctions))
	for n := range scalarFunctions {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// IsNumeric reports whether t is an integer, floating point or decimal type.
func IsNumeric(t arrow.DataType) bool {
	return IsInteger(t) || IsFloating(t) || t.ID() == arrow.DECIMAL128
}

// IsInteger reports whether t is TINYINT, SMALLINT, INT or BIGINT.
func IsInteger(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64:
		return true
	}
	return false
}

// IsFloating reports whether t is FLOAT or DOUBLE.
func IsFloating(t arrow.DataType) bool { return t.ID() == arrow.FLOAT32 || t.ID() == arrow.FLOAT64 }

// IsString reports whether t is a string type.
func IsString(t arrow.DataType) bool { return t.ID() == arrow.STRING || t.ID() == arrow.LARGE_STRING }

func isNull(t arrow.DataType) bool { return t.ID() == arrow.NULL }

func argError(name string, args []arrow.DataType) error {
	names := make([]string, len(args))
	for i, a := range args {
		names[i] = TypeName(a)
	}
	return fmt.Errorf("function %s does not accept arguments (%s)", name, strings.Join(names, ", "))
}

// stringFn accepts only strings (NULL literals become VARCHAR).
func stringFn(result arrow.DataType, extra ...arrow.DataType) func(args []arrow.DataType) ([]arrow.DataType, arrow.DataType, error) {
	return func(args []arrow.DataType) ([]arrow.DataType, arrow.DataType, error) {
		casts := make([]arrow.DataType, len(args))
		for i, a := range args {
			want := arrow.DataType(TypeString)
			if i > 0 && len(extra) > 0 {
				want = extra[min(i-1, len(extra)-1)]
			}
			switch {
			case arrow.TypeEqual(a, want):
			case isNull(a) || (IsInteger(a) && IsInteger(want)) || (IsString(want) && !IsString(a)):
				casts[i] = want
			case IsString(a) && IsString(want):
			default:
				return nil, nil, argError("this function", args)
			}
		}
		if result == nil {
			return casts, TypeString, nil
		}
		return casts, result, nil
	}
}

func numericSame(name string) func(args []arrow.DataType) ([]arrow.DataType, arrow.DataType, error) {
	return func(args []arrow.DataType) ([]arrow.DataType, arrow.DataType, error) {
		a := args[0]
		if isNull(a) {
			return []arrow.DataType{TypeDouble}, TypeDouble, nil
		}
		if !IsNumeric(a) {
			return nil, nil, argError(name, args)
		}
		return []arrow.DataType{nil}, a, nil
	}
}

// floorCeil follows Spark: DECIMAL(p,s) gives DECIMAL(p-s+1,0), others BIGINT.
func floorCeil(name string) func(args []arrow.DataType) ([]arrow.DataType, arrow.DataType, error) {
	return func(args []arrow.DataType) ([]arrow.DataType, arrow.DataType, error) {
		a := args[0]
		if d, ok := a.(*arrow.Decimal128Type); ok {
			return []arrow.DataType{nil}, Decimal(min(MaxDecimalPrecision, d.Precision-d.Scale+1), 0), nil
		}
		if IsInteger(a) {
			return []arrow.DataType{TypeBigInt}, TypeBigInt, nil
		}
		if IsFloating(a) || isNull(a) {
			return []arrow.DataType{TypeDouble}, TypeBigInt, nil
		}
		return nil, nil, argError(name, args)
	}
}

func datePart(name string) func(args []arrow.DataType) ([]arrow.DataType, arrow.DataType, error) {
	return func(args []arrow.DataType) ([]arrow.DataType, arrow.DataType, error) {
		switch args[0].ID() {
		case arrow.DATE32, arrow.TIMESTAMP:
			return []arrow.DataType{nil}, TypeInt, nil
		case arrow.STRING, arrow.NULL:
			return []arrow.DataType{TypeDate}, TypeInt, nil
		}
		return nil, nil, argError(name, args)
	}
}

// sameTypeFn casts all arguments to their common type (coalesce, nullif).
func sameTypeFn(name string) func(args []arrow.DataType) ([]arrow.DataType, arrow.DataType, error) {
	return func(args []arrow.DataType) ([]arrow.DataType, arrow.DataType, error) {
		common, err := CommonType(args...)
		if err != nil {
			return nil, nil, fmt.Errorf("function %s: %w", name, err)
		}
		casts := make([]arrow.DataType, len(args))
		for i, a := range args {
			if !arrow.TypeEqual(a, common) {
				casts[i] = common
			}
		}
		return casts, common, nil
	}
}

func init() {
	register(&ScalarFunction{Name: "substring", MinArgs: 2, MaxArgs: 3, Resolve: stringFn(nil, TypeInt)})
	for _, n := range []string{"upper", "lower", "trim", "ltrim", "rtrim"} {
		register(&ScalarFunction{Name: n, MinArgs: 1, MaxArgs: 1, Resolve: stringFn(nil)})
	}
	register(&ScalarFunction{Name: "length", MinArgs: 1, MaxArgs: 1, Resolve: stringFn(TypeInt)})
	register(&ScalarFunction{Name: "concat", MinArgs: 1, MaxArgs: -1, Resolve: stringFn(nil, TypeString)})
	register(&ScalarFunction{Name: "abs", MinArgs: 1, MaxArgs: 1, Resolve: numericSame("abs")})
	register(&ScalarFunction{Name: "floor", MinArgs: 1, MaxArgs: 1, Resolve: floorCeil("floor")})
	register(&ScalarFunction{Name: "ceil", MinArgs: 1, MaxArgs: 1, Resolve: floorCeil("ceil")})
	register(&ScalarFunction{Name: "round", MinArgs: 1, MaxArgs: 2, Resolve: func(args []arrow.DataType) ([]arrow.DataType, arrow.DataType, error) {
		casts := make([]arrow.DataType, len(args))
		if len(args) == 2 {
			if !IsInteger(args[1]) {
				return nil, nil, argError("round", args)
			}
			casts[1] = TypeInt
		}
		a := args[0]
		switch {
		case isNull(a):
			casts[0] = TypeDouble
			return casts, TypeDouble, nil
		case !IsNumeric(a):
			return nil, nil, argError("round", args)
		}
		// The scale of a rounded decimal depends on the literal second
		// argument; the binder fixes it (see RoundDecimalType).
		return casts, a, nil
	}})
	register(&ScalarFunction{Name: "coalesce", MinArgs: 1, MaxArgs: -1, Resolve: sameTypeFn("coalesce")})
	register(&ScalarFunction{Name: "nullif", MinArgs: 2, MaxArgs: 2, Resolve: sameTypeFn("nullif")})
	for _, n := range []string{"year", "month", "day"} {
		register(&ScalarFunction{Name: n, MinArgs: 1, MaxArgs: 1, Resolve: datePart(n)})
	}
	register(&ScalarFunction{Name: "rand", MinArgs: 0, MaxArgs: 1, Resolve: func(args []arrow.DataType) ([]arrow.DataType, arrow.DataType, error) {
		casts := make([]arrow.DataType, len(args))
		if len(args) == 1 {
			if !IsInteger(args[0]) {
				return nil, nil, argError("rand", args)
			}
			casts[0] = TypeBigInt
		}
		return casts, TypeDouble, nil
	}})
}

// RoundDecimalType is the type of round(x, d) for x DECIMAL(p,s), as in
// Spark: DECIMAL(p-s+min(s,d)+1, min(s,d)) for d >= 0.
func RoundDecimalType(t *arrow.Decimal128Type, d int32) arrow.DataType {
	scale := min(t.Scale, max(d, 0))
	return Decimal(min(MaxDecimalPrecision, t.Precision-t.Scale+scale+1), scale)
}
