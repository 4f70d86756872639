package codec_test

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"google.golang.org/protobuf/proto"

	"github.com/ember-sql/ember/cluster/codec"
	"github.com/ember-sql/ember/planner"
	emberpb "github.com/ember-sql/ember/proto"
)

func TestTypeRoundTrip(t *testing.T) {
	types := []arrow.DataType{
		arrow.Null, arrow.FixedWidthTypes.Boolean,
		arrow.PrimitiveTypes.Int8, arrow.PrimitiveTypes.Int16, arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Int64,
		arrow.PrimitiveTypes.Float32, arrow.PrimitiveTypes.Float64,
		planner.Decimal(38, 0), planner.Decimal(15, 2), planner.Decimal(1, 1),
		arrow.BinaryTypes.String, arrow.BinaryTypes.LargeString, arrow.BinaryTypes.Binary,
		arrow.FixedWidthTypes.Date32, planner.TypeTimestamp,
		&arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "Europe/Paris"},
		&arrow.TimestampType{Unit: arrow.Second},
		arrow.FixedWidthTypes.MonthDayNanoInterval,
	}
	for _, typ := range types {
		m, err := codec.EncodeType(typ)
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		got, err := codec.DecodeType(roundTripBytes(t, m))
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		if !arrow.TypeEqual(got, typ) {
			t.Errorf("%s came back as %s", typ, got)
		}
	}
	for _, bad := range []arrow.DataType{arrow.ListOf(arrow.PrimitiveTypes.Int64), arrow.PrimitiveTypes.Uint32, arrow.FixedWidthTypes.Date64} {
		if _, err := codec.EncodeType(bad); err == nil || !strings.Contains(err.Error(), "cannot be sent") {
			t.Errorf("%s: got %v, want an error", bad, err)
		}
	}
	for _, bad := range []*emberpb.DataType{
		nil, {Id: 99}, {Id: emberpb.TypeId_TYPE_ID_DECIMAL128, Precision: 39},
		{Id: emberpb.TypeId_TYPE_ID_DECIMAL128, Precision: 5, Scale: 6}, {Id: emberpb.TypeId_TYPE_ID_TIMESTAMP, Unit: 7},
	} {
		if _, err := codec.DecodeType(bad); err == nil {
			t.Errorf("%v decoded without error", bad)
		}
	}
}

func TestSchemaRoundTrip(t *testing.T) {
	md := arrow.NewMetadata([]string{"origin"}, []string{"test"})
	s := arrow.NewSchema([]arrow.Field{
		{Name: "a", Type: arrow.PrimitiveTypes.Int64},
		{Name: "b", Type: planner.Decimal(12, 2), Nullable: true, Metadata: arrow.NewMetadata([]string{"k"}, []string{"v"})},
		{Name: "", Type: planner.TypeTimestamp, Nullable: true},
	}, &md)
	m, err := codec.EncodeSchema(s)
	if err != nil {
		t.Fatal(err)
	}
	got, err := codec.DecodeSchema(roundTripBytes(t, m))
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(s) || !reflect.DeepEqual(got.Metadata(), s.Metadata()) || !reflect.DeepEqual(got.Field(1).Metadata, s.Field(1).Metadata) {
		t.Fatalf("got %s, want %s", got, s)
	}
	if _, err := codec.EncodeSchema(arrow.NewSchema([]arrow.Field{{Name: "l", Type: arrow.ListOf(arrow.Null)}}, nil)); err == nil || !strings.Contains(err.Error(), "column l") {
		t.Fatalf("list column: got %v", err)
	}
}

func col(i int, name string, typ arrow.DataType) *planner.Column {
	return &planner.Column{Index: i, Name: name, DataType: typ, Null: true}
}

func lit(v any, typ arrow.DataType) *planner.Literal {
	return &planner.Literal{Value: v, DataType: typ}
}

