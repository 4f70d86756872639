package dbgen

// Seeds and domains of the supplier streams.
const (
	suppAddressSeed  = 706178559
	suppNationSeed   = 110356601
	suppPhoneSeed    = 884434366
	suppBalanceSeed  = 962338209
	suppCommentSeed  = 1341315363
	suppBBBSeed      = 202794285
	suppBBBJunkSeed  = 263032577
	suppBBBPlaceSeed = 715851524
	suppBBBTypeSeed  = 753643799
	suppAddressLen   = 25
	suppCommentLen   = 63

	// 10 suppliers in 10,000 (whatever the scale factor) have "Customer …
	// Complaints" or "Customer … Recommends" written into their comment,
	// which query 16 looks for.
	bbbPerBase      = 10
	bbbBase         = 10_000
	bbbComplaintPct = 50
	bbbCustomer     = "Customer "
	bbbComplaints   = "Complaints"
	bbbRecommends   = "Recommends"
)

// Account balances, in cents, of suppliers and customers.
const (
	balanceMin = -99999
	balanceMax = 999999
)

func genSupplier(e *env, c *chunk, first, n int64) {
	var (
		address = newStream(suppAddressSeed, addressDraws, first)
		nation  = newStream(suppNationSeed, 1, first)
		phone   = newStream(suppPhoneSeed, phoneDraws, first)
		balance = newStream(suppBalanceSeed, 1, first)
		cmt     = newTextStream(e.pool, suppCommentSeed, suppCommentLen, 1, first)
		bbb     = newStream(suppBBBSeed, 1, first)
		junk    = newStream(suppBBBJunkSeed, 1, first)
		place   = newStream(suppBBBPlaceSeed, 1, first)
		typ     = newStream(suppBBBTypeSeed, 1, first)
	)
	cols := c.cols
	for key := first + 1; key <= first+n; key++ {
		cols[0].addInt(key)
		cols[1].text = appendKeyName(cols[1].text, "Supplier#", key)
		cols[1].endText()
		cols[2].text = appendAddress(cols[2].text, &address, suppAddressLen)
		cols[2].endText()
		nk := nation.intIn(0, int64(len(nationNames))-1)
		cols[3].addInt32(int32(nk))
		cols[4].text = appendPhone(cols[4].text, &phone, nk)
		cols[4].endText()
		cols[5].addInt(balance.intIn(balanceMin, balanceMax))

		comment := cmt.next()
		start := len(cols[6].text)
		cols[6].text = append(cols[6].text, comment...)
		if bbb.intIn(1, bbbBase) <= bbbPerBase {
			// Overwrite, in place, "Customer " then after some junk
			// "Complaints" or "Recommends".
			out := cols[6].text[start:]
			l := int64(len(out))
			noise := junk.intIn(0, l-int64(len(bbbCustomer)+len(bbbComplaints)))
			at := place.intIn(0, l-(int64(len(bbbCustomer)+len(bbbComplaints))+noise))
			word := bbbRecommends
			if typ.intIn(0, 100) < bbbComplaintPct {
				word = bbbComplaints
			}
			copy(out[at:], bbbCustomer)
			copy(out[at+int64(len(bbbCustomer))+noise:], word)
		}
		cols[6].endText()

		address.endRow()
		nation.endRow()
		phone.endRow()
		balance.endRow()
		cmt.s.endRow()
		bbb.endRow()
		junk.endRow()
		place.endRow()
		typ.endRow()
	}
	c.rows += int(n)
}
