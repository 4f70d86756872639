package exec

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/exec/eval"
	"github.com/ember-sql/ember/planner"
)

// HashJoinSpec describes an equi-join.
type HashJoinSpec struct {
	// Type is any join type. An Inner join without keys is a cross product,
	// better served by a nested loop join, but it works here too.
	Type planner.JoinType
	// LeftKeys and RightKeys are the equi-join keys over the left and the
	// right schema, pairwise of the same type.
	LeftKeys, RightKeys []planner.Expr
	// NullSafe says per key whether NULL matches NULL (IS NOT DISTINCT FROM,
	// for INTERSECT and EXCEPT); nil means no key is null-safe.
	NullSafe []bool
	// Filter is a residual condition over the left columns followed by the
	// right ones, or nil. A pair of rows matches only when its keys are equal
	// and Filter is TRUE, which decides outer, semi, anti and mark results.
	Filter planner.Expr
	// ShareBuild, when not nil, identifies a broadcast join whose hash table
	// all the query's tasks share through TaskContext.Query: built once by
	// the first task, read by all. Only for joins that never mark build
	// rows (not Right or Full).
	ShareBuild any
}

// joinPhase is what a hash join is doing with its current probe batch.
type joinPhase int

const (
	// phaseMatch pairs each probe row with the build rows of equal keys.
	phaseMatch joinPhase = iota
	// phaseUnknown (mark and null-aware anti joins) pairs the rows left
	// without a match with the build rows that would make SQL's IN unknown.
	phaseUnknown
	// phaseTail emits what depends on the whole probe batch: unmatched left
	// rows, semi and anti results, marks.
	phaseTail
	phaseDone
)

// hashJoin builds a hash table on its right input at the first Next, then
// streams the left input through it. It also runs nested loop joins: with
// no keys every build row is a candidate for every probe row.
type hashJoin struct {
	tc          *TaskContext
	left, right Operator
	typ         planner.JoinType
	schema      *arrow.Schema
	leftWidth   int
	leftTypes   []arrow.DataType
	rightTypes  []arrow.DataType

	leftKeys, rightKeys []boundExpr
	nullSafe            []bool
	// filter is the residual condition over left ++ right; pairSchema is
	// that concatenation's schema.
	filter     *eval.Evaluator
	pairSchema *arrow.Schema
	// unknownCond (mark and null-aware anti joins) is TRUE for a pair whose
	// key comparison is unknown because of a NULL and whose filter holds.
	unknownCond *eval.Evaluator
	// fastMark: one key and no filter, so marks follow from the lookup.
	fastMark bool
	// nested: a nested loop join; a mark is NULL where the condition is.
	nested bool

	built bool
	// buildErr is the error the build failed with, returned again by
	// every later Next.
	buildErr error
	build    buildSide
	// shareKey names the shared build (see HashJoinSpec.ShareBuild);
	// shared tells that j.build belongs to the QueryState, not to j.
	shareKey any
	shared   bool

	// The current probe batch and its progress.
	probe       arrow.RecordBatch
	groups      []uint32
	keyNull     []bool // a NULL in a key that is not null-safe
	matched     []bool
	unknown     []bool
	phase       joinPhase
	row, pos    int // next candidate pair: probe row, index in its candidates
	tailPos     int // next probe row of the tail
	li, ri      []int32
	sel         []int32
	leftDone    bool
	rightTail   []int32 // unmatched build rows still to emit (Right, Full)
	rightTailOn bool
	done        bool
	closed      bool
}

