package loadgen

import (
	"crypto/rand"
	"fmt"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
)

// Postgres schemas are made and measured with the psql client rather than
// a driver: only internal/store/postgres links pgx.

// PostgresSchema is a schema of its own for one run on the server of a
// postgres:// store URL.
type PostgresSchema struct {
	Name     string
	StoreURL string // the given URL with search_path=Name, for --store
	base     string
}

// NewPostgresSchema creates a fresh schema with psql. storeURL must be a
// postgres:// URL without search_path.
func NewPostgresSchema(storeURL string) (*PostgresSchema, error) {
	u, err := url.Parse(storeURL)
	if err != nil {
		return nil, err
	}
	q := u.Query()
	if q.Has("search_path") {
		return nil, fmt.Errorf("store URL %s already chooses a schema", storeURL)
	}
	s := &PostgresSchema{Name: "shoalbench_" + strings.ToLower(rand.Text()[:12]), base: storeURL}
	q.Set("search_path", s.Name)
	u.RawQuery = q.Encode()
	s.StoreURL = u.String()
	if _, err := s.psql("CREATE SCHEMA " + s.Name); err != nil {
		return nil, err
	}
	return s, nil
}

// Drop drops the schema and everything in it.
func (s *PostgresSchema) Drop() error {
	_, err := s.psql("DROP SCHEMA " + s.Name + " CASCADE")
	return err
}

// Bytes is the size on disk of the schema's tables with their indexes and
// TOAST (pg_total_relation_size), not counting WAL.
func (s *PostgresSchema) Bytes() (int64, error) {
	out, err := s.psql(`SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = '` + s.Name + `' AND c.relkind = 'r'`)
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(strings.TrimSpace(out), 10, 64)
}

func (s *PostgresSchema) psql(sql string) (string, error) {
	out, err := exec.Command("psql", s.base, "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-c", sql).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("psql %q: %w: %s", sql, err, out)
	}
	return string(out), nil
}
