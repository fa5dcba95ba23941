// Package pgtest gives a test its own PostgreSQL database on the server
// named by TRENDLAB_TEST_POSTGRES (a postgres:// URL; `.ci/pgserver start`
// prints one, and `make test` sets it). Tests that need a server are
// skipped only when the variable is unset, which CI never leaves it.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// Env names the variable with the server's URL.
const Env = "TRENDLAB_TEST_POSTGRES"

// Server returns the server's URL, skipping the test when Env is unset.
func Server(t testing.TB) string {
	t.Helper()
	u := os.Getenv(Env)
	if u == "" {
		t.Skip(Env + " is unset: no PostgreSQL server for this test (`make test` starts one with .ci/pgserver)")
	}
	if !strings.HasPrefix(u, "postgres://") && !strings.HasPrefix(u, "postgresql://") {
		t.Fatalf("%s=%q: want a postgres:// URL, as .ci/pgserver start prints", Env, u)
	}
	return u
}

// NewDatabase creates an empty database for the test, dropped when it
// ends, and returns its URL.
func NewDatabase(t testing.TB) string {
	t.Helper()
	server := Server(t)
	b := make([]byte, 6)
	rand.Read(b)
	name := "trendlab_test_" + hex.EncodeToString(b)
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, server)
	if err != nil {
		t.Fatalf("connecting to %s: %v", Env, err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name+" TEMPLATE template0 ENCODING 'UTF8'"); err != nil {
		t.Fatalf("creating a test database: %v", err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(ctx, server)
		if err != nil {
			t.Errorf("dropping test database %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("dropping test database %s: %v", name, err)
		}
	})
	u, err := url.Parse(server)
	if err != nil {
		t.Fatalf("%s: %v", Env, err)
	}
	u.Path = "/" + name
	var preload string
	if err := admin.QueryRow(ctx, `SHOW shared_preload_libraries`).Scan(&preload); err != nil {
		t.Fatalf("reading the server's settings: %v", err)
	}
	if strings.Contains(preload, "citus") {
		makeCitus(t, u)
	}
	return u.String()
}

// makeCitus turns the new database into a one-node Citus cluster, on a
// server that preloads citus (`.ci/pgserver start citus`): the extension,
// and the coordinator registered as the node that holds the shards, so
// that the workspace's tables are created distributed as on a real
// cluster and every statement goes through Citus's planner.
func makeCitus(t testing.TB, u *url.URL) {
	t.Helper()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, u.String())
	if err != nil {
		t.Fatalf("connecting to the test database: %v", err)
	}
	defer c.Close(ctx)
	host, port := u.Query().Get("host"), 5432
	if p := u.Port(); p != "" {
		port, _ = strconv.Atoi(p)
	}
	if host == "" {
		host = u.Hostname()
	}
	for _, q := range []string{`CREATE EXTENSION citus`, `SET citus.shard_count = 4`} {
		if _, err := c.Exec(ctx, q); err != nil {
			t.Fatalf("making the test database a Citus cluster: %s: %v", q, err)
		}
	}
	// The coordinator is the cluster's only node, so it must hold the
	// shards (shouldhaveshards), as a worker would.
	for _, q := range []string{`SELECT citus_set_coordinator_host($1, $2)`, `SELECT citus_set_node_property($1, $2, 'shouldhaveshards', true)`} {
		if _, err := c.Exec(ctx, q, host, port); err != nil {
			t.Fatalf("making the test database a Citus cluster: registering the coordinator: %v", err)
		}
	}
	if _, err := c.Exec(ctx, `ALTER DATABASE `+pgx.Identifier{u.Path[1:]}.Sanitize()+` SET citus.shard_count = 4`); err != nil {
		t.Fatalf("making the test database a Citus cluster: %v", err)
	}
}