// NewHashJoin joins left and right on spec's keys: it builds a hash table
// on right (read fully at the first Next) and streams left through it. The
// output schema is planner.JoinSchema(left, right, spec.Type); batches have
// at most about tc.BatchSize rows, however many matches a probe row has.
// Unmatched build rows of Right and Full joins come after the probe side is
// exhausted. NullAwareAnti and Mark follow SQL's NOT IN and IN: see
// planner.JoinType.
func NewHashJoin(tc *TaskContext, left, right Operator, spec HashJoinSpec) (Operator, error) {
	if tc == nil || left == nil || right == nil {
		return nil, errors.New("hash join: nil task context or input")
	}
	if len(spec.LeftKeys) != len(spec.RightKeys) {
		return nil, fmt.Errorf("hash join: %d left keys but %d right keys", len(spec.LeftKeys), len(spec.RightKeys))
	}
	if spec.NullSafe != nil && len(spec.NullSafe) != len(spec.LeftKeys) {
		return nil, fmt.Errorf("hash join: %d null-safe flags for %d keys", len(spec.NullSafe), len(spec.LeftKeys))
	}
	j, err := newJoin(tc, left, right, spec.Type, spec.Filter)
	if err != nil {
		return nil, fmt.Errorf("hash join: %w", err)
	}
	if spec.ShareBuild != nil && tc.Query != nil && !j.keepsBuildRows() {
		j.shareKey = spec.ShareBuild
	}
	j.nullSafe = spec.NullSafe
	if j.nullSafe == nil {
		j.nullSafe = make([]bool, len(spec.LeftKeys))
	}
	for i := range spec.LeftKeys {
		lt, rt := spec.LeftKeys[i].Type(), spec.RightKeys[i].Type()
		if !arrow.TypeEqual(lt, rt) && !joinSameKeyStorage(lt, rt) {
			return nil, fmt.Errorf("hash join: key %d is %s on the left but %s on the right", i, planner.TypeName(lt), planner.TypeName(rt))
		}
	}
	if j.leftKeys, err = bindExprs(spec.LeftKeys, left.Schema()); err != nil {
		return nil, fmt.Errorf("hash join: left key: %w", err)
	}
	if j.rightKeys, err = bindExprs(spec.RightKeys, right.Schema()); err != nil {
		return nil, fmt.Errorf("hash join: right key: %w", err)
	}
	if j.isMarkLike() {
		j.fastMark = spec.Filter == nil && len(spec.LeftKeys) == 1
		if !j.fastMark && len(spec.LeftKeys) > 0 {
			cond := joinUnknownCond(spec.LeftKeys, spec.RightKeys, j.nullSafe, j.leftWidth, spec.Filter)
			if j.unknownCond, err = eval.Compile(cond, j.pairSchema); err != nil {
				return nil, fmt.Errorf("hash join: %w", err)
			}
		}
	}
	return j, nil
}

// newJoin sets up what hash and nested loop joins share.
func newJoin(tc *TaskContext, left, right Operator, typ planner.JoinType, filter planner.Expr) (*hashJoin, error) {
	if typ < planner.JoinInner || typ > planner.JoinRightAnti {
		return nil, fmt.Errorf("unknown join type %d", typ)
	}
	ls, rs := left.Schema(), right.Schema()
	j := &hashJoin{
		tc: tc, left: left, right: right, typ: typ,
		schema:     planner.JoinSchema(ls, rs, typ),
		leftWidth:  ls.NumFields(),
		pairSchema: arrow.NewSchema(append(append([]arrow.Field(nil), ls.Fields()...), rs.Fields()...), nil),
	}
	for _, f := range ls.Fields() {
		j.leftTypes = append(j.leftTypes, f.Type)
	}
	for _, f := range rs.Fields() {
		j.rightTypes = append(j.rightTypes, f.Type)
	}
	if filter != nil {
		if filter.Type().ID() != arrow.BOOL {
			return nil, fmt.Errorf("condition %s is %s, not BOOLEAN", filter, planner.TypeName(filter.Type()))
		}
		ev, err := eval.Compile(filter, j.pairSchema)
		if err != nil {
			return nil, fmt.Errorf("condition: %w", err)
		}
		j.filter = ev
	}
	return j, nil
}

// joinSameKeyStorage accepts key types that differ only where values compare
// alike: decimals of one scale, timestamps of one unit.
func joinSameKeyStorage(a, b arrow.DataType) bool {
	if a.ID() != b.ID() {
		return false
	}
	switch a := a.(type) {
	case *arrow.Decimal128Type:
		return a.Scale == b.(*arrow.Decimal128Type).Scale
	case *arrow.TimestampType:
		return a.Unit == b.(*arrow.TimestampType).Unit
	}
	return false
}

