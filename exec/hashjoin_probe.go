package exec

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/exec/eval"
	"github.com/ember-sql/ember/exec/hashing"
	"github.com/ember-sql/ember/planner"
)

// startProbe looks up the keys of a new probe batch and picks the first
// phase for it.
func (j *hashJoin) startProbe(b arrow.RecordBatch) error {
	j.probe = b
	n := int(b.NumRows())
	j.groups = aggGrowSlice(j.groups[:0], n)
	j.matched = aggGrowSlice(j.matched[:0], n)
	j.unknown = aggGrowSlice(j.unknown[:0], n)
	j.row, j.pos, j.tailPos, j.sel = 0, 0, 0, j.sel[:0]
	keys, err := evalAll(j.tc.Mem, j.leftKeys, b)
	if err != nil {
		return err
	}
	err = j.build.table.Lookup(keys, j.groups)
	if err == nil && j.isMarkLike() {
		j.keyNull = aggGrowSlice(j.keyNull[:0], n)
		for k, col := range keys {
			if j.nullSafe[k] || col.NullN() == 0 {
				continue
			}
			bm, off := aggNulls(col)
			for i := range n {
				if !aggValid(bm, off, i) {
					j.keyNull[i] = true
				}
			}
		}
	}
	freeArrays(keys)
	if err != nil {
		return fmt.Errorf("join: %w", err)
	}
	j.phase = phaseMatch
	if !j.emitsPairs() && j.filter == nil {
		// Without a residual filter, a key match is a match.
		for i, g := range j.groups {
			j.matched[i] = g != hashing.NoGroup
			if j.matched[i] && j.buildSideResult() {
				for _, r := range j.build.candidates(g) {
					j.build.matched[r] = true
				}
			}
		}
		j.afterMatch()
	}
	return nil
}

// afterMatch moves on from the match phase.
func (j *hashJoin) afterMatch() {
	j.row, j.pos = 0, 0
	j.phase = phaseTail
	if !j.isMarkLike() {
		return
	}
	if j.fastMark {
		// One key, no filter: a row without a match is unknown when its key
		// is NULL and the build side has rows, or when the build side holds
		// a NULL key.
		nullKeys := len(j.build.nullKeyRows) > 0
		for i, m := range j.matched {
			if !m && ((j.keyNull[i] && j.build.rows > 0) || nullKeys) {
				j.unknown[i] = true
			}
		}
		return
	}
	if j.unknownCond != nil {
		j.phase = phaseUnknown
	}
}

// endProbe releases the current probe batch.
func (j *hashJoin) endProbe() {
	if j.probe != nil {
		j.probe.Release()
		j.probe = nil
	}
	j.phase = phaseDone
}

// step returns the next output of the current probe batch: a batch (maybe
// empty), or nil when the batch is finished. Pairs that produce no output
// (semi, anti and mark joins, a condition that rarely holds) can keep it
// here for a long time, so it checks ctx between chunks of pairs.
func (j *hashJoin) step(ctx context.Context) (arrow.RecordBatch, error) {
	for {
		switch j.phase {
		case phaseMatch, phaseUnknown:
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			finished := j.fillPairs()
			var out arrow.RecordBatch
			if len(j.li) > 0 {
				var err error
				if out, err = j.processPairs(); err != nil {
					return nil, err
				}
			}
			if finished {
				if j.phase == phaseMatch {
					j.afterMatch()
				} else {
					j.phase = phaseTail
				}
			}
			if out != nil {
				return out, nil
			}
		case phaseTail:
			out, err := j.tail()
			if out == nil && err == nil {
				j.phase = phaseDone
				continue
			}
			return out, err
		default:
			return nil, nil
		}
	}
}

// candidates are the build rows to pair with probe row r in the current
// phase.
func (j *hashJoin) candidates(r int) []int32 {
	if j.phase == phaseMatch {
		if j.matched[r] && !j.emitsPairs() && !j.buildSideResult() {
			return nil // a semi, anti or mark result is settled by one match
		}
		return j.build.candidates(j.groups[r])
	}
	if j.matched[r] || j.unknown[r] {
		return nil
	}
	if j.keyNull[r] {
		return j.build.allRows()
	}
	return j.build.nullKeyRows
}

