package codec

import (
	"errors"
	"fmt"
	"sort"

	"github.com/ember-sql/ember/catalog"
	emberpb "github.com/ember-sql/ember/proto"
)

// EncodeTableSpec encodes a table descriptor; options are sorted by key so
// that the bytes are deterministic.
func EncodeTableSpec(s catalog.TableSpec) (*emberpb.TableSpec, error) {
	m := &emberpb.TableSpec{
		Kind:             emberpb.TableKind(s.Kind),
		Format:           s.Format,
		Paths:            s.Paths,
		MemoryPartitions: s.Memory,
		MemoryRows:       s.MemoryRows,
	}
	if s.Kind < catalog.SpecFiles || s.Kind > catalog.SpecMemory {
		return nil, fmt.Errorf("unknown table spec kind %d", int(s.Kind))
	}
	if s.Schema != nil {
		schema, err := EncodeSchema(s.Schema)
		if err != nil {
			return nil, err
		}
		m.Schema = schema
	}
	keys := make([]string, 0, len(s.Options))
	for k := range s.Options {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		m.Options = append(m.Options, &emberpb.KeyValue{Key: k, Value: s.Options[k]})
	}
	for _, vals := range s.PartitionValues {
		list := &emberpb.ValueList{Values: make([]*emberpb.Value, len(vals))}
		for i, v := range vals {
			pv, err := encodeValue(v)
			if err != nil {
				return nil, fmt.Errorf("partition value: %w", err)
			}
			list.Values[i] = pv
		}
		m.PartitionValues = append(m.PartitionValues, list)
	}
	if s.Kind == catalog.SpecRange {
		m.Range = &emberpb.RangeSpec{Start: s.Range.Start, Step: s.Range.Step, Rows: s.Range.Rows, Partitions: int32(s.Range.Partitions)}
	}
	return m, nil
}

// DecodeTableSpec decodes a descriptor written by EncodeTableSpec;
// catalog.OpenSpec opens it.
func DecodeTableSpec(m *emberpb.TableSpec) (catalog.TableSpec, error) {
	if m == nil {
		return catalog.TableSpec{}, errors.New("missing table spec")
	}
	if m.Kind < emberpb.TableKind_TABLE_KIND_FILES || m.Kind > emberpb.TableKind_TABLE_KIND_MEMORY {
		return catalog.TableSpec{}, fmt.Errorf("unknown table kind %d", m.Kind)
	}
	s := catalog.TableSpec{
		Kind:       catalog.SpecKind(m.Kind),
		Format:     m.Format,
		Paths:      m.Paths,
		Memory:     m.MemoryPartitions,
		MemoryRows: m.MemoryRows,
	}
	if m.Schema != nil {
		schema, err := DecodeSchema(m.Schema)
		if err != nil {
			return s, err
		}
		s.Schema = schema
	}
	if len(m.Options) > 0 {
		s.Options = make(map[string]string, len(m.Options))
		for _, kv := range m.Options {
			s.Options[kv.GetKey()] = kv.GetValue()
		}
	}
	for _, list := range m.PartitionValues {
		vals := make([]any, len(list.GetValues()))
		for i, pv := range list.GetValues() {
			v, err := decodeValue(pv)
			if err != nil {
				return s, fmt.Errorf("partition value: %w", err)
			}
			vals[i] = v
		}
		s.PartitionValues = append(s.PartitionValues, vals)
	}
	if r := m.Range; r != nil {
		s.Range = catalog.RangeSpec{Start: r.Start, Step: r.Step, Rows: r.Rows, Partitions: int(r.Partitions)}
	}
	return s, nil
}