// isMarkLike reports whether the join computes a three-valued mark per
// left row (Mark outputs it, NullAwareAnti keeps the FALSE rows).
func (j *hashJoin) isMarkLike() bool {
	return j.typ == planner.JoinMark || j.typ == planner.JoinNullAwareAnti
}

// emitsPairs reports whether matched pairs are output rows.
func (j *hashJoin) emitsPairs() bool {
	switch j.typ {
	case planner.JoinInner, planner.JoinLeft, planner.JoinRight, planner.JoinFull, planner.JoinSingle:
		return true
	}
	return false
}

// Schema implements Operator.
func (j *hashJoin) Schema() *arrow.Schema { return j.schema }

// Open implements Operator.
func (j *hashJoin) Open(ctx context.Context) error {
	if err := j.left.Open(ctx); err != nil {
		return err
	}
	return j.right.Open(ctx)
}

// Next implements Operator.
func (j *hashJoin) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if j.done || j.closed {
		return nil, io.EOF
	}
	if j.buildErr != nil {
		return nil, j.buildErr
	}
	if !j.built {
		if j.shareKey != nil {
			b, err := j.tc.Query.buildFor(ctx, j.shareKey, j.buildTable)
			if err != nil {
				j.buildErr = err
				return nil, err
			}
			j.build, j.shared = *b, true
			// Lookups need scratch space of their own.
			j.build.table = b.table.Prober()
		} else if err := j.buildTable(ctx, &j.build); err != nil {
			// A failed build is half made (its input read, its rows
			// kept until Close): building again would leak and misread it.
			j.buildErr = err
			return nil, err
		}
		j.built = true
		// NOT IN over a set holding NULL is never TRUE.
		if j.typ == planner.JoinNullAwareAnti && j.fastMark && len(j.build.nullKeyRows) > 0 {
			j.finish()
			return nil, io.EOF
		}
	}
	for {
		// A probe batch can pair with very many build rows (a cross join):
		// notice a cancelled query between output batches, not only when
		// the inputs are next read.
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if j.probe == nil {
			if j.leftDone {
				out, err := j.nextRightTail()
				if out == nil && err == nil {
					j.finish()
					return nil, io.EOF
				}
				return out, err
			}
			b, err := j.left.Next(ctx)
			if err == io.EOF {
				j.leftDone = true
				continue
			}
			if err != nil {
				return nil, err
			}
			if err := j.startProbe(b); err != nil {
				return nil, err
			}
		}
		out, err := j.step(ctx)
		if err != nil {
			return nil, err
		}
		if out != nil {
			if out.NumRows() > 0 {
				return out, nil
			}
			out.Release()
			continue
		}
		j.endProbe()
	}
}

// finish frees everything once the output is complete.
func (j *hashJoin) finish() {
	j.done = true
	j.endProbe()
	j.releaseBuild()
}

// releaseBuild frees the build side unless the query shares it.
func (j *hashJoin) releaseBuild() {
	if j.shared {
		j.build = buildSide{}
		return
	}
	j.build.release()
}

// Close implements Operator.
func (j *hashJoin) Close() error {
	if j.closed {
		return nil
	}
	j.closed = true
	j.endProbe()
	j.releaseBuild()
	err := j.left.Close()
	if err2 := j.right.Close(); err == nil {
		err = err2
	}
	return err
}

// MemSize is the number of bytes of Go memory the hash table holds (the
// build rows themselves are Arrow memory from tc.Mem).
func (j *hashJoin) MemSize() int { return j.build.size() }

var _ Operator = (*hashJoin)(nil)

// errScalarSubquery is a Single join's second match for one left row.
var errScalarSubquery = errors.New("scalar subquery returned more than one row")

// keepsBuildRows reports whether unmatched build rows are output.
func (j *hashJoin) keepsBuildRows() bool {
	return j.typ == planner.JoinRight || j.typ == planner.JoinFull || j.buildSideResult()
}

// buildSideResult reports whether the output is build rows alone, chosen
// by whether some probe row matched them (RightSemi, RightAnti).
func (j *hashJoin) buildSideResult() bool {
	return j.typ == planner.JoinRightSemi || j.typ == planner.JoinRightAnti
}
