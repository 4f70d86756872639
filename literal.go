package ember

import (
	"fmt"
	"math"
	"strconv"
	"time"

	pg "github.com/pganalyze/pg_query_go/v6"
)

// Lit is a constant column. Go values map to SQL types as Spark maps
// Python's: nil is NULL, bool BOOLEAN, int and int32 INT (int64 values
// past 32 bits BIGINT), int64 BIGINT, float32 and float64 DOUBLE, string
// VARCHAR, time.Time TIMESTAMP (in UTC). A Column passes through. Use
// DateLit and DecimalLit for dates and exact decimals.
func Lit(v any) Column {
	switch x := v.(type) {
	case nil:
		return Column{node: &pg.Node{Node: &pg.Node_AConst{AConst: &pg.A_Const{Isnull: true, Location: -1}}}}
	case Column:
		return x
	case bool:
		return Column{node: &pg.Node{Node: &pg.Node_AConst{AConst: &pg.A_Const{
			Val: &pg.A_Const_Boolval{Boolval: &pg.Boolean{Boolval: x}}, Location: -1}}}}
	case string:
		return Column{node: pg.MakeAConstStrNode(x, -1)}
	case int:
		return intLit(int64(x))
	case int8:
		return intLit(int64(x))
	case int16:
		return intLit(int64(x))
	case int32:
		return intLit(int64(x))
	case int64:
		if x >= math.MinInt32 && x <= math.MaxInt32 {
			// An int64 keeps its type, as Spark's LongType would.
			return castLit(strconv.FormatInt(x, 10), "bigint")
		}
		return intLit(x)
	case uint8:
		return intLit(int64(x))
	case uint16:
		return intLit(int64(x))
	case uint32:
		return intLit(int64(x))
	case uint:
		if uint64(x) > math.MaxInt64 {
			return Column{err: fmt.Errorf("Lit: %d does not fit in a BIGINT", x)}
		}
		return intLit(int64(x))
	case uint64:
		if x > math.MaxInt64 {
			return Column{err: fmt.Errorf("Lit: %d does not fit in a BIGINT", x)}
		}
		return intLit(int64(x))
	case float32:
		return floatLit(float64(x))
	case float64:
		return floatLit(x)
	case time.Time:
		return castLit(x.UTC().Format("2006-01-02 15:04:05.999999"), "timestamp")
	}
	return Column{err: fmt.Errorf("Lit: cannot make a SQL constant of a %T", v)}
}

// intLit is an integer constant typed as SQL types its literal: INT when
// it fits in 32 bits, else BIGINT.
func intLit(v int64) Column {
	if v >= math.MinInt32 && v <= math.MaxInt32 {
		return Column{node: pg.MakeAConstIntNode(v, -1)}
	}
	return Column{node: &pg.Node{Node: &pg.Node_AConst{AConst: &pg.A_Const{
		Val: &pg.A_Const_Fval{Fval: &pg.Float{Fval: strconv.FormatInt(v, 10)}}, Location: -1}}}}
}

// floatLit is a DOUBLE constant (written with an exponent, which is how
// SQL text says DOUBLE rather than DECIMAL).
func floatLit(f float64) Column {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return castLit(strconv.FormatFloat(f, 'g', -1, 64), "double")
	}
	return Column{node: &pg.Node{Node: &pg.Node_AConst{AConst: &pg.A_Const{
		Val: &pg.A_Const_Fval{Fval: &pg.Float{Fval: strconv.FormatFloat(f, 'e', -1, 64)}}, Location: -1}}}}
}

// castLit is CAST('text' AS typeName).
func castLit(text, typeName string) Column {
	return Lit(text).Cast(typeName)
}

// DateLit is a DATE constant from "YYYY-MM-DD", as SQL's DATE '1998-12-01'.
func DateLit(text string) Column {
	if _, err := time.Parse("2006-01-02", text); err != nil {
		return Column{err: fmt.Errorf("DateLit: %q is not a date (YYYY-MM-DD)", text)}
	}
	return castLit(text, "date")
}

// DecimalLit is an exact DECIMAL constant from its text ("0.06"), typed as
// SQL types the literal 0.06: DECIMAL(2,2).
func DecimalLit(text string) Column {
	if _, err := strconv.ParseFloat(text, 64); err != nil {
		return Column{err: fmt.Errorf("DecimalLit: %q is not a number", text)}
	}
	return Column{node: &pg.Node{Node: &pg.Node_AConst{AConst: &pg.A_Const{
		Val: &pg.A_Const_Fval{Fval: &pg.Float{Fval: text}}, Location: -1}}}}
}
