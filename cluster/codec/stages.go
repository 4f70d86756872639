package codec

import (
	"context"
	"errors"
	"fmt"

	"github.com/ember-sql/ember/planner/physical"
	emberpb "github.com/ember-sql/ember/proto"
)

// EncodeStagePlan encodes a plan cut into stages, with the specs of the
// tables its scans read, each once.
func EncodeStagePlan(p *physical.StagePlan) (*emberpb.StagePlan, error) {
	if p == nil || len(p.Stages) == 0 {
		return nil, errors.New("empty stage plan")
	}
	e := newEncoder()
	out := &emberpb.StagePlan{Stages: make([]*emberpb.Stage, len(p.Stages))}
	for i, st := range p.Stages {
		root, err := e.node(st.Root)
		if err != nil {
			return nil, fmt.Errorf("stage %d: %w", st.ID, err)
		}
		m := &emberpb.Stage{Id: int32(st.ID), Root: root}
		if st.Output != nil {
			if m.Output, err = encodePartitioning(*st.Output); err != nil {
				return nil, fmt.Errorf("stage %d: %w", st.ID, err)
			}
		}
		for _, in := range st.Inputs {
			m.Inputs = append(m.Inputs, int32(in))
		}
		out.Stages[i] = m
	}
	out.Tables = e.tables
	return out, nil
}

// DecodeStagePlan decodes a plan written by EncodeStagePlan, opening each
// table once. It checks that stages are listed after their inputs, that
// only the last one has no output, and that every StageInput reads an
// input of its stage.
func DecodeStagePlan(ctx context.Context, m *emberpb.StagePlan) (*physical.StagePlan, error) {
	if m == nil || len(m.Stages) == 0 {
		return nil, errors.New("empty stage plan")
	}
	d := newDecoder(ctx, m.Tables)
	out := &physical.StagePlan{Stages: make([]*physical.Stage, len(m.Stages))}
	for i, sm := range m.Stages {
		if sm == nil {
			return nil, fmt.Errorf("stage %d is missing", i)
		}
		if int(sm.Id) != i {
			return nil, fmt.Errorf("stage %d is listed at position %d", sm.Id, i)
		}
		root, err := d.node(sm.Root)
		if err != nil {
			return nil, fmt.Errorf("stage %d: %w", i, err)
		}
		st := &physical.Stage{ID: i, Root: root}
		last := i == len(m.Stages)-1
		switch {
		case sm.Output != nil && !last:
			p, err := decodePartitioning(sm.Output)
			if err != nil {
				return nil, fmt.Errorf("stage %d: %w", i, err)
			}
			if err := checkRefs(root.Schema(), p.Keys...); err != nil {
				return nil, fmt.Errorf("stage %d output: %w", i, err)
			}
			st.Output = &p
		case sm.Output == nil && !last:
			return nil, fmt.Errorf("stage %d has no output but is not the final stage", i)
		case sm.Output != nil && last:
			return nil, fmt.Errorf("the final stage %d has a shuffle output", i)
		}
		inputs := map[int]bool{}
		for _, in := range sm.Inputs {
			if in < 0 || int(in) >= i {
				return nil, fmt.Errorf("stage %d reads stage %d, which does not come before it", i, in)
			}
			st.Inputs = append(st.Inputs, int(in))
			inputs[int(in)] = true
		}
		if err := checkStageInputs(root, inputs); err != nil {
			return nil, fmt.Errorf("stage %d: %w", i, err)
		}
		out.Stages[i] = st
	}
	return out, nil
}

// checkStageInputs checks that the StageInput leaves of a stage read
// stages it lists as inputs.
func checkStageInputs(n physical.Node, inputs map[int]bool) error {
	if si, ok := n.(*physical.StageInput); ok && !inputs[si.Stage] {
		return fmt.Errorf("reads stage %d, which is not one of its inputs", si.Stage)
	}
	for _, c := range n.Children() {
		if err := checkStageInputs(c, inputs); err != nil {
			return err
		}
	}
	return nil
}
