package storetest

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/shoal-dev/shoal/internal/store"
)

var recordTests = []test{
	{"InsertGetPutDelete", testRecordCRUD},
	{"PutVersions", testRecordPutVersions},
	{"IndexMaintenance", testRecordIndexMaintenance},
	{"ManyIndexes", testRecordManyIndexes},
}

func testRecordCRUD(t *testing.T, e *env) {
	r := &store.Record{Table: "sfn.executions", Key: "exec-1", Value: []byte(`{"status":"RUNNING"}`),
		Indexes: map[string]string{"status": "RUNNING"}}
	e.update(t, func(tx store.Tx) error { return tx.RecordInsert(e.ctx, r) })
	if r.Version != 1 {
		t.Fatalf("inserted version = %d, want 1", r.Version)
	}
	e.view(t, func(tx store.Tx) error {
		got, err := tx.RecordGet(e.ctx, "sfn.executions", "exec-1")
		wantErr(t, "get", err, nil)
		if got.Table != r.Table || got.Key != r.Key || !bytes.Equal(got.Value, r.Value) || got.Version != 1 ||
			!maps.Equal(got.Indexes, r.Indexes) {
			t.Fatalf("get = %+v, want %+v", got, r)
		}
		_, err = tx.RecordGet(e.ctx, "sfn.executions", "exec-2")
		wantErr(t, "get missing key", err, store.ErrNotFound)
		_, err = tx.RecordGet(e.ctx, "sfn.other", "exec-1")
		wantErr(t, "get from other table", err, store.ErrNotFound)
		return nil
	})

	err := e.s.Update(e.ctx, func(tx store.Tx) error {
		return tx.RecordInsert(e.ctx, &store.Record{Table: "sfn.executions", Key: "exec-1", Value: []byte("x")})
	})
	wantErr(t, "insert existing key", err, store.ErrConflict)
	// The same key in another table is another record.
	e.update(t, func(tx store.Tx) error {
		return tx.RecordInsert(e.ctx, &store.Record{Table: "sfn.other", Key: "exec-1", Value: []byte("y")})
	})

	e.update(t, func(tx store.Tx) error {
		if err := tx.RecordDelete(e.ctx, "sfn.executions", "exec-1"); err != nil {
			return err
		}
		_, err := tx.RecordGet(e.ctx, "sfn.executions", "exec-1")
		if err := expect("get after delete (same tx)", err, store.ErrNotFound); err != nil {
			return err
		}
		return expect("delete again", tx.RecordDelete(e.ctx, "sfn.executions", "exec-1"), store.ErrNotFound)
	})
	e.view(t, func(tx store.Tx) error {
		_, err := tx.RecordGet(e.ctx, "sfn.executions", "exec-1")
		wantErr(t, "get after delete", err, store.ErrNotFound)
		other, err := tx.RecordGet(e.ctx, "sfn.other", "exec-1")
		wantErr(t, "get other table", err, nil)
		if string(other.Value) != "y" {
			t.Fatalf("other table value = %q", other.Value)
		}
		return nil
	})
	// A deleted key can be inserted afresh.
	e.update(t, func(tx store.Tx) error {
		r := &store.Record{Table: "sfn.executions", Key: "exec-1", Value: []byte("again")}
		if err := tx.RecordInsert(e.ctx, r); err != nil {
			return err
		}
		if r.Version != 1 {
			return fmt.Errorf("re-inserted version = %d, want 1", r.Version)
		}
		return nil
	})
}

func testRecordPutVersions(t *testing.T, e *env) {
	const table = "ssm.parameters"
	put := func(key, value string, version int64) (*store.Record, error) {
		r := &store.Record{Table: table, Key: key, Value: []byte(value), Version: version}
		err := e.s.Update(e.ctx, func(tx store.Tx) error { return tx.RecordPut(e.ctx, r) })
		return r, err
	}
	steps := []struct {
		name        string
		key, value  string
		version     int64
		wantErr     error
		wantVersion int64
	}{
		{"create without version", "/app/db", "v1", 0, nil, 1},
		{"replace without version", "/app/db", "v2", 0, nil, 2},
		{"replace at current version", "/app/db", "v3", 2, nil, 3},
		{"stale version", "/app/db", "lost", 2, store.ErrConflict, 0},
		{"future version", "/app/db", "lost", 9, store.ErrConflict, 0},
		{"version on missing record", "/app/none", "lost", 1, store.ErrNotFound, 0},
		{"replace again", "/app/db", "v4", 3, nil, 4},
	}
	for _, st := range steps {
		r, err := put(st.key, st.value, st.version)
		wantErr(t, st.name, err, st.wantErr)
		if st.wantErr == nil && r.Version != st.wantVersion {
			t.Fatalf("%s: version = %d, want %d", st.name, r.Version, st.wantVersion)
		}
	}
	e.view(t, func(tx store.Tx) error {
		got, err := tx.RecordGet(e.ctx, table, "/app/db")
		wantErr(t, "get", err, nil)
		if string(got.Value) != "v4" || got.Version != 4 {
			t.Fatalf("get = %q v%d, want v4 v4", got.Value, got.Version)
		}
		_, err = tx.RecordGet(e.ctx, table, "/app/none")
		wantErr(t, "failed put left nothing", err, store.ErrNotFound)
		return nil
	})
}

