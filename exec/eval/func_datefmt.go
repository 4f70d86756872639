package eval

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// Spark's datetime patterns, for date_format, to_date and to_timestamp:
//
//	y    year (yy: two digits, 2000-2099 when parsing; y: as many as needed;
//	     yyyy: at least four)
//	M L  month (M: 1-2 digits, MM: two, MMM: Jan, MMMM: January)
//	d    day of month       D  day of year
//	H    hour 0-23          h  hour 1-12, with a (AM or PM)
//	m    minute             s  second
//	S    fraction of a second (SSS milliseconds, SSSSSS microseconds)
//	E    day of week (E, EE, EEE: Mon; EEEE: Monday)
//	'x'  literal text ('' is a quote); any other non-letter is literal
//
// Other letters are refused. Parsing is strict: every field must match
// and the whole string must be used; missing fields default to
// 1970-01-01 00:00:00.

// dtField is one element of a compiled pattern: a field letter repeated
// count times, or literal text (letter 0).
type dtField struct {
	letter byte
	count  int
	lit    []byte
}

// maxLetters is the longest run each pattern letter accepts.
var maxLetters = map[byte]int{'y': 9, 'M': 4, 'L': 4, 'd': 2, 'D': 3, 'H': 2, 'h': 2, 'm': 2, 's': 2, 'S': 9, 'a': 1, 'E': 4}

func compileDatePattern(p []byte) ([]dtField, error) {
	var out []dtField
	addLit := func(b ...byte) {
		if n := len(out); n > 0 && out[n-1].letter == 0 {
			out[n-1].lit = append(out[n-1].lit, b...)
			return
		}
		out = append(out, dtField{lit: append([]byte(nil), b...)})
	}
	for i := 0; i < len(p); {
		ch := p[i]
		switch {
		case ch == '\'':
			if i+1 < len(p) && p[i+1] == '\'' {
				addLit('\'')
				i += 2
				continue
			}
			j := i + 1
			for ; ; j++ {
				if j == len(p) {
					return nil, fmt.Errorf("unterminated quote in datetime pattern %s", quote(p))
				}
				if p[j] == '\'' {
					if j+1 < len(p) && p[j+1] == '\'' {
						addLit('\'')
						j++
						continue
					}
					break
				}
				addLit(p[j])
			}
			i = j + 1
		case ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z':
			j := i
			for j < len(p) && p[j] == ch {
				j++
			}
			limit, ok := maxLetters[ch]
			if !ok || j-i > limit {
				return nil, fmt.Errorf("unsupported datetime pattern %s in %s", quote(p[i:j]), quote(p))
			}
			out = append(out, dtField{letter: ch, count: j - i})
			i = j
		default:
			addLit(ch)
			i++
		}
	}
	return out, nil
}

var (
	monthNames = []string{"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"}
	dayNames = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
)

// appendPadded appends v with at least width digits.
func appendPadded(dst []byte, v int64, width int) []byte {
	if v < 0 {
		dst = append(dst, '-')
		v = -v
	}
	var tmp [20]byte
	digits := strconv.AppendInt(tmp[:0], v, 10)
	for k := len(digits); k < width; k++ {
		dst = append(dst, '0')
	}
	return append(dst, digits...)
}

