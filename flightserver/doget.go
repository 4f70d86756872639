package flightserver

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	pb "github.com/apache/arrow-go/v18/arrow/flight/gen/flight"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
)

// flightService is the Flight service clients call: arrow-go's Flight SQL
// router over service, with DoGet replaced. arrow-go's DoGet does not
// release the batch it was writing when the write fails, which is what
// happens to every client that stops reading early; this one releases
// every batch it receives exactly once.
type flightService struct {
	flight.FlightServer
	svc *service
}

// DoGet routes a ticket to the service's DoGet method for it and writes
// the stream (uncompressed Arrow IPC, which every Flight client reads).
func (f *flightService) DoGet(req *flight.Ticket, stream flight.FlightService_DoGetServer) error {
	var anycmd anypb.Any
	if err := proto.Unmarshal(req.GetTicket(), &anycmd); err != nil {
		return status.Errorf(codes.InvalidArgument, "unable to parse ticket: %v", err)
	}
	cmd, err := anycmd.UnmarshalNew()
	if err != nil {
		return status.Errorf(codes.InvalidArgument, "unable to read the ticket's command: %v", err)
	}
	ctx := stream.Context()
	var (
		schema *arrow.Schema
		chunks <-chan flight.StreamChunk
	)
	switch cmd := cmd.(type) {
	case *pb.TicketStatementQuery:
		schema, chunks, err = f.svc.DoGetStatement(ctx, cmd)
	case *pb.CommandPreparedStatementQuery:
		schema, chunks, err = f.svc.DoGetPreparedStatement(ctx, cmd)
	case *pb.CommandGetCatalogs:
		schema, chunks, err = f.svc.DoGetCatalogs(ctx)
	case *pb.CommandGetDbSchemas:
		schema, chunks, err = f.svc.DoGetDBSchemas(ctx, dbSchemasCommand{cmd})
	case *pb.CommandGetTables:
		schema, chunks, err = f.svc.DoGetTables(ctx, tablesCommand{cmd})
	case *pb.CommandGetTableTypes:
		schema, chunks, err = f.svc.DoGetTableTypes(ctx)
	case *pb.CommandGetSqlInfo:
		schema, chunks, err = f.svc.DoGetSqlInfo(ctx, cmd)
	case *pb.CommandGetPrimaryKeys:
		schema, chunks, err = f.svc.DoGetPrimaryKeys(ctx, flightsql.TableRef{})
	case *pb.CommandGetExportedKeys:
		schema, chunks, err = f.svc.DoGetExportedKeys(ctx, flightsql.TableRef{})
	case *pb.CommandGetImportedKeys:
		schema, chunks, err = f.svc.DoGetImportedKeys(ctx, flightsql.TableRef{})
	case *pb.CommandGetCrossReference:
		schema, chunks, err = f.svc.DoGetCrossReference(ctx, flightsql.CrossTableRef{})
	default:
		return status.Errorf(codes.InvalidArgument, "ticket command %s is not supported", anycmd.GetTypeUrl())
	}
	if err != nil {
		return err
	}
	// Whatever happens, read the channel to its end: its producer stops
	// on the context, and every batch in it must be released.
	defer func() {
		for c := range chunks {
			if c.Data != nil {
				c.Data.Release()
			}
		}
	}()
	wr := flight.NewRecordWriter(stream, ipc.WithSchema(schema), ipc.WithAllocator(f.svc.mem))
	defer wr.Close()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case c, ok := <-chunks:
			if !ok {
				return nil
			}
			if c.Err != nil {
				if c.Data != nil {
					c.Data.Release()
				}
				return c.Err
			}
			wr.SetFlightDescriptor(c.Desc)
			err := wr.WriteWithAppMetadata(c.Data, c.AppMetadata)
			c.Data.Release()
			if err != nil {
				return err
			}
		}
	}
}

// dbSchemasCommand and tablesCommand give the protobuf commands the
// interfaces of flightsql (arrow-go's own adapters are unexported).
type dbSchemasCommand struct{ *pb.CommandGetDbSchemas }

func (c dbSchemasCommand) GetCatalog() *string               { return c.Catalog }
func (c dbSchemasCommand) GetDBSchemaFilterPattern() *string { return c.DbSchemaFilterPattern }

type tablesCommand struct{ *pb.CommandGetTables }

func (c tablesCommand) GetCatalog() *string                { return c.Catalog }
func (c tablesCommand) GetDBSchemaFilterPattern() *string  { return c.DbSchemaFilterPattern }
func (c tablesCommand) GetTableNameFilterPattern() *string { return c.TableNameFilterPattern }

var (
	_ flightsql.GetDBSchemas = dbSchemasCommand{}
	_ flightsql.GetTables    = tablesCommand{}
)