func testRecordIndexMaintenance(t *testing.T, e *env) {
	const table = "sfn.executions"
	keys := func(index, value string) []string {
		t.Helper()
		var out []string
		e.view(t, func(tx store.Tx) error {
			rs, err := tx.RecordScan(e.ctx, &store.RecordScanParams{Table: table, Index: index, Value: &value})
			wantErr(t, "scan "+index+"="+value, err, nil)
			for _, r := range rs {
				out = append(out, r.Key)
			}
			return nil
		})
		return out
	}
	check := func(step, index, value string, want ...string) {
		t.Helper()
		if got := keys(index, value); !slices.Equal(got, want) {
			t.Fatalf("%s: %s=%s has %q, want %q", step, index, value, got, want)
		}
	}
	e.update(t, func(tx store.Tx) error {
		for _, r := range []*store.Record{
			{Table: table, Key: "e1", Value: []byte("1"), Indexes: map[string]string{"status": "RUNNING", "machine": "m1"}},
			{Table: table, Key: "e2", Value: []byte("2"), Indexes: map[string]string{"status": "RUNNING", "machine": "m2"}},
			{Table: table, Key: "e3", Value: []byte("3")},
		} {
			if err := tx.RecordInsert(e.ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
	check("insert", "status", "RUNNING", "e1", "e2")
	check("insert", "machine", "m1", "e1")

	e.update(t, func(tx store.Tx) error {
		r, err := tx.RecordGet(e.ctx, table, "e1")
		if err != nil {
			return err
		}
		r.Indexes = map[string]string{"status": "SUCCEEDED"} // and leaves "machine"
		return tx.RecordPut(e.ctx, r)
	})
	check("put", "status", "RUNNING", "e2")
	check("put", "status", "SUCCEEDED", "e1")
	check("put dropped index", "machine", "m1")

	// A record without indexes gains one; a put keeping indexes keeps them.
	e.update(t, func(tx store.Tx) error {
		if err := tx.RecordPut(e.ctx, &store.Record{Table: table, Key: "e3", Value: []byte("3"),
			Indexes: map[string]string{"status": "RUNNING"}}); err != nil {
			return err
		}
		r, err := tx.RecordGet(e.ctx, table, "e2")
		if err != nil {
			return err
		}
		r.Value = []byte("2b")
		return tx.RecordPut(e.ctx, r)
	})
	check("put keeps", "status", "RUNNING", "e2", "e3")
	check("put keeps", "machine", "m2", "e2")

	e.update(t, func(tx store.Tx) error { return tx.RecordDelete(e.ctx, table, "e2") })
	check("delete", "status", "RUNNING", "e3")
	check("delete", "machine", "m2")

	// Delete then re-insert without indexes must not resurrect old entries.
	e.update(t, func(tx store.Tx) error {
		if err := tx.RecordDelete(e.ctx, table, "e3"); err != nil {
			return err
		}
		return tx.RecordInsert(e.ctx, &store.Record{Table: table, Key: "e3", Value: []byte("new")})
	})
	check("re-insert", "status", "RUNNING")
}

// testRecordManyIndexes gives records more index entries than a driver may
// write in one statement.
func testRecordManyIndexes(t *testing.T, e *env) {
	const table = "t"
	for _, n := range []int{15, 16, 17, 40} {
		indexes := map[string]string{}
		for i := range n {
			indexes[fmt.Sprintf("i%02d", i)] = fmt.Sprintf("v%d", i)
		}
		key := fmt.Sprintf("k%d", n)
		e.update(t, func(tx store.Tx) error {
			if err := tx.RecordInsert(e.ctx, &store.Record{Table: table, Key: key, Value: []byte("x"), Indexes: indexes}); err != nil {
				return err
			}
			// Replacing them rewrites every entry.
			return tx.RecordPut(e.ctx, &store.Record{Table: table, Key: key, Value: []byte("y"), Indexes: indexes})
		})
		for i := range n {
			idx, value := fmt.Sprintf("i%02d", i), fmt.Sprintf("v%d", i)
			var got []string
			e.view(t, func(tx store.Tx) error {
				rs, err := tx.RecordScan(e.ctx, &store.RecordScanParams{Table: table, Index: idx, Value: &value})
				got = nil
				for _, r := range rs {
					got = append(got, r.Key)
				}
				return err
			})
			// Every record with at least i+1 indexes is in index i.
			var want []string
			for _, m := range []int{15, 16, 17, 40} {
				if m <= n && i < m {
					want = append(want, fmt.Sprintf("k%d", m))
				}
			}
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("after %d: %s=%s has %q, want %q", n, idx, value, got, want)
			}
		}
	}
}
