package dbgen

// dbgen counts dates in days from 1992-01-01 (its STARTDATE) and draws
// them within the seven years to 1998-12-31.
const (
	// epochDay1992 is 1992-01-01 in days since 1970-01-01.
	epochDay1992 = 8035
	// dateRangeDays is the number of days from 1992-01-01 to 1998-12-31.
	dateRangeDays = 2557
	// currentDate is dbgen's CURRENTDATE, 1995-06-17, in days since 1970:
	// lines shipped by then are filled (F), received by then may be returned.
	currentDate = 9298
	// orderDateMax is the last order date, in days after 1992-01-01: 151
	// days (the longest ship and receipt delays) before the end of the range.
	orderDateMax = dateRangeDays - (shipDelayMax + receiptDelayMax) - 1
)

// appendDate appends days (since 1970-01-01) as YYYY-MM-DD.
func appendDate(dst []byte, days int32) []byte {
	y, m, d := civil(int64(days))
	dst = appendPadded(dst, y, 4)
	dst = append(dst, '-')
	dst = appendPadded(dst, int64(m), 2)
	dst = append(dst, '-')
	return appendPadded(dst, int64(d), 2)
}

// civil converts days since 1970-01-01 to a proleptic Gregorian date
// (Howard Hinnant's days-to-civil algorithm).
func civil(days int64) (year int64, month, day int) {
	z := days + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
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
