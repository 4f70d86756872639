package ember

// More of the SQL dialect's functions, named as in Spark's
// pyspark.sql.functions. Arguments that say col take a Column or a column
// name; the others take a Column or a Go value.

// Replace replaces every occurrence of search in col by replacement.
func Replace(col any, search, replacement any) Column {
	return call("replace", toColumn(col, true), search, replacement)
}

// Translate replaces each character of col found in from by the character
// at the same place in to (dropping it when to is shorter).
func Translate(col any, from, to string) Column {
	return call("translate", toColumn(col, true), from, to)
}

// Lpad pads col on the left with pad to length characters (or cuts it).
func Lpad(col any, length int, pad string) Column {
	return call("lpad", toColumn(col, true), length, pad)
}

// Rpad pads col on the right with pad to length characters (or cuts it).
func Rpad(col any, length int, pad string) Column {
	return call("rpad", toColumn(col, true), length, pad)
}

// Reverse reverses a string.
func Reverse(col any) Column { return call("reverse", toColumn(col, true)) }

// Repeat repeats a string n times.
func Repeat(col any, n int) Column { return call("repeat", toColumn(col, true), n) }

// InitCap capitalizes the first letter of each word.
func InitCap(col any) Column { return call("initcap", toColumn(col, true)) }

// Instr is the 1-based position of the first substr in col, 0 if none.
func Instr(col any, substr string) Column { return call("instr", toColumn(col, true), substr) }

// SplitPart is the n-th (1-based) piece of col split at delimiter.
func SplitPart(col any, delimiter string, n int) Column {
	return call("split_part", toColumn(col, true), delimiter, n)
}

// RegexpReplace replaces every match of pattern (Go's RE2 syntax) in col
// by replacement, where $1… refer to groups as in Spark.
func RegexpReplace(col any, pattern, replacement string) Column {
	return call("regexp_replace", toColumn(col, true), pattern, replacement)
}

// StartsWith is true where the string starts with prefix.
func (c Column) StartsWith(prefix any) Column { return call("starts_with", c, prefix) }

// EndsWith is true where the string ends with suffix.
func (c Column) EndsWith(suffix any) Column { return call("ends_with", c, suffix) }

// Contains is true where the string contains substr.
func (c Column) Contains(substr any) Column { return call("contains", c, substr) }

// RLike is true where the string matches the regular expression pattern.
func (c Column) RLike(pattern string) Column { return call("rlike", c, pattern) }

// Sqrt is the square root, as a DOUBLE.
func Sqrt(col any) Column { return call("sqrt", toColumn(col, true)) }

// Pow is col raised to the power exponent, as a DOUBLE.
func Pow(col any, exponent any) Column { return call("power", toColumn(col, true), exponent) }

// Exp is e raised to col.
func Exp(col any) Column { return call("exp", toColumn(col, true)) }

// Log is the natural logarithm (NULL for values ≤ 0, as in Spark).
func Log(col any) Column { return call("ln", toColumn(col, true)) }

// Log10 is the base-10 logarithm.
func Log10(col any) Column { return call("log10", toColumn(col, true)) }

// Log2 is the base-2 logarithm.
func Log2(col any) Column { return call("log2", toColumn(col, true)) }

// Signum is -1, 0 or 1 by the sign of col, as a DOUBLE.
func Signum(col any) Column { return call("signum", toColumn(col, true)) }

// Greatest is the largest of its arguments, skipping NULLs.
func Greatest(cols ...any) Column { return call("greatest", columnArgs(cols)...) }

// Least is the smallest of its arguments, skipping NULLs.
func Least(cols ...any) Column { return call("least", columnArgs(cols)...) }

// columnArgs turns names and Columns into call arguments.
func columnArgs(cols []any) []any {
	out := make([]any, len(cols))
	for i, c := range cols {
		out[i] = toColumn(c, true)
	}
	return out
}

// CurrentDate is today's date, the same for the whole query.
func CurrentDate() Column { return Expr("current_date") }

// CurrentTimestamp is the query's start time.
func CurrentTimestamp() Column { return Expr("current_timestamp") }

// DateAdd is the date days after col.
func DateAdd(col any, days any) Column { return call("date_add", toColumn(col, true), days) }

// DateSub is the date days before col.
func DateSub(col any, days any) Column { return call("date_sub", toColumn(col, true), days) }

// DateDiff is the number of days from start to end.
func DateDiff(end, start any) Column {
	return call("datediff", toColumn(end, true), toColumn(start, true))
}

// AddMonths is the date months after col (clamped to the month's end).
func AddMonths(col any, months any) Column { return call("add_months", toColumn(col, true), months) }

// DateTrunc truncates a timestamp or date to unit: "year", "quarter",
// "month", "week", "day", "hour", "minute" or "second".
func DateTrunc(unit string, col any) Column { return call("date_trunc", unit, toColumn(col, true)) }

// ToDate parses a string as a DATE, with Spark's pattern letters when a
// format is given (default yyyy-MM-dd); a string that does not parse is an
// error.
func ToDate(col any, format ...string) Column { return parseCall("to_date", col, format) }

// ToTimestamp parses a string as a TIMESTAMP (optionally with a format).
func ToTimestamp(col any, format ...string) Column { return parseCall("to_timestamp", col, format) }

func parseCall(name string, col any, format []string) Column {
	if len(format) > 0 {
		return call(name, toColumn(col, true), format[0])
	}
	return call(name, toColumn(col, true))
}

// DateFormat renders a date or timestamp with Spark's pattern letters
// ("yyyy-MM-dd HH:mm").
func DateFormat(col any, format string) Column {
	return call("date_format", toColumn(col, true), format)
}

// LastDay is the last day of col's month.
func LastDay(col any) Column { return call("last_day", toColumn(col, true)) }

// DayOfWeek is 1 for Sunday through 7 for Saturday, as in Spark.
func DayOfWeek(col any) Column { return call("dayofweek", toColumn(col, true)) }

// DayOfYear is the day of the year (1-366).
func DayOfYear(col any) Column { return call("dayofyear", toColumn(col, true)) }

// WeekOfYear is the ISO week number.
func WeekOfYear(col any) Column { return call("weekofyear", toColumn(col, true)) }

// Quarter is the quarter of the year (1-4).
func Quarter(col any) Column { return call("quarter", toColumn(col, true)) }

// Hour is the hour of a timestamp.
func Hour(col any) Column { return call("hour", toColumn(col, true)) }

// Minute is the minute of a timestamp.
func Minute(col any) Column { return call("minute", toColumn(col, true)) }

// Second is the second of a timestamp.
func Second(col any) Column { return call("second", toColumn(col, true)) }

// MakeDate builds a DATE from year, month and day.
func MakeDate(year, month, day any) Column { return call("make_date", year, month, day) }

// Nvl is col, or replacement where col is NULL.
func Nvl(col any, replacement any) Column { return call("nvl", toColumn(col, true), replacement) }
