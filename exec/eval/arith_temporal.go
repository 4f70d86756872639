package eval

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// Date and timestamp arithmetic: DATE ± INTERVAL, TIMESTAMP ± INTERVAL,
// INTERVAL + DATE|TIMESTAMP, DATE ± INT (days) and DATE - DATE (days).
// Months are added like Spark's add_months: the day of month is clamped to
// the last day of the target month (2020-01-31 + 1 month = 2020-02-29).

func (c *compiler) compileTemporalArith(e *planner.Binary, l, r compiled) (compiled, error) {
	lt, rt := l.dt.ID(), r.dt.ID()
	bad := func() (compiled, error) {
		return compiled{}, fmt.Errorf("eval: cannot apply %s to %s and %s in %s", e.Op, planner.TypeName(l.dt), planner.TypeName(r.dt), e)
	}
	if lt == arrow.INTERVAL_MONTH_DAY_NANO && isTemporal(rt) && e.Op == planner.OpAdd {
		l, r = r, l
		lt, rt = rt, lt
	}
	if e.Op != planner.OpAdd && e.Op != planner.OpSub {
		return bad()
	}
	sign := int64(1)
	if e.Op == planner.OpSub {
		sign = -1
	}
	text := e.String()
	switch {
	case isTemporal(lt) && rt == arrow.INTERVAL_MONTH_DAY_NANO:
		nd := &intervalArith{sign: sign, date: lt == arrow.DATE32, r: newOperand[arrow.MonthDayNanoInterval](r), dt: l.dt, text: text}
		if lt == arrow.DATE32 {
			nd.d = newOperand[int32](l)
		} else {
			nd.ts = newOperand[int64](l)
			nd.unit = l.dt.(*arrow.TimestampType).Unit
		}
		return c.make(nd, l.dt, true, l, r), nil
	case lt == arrow.DATE32 && planner.IsInteger(r.dt):
		r, err := c.castTo(r, arrow.PrimitiveTypes.Int32)
		if err != nil {
			return compiled{}, err
		}
		nd := &intArith[int32]{op: e.Op, l: newOperand[int32](l), r: newOperand[int32](r), dt: l.dt, text: text}
		return c.make(nd, l.dt, true, l, r), nil
	case lt == arrow.DATE32 && rt == arrow.DATE32 && e.Op == planner.OpSub:
		nd := &intArith[int32]{op: e.Op, l: newOperand[int32](l), r: newOperand[int32](r), dt: arrow.PrimitiveTypes.Int32, text: text}
		return c.make(nd, arrow.PrimitiveTypes.Int32, true, l, r), nil
	}
	return bad()
}

// intervalArith adds (sign 1) or subtracts (sign -1) an interval to a DATE
// or a TIMESTAMP.
type intervalArith struct {
	sign int64
	date bool
	d    operand[int32] // DATE input
	ts   operand[int64] // TIMESTAMP input
	unit arrow.TimeUnit
	r    operand[arrow.MonthDayNanoInterval]
	dt   arrow.DataType
	text string
}

func (n *intervalArith) fallible() bool { return true }

func (n *intervalArith) eval(mem memory.Allocator, c *chunk) (arrow.Array, error) {
	ra, iv, is, err := n.r.load(mem, c)
	if err != nil {
		return nil, err
	}
	defer release(ra)
	if n.date {
		la, dv, ds, err := n.d.load(mem, c)
		if err != nil {
			return nil, err
		}
		defer release(la)
		valid := andValidity(mem, c.n, la, ra)
		buf, out := newValues[int32](mem, c.n)
		for i := range out {
			v, err := addIntervalToDate(dv[i*ds], iv[i*is], n.sign)
			if err != nil {
				if isValid(bytesOf(valid), 0, i) {
					buf.Release()
					releaseBufs(valid)
					return nil, fmt.Errorf("%v in %s", err, n.text)
				}
				v = 0
			}
			out[i] = v
		}
		return makeArray(n.dt, c.n, []*memory.Buffer{valid, buf}), nil
	}
	la, tv, ts, err := n.ts.load(mem, c)
	if err != nil {
		return nil, err
	}
	defer release(la)
	valid := andValidity(mem, c.n, la, ra)
	buf, out := newValues[int64](mem, c.n)
	perDay := unitsPerDay(n.unit)
	for i := range out {
		v, err := addIntervalToTimestamp(tv[i*ts], iv[i*is], n.sign, perDay, n.unit)
		if err != nil {
			if isValid(bytesOf(valid), 0, i) {
				buf.Release()
				releaseBufs(valid)
				return nil, fmt.Errorf("%v in %s", err, n.text)
			}
			v = 0
		}
		out[i] = v
	}
	return makeArray(n.dt, c.n, []*memory.Buffer{valid, buf}), nil
}

