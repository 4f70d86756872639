package flightserver

import (
	"context"
	dbsql "database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/ember-sql/ember"
	"github.com/ember-sql/ember/cluster"
	"github.com/ember-sql/ember/cluster/auth"
	"github.com/ember-sql/ember/tpch"
)

// TestClusterMasterServesFlightSQL runs a master with local executors and
// Flight SQL on its port, as `ember master` does: arrow-go's client and
// database/sql driver run TPC-H Q6 and a prepared statement on the
// cluster, with the cluster's token, and are refused without it.
func TestClusterMasterServesFlightSQL(t *testing.T) {
	secret := []byte("s3cret")
	data, err := filepath.Abs("../testdata/tpch/sf0.01")
	if err != nil {
		t.Fatal(err)
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	node, err := cluster.StartMaster(cluster.MasterNodeConfig{
		Port: 0, GossipPort: 0, UIPort: -1, WorkDir: t.TempDir(), LocalExecutors: 2, Secret: secret,
		// The session dials the master, which serves only once the hook
		// returns: it is opened on the first call.
		Services: MasterServices(Config{Mem: mem}, func(ctx context.Context, addr string) (*ember.Session, error) {
			sess, err := ember.NewSession(ctx, ember.WithMaster(addr), ember.WithSecret(secret))
			if err != nil {
				return nil, err
			}
			if err := sess.RegisterPath(ctx, "lineitem", filepath.Join(data, "lineitem.parquet")); err != nil {
				sess.Close()
				return nil, err
			}
			return sess, nil
		}),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer node.Stop()

	q6, err := tpch.Query(6)
	if err != nil {
		t.Fatal(err)
	}
	want, err := tpch.ReadAnswer(tpch.AnswerPath("../testdata/tpch/answers/sf0.01", 6))
	if err != nil {
		t.Fatal(err)
	}

	// arrow-go's client: decimals arrive exact.
	cl := newClient(t, node.RPCAddr, auth.DialOptions(secret)...)
	if err := tpch.Compare(query(t, cl, q6), want); err != nil {
		t.Errorf("Q6 through the client: %v", err)
	}

	// database/sql: the driver hands decimals over as float64.
	db, err := dbsql.Open("flightsql", "flightsql://"+node.RPCAddr+"?token="+auth.Token(secret))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var revenue float64
	if err := db.QueryRow(q6).Scan(&revenue); err != nil {
		t.Fatal(err)
	}
	got := tpch.Table{Columns: []string{"revenue"}, Rows: [][]string{{tpch.FormatFloat(revenue)}}}
	if err := tpch.Compare(got, want); err != nil {
		t.Errorf("Q6 through database/sql: %v", err)
	}

	// Q6 with its dates and quantity as parameters gives the same answer
	// (a time.Time travels as a timestamp).
	q6p := strings.NewReplacer("date '1994-01-01'", "?", "< 24", "< ?").Replace(q6)
	if strings.Count(q6p, "?") != 3 {
		t.Fatalf("parameterized Q6 has %d parameters:\n%s", strings.Count(q6p, "?"), q6p)
	}
	day := time.Date(1994, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := db.QueryRow(q6p, day, day, 24).Scan(&revenue); err != nil {
		t.Errorf("parameterized Q6: %v", err)
	} else {
		got.Rows[0][0] = tpch.FormatFloat(revenue)
		if err := tpch.Compare(got, want); err != nil {
			t.Errorf("parameterized Q6: %v", err)
		}
	}

	// Without the token, nothing.
	bare, err := dbsql.Open("flightsql", "flightsql://"+node.RPCAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer bare.Close()
	if err := bare.QueryRow("SELECT count(*) FROM lineitem").Scan(&revenue); err == nil || !strings.Contains(err.Error(), "Unauthenticated") {
		t.Errorf("without the token: %v", err)
	}
	nocl := newClient(t, node.RPCAddr)
	if _, err := nocl.Execute(context.Background(), q6); status.Code(err) != codes.Unauthenticated {
		t.Errorf("client without the token: %v", err)
	}
}
