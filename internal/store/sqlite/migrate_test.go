package sqlite_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/shoal-dev/shoal/internal/store"
	"github.com/shoal-dev/shoal/internal/store/sqlite"
)

// A data directory written before logs were stored in chunks (schema 1:
// one row per entry, keyed by the log's name) opens with its logs and
// record indexes intact, and keeps working.
func TestMigrateFromOneRowPerEntry(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	schema1, err := os.ReadFile("migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "shoal.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		string(schema1),
		`CREATE TABLE schema_migrations (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`,
		`INSERT INTO schema_migrations VALUES (1, '0001_init.sql', 0)`,
		`INSERT INTO logs VALUES ('h/b', 3), ('h/a', 1)`,
		`INSERT INTO log_entries VALUES ('h/b', 1, 'b1'), ('h/b', 2, 'b2'), ('h/b', 3, 'b3'), ('h/a', 1, 'a1')`,
		`INSERT INTO records VALUES ('t', 'k', 'v', 4, '{"status":"RUNNING"}')`,
		`INSERT INTO record_indexes VALUES ('t', 'status', 'RUNNING', 'k')`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s, err := sqlite.Open(ctx, sqlite.Config{Dir: dir})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer s.Close()
	err = s.Update(ctx, func(tx store.Tx) error {
		if _, err := tx.LogAppend(ctx, "h/b", []byte("b4"), []byte("b5")); err != nil {
			return err
		}
		// The record's old index entry must go although it was written by
		// schema 1.
		return tx.RecordPut(ctx, &store.Record{Table: "t", Key: "k", Value: []byte("w"), Indexes: map[string]string{"status": "DONE"}})
	})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	err = s.View(ctx, func(tx store.Tx) error {
		for log, want := range map[string][]string{"h/a": {"a1"}, "h/b": {"b1", "b2", "b3", "b4", "b5"}} {
			entries, err := tx.LogRead(ctx, &store.LogReadParams{Log: log})
			if err != nil {
				return err
			}
			var got []string
			for i, e := range entries {
				if e.Seq != int64(i+1) {
					t.Errorf("%s: entry %d has seq %d", log, i, e.Seq)
				}
				got = append(got, string(e.Data))
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s = %q, want %q", log, got, want)
			}
		}
		for value, want := range map[string]int{"RUNNING": 0, "DONE": 1} {
			recs, err := tx.RecordScan(ctx, &store.RecordScanParams{Table: "t", Index: "status", Value: &value})
			if err != nil {
				return err
			}
			if len(recs) != want {
				t.Errorf("records with status %s: %d, want %d", value, len(recs), want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("view: %v", err)
	}
}
