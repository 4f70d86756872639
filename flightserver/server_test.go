package flightserver

import (
	"context"
	dbsql "database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	_ "github.com/apache/arrow-go/v18/arrow/flight/flightsql/driver"
	pb "github.com/apache/arrow-go/v18/arrow/flight/gen/flight"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"go.uber.org/goleak"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/ember-sql/ember"
	"github.com/ember-sql/ember/cluster/auth"
	"github.com/ember-sql/ember/shuffle"
	"github.com/ember-sql/ember/tpch"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("google.golang.org/grpc/internal/grpcsync.(*CallbackSerializer).run"))
}

// local is a Flight SQL server over a local session with a table of
// people, on a loopback port. Both the session and the server allocate
// from checked allocators, which must be empty once everything stops.
type local struct {
	addr string
	srv  *Server
	sess *ember.Session
}

// startLocal serves a local session; opts configure the gRPC server.
func startLocal(t *testing.T, sessOpts []ember.Option, opts ...grpc.ServerOption) *local {
	t.Helper()
	smem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	ctx := context.Background()
	sess, err := ember.NewSession(ctx, append([]ember.Option{ember.WithAllocator(smem)}, sessOpts...)...)
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, sess, `CREATE TABLE people AS SELECT * FROM (VALUES
		(1, 'ann', 42), (2, 'bob', 17), (3, 'cid', 65), (4, NULL, 30), (5, 'O''Neil', 42)) AS t(id, name, age)`)
	// Cleanups run last first: the server stops before the session.
	t.Cleanup(func() {
		sess.Close()
		smem.AssertSize(t, 0)
		mem.AssertSize(t, 0)
	})
	l := &local{sess: sess}
	l.addr, l.srv = serve(t, Config{Session: sess, Mem: mem}, opts...)
	return l
}

// serve registers a server for cfg on a new gRPC server with the shuffle's
// message limits and opts; cleanup stops both.
func serve(t *testing.T, cfg Config, opts ...grpc.ServerOption) (string, *Server) {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// Stop waits for the handlers, which release what they hold.
	opts = append(append(shuffle.ServerOptions(), grpc.WaitForHandlers(true)), opts...)
	gs := grpc.NewServer(opts...)
	srv := New(cfg)
	srv.Register(gs)
	done := make(chan struct{})
	go func() {
		defer close(done)
		gs.Serve(lis)
	}()
	t.Cleanup(func() {
		gs.Stop()
		<-done
		if err := srv.Close(); err != nil {
			t.Error(err)
		}
	})
	return lis.Addr().String(), srv
}

// mustRun runs a statement on the session and drops its rows.
func mustRun(t *testing.T, sess *ember.Session, text string) {
	t.Helper()
	if _, err := runUpdate(context.Background(), sess, text); err != nil {
		t.Fatalf("%s: %v", text, err)
	}
}

