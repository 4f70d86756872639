package planner

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// These are Spark's type coercion rules (ANSI mode), in the few places the
// binder needs them: the common type of compared or combined values, and the
// result type of arithmetic.

// integerDecimal is the DECIMAL that holds every value of an integer type.
func integerDecimal(t arrow.DataType) *arrow.Decimal128Type {
	switch t.ID() {
	case arrow.INT8:
		return &arrow.Decimal128Type{Precision: 3}
	case arrow.INT16:
		return &arrow.Decimal128Type{Precision: 5}
	case arrow.INT32:
		return &arrow.Decimal128Type{Precision: 10}
	}
	return &arrow.Decimal128Type{Precision: 20}
}

func intRank(t arrow.DataType) int {
	switch t.ID() {
	case arrow.INT8:
		return 1
	case arrow.INT16:
		return 2
	case arrow.INT32:
		return 3
	case arrow.INT64:
		return 4
	}
	return 0
}

// widerDecimal is the smallest DECIMAL that holds both a and b, capped at
// 38 digits.
func widerDecimal(a, b *arrow.Decimal128Type) *arrow.Decimal128Type {
	scale := max(a.Scale, b.Scale)
	intDigits := max(a.Precision-a.Scale, b.Precision-b.Scale)
	p := intDigits + scale
	if p > MaxDecimalPrecision {
		p = MaxDecimalPrecision
		scale = max(0, MaxDecimalPrecision-intDigits)
	}
	return &arrow.Decimal128Type{Precision: p, Scale: scale}
}

// asDecimal returns t as a decimal, for integers and decimals.
func asDecimal(t arrow.DataType) *arrow.Decimal128Type {
	if d, ok := t.(*arrow.Decimal128Type); ok {
		return d
	}
	return integerDecimal(t)
}

// CommonType returns the type to which all of types are cast before they
// are compared or combined (in =, IN, CASE, COALESCE, UNION). NULL fits any
// type; integers widen; integers and decimals meet in a decimal; any number
// and a DOUBLE meet in DOUBLE; a string meets a date, timestamp, number or
// boolean in that other type; DATE and TIMESTAMP meet in TIMESTAMP.
func CommonType(types ...arrow.DataType) (arrow.DataType, error) {
	var out arrow.DataType = TypeNull
	for _, t := range types {
		c, err := commonType2(out, t)
		if err != nil {
			return nil, err
		}
		out = c
	}
	return out, nil
}

func commonType2(a, b arrow.DataType) (arrow.DataType, error) {
	switch {
	case arrow.TypeEqual(a, b):
		return a, nil
	case isNull(a):
		return b, nil
	case isNull(b):
		return a, nil
	case IsInteger(a) && IsInteger(b):
		if intRank(a) >= intRank(b) {
			return a, nil
		}
		return b, nil
	case IsFloating(a) && IsNumeric(b), IsNumeric(a) && IsFloating(b):
		return TypeDouble, nil
	case IsNumeric(a) && IsNumeric(b):
		return widerDecimal(asDecimal(a), asDecimal(b)), nil
	case IsString(a) && IsString(b):
		return TypeString, nil
	case IsString(a) && !IsString(b):
		return b, nil
	case IsString(b):
		return a, nil
	case a.ID() == arrow.DATE32 && b.ID() == arrow.TIMESTAMP, a.ID() == arrow.TIMESTAMP && b.ID() == arrow.DATE32:
		return TypeTimestamp, nil
	}
	return nil, fmt.Errorf("cannot combine %s and %s", TypeName(a), TypeName(b))
}

// adjustDecimal caps a decimal result at 38 digits the way Spark does when
// precision loss is allowed: the integer digits are kept and the scale gives
// way, but never below min(scale, 6).
func adjustDecimal(p, s int32) *arrow.Decimal128Type {
	if p <= MaxDecimalPrecision {
		return &arrow.Decimal128Type{Precision: p, Scale: s}
	}
	intDigits := p - s
	minScale := min(s, 6)
	scale := max(MaxDecimalPrecision-intDigits, minScale)
	return &arrow.Decimal128Type{Precision: MaxDecimalPrecision, Scale: scale}
}