// appendDateTime formats microseconds since the epoch with a pattern.
func appendDateTime(dst []byte, us int64, pat []dtField) []byte {
	days := floorDiv(us, 86_400_000_000)
	tod := us - days*86_400_000_000
	y, m, d := civil(days)
	hour := tod / 3_600_000_000
	for _, f := range pat {
		switch f.letter {
		case 0:
			dst = append(dst, f.lit...)
		case 'y':
			if f.count == 2 {
				dst = appendPadded(dst, floorMod(y, 100), 2)
			} else {
				dst = appendPadded(dst, y, f.count)
			}
		case 'M', 'L':
			switch f.count {
			case 3:
				dst = append(dst, monthNames[m-1][:3]...)
			case 4:
				dst = append(dst, monthNames[m-1]...)
			default:
				dst = appendPadded(dst, int64(m), f.count)
			}
		case 'd':
			dst = appendPadded(dst, int64(d), f.count)
		case 'D':
			dst = appendPadded(dst, days-daysFromCivil(y, 1, 1)+1, f.count)
		case 'H':
			dst = appendPadded(dst, hour, f.count)
		case 'h':
			h := hour % 12
			if h == 0 {
				h = 12
			}
			dst = appendPadded(dst, h, f.count)
		case 'm':
			dst = appendPadded(dst, tod/60_000_000%60, f.count)
		case 's':
			dst = appendPadded(dst, tod/1_000_000%60, f.count)
		case 'S':
			var frac [9]byte
			micros := tod % 1_000_000
			for k := 5; k >= 0; k-- {
				frac[k] = byte('0' + micros%10)
				micros /= 10
			}
			for k := 6; k < 9; k++ {
				frac[k] = '0'
			}
			dst = append(dst, frac[:f.count]...)
		case 'a':
			if hour < 12 {
				dst = append(dst, "AM"...)
			} else {
				dst = append(dst, "PM"...)
			}
		case 'E':
			name := dayNames[floorMod(days+3, 7)]
			if f.count < 4 {
				name = name[:3]
			}
			dst = append(dst, name...)
		}
	}
	return dst
}

// isNumericField reports whether f is a field written with digits.
func isNumericField(f dtField) bool {
	switch f.letter {
	case 0, 'a', 'E':
		return false
	case 'M', 'L':
		return f.count <= 2
	}
	return true
}

// matchName matches one of names (or their first three letters when
// short) at the start of s, in any case; it returns the index and length.
func matchName(s []byte, names []string, short bool) (int, int) {
	for k, name := range names {
		if short {
			name = name[:3]
		}
		if len(s) >= len(name) && bytes.EqualFold(s[:len(name)], []byte(name)) {
			return k, len(name)
		}
	}
	return -1, 0
}

// parseDateTime parses s with a pattern into microseconds since the epoch.
func parseDateTime(s []byte, pat []dtField) (int64, bool) {
	year, month, day, doy := int64(1970), 1, 1, 0
	hour, hour12, minute, second, micros, pm := 0, -1, 0, 0, 0, -1
	haveMonthDay := false
	for k, f := range pat {
		switch {
		case f.letter == 0:
			if !bytes.HasPrefix(s, f.lit) {
				return 0, false
			}
			s = s[len(f.lit):]
			continue
		case f.letter == 'a':
			switch {
			case len(s) >= 2 && bytes.EqualFold(s[:2], []byte("AM")):
				pm = 0
			case len(s) >= 2 && bytes.EqualFold(s[:2], []byte("PM")):
				pm = 1
			default:
				return 0, false
			}
			s = s[2:]
			continue
		case f.letter == 'E':
			_, n := matchName(s, dayNames, f.count < 4)
			if n == 0 {
				return 0, false
			}
			s = s[n:]
			continue
		case (f.letter == 'M' || f.letter == 'L') && f.count >= 3:
			m, n := matchName(s, monthNames, f.count == 3)
			if m < 0 {
				return 0, false
			}
			month, haveMonthDay, s = m+1, true, s[n:]
			continue
		}
		// A numeric field: how many digits it takes. A field followed by
		// another numeric field takes exactly its width ("yyyyMMdd").
		adjacent := k+1 < len(pat) && isNumericField(pat[k+1])
		lo, hi := f.count, f.count
		switch {
		case f.letter == 'y' && f.count != 2:
			if !adjacent {
				hi = 9
			}
		case f.letter == 'S':
			lo = 1
		case f.count == 1:
			if !adjacent {
				hi = 2
			}
		}
		n := 0
		var v int64
		for n < hi && n < len(s) && s[n] >= '0' && s[n] <= '9' {
			v = v*10 + int64(s[n]-'0')
			n++
		}
		if n < lo {
			return 0, false
		}
		digits := n
		s = s[n:]
		switch f.letter {
		case 'y':
			year = v
			if f.count == 2 {
				year = 2000 + v
			}
		case 'M', 'L':
			month, haveMonthDay = int(v), true
		case 'd':
			day, haveMonthDay = int(v), true
		case 'D':
			doy = int(v)
		case 'H':
			hour = int(v)
		case 'h':
			hour12 = int(v)
		case 'm':
			minute = int(v)
		case 's':
			second = int(v)
		case 'S':
			for ; digits < 6; digits++ {
				v *= 10
			}
			for ; digits > 6; digits-- {
				v /= 10
			}
			micros = int(v)
		}
	}
	if len(s) != 0 {
		return 0, false
	}
	if hour12 >= 0 {
		if hour12 < 1 || hour12 > 12 {
			return 0, false
		}
		hour = hour12 % 12
	}
	if pm == 1 {
		if hour >= 12 {
			return 0, false
		}
		hour += 12
	}
	if month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) ||
		hour > 23 || minute > 59 || second > 59 || year > 5_000_000 {
		return 0, false
	}
	days := daysFromCivil(year, month, day)
	if doy != 0 {
		last := int64(365)
		if isLeap(year) {
			last = 366
		}
		if int64(doy) > last || (haveMonthDay && days != daysFromCivil(year, 1, 1)+int64(doy)-1) {
			return 0, false
		}
		days = daysFromCivil(year, 1, 1) + int64(doy) - 1
	}
	return days*86_400_000_000 + int64(hour)*3_600_000_000 + int64(minute)*60_000_000 + int64(second)*1_000_000 + int64(micros), true
}