// newClient is arrow-go's Flight SQL client, allocating from a checked
// allocator that must be empty when the test ends.
func newClient(t *testing.T, addr string, opts ...grpc.DialOption) *flightsql.Client {
	t.Helper()
	cl, err := flightsql.NewClient(addr, nil, nil, append([]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	cl.Alloc = mem
	t.Cleanup(func() {
		cl.Close()
		mem.AssertSize(t, 0)
	})
	return cl
}

// fetch reads every endpoint of info as text cells.
func fetch(ctx context.Context, cl *flightsql.Client, info *flight.FlightInfo) (tpch.Table, error) {
	var out tpch.Table
	for i, ep := range info.Endpoint {
		rdr, err := cl.DoGet(ctx, ep.Ticket)
		if err != nil {
			return out, err
		}
		if i == 0 {
			out = tpch.NewTable(rdr.Schema())
		}
		for rdr.Next() {
			if err := out.AppendBatch(rdr.RecordBatch()); err != nil {
				rdr.Release()
				return out, err
			}
		}
		err = rdr.Err()
		rdr.Release()
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// query runs text through the client and returns its rows.
func query(t *testing.T, cl *flightsql.Client, text string) tpch.Table {
	t.Helper()
	ctx := context.Background()
	info, err := cl.Execute(ctx, text)
	if err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	tbl, err := fetch(ctx, cl, info)
	if err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	return tbl
}

// rows renders a table's rows as "a|b" lines, for comparisons.
func rows(tbl tpch.Table) []string {
	out := make([]string, len(tbl.Rows))
	for i, r := range tbl.Rows {
		out[i] = strings.Join(r, "|")
	}
	return out
}

func checkRows(t *testing.T, what string, got tpch.Table, want ...string) {
	t.Helper()
	if g := rows(got); !slices.Equal(g, want) {
		t.Errorf("%s: got rows %q, want %q", what, g, want)
	}
}

// int64Params is a one-row parameter batch of int64 values.
func int64Params(mem memory.Allocator, rowsOfValues ...[]int64) arrow.RecordBatch {
	var fields []arrow.Field
	for i := range rowsOfValues[0] {
		fields = append(fields, arrow.Field{Name: fmt.Sprintf("p%d", i+1), Type: arrow.PrimitiveTypes.Int64, Nullable: true})
	}
	b := array.NewRecordBuilder(mem, arrow.NewSchema(fields, nil))
	defer b.Release()
	for _, r := range rowsOfValues {
		for c, v := range r {
			b.Field(c).(*array.Int64Builder).Append(v)
		}
	}
	return b.NewRecordBatch()
}

func TestClientRunsAdHocQuery(t *testing.T) {
	l := startLocal(t, nil)
	cl := newClient(t, l.addr)
	ctx := context.Background()
	info, err := cl.Execute(ctx, "SELECT id, name FROM people WHERE age > 30 ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	// The schema comes with the FlightInfo, before anything runs.
	schema, err := flight.DeserializeSchema(info.Schema, cl.Alloc)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprintf("%s %s, %s %s", schema.Field(0).Name, schema.Field(0).Type, schema.Field(1).Name, schema.Field(1).Type); got != "id int32, name utf8" {
		t.Errorf("schema %s", schema)
	}
	tbl, err := fetch(ctx, cl, info)
	if err != nil {
		t.Fatal(err)
	}
	checkRows(t, "query", tbl, "1|ann", "3|cid", "5|O'Neil")
	// The schema of a query is also there without running it.
	sr, err := cl.GetExecuteSchema(ctx, "SELECT name, age * 2 AS twice FROM people")
	if err != nil {
		t.Fatal(err)
	}
	s2, err := flight.DeserializeSchema(sr.GetSchema(), cl.Alloc)
	if err != nil {
		t.Fatal(err)
	}
	if s2.NumFields() != 2 || s2.Field(1).Name != "twice" {
		t.Errorf("GetExecuteSchema: %s", s2)
	}
}

func TestClientPreparedStatementWithParameter(t *testing.T) {
	l := startLocal(t, nil)
	cl := newClient(t, l.addr)
	ctx := context.Background()
	for _, text := range []string{
		"SELECT name FROM people WHERE age > ? ORDER BY id",
		"SELECT name FROM people WHERE age > $1 ORDER BY id",
	} {
		t.Run(text, func(t *testing.T) {
			stmt, err := cl.Prepare(ctx, text)
			if err != nil {
				t.Fatal(err)
			}
			if stmt.ParameterSchema() != nil || stmt.DatasetSchema() != nil {
				t.Errorf("a statement with parameters reported schemas %v %v", stmt.ParameterSchema(), stmt.DatasetSchema())
			}
			// Running it before binding values says what is missing.
			if _, err := stmt.Execute(ctx); status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), "bind their values") {
				t.Errorf("unbound execute: %v", err)
			}
			for _, c := range []struct {
				age  int64
				want []string
			}{{40, []string{"ann", "cid", "O'Neil"}}, {60, []string{"cid"}}, {100, nil}} {
				params := int64Params(cl.Alloc, []int64{c.age})
				stmt.SetParameters(params)
				params.Release()
				info, err := stmt.Execute(ctx)
				if err != nil {
					t.Fatal(err)
				}
				tbl, err := fetch(ctx, cl, info)
				if err != nil {
					t.Fatal(err)
				}
				checkRows(t, fmt.Sprintf("age > %d", c.age), tbl, c.want...)
			}
			// Each row of a parameter batch is one execution; the rows of
			// all of them come back in order.
			params := int64Params(cl.Alloc, []int64{60}, []int64{40})
			stmt.SetParameters(params)
			params.Release()
			info, err := stmt.Execute(ctx)
			if err != nil {
				t.Fatal(err)
			}
			tbl, err := fetch(ctx, cl, info)
			if err != nil {
				t.Fatal(err)
			}
			checkRows(t, "two parameter rows", tbl, "cid", "ann", "cid", "O'Neil")
			// The schema with the values bound, and the rows fetched with
			// the command itself as the ticket, as some clients do.
			sr, err := stmt.GetSchema(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if s, err := flight.DeserializeSchema(sr.GetSchema(), cl.Alloc); err != nil || s.NumFields() != 1 || s.Field(0).Name != "name" {
				t.Errorf("GetSchema: %v, %v", s, err)
			}
			cmd, err := anypb.New(&pb.CommandPreparedStatementQuery{PreparedStatementHandle: stmt.Handle()})
			if err != nil {
				t.Fatal(err)
			}
			tb, err := proto.Marshal(cmd)
			if err != nil {
				t.Fatal(err)
			}
			tbl, err = fetch(ctx, cl, &flight.FlightInfo{Endpoint: []*flight.FlightEndpoint{{Ticket: &flight.Ticket{Ticket: tb}}}})
			if err != nil {
				t.Fatal(err)
			}
			checkRows(t, "command as ticket", tbl, "cid", "ann", "cid", "O'Neil")
			if err := stmt.Close(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
	// A statement without parameters reports both schemas (none to bind).
	stmt, err := cl.Prepare(ctx, "SELECT id FROM people WHERE name = 'bob'")
	if err != nil {
		t.Fatal(err)
	}
	if ps := stmt.ParameterSchema(); ps == nil || ps.NumFields() != 0 {
		t.Errorf("parameter schema %v, want an empty one", ps)
	}
	if ds := stmt.DatasetSchema(); ds == nil || ds.NumFields() != 1 || ds.Field(0).Name != "id" {
		t.Errorf("dataset schema %v", ds)
	}
	if u, ok := stmt.IsUpdate(); !ok || u {
		t.Errorf("IsUpdate = %v, %v; want false, true", u, ok)
	}
	info, err := stmt.Execute(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fetch(ctx, cl, info)
	if err != nil {
		t.Fatal(err)
	}
	checkRows(t, "no parameters", tbl, "2")
	stmt.Close(ctx)
	if n := len(l.srv.svc.prepared.byHandle); n != 0 {
		t.Errorf("%d prepared statements left open", n)
	}
}

func TestPreparedStatementErrors(t *testing.T) {
	l := startLocal(t, nil)
	cl := newClient(t, l.addr)
	ctx := context.Background()
	stmt, err := cl.Prepare(ctx, "SELECT name FROM people WHERE age > ? AND id < ?")
	if err != nil {
		t.Fatal(err)
	}
	defer stmt.Close(ctx)
	params := int64Params(cl.Alloc, []int64{1})
	stmt.SetParameters(params)
	params.Release()
	_, err = stmt.Execute(ctx)
	if status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), "2 parameter(s), but 1 were bound") {
		t.Errorf("too few parameters: %v", err)
	}

	// A parameter of a type Ember cannot take is named.
	b := array.NewRecordBuilder(cl.Alloc, arrow.NewSchema([]arrow.Field{
		{Name: "a", Type: arrow.PrimitiveTypes.Int64}, {Name: "b", Type: arrow.BinaryTypes.Binary}}, nil))
	b.Field(0).(*array.Int64Builder).Append(1)
	b.Field(1).(*array.BinaryBuilder).Append([]byte("x"))
	rec := b.NewRecordBatch()
	b.Release()
	stmt.SetParameters(rec)
	rec.Release()
	_, err = stmt.Execute(ctx)
	if status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), "parameter 2: a value of type binary") {
		t.Errorf("binary parameter: %v", err)
	}

	// Mistakes in a statement without parameters show when it is prepared.
	if _, err := cl.Prepare(ctx, "SELECT nope FROM people"); status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), "nope") {
		t.Errorf("prepare of a bad statement: %v", err)
	}
	if _, err := cl.Prepare(ctx, "SELECT ?, $1"); status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), "mixes") {
		t.Errorf("prepare with mixed placeholders: %v", err)
	}
	// A handle the server does not know.
	gone := flightsql.NewPreparedStatement(cl, []byte("no such handle"))
	if _, err := gone.Execute(ctx); status.Code(err) != codes.NotFound {
		t.Errorf("unknown handle: %v", err)
	}
}

func TestDriverQueriesWithParameters(t *testing.T) {
	l := startLocal(t, nil)
	db, err := dbsql.Open("flightsql", "flightsql://"+l.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rs, err := db.Query("SELECT id, name, age FROM people WHERE age = ? ORDER BY id", 42)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rs.Next() {
		var id int32
		var name string
		var age int32
		if err := rs.Scan(&id, &name, &age); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d %s %d", id, name, age))
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	rs.Close()
	if want := []string{"1 ann 42", "5 O'Neil 42"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}

	// Strings, floats and several parameters; NULL names scan as invalid.
	var n int64
	if err := db.QueryRow("SELECT count(*) FROM people WHERE name <> ? AND age * 1.5 > ?", "ann", 30.0).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 2 { // cid (97.5) and O'Neil (63); ann is excluded, bob is 25.5
		t.Errorf("count = %d, want 2", n)
	}
	var name dbsql.NullString
	if err := db.QueryRow("SELECT name FROM people WHERE id = $1", 4).Scan(&name); err != nil {
		t.Fatal(err)
	}
	if name.Valid {
		t.Errorf("name of 4 = %q, want NULL", name.String)
	}

	// DDL and INSERT through Exec (a prepared update), with parameters.
	if _, err := db.Exec("CREATE VIEW adults AS SELECT * FROM people WHERE age >= 18"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("INSERT INTO people VALUES (?, ?, ?)", 6, "dee", 70); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow("SELECT count(*) FROM adults").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 5 {
		t.Errorf("adults = %d, want 5", n)
	}
	// A statement without parameters refuses arguments before it is sent.
	if _, err := db.Query("SELECT 1", 1); err == nil || !strings.Contains(err.Error(), "expected 0 arguments") {
		t.Errorf("argument to a statement without parameters: %v", err)
	}
	// Ember's message reaches the driver's user.
	_, err = db.Query("SELECT * FROM nope")
	if err == nil || !strings.Contains(err.Error(), "nope") || !strings.Contains(err.Error(), "InvalidArgument") {
		t.Errorf("unknown table: %v", err)
	}
}

func TestErrorsCarryEmbersMessage(t *testing.T) {
	l := startLocal(t, nil)
	cl := newClient(t, l.addr)
	ctx := context.Background()
	tests := []struct{ text, want string }{
		{"SELEC 1", "syntax error"},
		{"SELECT * FROM nope", "nope"},
		{"SELECT id FROM people\nWHERE nosuch > 1", "2:7"}, // line:column of the mistake
	}
	for _, tt := range tests {
		_, err := cl.Execute(ctx, tt.text)
		if status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want InvalidArgument mentioning %q", tt.text, err, tt.want)
		}
	}
	// An error while running comes through the stream.
	info, err := cl.Execute(ctx, "SELECT id / (age - 42) FROM people")
	if err != nil {
		t.Fatal(err)
	}
	_, err = fetch(ctx, cl, info)
	if status.Code(err) != codes.InvalidArgument || !strings.Contains(strings.ToLower(err.Error()), "division by zero") {
		t.Errorf("division by zero: %v", err)
	}
}

func TestStatementsThatAreNotQueries(t *testing.T) {
	l := startLocal(t, nil)
	cl := newClient(t, l.addr)
	ctx := context.Background()
	n, err := cl.ExecuteUpdate(ctx, "CREATE VIEW old AS SELECT name FROM people WHERE age > 60")
	if err != nil {
		t.Fatal(err)
	}
	if n != -1 {
		t.Errorf("CREATE VIEW count = %d, want -1", n)
	}
	checkRows(t, "view", query(t, cl, "SELECT * FROM old"), "cid")
	// An update that returns rows counts them.
	if n, err = cl.ExecuteUpdate(ctx, "SELECT * FROM people"); err != nil || n != 5 {
		t.Errorf("update of a query = %d, %v; want 5", n, err)
	}
	// A statement run as a query runs once, when its FlightInfo is made;
	// its result can be fetched once.
	info, err := cl.Execute(ctx, "SHOW TABLES")
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fetch(ctx, cl, info)
	if err != nil {
		t.Fatal(err)
	}
	checkRows(t, "SHOW TABLES", tbl, "old|VIEW|false", "people|TABLE|false")
	if _, err := fetch(ctx, cl, info); status.Code(err) != codes.NotFound {
		t.Errorf("second fetch of a kept result: %v", err)
	}
	info, err = cl.Execute(ctx, "CREATE TABLE t2 AS SELECT id FROM people")
	if err != nil {
		t.Fatal(err)
	}
	if info.TotalRecords != 0 {
		t.Errorf("CREATE TABLE AS reports %d records", info.TotalRecords)
	}
	tbl, err = fetch(ctx, cl, info)
	if err != nil || len(tbl.Columns) != 0 || len(tbl.Rows) != 0 {
		t.Errorf("fetch of CREATE TABLE AS: %v, %v", tbl, err)
	}
	checkRows(t, "created table", query(t, cl, "SELECT count(*) FROM t2"), "5")
	// A prepared INSERT runs once per parameter row.
	ins, err := cl.Prepare(ctx, "INSERT INTO people VALUES ($1, $2, $3)")
	if err != nil {
		t.Fatal(err)
	}
	if u, ok := ins.IsUpdate(); ok {
		t.Errorf("IsUpdate of a statement with parameters = %v, want no hint", u)
	}
	rowsBuilder := array.NewRecordBuilder(cl.Alloc, arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64}, {Name: "name", Type: arrow.BinaryTypes.String}, {Name: "age", Type: arrow.PrimitiveTypes.Int64}}, nil))
	rowsBuilder.Field(0).(*array.Int64Builder).AppendValues([]int64{6, 7}, nil)
	rowsBuilder.Field(1).(*array.StringBuilder).AppendValues([]string{"eve", "fay"}, nil)
	rowsBuilder.Field(2).(*array.Int64Builder).AppendValues([]int64{23, 31}, nil)
	params := rowsBuilder.NewRecordBatch()
	rowsBuilder.Release()
	ins.SetParameters(params)
	params.Release()
	if n, err := ins.ExecuteUpdate(ctx); err != nil || n != -1 {
		t.Errorf("prepared INSERT = %d, %v; want -1", n, err)
	}
	ins.Close(ctx)
	checkRows(t, "inserted", query(t, cl, "SELECT id, name FROM people WHERE id > 5 ORDER BY id"), "6|eve", "7|fay")
	// A kept result never fetched is freed by Close (the allocator checks).
	if _, err := cl.Execute(ctx, "DESCRIBE people"); err != nil {
		t.Fatal(err)
	}
}

