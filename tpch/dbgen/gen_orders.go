package dbgen

// Seeds and domains of the order streams.
const (
	orderDateSeed     = 1066728069
	orderLinesSeed    = 1434868289
	orderCustomerSeed = 851767375
	orderPrioritySeed = 591449447
	orderClerkSeed    = 1171034773
	orderCommentSeed  = 276090261
	orderCommentLen   = 49
	maxLines          = 7
	// Every third customer places no order (TPC-H clause 4.2.3).
	customerMortality = 3
)

// orderKey is the key of order index i (1-based): dbgen keeps the low 3
// bits and leaves a gap of 24 keys after every 8 (keys are sparse, to leave
// room for the refresh functions' new orders).
func orderKey(i int64) int64 {
	return (i>>3)<<5 | i&7
}

// lineStreams are the streams an order's lines draw from. Orders draws the
// first five too, to price the order and tell its status.
type lineStreams struct {
	quantity, discount, tax, partKey, shipDelay stream
}

func newLineStreams(first int64) lineStreams {
	return lineStreams{
		quantity:  newStream(lineQuantitySeed, maxLines, first),
		discount:  newStream(lineDiscountSeed, maxLines, first),
		tax:       newStream(lineTaxSeed, maxLines, first),
		partKey:   newStream(linePartSeed, maxLines, first),
		shipDelay: newStream(lineShipSeed, maxLines, first),
	}
}

func (l *lineStreams) endRow() {
	l.quantity.endRow()
	l.discount.endRow()
	l.tax.endRow()
	l.partKey.endRow()
	l.shipDelay.endRow()
}

// customerKey draws an order's customer, skipping the customers that place
// no order: a multiple of 3 moves to a neighbour.
func customerKey(s *stream, customers int64) int64 {
	key := s.intIn(1, customers)
	delta := int64(1)
	for key%customerMortality == 0 {
		key = min(key+delta, customers)
		delta = -delta
	}
	return key
}

func genOrders(e *env, c *chunk, first, n int64) {
	var (
		date     = newStream(orderDateSeed, 1, first)
		lines    = newStream(orderLinesSeed, 1, first)
		customer = newStream(orderCustomerSeed, 1, first)
		priority = newStream(orderPrioritySeed, 1, first)
		clerk    = newStream(orderClerkSeed, 1, first)
		cmt      = newTextStream(e.pool, orderCommentSeed, orderCommentLen, 1, first)
		ls       = newLineStreams(first)
	)
	cols := c.cols
	for i := first + 1; i <= first+n; i++ {
		cols[0].addInt(orderKey(i))
		cols[1].addInt(customerKey(&customer, e.customers))
		day := epochDay1992 + date.intIn(0, orderDateMax)

		// The total and the status come from the order's lines, drawn
		// again from the lineitem streams.
		count := lines.intIn(1, maxLines)
		var total, shipped int64
		for range count {
			qty := ls.quantity.intIn(1, 50)
			disc := ls.discount.intIn(0, 10)
			tax := ls.tax.intIn(0, 8)
			part := ls.partKey.intIn(1, e.parts)
			price := retailPrice(part) * qty
			total += price * (100 - disc) / 100 * (100 + tax) / 100
			if day+ls.shipDelay.intIn(shipDelayMin, shipDelayMax) <= currentDate {
				shipped++
			}
		}
		// Filled if all lines have shipped, open if none has, else
		// partially filled.
		switch shipped {
		case count:
			cols[2].addCode(statusF)
		case 0:
			cols[2].addCode(statusO)
		default:
			cols[2].addCode(statusP)
		}
		cols[3].addInt(total)
		cols[4].addInt32(int32(day))
		cols[5].addCode(distPriorities.pick(&priority))
		cols[6].text = appendKeyName(cols[6].text, "Clerk#", clerk.intIn(1, e.clerks))
		cols[6].endText()
		cols[7].addInt32(0)
		cmt.addTo(&cols[8])

		date.endRow()
		lines.endRow()
		customer.endRow()
		priority.endRow()
		clerk.endRow()
		cmt.s.endRow()
		ls.endRow()
	}
	c.rows += int(n)
}