// patternOperand is a pattern argument: compiled once when constant, or
// per row (when it changes) otherwise.
type patternOperand struct {
	str   strOperand
	konst []dtField
}

func newPatternOperand(x compiled) (patternOperand, error) {
	p := patternOperand{str: newStrOperand(x)}
	if p.str.konst {
		pat, err := compileDatePattern(p.str.val)
		if err != nil {
			return p, err
		}
		p.konst = pat
	}
	return p, nil
}

// patternCache compiles the patterns of one batch's rows.
type patternCache struct {
	op   *patternOperand
	last []byte
	pat  []dtField
	have bool
}

func (pc *patternCache) at(in strInput, i int) ([]dtField, error) {
	if pc.op.str.konst {
		return pc.op.konst, nil
	}
	s := in.at(i)
	if !pc.have || !bytes.Equal(s, pc.last) {
		pat, err := compileDatePattern(s)
		if err != nil {
			return nil, err
		}
		pc.pat, pc.last, pc.have = pat, append(pc.last[:0], s...), true
	}
	return pc.pat, nil
}

func (c *compiler) compileDateFormat(e *planner.Func, args []compiled) (compiled, error) {
	x, err := c.timestampInput(args[0])
	if err != nil {
		return compiled{}, err
	}
	f, err := c.stringArg(args[1])
	if err != nil {
		return compiled{}, err
	}
	pat, err := newPatternOperand(f)
	if err != nil {
		return compiled{}, fmt.Errorf("%v in %s", err, e)
	}
	nd := &dateFormatNode{x: newOperand[int64](x), pat: pat, dt: e.DataType, text: e.String()}
	return c.make(nd, e.DataType, true, x, f), nil
}

// dateFormatNode is date_format(ts, pattern).
type dateFormatNode struct {
	x    operand[int64]
	pat  patternOperand
	dt   arrow.DataType
	text string
}

func (n *dateFormatNode) fallible() bool {
	return n.x.fallible() || !n.pat.str.konst
}