// TestExprRoundTrip encodes, marshals, unmarshals and decodes one
// expression of every kind and literals of every type, and checks that the
// result is the same expression.
func TestExprRoundTrip(t *testing.T) {
	a, b := col(0, "a", planner.TypeBigInt), col(3, "b", planner.TypeString)
	d := col(1, "d", planner.TypeDate)
	exprs := []planner.Expr{
		a,
		&planner.Column{Index: 2, Name: "not null", DataType: planner.TypeDouble},
		lit(true, planner.TypeBoolean), lit(false, planner.TypeBoolean),
		lit(int8(-128), planner.TypeTinyInt), lit(int16(32767), planner.TypeSmallInt),
		lit(int32(math.MinInt32), planner.TypeInt), lit(int64(math.MaxInt64), planner.TypeBigInt),
		lit(float32(1.5), arrow.PrimitiveTypes.Float32), lit(math.Inf(-1), planner.TypeDouble),
		lit(-0.0, planner.TypeDouble), lit(math.NaN(), planner.TypeDouble), lit(0.1, planner.TypeDouble),
		lit(decimal128.FromI64(-12345), planner.Decimal(10, 2)),
		lit(decimal128.New(-1, 3), planner.Decimal(38, 10)), // a large negative 128-bit value
		lit("it's ünïcode", planner.TypeString), lit("", planner.TypeString),
		lit([]byte{0, 1, 255}, arrow.BinaryTypes.Binary),
		lit(arrow.Date32(-719162), planner.TypeDate), lit(arrow.Timestamp(1_700_000_000_123_456), planner.TypeTimestamp),
		lit(arrow.MonthDayNanoInterval{Months: -14, Days: 3, Nanoseconds: 5_000_000_001}, planner.TypeInterval),
		lit(nil, planner.TypeNull), lit(nil, planner.Decimal(5, 1)), lit(nil, planner.TypeString),
		&planner.Binary{Op: planner.OpAdd, Left: a, Right: lit(int64(1), planner.TypeBigInt), DataType: planner.TypeBigInt},
		&planner.Binary{Op: planner.OpIsNotDistinctFrom, Left: a, Right: a, DataType: planner.TypeBoolean},
		&planner.Binary{Op: planner.OpSub, Left: d, Right: lit(arrow.MonthDayNanoInterval{Days: 1}, planner.TypeInterval), DataType: planner.TypeDate},
		&planner.Not{X: &planner.Binary{Op: planner.OpOr, Left: lit(nil, planner.TypeBoolean), Right: lit(true, planner.TypeBoolean), DataType: planner.TypeBoolean}},
		&planner.Negate{X: a},
		&planner.IsNull{X: b}, &planner.IsNull{X: b, Negated: true},
		&planner.Like{X: b, Pattern: lit("a%\\_", planner.TypeString)},
		&planner.Like{X: b, Pattern: b, Negated: true, CaseInsensitive: true},
		&planner.InList{X: a, List: []planner.Expr{lit(int64(1), planner.TypeBigInt), lit(nil, planner.TypeBigInt)}, Negated: true},
		&planner.Case{Whens: []planner.When{{Cond: &planner.IsNull{X: a}, Result: lit("x", planner.TypeString)}, {Cond: lit(true, planner.TypeBoolean), Result: b}}, DataType: planner.TypeString},
		&planner.Case{Whens: []planner.When{{Cond: &planner.IsNull{X: a}, Result: a}}, Else: lit(int64(0), planner.TypeBigInt), DataType: planner.TypeBigInt},
		&planner.Cast{X: b, To: planner.Decimal(20, 4)},
		&planner.Func{Name: "substring", Args: []planner.Expr{b, lit(int32(1), planner.TypeInt), lit(int32(3), planner.TypeInt)}, DataType: planner.TypeString},
		&planner.Func{Name: "rand", DataType: planner.TypeDouble},
		&planner.AggregateCall{Func: planner.AggCountStar, DataType: planner.TypeBigInt},
		&planner.AggregateCall{Func: planner.AggSum, Args: []planner.Expr{a}, Distinct: true, DataType: planner.TypeBigInt},
		&planner.AggregateCall{Func: planner.AggAvg, Args: []planner.Expr{col(0, "x", planner.Decimal(12, 2))}, DataType: planner.Decimal(16, 6)},
		&planner.WindowCall{Func: planner.WinRowNumber, OrderBy: []planner.SortKey{{Expr: a}}, DataType: planner.TypeBigInt},
		&planner.WindowCall{Func: planner.WinLag, Args: []planner.Expr{b, lit(int64(2), planner.TypeBigInt), lit("none", planner.TypeString)},
			PartitionBy: []planner.Expr{a}, OrderBy: []planner.SortKey{{Expr: d, Descending: true, NullsFirst: false}}, DataType: planner.TypeString},
		&planner.WindowCall{Func: planner.WindowFunc(planner.AggSum), Args: []planner.Expr{a}, PartitionBy: []planner.Expr{b},
			OrderBy: []planner.SortKey{{Expr: a, NullsFirst: true}},
			Frame:   &planner.Frame{Rows: true, Start: planner.FrameBound{Offset: -2}, End: planner.FrameBound{Unbounded: true, Offset: 1}}, DataType: planner.TypeBigInt},
		&planner.WindowCall{Func: planner.WindowFunc(planner.AggMax), Args: []planner.Expr{a},
			Frame: &planner.Frame{Start: planner.FrameBound{Unbounded: true}, End: planner.FrameBound{}}, DataType: planner.TypeBigInt},
	}
	for _, e := range exprs {
		m, err := codec.EncodeExpr(e)
		if err != nil {
			t.Fatalf("%s: %v", e, err)
		}
		got, err := codec.DecodeExpr(roundTripBytes(t, m))
		if err != nil {
			t.Fatalf("%s: %v", e, err)
		}
		if err := sameExpr(got, e); err != "" {
			t.Errorf("%s: %s", e, err)
		}
	}
}

