package dbgen

// Seeds and domains of the customer streams.
const (
	custAddressSeed = 881155353
	custNationSeed  = 1489529863
	custPhoneSeed   = 1521138112
	custBalanceSeed = 298370230
	custSegmentSeed = 1140279430
	custCommentSeed = 1335826707
	custAddressLen  = 25
	custCommentLen  = 73
)

func genCustomer(e *env, c *chunk, first, n int64) {
	var (
		address = newStream(custAddressSeed, addressDraws, first)
		nation  = newStream(custNationSeed, 1, first)
		phone   = newStream(custPhoneSeed, phoneDraws, first)
		balance = newStream(custBalanceSeed, 1, first)
		segment = newStream(custSegmentSeed, 1, first)
		cmt     = newTextStream(e.pool, custCommentSeed, custCommentLen, 1, first)
	)
	cols := c.cols
	for key := first + 1; key <= first+n; key++ {
		cols[0].addInt(key)
		cols[1].text = appendKeyName(cols[1].text, "Customer#", key)
		cols[1].endText()
		cols[2].text = appendAddress(cols[2].text, &address, custAddressLen)
		cols[2].endText()
		nk := nation.intIn(0, int64(len(nationNames))-1)
		cols[3].addInt32(int32(nk))
		cols[4].text = appendPhone(cols[4].text, &phone, nk)
		cols[4].endText()
		cols[5].addInt(balance.intIn(balanceMin, balanceMax))
		cols[6].addCode(distSegments.pick(&segment))
		cmt.addTo(&cols[7])

		address.endRow()
		nation.endRow()
		phone.endRow()
		balance.endRow()
		segment.endRow()
		cmt.s.endRow()
	}
	c.rows += int(n)
}