func TestMetadata(t *testing.T) {
	l := startLocal(t, nil)
	mustRun(t, l.sess, "CREATE VIEW people_over_40 AS SELECT * FROM people WHERE age > 40")
	cl := newClient(t, l.addr)
	ctx := context.Background()
	get := func(info *flight.FlightInfo, err error) tpch.Table {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		tbl, err := fetch(ctx, cl, info)
		if err != nil {
			t.Fatal(err)
		}
		return tbl
	}
	checkRows(t, "catalogs", get(cl.GetCatalogs(ctx)), "ember")
	checkRows(t, "schemas", get(cl.GetDBSchemas(ctx, &flightsql.GetDBSchemasOpts{})), "ember|default")
	pattern := "def%"
	checkRows(t, "schemas def%", get(cl.GetDBSchemas(ctx, &flightsql.GetDBSchemasOpts{DbSchemaFilterPattern: &pattern})), "ember|default")
	other := "other"
	checkRows(t, "schemas of another catalog", get(cl.GetDBSchemas(ctx, &flightsql.GetDBSchemasOpts{Catalog: &other})))
	checkRows(t, "table types", get(cl.GetTableTypes(ctx)), "TABLE", "VIEW")
	checkRows(t, "tables", get(cl.GetTables(ctx, &flightsql.GetTablesOpts{})),
		"ember|default|people|TABLE", "ember|default|people_over_40|VIEW")
	name := "PEOPLE"
	checkRows(t, "tables named PEOPLE", get(cl.GetTables(ctx, &flightsql.GetTablesOpts{TableNameFilterPattern: &name})),
		"ember|default|people|TABLE")
	checkRows(t, "views", get(cl.GetTables(ctx, &flightsql.GetTablesOpts{TableTypes: []string{"VIEW"}})),
		"ember|default|people_over_40|VIEW")
	checkRows(t, "tables of another catalog", get(cl.GetTables(ctx, &flightsql.GetTablesOpts{Catalog: &other})))

	// Ember has no keys: the listings are empty, not errors.
	ref := flightsql.TableRef{Table: "people"}
	for what, f := range map[string]func() (*flight.FlightInfo, error){
		"primary keys":    func() (*flight.FlightInfo, error) { return cl.GetPrimaryKeys(ctx, ref) },
		"exported keys":   func() (*flight.FlightInfo, error) { return cl.GetExportedKeys(ctx, ref) },
		"imported keys":   func() (*flight.FlightInfo, error) { return cl.GetImportedKeys(ctx, ref) },
		"cross reference": func() (*flight.FlightInfo, error) { return cl.GetCrossReference(ctx, ref, ref) },
	} {
		if tbl := get(f()); len(tbl.Columns) < 6 || len(tbl.Rows) != 0 {
			t.Errorf("%s: columns %q, %d rows", what, tbl.Columns, len(tbl.Rows))
		}
	}

	// With include_schema, each table carries its Arrow schema.
	info, err := cl.GetTables(ctx, &flightsql.GetTablesOpts{IncludeSchema: true, TableNameFilterPattern: &name})
	if err != nil {
		t.Fatal(err)
	}
	rdr, err := cl.DoGet(ctx, info.Endpoint[0].Ticket)
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	for rdr.Next() {
		rec := rdr.RecordBatch()
		for i := 0; i < int(rec.NumRows()); i++ {
			s, err := flight.DeserializeSchema(rec.Column(4).(*array.Binary).Value(i), cl.Alloc)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range s.Fields() {
				cols = append(cols, f.Name+" "+f.Type.String())
			}
		}
	}
	rdr.Release()
	if want := []string{"id int32", "name utf8", "age int32"}; !slices.Equal(cols, want) {
		t.Errorf("people's schema: %q, want %q", cols, want)
	}

	// SqlInfo: who the server is, and that it writes.
	// An id the server does not know is left out, not an error.
	info, err = cl.GetSqlInfo(ctx, []flightsql.SqlInfo{flightsql.SqlInfoFlightSqlServerName, flightsql.SqlInfoMaxCursorNameLen, flightsql.SqlInfoFlightSqlServerReadOnly})
	if err != nil {
		t.Fatal(err)
	}
	rdr, err = cl.DoGet(ctx, info.Endpoint[0].Ticket)
	if err != nil {
		t.Fatal(err)
	}
	got := map[uint32]string{}
	for rdr.Next() {
		rec := rdr.RecordBatch()
		ids := rec.Column(0).(*array.Uint32)
		vals := rec.Column(1).(*array.DenseUnion)
		for i := 0; i < int(rec.NumRows()); i++ {
			child := vals.Field(vals.ChildID(i))
			got[ids.Value(i)] = child.ValueStr(int(vals.ValueOffset(i)))
		}
	}
	rdr.Release()
	if len(got) != 2 || got[uint32(flightsql.SqlInfoFlightSqlServerName)] != "Ember" || got[uint32(flightsql.SqlInfoFlightSqlServerReadOnly)] != "false" {
		t.Errorf("SqlInfo = %v", got)
	}
	// Only unknown ids: an empty answer.
	info, err = cl.GetSqlInfo(ctx, []flightsql.SqlInfo{flightsql.SqlInfoMaxCursorNameLen})
	if err != nil {
		t.Fatal(err)
	}
	countRows := func(info *flight.FlightInfo) int {
		t.Helper()
		rdr, err := cl.DoGet(ctx, info.Endpoint[0].Ticket)
		if err != nil {
			t.Fatal(err)
		}
		defer rdr.Release()
		n := 0
		for rdr.Next() {
			n += int(rdr.RecordBatch().NumRows())
		}
		if err := rdr.Err(); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := countRows(info); n != 0 {
		t.Errorf("SqlInfo of an unknown id: %d values", n)
	}
	// No ids: every value.
	info, err = cl.GetSqlInfo(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if all, want := countRows(info), len(sqlInfo("", "")); all != want {
		t.Errorf("all SqlInfo: %d values, want %d", all, want)
	}
}

func TestSQLInfoValuesRegister(t *testing.T) {
	var b flightsql.BaseServer
	for id, v := range sqlInfo("Ember", "v1") {
		if err := b.RegisterSqlInfo(id, v); err != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
}

func TestAuthToken(t *testing.T) {
	secret := []byte("s3cret")
	l := startLocal(t, nil, auth.NewAuthenticator(secret, nil).ServerOptions()...)
	with, err := dbsql.Open("flightsql", "flightsql://"+l.addr+"?token="+auth.Token(secret))
	if err != nil {
		t.Fatal(err)
	}
	defer with.Close()
	var n int64
	if err := with.QueryRow("SELECT count(*) FROM people WHERE age > ?", 20).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 4 {
		t.Errorf("count = %d, want 4", n)
	}
	// The client with the token in its metadata.
	cl := newClient(t, l.addr, auth.DialOptions(secret)...)
	checkRows(t, "with token", query(t, cl, "SELECT count(*) FROM people"), "5")

	for name, dsn := range map[string]string{
		"no token":    "flightsql://" + l.addr,
		"wrong token": "flightsql://" + l.addr + "?token=" + auth.Token([]byte("other")),
	} {
		db, err := dbsql.Open("flightsql", dsn)
		if err != nil {
			t.Fatal(err)
		}
		err = db.QueryRow("SELECT count(*) FROM people").Scan(&n)
		if err == nil || !strings.Contains(err.Error(), "Unauthenticated") {
			t.Errorf("%s: %v, want Unauthenticated", name, err)
		}
		db.Close()
	}
	bare := newClient(t, l.addr)
	if _, err := bare.Execute(context.Background(), "SELECT 1"); status.Code(err) != codes.Unauthenticated {
		t.Errorf("client without token: %v", err)
	}
	if _, err := bare.GetTables(context.Background(), &flightsql.GetTablesOpts{}); status.Code(err) != codes.Unauthenticated {
		t.Errorf("metadata without token: %v", err)
	}
}

func TestConcurrentClients(t *testing.T) {
	l := startLocal(t, nil)
	db, err := dbsql.Open("flightsql", "flightsql://"+l.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cl := newClient(t, l.addr)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			for i := 0; i < 5; i++ {
				age := int64(10 * (g%4 + i%3))
				var n int64
				if err := db.QueryRow("SELECT count(*) FROM people WHERE age > ?", age).Scan(&n); err != nil {
					errs <- err
					return
				}
				want := int64(0)
				for _, a := range []int64{42, 17, 65, 30, 42} {
					if a > age {
						want++
					}
				}
				if n != want {
					errs <- fmt.Errorf("age > %d: count %d, want %d", age, n, want)
				}
				view := fmt.Sprintf("v%d_%d", g, i)
				if _, err := cl.ExecuteUpdate(ctx, "CREATE VIEW "+view+" AS SELECT id FROM people"); err != nil {
					errs <- err
					return
				}
				info, err := cl.Execute(ctx, "SELECT count(*) FROM "+view)
				if err != nil {
					errs <- err
					return
				}
				tbl, err := fetch(ctx, cl, info)
				if err != nil {
					errs <- err
					return
				}
				if got := rows(tbl); !slices.Equal(got, []string{"5"}) {
					errs <- fmt.Errorf("%s: %q", view, got)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// waitIdle waits until the server runs no call or stream.
func waitIdle(t *testing.T, srv *Server) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for srv.svc.active.Load() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d calls still running", srv.svc.active.Load())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestCancelledStreamStopsTheQuery(t *testing.T) {
	l := startLocal(t, nil)
	// Rows without end, in practice: only streaming can return any.
	if err := l.sess.Range(0, 1<<50, 1, 2).CreateOrReplaceTempView("endless"); err != nil {
		t.Fatal(err)
	}
	cl := newClient(t, l.addr)
	ctx, cancel := context.WithCancel(context.Background())
	info, err := cl.Execute(ctx, "SELECT id * 2 AS twice FROM endless")
	if err != nil {
		t.Fatal(err)
	}
	rdr, err := cl.DoGet(ctx, info.Endpoint[0].Ticket)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if !rdr.Next() {
			t.Fatalf("stream ended: %v", rdr.Err())
		}
	}
	cancel()
	for rdr.Next() {
	}
	rdr.Release()
	waitIdle(t, l.srv)
}

func TestCloseStopsRunningQueries(t *testing.T) {
	l := startLocal(t, nil)
	if err := l.sess.Range(0, 1<<50, 1, 2).CreateOrReplaceTempView("endless"); err != nil {
		t.Fatal(err)
	}
	cl := newClient(t, l.addr)
	ctx := context.Background()
	info, err := cl.Execute(ctx, "SELECT id FROM endless")
	if err != nil {
		t.Fatal(err)
	}
	rdr, err := cl.DoGet(ctx, info.Endpoint[0].Ticket)
	if err != nil {
		t.Fatal(err)
	}
	if !rdr.Next() {
		t.Fatal(rdr.Err())
	}
	stmt, err := cl.Prepare(ctx, "SELECT ?")
	if err != nil {
		t.Fatal(err)
	}
	if err := l.srv.Close(); err != nil {
		t.Fatal(err)
	}
	for rdr.Next() {
	}
	if rdr.Err() == nil || errors.Is(rdr.Err(), io.EOF) {
		t.Errorf("stream ended without error after Close: %v", rdr.Err())
	}
	rdr.Release()
	if n := len(l.srv.svc.prepared.byHandle); n != 0 {
		t.Errorf("Close left %d prepared statements", n)
	}
	if _, err := cl.Execute(ctx, "SELECT 1"); status.Code(err) != codes.Unavailable {
		t.Errorf("call after Close: %v", err)
	}
	stmt.Close(ctx)
}

func TestLargeBatchesArriveInPieces(t *testing.T) {
	// One batch of a million BIGINTs is 8 MB, over gRPC's default 4 MB
	// message limit of the client.
	l := startLocal(t, []ember.Option{ember.WithConfig("ember.sql.batchsize", "1000000")})
	if err := l.sess.Range(0, 1_000_000, 1, 1).CreateOrReplaceTempView("million"); err != nil {
		t.Fatal(err)
	}
	cl := newClient(t, l.addr)
	ctx := context.Background()
	info, err := cl.Execute(ctx, "SELECT id FROM million")
	if err != nil {
		t.Fatal(err)
	}
	rdr, err := cl.DoGet(ctx, info.Endpoint[0].Ticket)
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Release()
	var n, sum, batches int64
	for rdr.Next() {
		col := rdr.RecordBatch().Column(0).(*array.Int64)
		for _, v := range col.Int64Values() {
			sum += v
		}
		n += int64(col.Len())
		batches++
	}
	if err := rdr.Err(); err != nil {
		t.Fatal(err)
	}
	if n != 1_000_000 || sum != 999_999*1_000_000/2 || batches < 4 {
		t.Errorf("got %d rows summing to %d in %d batches", n, sum, batches)
	}
}

func TestLazySession(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	opened := 0
	addr, srv := serve(t, Config{Mem: mem, Connect: func(ctx context.Context) (*ember.Session, error) {
		opened++
		if opened == 1 {
			return nil, errors.New("master not ready")
		}
		return ember.NewSession(ctx, ember.WithAllocator(mem))
	}})
	cl := newClient(t, addr)
	if _, err := cl.Execute(context.Background(), "SELECT 1"); status.Code(err) != codes.Unavailable || !strings.Contains(err.Error(), "master not ready") {
		t.Errorf("first call: %v", err)
	}
	checkRows(t, "second call", query(t, cl, "SELECT 40 + 2"), "42")
	checkRows(t, "third call", query(t, cl, "SELECT 'x'"), "x")
	if opened != 2 {
		t.Errorf("opened the session %d times, want 2", opened)
	}
	// Close closes the session the server opened.
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if srv.svc.sess != nil {
		t.Error("the session is still open")
	}
}
