package flightserver

import (
	"context"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql/schema_ref"

	"github.com/ember-sql/ember/catalog"
)

// An Ember session has one catalog of one schema; clients see them under
// these names.
const (
	catalogName = "ember"
	schemaName  = "default"
)

// The table types of GetTables, as catalog.EntryKind names them.
var tableTypes = []string{catalog.KindTable.String(), catalog.KindView.String()}

// metadataInfo is the FlightInfo of a metadata command: its rows come from
// a DoGet of the command itself.
func (s *service) metadataInfo(desc *flight.FlightDescriptor, schema *arrow.Schema) *flight.FlightInfo {
	return &flight.FlightInfo{
		Schema:           flight.SerializeSchema(schema, s.mem),
		FlightDescriptor: desc,
		Endpoint:         []*flight.FlightEndpoint{{Ticket: &flight.Ticket{Ticket: desc.Cmd}}},
		TotalRecords:     -1,
		TotalBytes:       -1,
	}
}

// streamListing streams one batch built by fill, which appends the rows to
// the builder of schema.
func (s *service) streamListing(ctx context.Context, schema *arrow.Schema, fill func(*array.RecordBuilder) error) (*arrow.Schema, <-chan flight.StreamChunk, error) {
	ctx, exit, err := s.enter(ctx)
	if err != nil {
		return nil, nil, err
	}
	b := array.NewRecordBuilder(s.mem, schema)
	defer b.Release()
	if err := fill(b); err != nil {
		exit()
		return nil, nil, s.fail("metadata", err)
	}
	return schema, s.streamBatches(ctx, []arrow.RecordBatch{b.NewRecordBatch()}, exit), nil
}

// catalogMatches reports whether a command's catalog filter lets Ember's
// catalog through; the empty string asks for objects without a catalog.
func catalogMatches(filter *string) bool {
	return filter == nil || *filter == catalogName
}

// GetFlightInfoCatalogs lists the one catalog.
func (s *service) GetFlightInfoCatalogs(_ context.Context, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	return s.metadataInfo(desc, schema_ref.Catalogs), nil
}

// DoGetCatalogs streams the one catalog.
func (s *service) DoGetCatalogs(ctx context.Context) (*arrow.Schema, <-chan flight.StreamChunk, error) {
	return s.streamListing(ctx, schema_ref.Catalogs, func(b *array.RecordBuilder) error {
		b.Field(0).(*array.StringBuilder).Append(catalogName)
		return nil
	})
}

// GetFlightInfoSchemas lists the schemas.
func (s *service) GetFlightInfoSchemas(_ context.Context, _ flightsql.GetDBSchemas, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	return s.metadataInfo(desc, schema_ref.DBSchemas), nil
}

// DoGetDBSchemas streams the one schema, if the filters let it through.
func (s *service) DoGetDBSchemas(ctx context.Context, cmd flightsql.GetDBSchemas) (*arrow.Schema, <-chan flight.StreamChunk, error) {
	return s.streamListing(ctx, schema_ref.DBSchemas, func(b *array.RecordBuilder) error {
		if catalogMatches(cmd.GetCatalog()) && matchPattern(cmd.GetDBSchemaFilterPattern(), schemaName) {
			b.Field(0).(*array.StringBuilder).Append(catalogName)
			b.Field(1).(*array.StringBuilder).Append(schemaName)
		}
		return nil
	})
}

// GetFlightInfoTables lists tables and views.
func (s *service) GetFlightInfoTables(_ context.Context, cmd flightsql.GetTables, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	if cmd.GetIncludeSchema() {
		return s.metadataInfo(desc, schema_ref.TablesWithIncludedSchema), nil
	}
	return s.metadataInfo(desc, schema_ref.Tables), nil
}

