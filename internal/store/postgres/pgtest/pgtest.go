// Package pgtest gives tests a PostgreSQL schema of their own: the store
// conformance suite, the driver's own tests and the end-to-end tests use it.
// Where no server answers, tests skip with the command that starts one —
// except in CI (CI or SHOAL_REQUIRE_POSTGRES set), where they fail.
package pgtest

import (
	"context"
	"crypto/rand"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// ServerURL finds the test server: $SHOAL_TEST_POSTGRES, or a local
// PostgreSQL with trust authentication as user postgres or root.
func ServerURL(tb testing.TB) string {
	tb.Helper()
	candidates := []string{
		"postgres://postgres@127.0.0.1:5432/test?sslmode=disable&connect_timeout=5",
		"postgres://root@127.0.0.1:5432/test?sslmode=disable&connect_timeout=5",
	}
	if env := os.Getenv("SHOAL_TEST_POSTGRES"); env != "" {
		candidates = []string{env}
	}
	var errs []string
	for _, u := range candidates {
		conn, err := pgx.Connect(context.Background(), u)
		if err == nil {
			conn.Close(context.Background())
			return u
		}
		errs = append(errs, err.Error())
	}
	if os.Getenv("CI") != "" || os.Getenv("SHOAL_REQUIRE_POSTGRES") != "" {
		tb.Fatalf("PostgreSQL is required here (CI or SHOAL_REQUIRE_POSTGRES set) but none answered: %s", strings.Join(errs, "; "))
	}
	tb.Skipf("no PostgreSQL for tests (%s). Start one with:\n"+
		"  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n"+
		"or point SHOAL_TEST_POSTGRES at a server.", strings.Join(errs, "; "))
	return ""
}

// NewSchema creates a schema of its own for one test or benchmark, drops it
// afterwards, and returns a URL whose search_path selects it.
func NewSchema(tb testing.TB) string {
	tb.Helper()
	base := ServerURL(tb)
	ctx := context.Background()
	schema := "shoaltest_" + strings.ToLower(rand.Text()[:12])
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		tb.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	// pgx sends unknown URL parameters as run-time parameters
	// (RuntimeParams), so this sets search_path on every connection.
	if !strings.Contains(base, "://") {
		return base + " search_path=" + schema
	}
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("parse %s: %v", base, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