// sameExpr compares two expressions: kind, text, type, nullability, the
// literals' Go values (bit for bit for floats) and children.
func sameExpr(got, want planner.Expr) string {
	if reflect.TypeOf(got) != reflect.TypeOf(want) {
		return "kind " + reflect.TypeOf(got).String() + ", want " + reflect.TypeOf(want).String()
	}
	if got.String() != want.String() {
		return "text " + got.String() + ", want " + want.String()
	}
	if !arrow.TypeEqual(got.Type(), want.Type()) || got.Nullable() != want.Nullable() {
		return "type or nullability differs"
	}
	if gl, ok := got.(*planner.Literal); ok {
		wl := want.(*planner.Literal)
		if reflect.TypeOf(gl.Value) != reflect.TypeOf(wl.Value) {
			return "literal of Go type " + reflect.TypeOf(gl.Value).String()
		}
		if f, ok := wl.Value.(float64); ok {
			if math.Float64bits(f) != math.Float64bits(gl.Value.(float64)) {
				return "float bits differ"
			}
		} else if !reflect.DeepEqual(gl.Value, wl.Value) {
			return "literal value differs"
		}
	}
	if w, ok := want.(*planner.WindowCall); ok {
		g := got.(*planner.WindowCall)
		if !reflect.DeepEqual(g.Frame, w.Frame) {
			return "frame differs"
		}
	}
	gc, wc := got.Children(), want.Children()
	if len(gc) != len(wc) {
		return "children differ"
	}
	for i := range gc {
		if err := sameExpr(gc[i], wc[i]); err != "" {
			return err
		}
	}
	return ""
}