// DoGetTables streams the session's tables and views that pass the
// filters (catalog, schema and name patterns, table types), sorted by
// name, with their Arrow schemas when asked.
func (s *service) DoGetTables(ctx context.Context, cmd flightsql.GetTables) (*arrow.Schema, <-chan flight.StreamChunk, error) {
	schema := schema_ref.Tables
	if cmd.GetIncludeSchema() {
		schema = schema_ref.TablesWithIncludedSchema
	}
	sess, err := s.session(ctx)
	if err != nil {
		return nil, nil, err
	}
	entries := sess.Catalog().List()
	return s.streamListing(ctx, schema, func(b *array.RecordBuilder) error {
		if !catalogMatches(cmd.GetCatalog()) || !matchPattern(cmd.GetDBSchemaFilterPattern(), schemaName) {
			return nil
		}
		types := cmd.GetTableTypes()
		for _, e := range entries {
			kind := e.Kind.String()
			if len(types) > 0 && !slices.ContainsFunc(types, func(t string) bool { return strings.EqualFold(t, kind) }) {
				continue
			}
			if !matchPattern(cmd.GetTableNameFilterPattern(), e.Name) {
				continue
			}
			b.Field(0).(*array.StringBuilder).Append(catalogName)
			b.Field(1).(*array.StringBuilder).Append(schemaName)
			b.Field(2).(*array.StringBuilder).Append(e.Name)
			b.Field(3).(*array.StringBuilder).Append(kind)
			if cmd.GetIncludeSchema() {
				tableSchema := e.Schema
				if tableSchema == nil {
					tableSchema = emptySchema
				}
				b.Field(4).(*array.BinaryBuilder).Append(flight.SerializeSchema(tableSchema, s.mem))
			}
		}
		return nil
	})
}

// GetFlightInfoTableTypes lists the table types.
func (s *service) GetFlightInfoTableTypes(_ context.Context, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	return s.metadataInfo(desc, schema_ref.TableTypes), nil
}

// DoGetTableTypes streams TABLE and VIEW.
func (s *service) DoGetTableTypes(ctx context.Context) (*arrow.Schema, <-chan flight.StreamChunk, error) {
	return s.streamListing(ctx, schema_ref.TableTypes, func(b *array.RecordBuilder) error {
		b.Field(0).(*array.StringBuilder).AppendValues(tableTypes, nil)
		return nil
	})
}

// Ember has no keys: the key listings that JDBC tools ask for are empty
// rather than errors.

// GetFlightInfoPrimaryKeys lists no primary keys.
func (s *service) GetFlightInfoPrimaryKeys(_ context.Context, _ flightsql.TableRef, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	return s.metadataInfo(desc, schema_ref.PrimaryKeys), nil
}

// DoGetPrimaryKeys streams no primary keys.
func (s *service) DoGetPrimaryKeys(ctx context.Context, _ flightsql.TableRef) (*arrow.Schema, <-chan flight.StreamChunk, error) {
	return s.streamListing(ctx, schema_ref.PrimaryKeys, func(*array.RecordBuilder) error { return nil })
}

// GetFlightInfoExportedKeys lists no foreign keys.
func (s *service) GetFlightInfoExportedKeys(_ context.Context, _ flightsql.TableRef, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	return s.metadataInfo(desc, schema_ref.ExportedKeys), nil
}

// DoGetExportedKeys streams no foreign keys.
func (s *service) DoGetExportedKeys(ctx context.Context, _ flightsql.TableRef) (*arrow.Schema, <-chan flight.StreamChunk, error) {
	return s.streamListing(ctx, schema_ref.ExportedKeys, func(*array.RecordBuilder) error { return nil })
}

// GetFlightInfoImportedKeys lists no foreign keys.
func (s *service) GetFlightInfoImportedKeys(_ context.Context, _ flightsql.TableRef, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	return s.metadataInfo(desc, schema_ref.ImportedKeys), nil
}

// DoGetImportedKeys streams no foreign keys.
func (s *service) DoGetImportedKeys(ctx context.Context, _ flightsql.TableRef) (*arrow.Schema, <-chan flight.StreamChunk, error) {
	return s.streamListing(ctx, schema_ref.ImportedKeys, func(*array.RecordBuilder) error { return nil })
}

// GetFlightInfoCrossReference lists no foreign keys.
func (s *service) GetFlightInfoCrossReference(_ context.Context, _ flightsql.CrossTableRef, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	return s.metadataInfo(desc, schema_ref.CrossReference), nil
}

// DoGetCrossReference streams no foreign keys.
func (s *service) DoGetCrossReference(ctx context.Context, _ flightsql.CrossTableRef) (*arrow.Schema, <-chan flight.StreamChunk, error) {
	return s.streamListing(ctx, schema_ref.CrossReference, func(*array.RecordBuilder) error { return nil })
}