// fillPairs collects up to tc.BatchSize candidate pairs into j.li, j.ri,
// resuming where the last call stopped; it reports whether the phase has
// no pairs left.
func (j *hashJoin) fillPairs() bool {
	limit := max(1, j.tc.BatchSize)
	li, ri := j.li[:0], j.ri[:0]
	n := int(j.probe.NumRows())
	for j.row < n {
		cands := j.candidates(j.row)
		for j.pos < len(cands) {
			k := min(len(cands)-j.pos, limit-len(li))
			for _, b := range cands[j.pos : j.pos+k] {
				li = append(li, int32(j.row))
				ri = append(ri, b)
			}
			j.pos += k
			if len(li) == limit {
				if j.pos == len(cands) {
					j.row, j.pos = j.row+1, 0
				}
				j.li, j.ri = li, ri
				return j.row >= n
			}
		}
		j.row, j.pos = j.row+1, 0
	}
	j.li, j.ri = li, ri
	return true
}

// processPairs evaluates the condition of the current phase over the pairs
// in j.li, j.ri, records which probe and build rows matched, and returns
// the matched pairs when they are output rows (else nil).
func (j *hashJoin) processPairs() (arrow.RecordBatch, error) {
	mem := j.tc.Mem
	cond := j.filter
	if j.phase == phaseUnknown {
		cond = j.unknownCond
	}
	pairs, err := j.pairBatch(j.li, j.ri)
	if err != nil {
		return nil, err
	}
	defer pairs.Release()
	var mask *array.Boolean
	if cond != nil {
		m, err := cond.Eval(mem, pairs)
		if err != nil {
			return nil, err
		}
		defer m.Release()
		var ok bool
		if mask, ok = m.(*array.Boolean); !ok {
			return nil, fmt.Errorf("join: condition evaluated to %s", m.DataType())
		}
	}
	if err := j.record(mask); err != nil {
		return nil, err
	}
	if j.phase != phaseMatch || !j.emitsPairs() {
		return nil, nil
	}
	kept := pairs
	if mask != nil {
		if kept, err = eval.Filter(mem, pairs, mask); err != nil {
			return nil, err
		}
		defer kept.Release()
	}
	return array.NewRecordBatch(j.schema, kept.Columns(), kept.NumRows()), nil
}

// record notes the pairs that hold (all of them when mask is nil).
func (j *hashJoin) record(mask *array.Boolean) error {
	var vbm []byte
	voff := 0
	if mask != nil {
		vbm, voff = aggNulls(mask)
	}
	keepRight := j.keepsBuildRows()
	nullMarks := j.nested && j.isMarkLike()
	for k, l := range j.li {
		holds := true
		if mask != nil {
			valid := aggValid(vbm, voff, k)
			holds = valid && mask.Value(k)
			if !valid && nullMarks && j.phase == phaseMatch {
				j.unknown[l] = true // the condition is unknown for this pair
			}
		}
		if !holds {
			continue
		}
		if j.phase == phaseUnknown {
			j.unknown[l] = true
			continue
		}
		if j.matched[l] && j.typ == planner.JoinSingle {
			return errScalarSubquery
		}
		j.matched[l] = true
		if keepRight {
			j.build.matched[j.ri[k]] = true
		}
	}
	return nil
}

// pairBatch gathers the probe rows li and the build rows ri side by side.
func (j *hashJoin) pairBatch(li, ri []int32) (arrow.RecordBatch, error) {
	mem := j.tc.Mem
	lt, err := eval.TakeBatch(mem, j.probe, li)
	if err != nil {
		return nil, err
	}
	defer lt.Release()
	rt, err := eval.TakeBatch(mem, j.build.batch, ri)
	if err != nil {
		return nil, err
	}
	defer rt.Release()
	cols := append(append(make([]arrow.Array, 0, j.pairSchema.NumFields()), lt.Columns()...), rt.Columns()...)
	return array.NewRecordBatch(j.pairSchema, cols, int64(len(li))), nil
}

