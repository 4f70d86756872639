package catalog

import (
	"bytes"
	"math"
	"strconv"
)

// Parsers for the text of CSV values: strict, allocation-free, each
// reporting whether the whole text is a value of its type.

// parseInt64 parses an optionally signed decimal integer.
func parseInt64(b []byte) (int64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	neg := false
	switch b[0] {
	case '-':
		neg = true
		b = b[1:]
	case '+':
		b = b[1:]
	}
	for len(b) > 1 && b[0] == '0' {
		b = b[1:]
	}
	// 19 digits cannot overflow a uint64.
	if len(b) == 0 || len(b) > 19 {
		return 0, false
	}
	var u uint64
	for _, c := range b {
		d := c - '0'
		if d > 9 {
			return 0, false
		}
		u = u*10 + uint64(d)
	}
	if neg {
		if u > 1<<63 {
			return 0, false
		}
		return -int64(u), true
	}
	if u > math.MaxInt64 {
		return 0, false
	}
	return int64(u), true
}

// parseInt32 parses an integer that fits 32 bits.
func parseInt32(b []byte) (int32, bool) {
	v, ok := parseInt64(b)
	if !ok || v < math.MinInt32 || v > math.MaxInt32 {
		return 0, false
	}
	return int32(v), true
}

// parseFloat64 parses a decimal floating-point number (digits, sign, point,
// exponent; no hexadecimal forms, no underscores) or NaN, Inf, Infinity
// with an optional sign.
func parseFloat64(b []byte) (float64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	digits := false
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			digits = true
		case c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E':
		default:
			return parseSpecialFloat(b)
		}
	}
	if !digits {
		return 0, false
	}
	v, err := strconv.ParseFloat(bytesStr(b), 64)
	if err != nil {
		// Out of range values come back as ±Inf with an error: those
		// are not what the text says, so they do not parse.
		return 0, false
	}
	return v, true
}

func parseSpecialFloat(b []byte) (float64, bool) {
	sign := 1.0
	s := b
	switch s[0] {
	case '-':
		sign = -1
		s = s[1:]
	case '+':
		s = s[1:]
	}
	switch bytesStr(s) {
	case "NaN":
		if len(s) != len(b) {
			return 0, false
		}
		return math.NaN(), true
	case "Inf", "Infinity":
		return math.Inf(int(sign)), true
	}
	return 0, false
}

// parseBool parses true or false, in any case.
func parseBool(b []byte) (bool, bool) {
	switch len(b) {
	case 4:
		if bytes.EqualFold(b, []byte("true")) {
			return true, true
		}
	case 5:
		if bytes.EqualFold(b, []byte("false")) {
			return false, true
		}
	}
	return false, false
}

// digits parses n decimal digits at b[i:].
func digits(b []byte, i, n int) (int, bool) {
	if i+n > len(b) {
		return 0, false
	}
	v := 0
	for _, c := range b[i : i+n] {
		d := c - '0'
		if d > 9 {
			return 0, false
		}
		v = v*10 + int(d)
	}
	return v, true
}

// parseDate parses YYYY-MM-DD into days since 1970-01-01.
func parseDate(b []byte) (int32, bool) {
	if len(b) != 10 {
		return 0, false
	}
	d, ok := parseDatePart(b)
	return int32(d), ok
}

func parseDatePart(b []byte) (int64, bool) {
	if len(b) < 10 || b[4] != '-' || b[7] != '-' {
		return 0, false
	}
	y, ok1 := digits(b, 0, 4)
	m, ok2 := digits(b, 5, 2)
	d, ok3 := digits(b, 8, 2)
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m) {
		return 0, false
	}
	return daysFromCivil(int64(y), int64(m), int64(d)), true
}

func daysInMonth(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil is the number of days from 1970-01-01 to y-m-d in the
// proleptic Gregorian calendar (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// parseTimestamp parses an ISO 8601 date-time, YYYY-MM-DD followed by T or
// a space and HH:MM[:SS[.fraction]], optionally with Z or an offset
// (±HH:MM, ±HHMM, ±HH), into microseconds since the epoch in UTC (digits
// beyond microseconds are dropped). A plain date is midnight, so that a
// column mixing dates and date-times reads as timestamps.
func parseTimestamp(b []byte) (int64, bool) {
	days, ok := parseDatePart(b)
	if !ok {
		return 0, false
	}
	if len(b) == 10 {
		return days * 86_400_000_000, true
	}
	if b[10] != 'T' && b[10] != ' ' {
		return 0, false
	}
	i := 11
	hh, ok1 := digits(b, i, 2)
	if !ok1 || i+2 >= len(b) || b[i+2] != ':' {
		return 0, false
	}
	mm, ok2 := digits(b, i+3, 2)
	if !ok2 || hh > 23 || mm > 59 {
		return 0, false
	}
	i += 5
	ss, micros := 0, 0
	if i < len(b) && b[i] == ':' {
		var ok bool
		if ss, ok = digits(b, i+1, 2); !ok || ss > 59 {
			return 0, false
		}
		i += 3
		if i < len(b) && b[i] == '.' {
			i++
			start := i
			for i < len(b) && b[i] >= '0' && b[i] <= '9' {
				if i-start < 6 {
					micros = micros*10 + int(b[i]-'0')
				}
				i++
			}
			n := i - start
			if n == 0 || n > 9 {
				return 0, false
			}
			for k := n; k < 6; k++ {
				micros *= 10
			}
		}
	}
	offset := 0 // seconds east of UTC
	if i < len(b) {
		switch b[i] {
		case 'Z', 'z':
			i++
		case '+', '-':
			sign := 1
			if b[i] == '-' {
				sign = -1
			}
			oh, ok := digits(b, i+1, 2)
			if !ok || oh > 18 {
				return 0, false
			}
			i += 3
			om := 0
			if i < len(b) {
				if b[i] == ':' {
					i++
				}
				if om, ok = digits(b, i, 2); !ok || om > 59 {
					return 0, false
				}
				i += 2
			}
			offset = sign * (oh*3600 + om*60)
		default:
			return 0, false
		}
	}
	if i != len(b) {
		return 0, false
	}
	secs := days*86_400 + int64(hh*3600+mm*60+ss-offset)
	return secs*1_000_000 + int64(micros), true
}
