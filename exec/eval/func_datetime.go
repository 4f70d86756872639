package eval

import (
	"bytes"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// Date and time functions beyond year, month and day (func_date.go), with
// Spark's semantics. DATE is days since 1970-01-01; TIMESTAMP is a count
// of its unit (microseconds as the planner makes them) without a time
// zone. Invalid values are errors (ANSI mode): make_date(2021, 2, 30),
// add_months past the DATE range, a string to_date cannot parse.

// compileCurrentTime serves current_date() and current_timestamp() when
// a plan reaches the evaluator with them still as calls; the binder
// normally replaces them by one constant for the whole query.
func compileCurrentTime(e *planner.Func) compiled {
	lit := planner.CurrentTime(e.Name, time.Now())
	return compiled{nd: &litNode{lit: lit}, dt: lit.DataType, konst: true}
}

// dateInput casts x to DATE unless it is a DATE or a TIMESTAMP, and
// returns the timestamp units per day (0 for a DATE).
func (c *compiler) dateInput(e *planner.Func, x compiled) (compiled, int64, error) {
	switch x.dt.ID() {
	case arrow.DATE32:
		return x, 0, nil
	case arrow.TIMESTAMP:
		return x, unitsPerDay(x.dt.(*arrow.TimestampType).Unit), nil
	}
	x, err := c.castTo(x, planner.TypeDate)
	if err != nil {
		return compiled{}, 0, fmt.Errorf("eval: %s: %v", e, err)
	}
	return x, 0, nil
}

// timestampInput casts x to TIMESTAMP (microseconds).
func (c *compiler) timestampInput(x compiled) (compiled, error) {
	return c.castTo(x, planner.TypeTimestamp)
}

// dayFields are the functions of a day number.
var dayFields = map[string]func(days int64) int32{
	"dayofweek": func(days int64) int32 { return int32(floorMod(days+4, 7)) + 1 }, // 1970-01-01 was a Thursday
	"dayofyear": func(days int64) int32 {
		y, _, _ := civil(days)
		return int32(days-daysFromCivil(y, 1, 1)) + 1
	},
	"weekofyear": isoWeek,
	"quarter": func(days int64) int32 {
		_, m, _ := civil(days)
		return int32((m-1)/3) + 1
	},
}

// isoWeek is the ISO 8601 week number: weeks start on Monday and week 1
// holds the year's first Thursday.
func isoWeek(days int64) int32 {
	monday := days - floorMod(days+3, 7)
	thursday := monday + 3
	y, _, _ := civil(thursday)
	return int32((thursday-daysFromCivil(y, 1, 1))/7) + 1
}

func (c *compiler) compileDayField(e *planner.Func, x compiled) (compiled, error) {
	f := dayFields[e.Name]
	x, perDay, err := c.dateInput(e, x)
	if err != nil {
		return compiled{}, err
	}
	var nd node
	if perDay == 0 {
		nd = newUnary(x, planner.TypeInt, e.String(), "", false, func(d int32) (int32, bool) { return f(int64(d)), true })
	} else {
		nd = newUnary(x, planner.TypeInt, e.String(), "", false, func(t int64) (int32, bool) { return f(floorDiv(t, perDay)), true })
	}
	return c.make(nd, planner.TypeInt, true, x), nil
}

// compileTimeField compiles hour, minute and second of a TIMESTAMP.
func (c *compiler) compileTimeField(e *planner.Func, x compiled) (compiled, error) {
	x, err := c.timestampInput(x)
	if err != nil {
		return compiled{}, err
	}
	unit := map[string]int64{"hour": 3_600_000_000, "minute": 60_000_000, "second": 1_000_000}[e.Name]
	next := map[string]int64{"hour": 24, "minute": 60, "second": 60}[e.Name]
	nd := newUnary(x, planner.TypeInt, e.String(), "", false, func(t int64) (int32, bool) {
		return int32(floorMod(floorDiv(t, unit), next)), true
	})
	return c.make(nd, planner.TypeInt, true, x), nil
}

func (c *compiler) compileLastDay(e *planner.Func, x compiled) (compiled, error) {
	x, err := c.castTo(x, planner.TypeDate)
	if err != nil {
		return compiled{}, err
	}
	nd := newUnary(x, planner.TypeDate, e.String(), "", false, func(d int32) (int32, bool) {
		y, m, _ := civil(int64(d))
		return int32(daysFromCivil(y, m, daysInMonth(y, m))), true
	})
	return c.make(nd, planner.TypeDate, true, x), nil
}

// compileDateInts compiles add_months(d, n) and make_date(y, m, d): DATE
// results of INT operands (a DATE is an INT of days).
func (c *compiler) compileDateInts(e *planner.Func, args []compiled) (compiled, error) {
	if want := map[string]int{"add_months": 2, "make_date": 3}[e.Name]; len(args) != want {
		return compiled{}, fmt.Errorf("eval: %s takes %d arguments: %s", e.Name, want, e)
	}
	nd := &dateIntsNode{text: e.String()}
	for i := range args {
		to := arrow.DataType(planner.TypeInt)
		if i == 0 && e.Name == "add_months" {
			to = planner.TypeDate
		}
		var err error
		if args[i], err = c.castTo(args[i], to); err != nil {
			return compiled{}, err
		}
		nd.ops = append(nd.ops, newOperand[int32](args[i]))
	}
	switch e.Name {
	case "add_months":
		nd.f = func(v *[3]int32) (int32, error) {
			d, ok := addMonths(int64(v[0]), int64(v[1]))
			if !ok {
				return 0, errDateOverflow
			}
			return int32(d), nil
		}
	case "make_date":
		nd.f = func(v *[3]int32) (int32, error) {
			y, m, d := int64(v[0]), int(v[1]), int(v[2])
			if m < 1 || m > 12 || d < 1 || y < -5_000_000 || y > 5_000_000 || d > daysInMonth(y, m) {
				return 0, fmt.Errorf("invalid date: year %d, month %d, day %d", v[0], v[1], v[2])
			}
			days := daysFromCivil(y, m, d)
			if days != int64(int32(days)) {
				return 0, errDateOverflow
			}
			return int32(days), nil
		}
	default:
		return compiled{}, fmt.Errorf("eval: unknown function %s", e.Name)
	}
	return c.make(nd, planner.TypeDate, true, args...), nil
}

// dateIntsNode computes a DATE from up to three INT operands.
type dateIntsNode struct {
	ops  []operand[int32]
	f    func(v *[3]int32) (int32, error)
	text string
}

func (n *dateIntsNode) fallible() bool { return true }

func (n *dateIntsNode) eval(mem memory.Allocator, c *chunk) (arrow.Array, error) {
	var arrs [3]arrow.Array
	var vals [3][]int32
	var strides [3]int
	defer func() { release(arrs[:len(n.ops)]...) }()
	for k := range n.ops {
		var err error
		if arrs[k], vals[k], strides[k], err = n.ops[k].load(mem, c); err != nil {
			return nil, err
		}
	}
	valid := andValidity(mem, c.n, arrs[:len(n.ops)]...)
	vb := bytesOf(valid)
	buf, out := newValues[int32](mem, c.n)
	var row [3]int32
	for i := range out {
		out[i] = 0
		if !isValid(vb, 0, i) {
			continue
		}
		for k := range n.ops {
			row[k] = vals[k][i*strides[k]]
		}
		d, err := n.f(&row)
		if err != nil {
			buf.Release()
			releaseBufs(valid)
			return nil, fmt.Errorf("%v in %s", err, n.text)
		}
		out[i] = d
	}
	return makeArray(planner.TypeDate, c.n, []*memory.Buffer{valid, buf}), nil
}

// truncUnit is a unit of date_trunc and trunc.
type truncUnit int

const (
	truncNone truncUnit = iota // not a unit: the result is NULL
	truncYear
	truncQuarter
	truncMonth
	truncWeek
	truncDay
	truncHour
	truncMinute
	truncSecond
	truncMilli
	truncMicro
)

// parseTruncUnit reads a unit name in any case, with Spark's spellings.
func parseTruncUnit(b []byte) truncUnit {
	var buf [16]byte
	if len(b) > len(buf) {
		return truncNone
	}
	s := buf[:len(b)]
	for i, ch := range b {
		if ch >= 'A' && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		s[i] = ch
	}
	switch string(s) {
	case "year", "yyyy", "yy":
		return truncYear
	case "quarter":
		return truncQuarter
	case "month", "mm", "mon":
		return truncMonth
	case "week":
		return truncWeek
	case "day", "dd":
		return truncDay
	case "hour":
		return truncHour
	case "minute":
		return truncMinute
	case "second":
		return truncSecond
	case "millisecond":
		return truncMilli
	case "microsecond":
		return truncMicro
	}
	return truncNone
}

// truncDays truncates a day number to a unit of a year, quarter, month or
// week (weeks start on Monday); other units leave it.
func truncDays(days int64, u truncUnit) int64 {
	switch u {
	case truncYear, truncQuarter, truncMonth:
		y, m, _ := civil(days)
		switch u {
		case truncYear:
			m = 1
		case truncQuarter:
			m = (m-1)/3*3 + 1
		}
		return daysFromCivil(y, m, 1)
	case truncWeek:
		return days - floorMod(days+3, 7)
	}
	return days
}

// truncMicros truncates microseconds since the epoch to unit u.
func truncMicros(t int64, u truncUnit) int64 {
	const day = 86_400_000_000
	var step int64
	switch u {
	case truncYear, truncQuarter, truncMonth, truncWeek, truncDay:
		return truncDays(floorDiv(t, day), u) * day
	case truncHour:
		step = 3_600_000_000
	case truncMinute:
		step = 60_000_000
	case truncSecond:
		step = 1_000_000
	case truncMilli:
		step = 1000
	default:
		return t
	}
	return floorDiv(t, step) * step
}

// compileTrunc compiles date_trunc(unit, ts) (TIMESTAMP) and
// trunc(d, unit) (DATE, to a year, quarter, month or week only). An
// unknown unit gives NULL, as in Spark.
func (c *compiler) compileTrunc(e *planner.Func, args []compiled) (compiled, error) {
	dateTrunc := e.Name == "date_trunc"
	x, unit := args[1], args[0]
	res := arrow.DataType(planner.TypeTimestamp)
	if !dateTrunc {
		x, unit = args[0], args[1]
		res = planner.TypeDate
	}
	x, err := c.castTo(x, res)
	if err != nil {
		return compiled{}, err
	}
	if unit, err = c.stringArg(unit); err != nil {
		return compiled{}, err
	}
	nd := &truncNode{x: x.nd, unit: newStrOperand(unit), date: !dateTrunc, dt: res}
	if nd.unit.konst {
		nd.konstUnit = nd.checkUnit(parseTruncUnit(nd.unit.val))
		if nd.konstUnit == truncNone {
			return nullOf(res), nil
		}
	}
	return c.make(nd, res, true, x, unit), nil
}

// truncNode is date_trunc or trunc.
type truncNode struct {
	x         node
	unit      strOperand
	konstUnit truncUnit
	date      bool // trunc of a DATE
	dt        arrow.DataType
}

func (n *truncNode) fallible() bool { return n.x.fallible() || n.unit.fallible() }

// checkUnit refuses, for trunc of a DATE, the units below a week.
func (n *truncNode) checkUnit(u truncUnit) truncUnit {
	if n.date && u > truncWeek {
		return truncNone
	}
	return u
}

func (n *truncNode) eval(mem memory.Allocator, c *chunk) (arrow.Array, error) {
	xa, err := n.x.eval(mem, c)
	if err != nil {
		return nil, err
	}
	defer xa.Release()
	units, err := loadStr(mem, &n.unit, c)
	if err != nil {
		return nil, err
	}
	defer units.release()
	valid := andValidity(mem, c.n, xa, units.arr)
	if !n.unit.konst {
		// Rows with an unknown unit become NULL.
		if valid == nil {
			valid = newBitmap(mem, c.n)
			memory.Set(valid.Bytes(), 0xff)
		}
		vb := valid.Bytes()
		for i := 0; i < c.n; i++ {
			if isValid(vb, 0, i) && n.checkUnit(parseTruncUnit(units.at(i))) == truncNone {
				vb[i>>3] &^= 1 << (i & 7)
			}
		}
	}
	u := n.konstUnit
	var last []byte
	unitAt := func(i int) truncUnit {
		if n.unit.konst {
			return u
		}
		if s := units.at(i); !bytes.Equal(s, last) || u == truncNone {
			u, last = n.checkUnit(parseTruncUnit(s)), s
		}
		return u
	}
	vb := bytesOf(valid)
	if n.date {
		in := values[int32](xa)
		buf, out := newValues[int32](mem, c.n)
		for i := range out {
			out[i] = 0
			if isValid(vb, 0, i) {
				out[i] = int32(truncDays(int64(in[i]), unitAt(i)))
			}
		}
		return makeArray(n.dt, c.n, []*memory.Buffer{valid, buf}), nil
	}
	in := values[int64](xa)
	buf, out := newValues[int64](mem, c.n)
	for i := range out {
		out[i] = 0
		if isValid(vb, 0, i) {
			out[i] = truncMicros(in[i], unitAt(i))
		}
	}
	return makeArray(n.dt, c.n, []*memory.Buffer{valid, buf}), nil
}