func (n *dateFormatNode) eval(mem memory.Allocator, c *chunk) (arrow.Array, error) {
	xa, xv, xs, err := n.x.load(mem, c)
	if err != nil {
		return nil, err
	}
	defer release(xa)
	pin, err := loadStr(mem, &n.pat.str, c)
	if err != nil {
		return nil, err
	}
	defer pin.release()
	valid := andValidity(mem, c.n, xa, pin.arr)
	vb := bytesOf(valid)
	b := newStrBuilder(mem, c.n, 16*c.n)
	cache := patternCache{op: &n.pat}
	for i := 0; i < c.n; i++ {
		if !isValid(vb, 0, i) {
			b.appendEmpty()
			continue
		}
		pat, err := cache.at(pin, i)
		if err != nil {
			b.release()
			releaseBufs(valid)
			return nil, fmt.Errorf("%v in %s", err, n.text)
		}
		b.scratch = appendDateTime(b.scratch[:0], xv[i*xs], pat)
		b.append(b.scratch)
	}
	return finishStr(mem, b, valid, n.dt)
}

// compileToDateTime compiles to_date and to_timestamp: without a pattern,
// a cast (an unparsable string is an error); with one, a strict parse.
func (c *compiler) compileToDateTime(e *planner.Func, args []compiled) (compiled, error) {
	res := arrow.DataType(planner.TypeDate)
	if e.Name == "to_timestamp" {
		res = planner.TypeTimestamp
	}
	if len(args) == 1 {
		return c.castTo(args[0], res)
	}
	s, err := c.stringArg(args[0])
	if err != nil {
		return compiled{}, err
	}
	f, err := c.stringArg(args[1])
	if err != nil {
		return compiled{}, err
	}
	pat, err := newPatternOperand(f)
	if err != nil {
		return compiled{}, fmt.Errorf("%v in %s", err, e)
	}
	nd := &parseDateTimeNode{s: newStrOperand(s), pat: pat, dt: res, text: e.String()}
	return c.make(nd, res, true, s, f), nil
}

// parseDateTimeNode is to_date(s, pattern) or to_timestamp(s, pattern).
type parseDateTimeNode struct {
	s    strOperand
	pat  patternOperand
	dt   arrow.DataType
	text string
}

func (n *parseDateTimeNode) fallible() bool { return true }

func (n *parseDateTimeNode) eval(mem memory.Allocator, c *chunk) (arrow.Array, error) {
	sin, err := loadStr(mem, &n.s, c)
	if err != nil {
		return nil, err
	}
	defer sin.release()
	pin, err := loadStr(mem, &n.pat.str, c)
	if err != nil {
		return nil, err
	}
	defer pin.release()
	valid := andValidity(mem, c.n, sin.arr, pin.arr)
	vb := bytesOf(valid)
	date := n.dt.ID() == arrow.DATE32
	var buf *memory.Buffer
	var d32 []int32
	var t64 []int64
	if date {
		buf, d32 = newValues[int32](mem, c.n)
	} else {
		buf, t64 = newValues[int64](mem, c.n)
	}
	fail := func(err error) (arrow.Array, error) {
		buf.Release()
		releaseBufs(valid)
		return nil, err
	}
	cache := patternCache{op: &n.pat}
	for i := 0; i < c.n; i++ {
		var us int64
		if isValid(vb, 0, i) {
			pat, err := cache.at(pin, i)
			if err != nil {
				return fail(fmt.Errorf("%v in %s", err, n.text))
			}
			v, ok := parseDateTime(sin.at(i), pat)
			if !ok {
				return fail(fmt.Errorf("cannot parse %s as %s with pattern %s in %s",
					quote(sin.at(i)), planner.TypeName(n.dt), quote(pin.at(i)), n.text))
			}
			us = v
		}
		if date {
			d := floorDiv(us, 86_400_000_000)
			if d != int64(int32(d)) {
				return fail(fmt.Errorf("%v in %s", errDateOverflow, n.text))
			}
			d32[i] = int32(d)
		} else {
			t64[i] = us
		}
	}
	return makeArray(n.dt, c.n, []*memory.Buffer{valid, buf}), nil
}
