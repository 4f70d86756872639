package dbgen

// Seeds and domains of the lineitem streams, which advance per order, by
// seven draws (the most lines an order has) whatever its number of lines.
const (
	lineQuantitySeed   = 209208115
	lineDiscountSeed   = 554590007
	lineTaxSeed        = 721958466
	linePartSeed       = 1808217256
	lineSupplierSeed   = 2095021727
	lineShipSeed       = 1769349045
	lineCommitSeed     = 904914315
	lineReceiptSeed    = 373135028
	lineReturnFlagSeed = 717419739
	lineInstructSeed   = 1371272478
	lineShipModeSeed   = 675466456
	lineCommentSeed    = 1095462486
	lineCommentLen     = 27

	// Delays in days: shipping after the order date, the committed date
	// after the order date, receipt after shipping.
	shipDelayMin    = 1
	shipDelayMax    = 121
	commitDelayMin  = 30
	commitDelayMax  = 90
	receiptDelayMin = 1
	receiptDelayMax = 30
)

func genLineitem(e *env, c *chunk, first, n int64) {
	var (
		date       = newStream(orderDateSeed, 1, first)
		lines      = newStream(orderLinesSeed, 1, first)
		ls         = newLineStreams(first)
		supplier   = newStream(lineSupplierSeed, maxLines, first)
		commit     = newStream(lineCommitSeed, maxLines, first)
		receipt    = newStream(lineReceiptSeed, maxLines, first)
		returnFlag = newStream(lineReturnFlagSeed, maxLines, first)
		instruct   = newStream(lineInstructSeed, maxLines, first)
		shipMode   = newStream(lineShipModeSeed, maxLines, first)
		cmt        = newTextStream(e.pool, lineCommentSeed, lineCommentLen, maxLines, first)
	)
	cols := c.cols
	rows := 0
	for i := first + 1; i <= first+n; i++ {
		key := orderKey(i)
		day := epochDay1992 + date.intIn(0, orderDateMax)
		count := lines.intIn(1, maxLines)
		for line := int64(1); line <= count; line++ {
			qty := ls.quantity.intIn(1, 50)
			disc := ls.discount.intIn(0, 10)
			tax := ls.tax.intIn(0, 8)
			part := ls.partKey.intIn(1, e.parts)
			supp := partSupplier(part, supplier.intIn(0, suppliersPerPart-1), e.suppliers)
			ship := day + ls.shipDelay.intIn(shipDelayMin, shipDelayMax)
			committed := day + commit.intIn(commitDelayMin, commitDelayMax)
			received := ship + receipt.intIn(receiptDelayMin, receiptDelayMax)

			cols[0].addInt(key)
			cols[1].addInt(part)
			cols[2].addInt(supp)
			cols[3].addInt(line)
			cols[4].addInt(qty * 100)
			cols[5].addInt(retailPrice(part) * qty)
			cols[6].addInt(disc)
			cols[7].addInt(tax)
			// Lines received by the current date are returned (R) or
			// accepted (A); the others are not yet (N).
			if received <= currentDate {
				cols[8].addCode(distReturnFlags.pick(&returnFlag))
			} else {
				cols[8].addCode(returnFlagNone)
			}
			if ship <= currentDate {
				cols[9].addCode(lineFilled)
			} else {
				cols[9].addCode(lineOpen)
			}
			cols[10].addInt32(int32(ship))
			cols[11].addInt32(int32(committed))
			cols[12].addInt32(int32(received))
			cols[13].addCode(distInstructions.pick(&instruct))
			cols[14].addCode(distShipModes.pick(&shipMode))
			cmt.addTo(&cols[15])
		}
		rows += int(count)

		date.endRow()
		lines.endRow()
		ls.endRow()
		supplier.endRow()
		commit.endRow()
		receipt.endRow()
		returnFlag.endRow()
		instruct.endRow()
		shipMode.endRow()
		cmt.s.endRow()
	}
	c.rows += rows
}

// LineitemRows returns the number of lineitem rows at scale factor sf: the
// sum of each order's number of lines, drawn from its stream (one draw per
// order, so counting is cheap: about 10 ms per scale factor).
func LineitemRows(sf float64) int64 {
	return lineitemRows(0, scaled(orderBase, sf))
}

// lineitemRows counts the lines of orders [first, first+n).
func lineitemRows(first, n int64) int64 {
	s := newStream(orderLinesSeed, 1, first)
	var total int64
	for range n {
		total += s.intIn(1, maxLines)
		s.used = 0
	}
	return total
}