var errDateOverflow = fmt.Errorf("date out of range")

// addIntervalToDate computes d + sign*iv. An interval with a time part is
// an error unless the time is a whole number of days.
func addIntervalToDate(d int32, iv arrow.MonthDayNanoInterval, sign int64) (int32, error) {
	const nanosPerDay = 86400 * 1_000_000_000
	if iv.Nanoseconds%nanosPerDay != 0 {
		return 0, fmt.Errorf("cannot add an interval with a time part to a DATE")
	}
	days := int64(d)
	if iv.Months != 0 {
		var ok bool
		if days, ok = addMonths(days, sign*int64(iv.Months)); !ok {
			return 0, errDateOverflow
		}
	}
	days += sign * (int64(iv.Days) + iv.Nanoseconds/nanosPerDay)
	if days != int64(int32(days)) {
		return 0, errDateOverflow
	}
	return int32(days), nil
}

// addIntervalToTimestamp computes ts + sign*iv for a timestamp in unit.
func addIntervalToTimestamp(ts int64, iv arrow.MonthDayNanoInterval, sign, perDay int64, unit arrow.TimeUnit) (int64, error) {
	overflow := fmt.Errorf("timestamp out of range")
	if iv.Months != 0 {
		day, tod := floorDiv(ts, perDay), floorMod(ts, perDay)
		nd, ok := addMonths(day, sign*int64(iv.Months))
		if !ok {
			return 0, overflow
		}
		v, ok1 := mulInt64(nd, perDay)
		v, ok2 := addInt64(v, tod)
		if !ok1 || !ok2 {
			return 0, overflow
		}
		ts = v
	}
	dd, ok1 := mulInt64(sign*int64(iv.Days), perDay)
	ts, ok2 := addInt64(ts, dd)
	ns := sign * iv.Nanoseconds / nanosPerUnit(unit)
	ts, ok3 := addInt64(ts, ns)
	if !ok1 || !ok2 || !ok3 {
		return 0, overflow
	}
	return ts, nil
}

func nanosPerUnit(u arrow.TimeUnit) int64 {
	switch u {
	case arrow.Second:
		return 1_000_000_000
	case arrow.Millisecond:
		return 1_000_000
	case arrow.Microsecond:
		return 1_000
	}
	return 1
}

func unitsPerDay(u arrow.TimeUnit) int64 { return 86400 * 1_000_000_000 / nanosPerUnit(u) }

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }

// civil converts days since 1970-01-01 to a proleptic Gregorian date
// (H. Hinnant's algorithm: integer arithmetic only, any range).
func civil(days int64) (year int64, month, day int) {
	z := days + 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, int(m), int(d)
}

// daysFromCivil is the inverse of civil.
func daysFromCivil(y int64, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mm := int64(m)
	if mm > 2 {
		mm -= 3
	} else {
		mm += 9
	}
	doy := (153*mm+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func isLeap(y int64) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysInMonth(y int64, m int) int {
	switch m {
	case 2:
		if isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// addMonths adds months to a day number, clamping the day of month; false
// when the result leaves the DATE range.
func addMonths(days, months int64) (int64, bool) {
	y, m, d := civil(days)
	total := y*12 + int64(m-1) + months
	ny, nm := floorDiv(total, 12), int(floorMod(total, 12))+1
	if ny < -5_000_000 || ny > 5_000_000 {
		return 0, false
	}
	nd := min(d, daysInMonth(ny, nm))
	out := daysFromCivil(ny, nm, nd)
	return out, out == int64(int32(out))
}