func TestExprErrors(t *testing.T) {
	sub := &planner.Exists{Plan: planner.NewValues(arrow.NewSchema([]arrow.Field{{Name: "x", Type: planner.TypeBigInt}}, nil),
		[][]planner.Expr{{lit(int64(1), planner.TypeBigInt)}})}
	for _, c := range []struct {
		expr planner.Expr
		want string
	}{
		{sub, "cannot be in a physical plan"},
		{&planner.OuterColumn{Depth: 1, Name: "o", DataType: planner.TypeBigInt}, "cannot be in a physical plan"},
		{&planner.Not{X: &planner.ScalarSubquery{Plan: sub.Plan}}, "cannot be in a physical plan"},
		{&planner.InSubquery{X: lit(int64(1), planner.TypeBigInt), Plan: sub.Plan}, "cannot be in a physical plan"},
		{lit(uint8(1), arrow.PrimitiveTypes.Uint8), "cannot be sent"},
		{lit(struct{}{}, planner.TypeBigInt), "Go type struct {}"},
		{&planner.Cast{X: lit(nil, planner.TypeNull), To: arrow.ListOf(arrow.Null)}, "cannot be sent"},
	} {
		if _, err := codec.EncodeExpr(c.expr); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.expr, err, c.want)
		}
	}
	int64Type := &emberpb.DataType{Id: emberpb.TypeId_TYPE_ID_INT64}
	for _, c := range []struct {
		name string
		m    *emberpb.Expr
		want string
	}{
		{"empty", &emberpb.Expr{}, "missing expression"},
		{"bad op", &emberpb.Expr{Expr: &emberpb.Expr_Binary{Binary: &emberpb.BinaryExpr{Op: 99}}}, "unknown binary operator"},
		{"missing child", &emberpb.Expr{Expr: &emberpb.Expr_Not{Not: &emberpb.UnaryExpr{}}}, "missing expression"},
		{"literal type mismatch", &emberpb.Expr{Expr: &emberpb.Expr_Literal{Literal: &emberpb.Literal{Type: int64Type,
			Value: &emberpb.Value{Value: &emberpb.Value_StringValue{StringValue: "x"}}}}}, "does not fit type int64"},
		{"tinyint overflow", &emberpb.Expr{Expr: &emberpb.Expr_Literal{Literal: &emberpb.Literal{Type: &emberpb.DataType{Id: emberpb.TypeId_TYPE_ID_INT8},
			Value: &emberpb.Value{Value: &emberpb.Value_Int8Value{Int8Value: 300}}}}}, "out of range"},
		{"negative column", &emberpb.Expr{Expr: &emberpb.Expr_Column{Column: &emberpb.ColumnRef{Index: -1, Type: int64Type}}}, "index -1"},
		{"unknown aggregate", &emberpb.Expr{Expr: &emberpb.Expr_Aggregate{Aggregate: &emberpb.AggregateCall{Func: "median", Type: int64Type}}}, `unknown aggregate function "median"`},
		{"unknown window", &emberpb.Expr{Expr: &emberpb.Expr_Window{Window: &emberpb.WindowCall{Func: "ntile", Type: int64Type}}}, `unknown window function "ntile"`},
		{"case without when", &emberpb.Expr{Expr: &emberpb.Expr_CaseWhen{CaseWhen: &emberpb.CaseExpr{Type: int64Type}}}, "CASE without WHEN"},
	} {
		if _, err := codec.DecodeExpr(c.m); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
}

// TestEnumsMirrorGo checks that the proto enums name the Go constants of
// the same number, so that the codec's casts stay right.
func TestEnumsMirrorGo(t *testing.T) {
	norm := func(s string) string { return strings.ToLower(strings.NewReplacer("_", "", " ", "").Replace(s)) }
	for op := planner.OpAdd; op <= planner.OpIsNotDistinctFrom; op++ {
		want := map[string]string{"+": "add", "-": "sub", "*": "mul", "/": "div", "%": "mod", "=": "eq", "<>": "noteq",
			"<": "lt", "<=": "lteq", ">": "gt", ">=": "gteq"}[op.String()]
		if want == "" {
			want = norm(op.String())
		}
		if got := norm(strings.TrimPrefix(emberpb.BinaryOp(op).String(), "BINARY_OP_")); got != want {
			t.Errorf("BinaryOp %d: proto %s, Go %s", op, emberpb.BinaryOp(op), op)
		}
	}
	for jt := planner.JoinInner; jt <= planner.JoinRightAnti; jt++ {
		if got := norm(strings.TrimPrefix(emberpb.JoinType(jt).String(), "JOIN_TYPE_")); got != norm(jt.String()) {
			t.Errorf("JoinType %d: proto %s, Go %s", jt, emberpb.JoinType(jt), jt)
		}
	}
}

// roundTripBytes marshals m and unmarshals it into a new message, as the
// network would.
func roundTripBytes[M proto.Message](t *testing.T, m M) M {
	t.Helper()
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	out := m.ProtoReflect().New().Interface().(M)
	if err := proto.Unmarshal(b, out); err != nil {
		t.Fatal(err)
	}
	return out
}
