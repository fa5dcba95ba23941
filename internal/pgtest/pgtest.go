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
	return u.String()
}