// tail returns the next batch that depends on the whole probe batch, or
// nil when there is none left.
func (j *hashJoin) tail() (arrow.RecordBatch, error) {
	n := int(j.probe.NumRows())
	limit := max(1, j.tc.BatchSize)
	if j.typ == planner.JoinMark {
		if j.tailPos >= n {
			return nil, nil
		}
		from, to := j.tailPos, min(n, j.tailPos+limit)
		j.tailPos = to
		return j.markBatch(from, to), nil
	}
	if j.tailPos == 0 && len(j.sel) == 0 {
		j.sel = j.selectTail(j.sel[:0])
	}
	if j.tailPos >= len(j.sel) {
		return nil, nil
	}
	mem := j.tc.Mem
	switch j.typ {
	case planner.JoinLeft, planner.JoinFull, planner.JoinSingle:
		chunk := j.sel[j.tailPos:min(len(j.sel), j.tailPos+limit)]
		j.tailPos += len(chunk)
		lt, err := eval.TakeBatch(mem, j.probe, chunk)
		if err != nil {
			return nil, err
		}
		defer lt.Release()
		return joinWithNulls(mem, j.schema, lt.Columns(), nil, nil, j.rightTypes, len(chunk)), nil
	default: // Semi, Anti, NullAwareAnti
		if len(j.sel) == n && n <= limit {
			j.tailPos = n
			j.probe.Retain()
			return j.probe, nil
		}
		chunk := j.sel[j.tailPos:min(len(j.sel), j.tailPos+limit)]
		j.tailPos += len(chunk)
		return eval.TakeBatch(mem, j.probe, chunk)
	}
}

// selectTail lists the probe rows the tail outputs.
func (j *hashJoin) selectTail(sel []int32) []int32 {
	for i, m := range j.matched {
		var keep bool
		switch j.typ {
		case planner.JoinLeft, planner.JoinFull, planner.JoinSingle, planner.JoinAnti:
			keep = !m
		case planner.JoinSemi:
			keep = m
		case planner.JoinNullAwareAnti:
			keep = !m && !j.unknown[i]
		}
		if keep {
			sel = append(sel, int32(i))
		}
	}
	return sel
}

// markBatch returns probe rows [from, to) with their marks: TRUE when
// matched, NULL when unknown, else FALSE.
func (j *hashJoin) markBatch(from, to int) arrow.RecordBatch {
	mem := j.tc.Mem
	n := to - from
	vals := memory.NewResizableBuffer(mem)
	vals.Resize(int(bitutil.BytesForBits(int64(n))))
	vb := vals.Bytes()
	clear(vb)
	var valid *memory.Buffer
	nulls := 0
	for i := 0; i < n; i++ {
		if j.matched[from+i] {
			bitutil.SetBit(vb, i)
		} else if j.unknown[from+i] {
			nulls++
		}
	}
	if nulls > 0 {
		valid = memory.NewResizableBuffer(mem)
		valid.Resize(int(bitutil.BytesForBits(int64(n))))
		bm := valid.Bytes()
		clear(bm)
		for i := 0; i < n; i++ {
			if j.matched[from+i] || !j.unknown[from+i] {
				bitutil.SetBit(bm, i)
			}
		}
	}
	mark := aggArray(arrow.FixedWidthTypes.Boolean, n, nulls, valid, vals)
	defer mark.Release()
	src := j.probe
	if from > 0 || to < int(j.probe.NumRows()) {
		src = j.probe.NewSlice(int64(from), int64(to))
		defer src.Release()
	}
	cols := append(append(make([]arrow.Array, 0, j.schema.NumFields()), src.Columns()...), mark)
	return array.NewRecordBatch(j.schema, cols, int64(n))
}

// nextRightTail returns the next batch of unmatched build rows of a Right
// or Full join (with NULL left columns), or nil when there is none left.
func (j *hashJoin) nextRightTail() (arrow.RecordBatch, error) {
	if !j.keepsBuildRows() {
		return nil, nil
	}
	if !j.rightTailOn {
		j.rightTailOn = true
		// RightSemi keeps the matched build rows; the others the rest.
		want := j.typ == planner.JoinRightSemi
		for r, m := range j.build.matched {
			if m == want {
				j.rightTail = append(j.rightTail, int32(r))
			}
		}
	}
	if len(j.rightTail) == 0 {
		return nil, nil
	}
	chunk := j.rightTail[:min(len(j.rightTail), max(1, j.tc.BatchSize))]
	j.rightTail = j.rightTail[len(chunk):]
	rt, err := eval.TakeBatch(j.tc.Mem, j.build.batch, chunk)
	if err != nil {
		return nil, err
	}
	if j.buildSideResult() {
		out := array.NewRecordBatch(j.schema, rt.Columns(), rt.NumRows())
		rt.Release()
		return out, nil
	}
	defer rt.Release()
	return joinWithNulls(j.tc.Mem, j.schema, nil, j.leftTypes, rt.Columns(), nil, len(chunk)), nil
}