// ArithmeticTypes returns, for left op right, the types both operands are
// cast to and the result type. Integer operands of different widths meet in
// the wider; integer division with / yields DOUBLE, as in Spark; decimals
// follow Spark's precision and scale rules:
//
//   - -  scale max(s1,s2), precision max(p1-s1,p2-s2)+scale+1
//   - precision p1+p2+1, scale s1+s2
//     /    scale max(6, s1+p2+1), precision p1-s1+s2+scale
//     %    scale max(s1,s2), precision min(p1-s1,p2-s2)+scale
//
// DATE ± INTERVAL yields DATE, TIMESTAMP ± INTERVAL yields TIMESTAMP, and
// DATE - DATE yields INT (days).
func ArithmeticTypes(op BinaryOp, l, r arrow.DataType) (lcast, rcast, result arrow.DataType, err error) {
	bad := func() error {
		return fmt.Errorf("cannot apply %s to %s and %s", op, TypeName(l), TypeName(r))
	}
	if isNull(l) && isNull(r) {
		return TypeInt, TypeInt, TypeInt, nil
	}
	if isNull(l) {
		l = r
	}
	if isNull(r) {
		r = l
	}
	// Temporal arithmetic.
	lt, rt := l.ID(), r.ID()
	if lt == arrow.DATE32 || lt == arrow.TIMESTAMP || rt == arrow.INTERVAL_MONTH_DAY_NANO {
		switch {
		case (lt == arrow.DATE32 || lt == arrow.TIMESTAMP) && rt == arrow.INTERVAL_MONTH_DAY_NANO && (op == OpAdd || op == OpSub):
			return l, r, l, nil
		case lt == arrow.DATE32 && rt == arrow.DATE32 && op == OpSub:
			return l, r, TypeInt, nil
		case lt == arrow.DATE32 && IsInteger(r) && (op == OpAdd || op == OpSub):
			return l, TypeInt, l, nil
		}
		return nil, nil, nil, bad()
	}
	if lt == arrow.INTERVAL_MONTH_DAY_NANO && (rt == arrow.DATE32 || rt == arrow.TIMESTAMP) && op == OpAdd {
		return l, r, r, nil
	}
	// Strings in arithmetic are numbers written as text (Spark casts them to DOUBLE).
	if IsString(l) {
		l = TypeDouble
	}
	if IsString(r) {
		r = TypeDouble
	}
	if !IsNumeric(l) || !IsNumeric(r) {
		return nil, nil, nil, bad()
	}
	switch {
	case IsFloating(l) || IsFloating(r):
		return TypeDouble, TypeDouble, TypeDouble, nil
	case IsInteger(l) && IsInteger(r):
		common, _ := commonType2(l, r)
		if op == OpDiv {
			return TypeDouble, TypeDouble, TypeDouble, nil
		}
		return common, common, common, nil
	}
	a, b := asDecimal(l), asDecimal(r)
	p1, s1, p2, s2 := a.Precision, a.Scale, b.Precision, b.Scale
	var res *arrow.Decimal128Type
	switch op {
	case OpAdd, OpSub:
		scale := max(s1, s2)
		res = adjustDecimal(max(p1-s1, p2-s2)+scale+1, scale)
	case OpMul:
		res = adjustDecimal(p1+p2+1, s1+s2)
	case OpDiv:
		scale := max(6, s1+p2+1)
		res = adjustDecimal(p1-s1+s2+scale, scale)
	case OpMod:
		scale := max(s1, s2)
		res = adjustDecimal(min(p1-s1, p2-s2)+scale, scale)
	default:
		return nil, nil, nil, bad()
	}
	return a, b, res, nil
}

// SumType is the result type of sum over t, as in Spark.
func SumType(t arrow.DataType) (arrow.DataType, error) {
	switch {
	case IsInteger(t):
		return TypeBigInt, nil
	case IsFloating(t), isNull(t):
		return TypeDouble, nil
	case t.ID() == arrow.DECIMAL128:
		d := t.(*arrow.Decimal128Type)
		return Decimal(min(MaxDecimalPrecision, d.Precision+10), d.Scale), nil
	}
	return nil, fmt.Errorf("cannot sum %s", TypeName(t))
}

// AvgType is the result type of avg over t, as in Spark.
func AvgType(t arrow.DataType) (arrow.DataType, error) {
	switch {
	case IsInteger(t), IsFloating(t), isNull(t):
		return TypeDouble, nil
	case t.ID() == arrow.DECIMAL128:
		d := t.(*arrow.Decimal128Type)
		return Decimal(min(MaxDecimalPrecision, d.Precision+4), min(MaxDecimalPrecision, d.Scale+4)), nil
	}
	return nil, fmt.Errorf("cannot average %s", TypeName(t))
}
