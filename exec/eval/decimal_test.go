package eval

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// refDecimal computes l op r exactly with big.Rat and rounds HALF_UP to
// the result type: the reference the kernels are checked against.
func refDecimal(op planner.BinaryOp, l, r string, res *arrow.Decimal128Type) string {
	x, _ := new(big.Rat).SetString(l)
	y, _ := new(big.Rat).SetString(r)
	z := new(big.Rat)
	switch op {
	case planner.OpAdd:
		z.Add(x, y)
	case planner.OpSub:
		z.Sub(x, y)
	case planner.OpMul:
		z.Mul(x, y)
	case planner.OpDiv:
		if y.Sign() == 0 {
			return "division by zero"
		}
		z.Quo(x, y)
	case planner.OpMod:
		if y.Sign() == 0 {
			return "division by zero"
		}
		// Truncated remainder: x - y*trunc(x/y).
		q := new(big.Rat).Quo(x, y)
		t := new(big.Int).Quo(q.Num(), q.Denom())
		z.Sub(x, new(big.Rat).Mul(y, new(big.Rat).SetInt(t)))
	}
	// Round HALF_UP to the result scale.
	scaled := new(big.Rat).Mul(z, new(big.Rat).SetInt(pow10big[res.Scale]))
	num, den := new(big.Int).Abs(scaled.Num()), scaled.Denom()
	q, rem := new(big.Int).QuoRem(num, den, new(big.Int))
	if rem.Lsh(rem, 1).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if q.Cmp(pow10big[res.Precision]) >= 0 {
		return "decimal overflow"
	}
	if scaled.Sign() < 0 {
		q.Neg(q)
	}
	v, _ := numFromBig(q, res.Precision)
	return planner.FormatDecimal(v, res.Scale)
}

// randDecimal returns a random value of DECIMAL(p,s) as text, favouring
// small magnitudes (the int64 paths) but reaching the full precision.
func randDecimal(r *rand.Rand, p, s int32) string {
	digits := int(p)
	if r.IntN(3) > 0 {
		digits = 1 + r.IntN(min(int(p), 9))
	}
	var sb strings.Builder
	if r.IntN(2) == 0 {
		sb.WriteByte('-')
	}
	for i := 0; i < digits; i++ {
		sb.WriteByte(byte('0' + r.IntN(10)))
	}
	v := strings.TrimLeft(sb.String(), "-")
	for len(v) <= int(s) {
		v = "0" + v
	}
	out := v[:len(v)-int(s)] + "." + v[len(v)-int(s):]
	if s == 0 {
		out = v
	}
	if strings.HasPrefix(sb.String(), "-") {
		out = "-" + out
	}
	return out
}

// TestDecimalRandom checks the decimal kernels (fast and exact paths)
// against big.Rat on random operands of random types.
func TestDecimalRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ops := []planner.BinaryOp{planner.OpAdd, planner.OpSub, planner.OpMul, planner.OpDiv, planner.OpMod}
	for iter := 0; iter < 400; iter++ {
		p1, p2 := int32(1+r.IntN(38)), int32(1+r.IntN(38))
		s1, s2 := int32(r.IntN(int(p1)+1)), int32(r.IntN(int(p2)+1))
		t1, t2 := dec(p1, s1), dec(p2, s2)
		op := ops[r.IntN(len(ops))]
		e := arith(op, col(0, t1), col(1, t2))
		res := e.Type().(*arrow.Decimal128Type)
		const n = 16
		ls, rs := make([]any, n), make([]any, n)
		for i := range ls {
			ls[i], rs[i] = randDecimal(r, p1, s1), randDecimal(r, p2, s2)
		}
		// Evaluate row by row so that one failing row does not hide the
		// others.
		for i := 0; i < n; i++ {
			want := refDecimal(op, ls[i].(string), rs[i].(string), res)
			got, err := evalInputs(mem, e, []input{in(t1, ls[i]), in(t2, rs[i])}, false)
			gs := ""
			if err != nil {
				gs = err.Error()
			} else {
				gs = got[0]
			}
			if !strings.HasPrefix(gs, want) {
				t.Fatalf("%s %s %s as %s: got %s, want %s", ls[i], op, rs[i], planner.TypeName(res), gs, want)
			}
		}
		// And as whole columns, where no row fails.
		var want []string
		var okL, okR []any
		for i := 0; i < n; i++ {
			w := refDecimal(op, ls[i].(string), rs[i].(string), res)
			if !strings.Contains(w, "overflow") && !strings.Contains(w, "zero") {
				want = append(want, w)
				okL, okR = append(okL, ls[i]), append(okR, rs[i])
			}
		}
		got, err := evalInputs(mem, e, []input{in(t1, okL...), in(t2, okR...)}, true)
		if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s over columns: got %v, %v\nwant %v", e, got, err, want)
		}
	}
}
