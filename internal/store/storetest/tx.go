package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/store"
)

var txTests = []test{
	{"ErrorRollsBack", testTxErrorRollsBack},
	{"ViewRejectsWrites", testTxViewRejectsWrites},
	{"ConcurrentUpdates", testTxConcurrentUpdates},
	{"FailingAmongConcurrent", testTxFailingAmongConcurrent},
	{"OptimisticCounter", testTxOptimisticCounter},
	{"ViewIsSnapshot", testTxViewIsSnapshot},
	{"Joined", testTxJoined},
	{"Reset", testTxReset},
	{"Closed", testTxClosed},
}

// writeAll writes one record, log entry and job, all named after tag.
func writeAll(e *env, tx store.Tx, tag string) error {
	if err := tx.RecordInsert(e.ctx, &store.Record{Table: "t", Key: tag, Value: []byte(tag),
		Indexes: map[string]string{"tag": tag}}); err != nil {
		return err
	}
	if _, err := tx.LogAppend(e.ctx, "log/"+tag, []byte(tag)); err != nil {
		return err
	}
	return tx.JobPut(e.ctx, &store.Job{Queue: "q", ID: tag, Due: epoch})
}

// hasAll reports which of writeAll's writes for tag are visible.
func (e *env) hasAll(t *testing.T, tag string) (record, log, job bool) {
	t.Helper()
	e.view(t, func(tx store.Tx) error {
		_, err := tx.RecordGet(e.ctx, "t", tag)
		record = err == nil
		n, err := tx.LogLen(e.ctx, "log/"+tag)
		if err != nil {
			return err
		}
		log = n > 0
		_, err = tx.JobGet(e.ctx, "q", tag)
		job = err == nil
		return nil
	})
	return record, log, job
}

func testTxErrorRollsBack(t *testing.T, e *env) {
	e.update(t, func(tx store.Tx) error { return writeAll(e, tx, "kept") })
	errBoom := errors.New("boom")
	err := e.s.Update(e.ctx, func(tx store.Tx) error {
		if err := writeAll(e, tx, "lost"); err != nil {
			return err
		}
		// Changes to existing state roll back as well.
		if err := tx.RecordDelete(e.ctx, "t", "kept"); err != nil {
			return err
		}
		if _, err := tx.LogAppend(e.ctx, "log/kept", []byte("more")); err != nil {
			return err
		}
		if err := tx.JobDelete(e.ctx, "q", "kept", ""); err != nil {
			return err
		}
		return fmt.Errorf("step failed: %w", errBoom)
	})
	wantErr(t, "update", err, errBoom)
	if r, l, j := e.hasAll(t, "lost"); r || l || j {
		t.Fatalf("rolled-back writes visible: record %v, log %v, job %v", r, l, j)
	}
	if r, l, j := e.hasAll(t, "kept"); !r || !l || !j {
		t.Fatalf("rolled-back deletes took effect: record %v, log %v, job %v", r, l, j)
	}
	if n := e.logLen(t, "log/kept"); n != 1 {
		t.Fatalf("log len after rolled-back append = %d, want 1", n)
	}
	if got := e.scanKeys(t, store.RecordScanParams{Table: "t", Index: "tag"}); len(got) != 1 || got[0] != "kept" {
		t.Fatalf("index after rollback = %q", got)
	}
}

func testTxViewRejectsWrites(t *testing.T, e *env) {
	e.update(t, func(tx store.Tx) error { return writeAll(e, tx, "x") })
	writes := map[string]func(tx store.Tx) error{
		"RecordInsert": func(tx store.Tx) error {
			return tx.RecordInsert(e.ctx, &store.Record{Table: "t", Key: "new", Value: []byte("v")})
		},
		"RecordPut": func(tx store.Tx) error {
			return tx.RecordPut(e.ctx, &store.Record{Table: "t", Key: "x", Value: []byte("changed")})
		},
		"RecordDelete": func(tx store.Tx) error { return tx.RecordDelete(e.ctx, "t", "x") },
		"LogAppend": func(tx store.Tx) error {
			_, err := tx.LogAppend(e.ctx, "log/x", []byte("more"))
			return err
		},
		"LogDelete": func(tx store.Tx) error { return tx.LogDelete(e.ctx, "log/x") },
		"JobPut":    func(tx store.Tx) error { return tx.JobPut(e.ctx, &store.Job{Queue: "q", ID: "new", Due: epoch}) },
		"JobDelete": func(tx store.Tx) error { return tx.JobDelete(e.ctx, "q", "x", "") },
	}
	for name, write := range writes {
		var werr error
		e.view(t, func(tx store.Tx) error {
			werr = write(tx)
			return nil
		})
		if werr == nil {
			t.Errorf("%s in a View succeeded", name)
		}
	}
	if r, l, j := e.hasAll(t, "x"); !r || !l || !j {
		t.Fatalf("a View changed state: record %v, log %v, job %v", r, l, j)
	}
	if n := e.logLen(t, "log/x"); n != 1 {
		t.Fatalf("a View appended to a log: len %d", n)
	}
	_, err := e.getJob(t, "q", "new")
	wantErr(t, "job put in a View", err, store.ErrNotFound)
}

func testTxConcurrentUpdates(t *testing.T, e *env) {
	const n = 200
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			tag := fmt.Sprintf("w%03d", i)
			if err := e.s.Update(e.ctx, func(tx store.Tx) error { return writeAll(e, tx, tag) }); err != nil {
				t.Errorf("update %s: %v", tag, err)
			}
		})
	}
	wg.Wait()
	if got := e.scanKeys(t, store.RecordScanParams{Table: "t"}); len(got) != n {
		t.Fatalf("%d records visible, want %d", len(got), n)
	}
	for i := range n {
		if r, l, j := e.hasAll(t, fmt.Sprintf("w%03d", i)); !r || !l || !j {
			t.Fatalf("w%03d: record %v, log %v, job %v", i, r, l, j)
		}
	}
}

// With group commit, concurrent Updates share a transaction; a failing fn
// must roll back only itself and get only its own error.
func testTxFailingAmongConcurrent(t *testing.T, e *env) {
	const n = 200
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			tag := fmt.Sprintf("w%03d", i)
			errs[i] = e.s.Update(e.ctx, func(tx store.Tx) error {
				if err := writeAll(e, tx, tag); err != nil {
					return err
				}
				if i%3 == 0 {
					return fmt.Errorf("fn %d fails", i)
				}
				return nil
			})
		})
	}
	wg.Wait()
	for i := range n {
		tag := fmt.Sprintf("w%03d", i)
		r, l, j := e.hasAll(t, tag)
		if i%3 == 0 {
			if errs[i] == nil || errs[i].Error() != fmt.Sprintf("fn %d fails", i) {
				t.Errorf("%s: error %v, want its own", tag, errs[i])
			}
			if r || l || j {
				t.Errorf("%s failed but its writes are visible: record %v, log %v, job %v", tag, r, l, j)
			}
			continue
		}
		if errs[i] != nil {
			t.Errorf("%s: error %v", tag, errs[i])
		}
		if !r || !l || !j {
			t.Errorf("%s committed but writes are missing: record %v, log %v, job %v", tag, r, l, j)
		}
	}
}

// A read-modify-write loop on a version: concurrent increments never lose
// an update.
func testTxOptimisticCounter(t *testing.T, e *env) {
	const n = 40
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for {
				var r *store.Record
				err := e.s.View(e.ctx, func(tx store.Tx) error {
					var err error
					r, err = tx.RecordGet(e.ctx, "t", "counter")
					if errors.Is(err, store.ErrNotFound) {
						r, err = &store.Record{Table: "t", Key: "counter", Value: []byte{0}}, nil
					}
					return err
				})
				if err != nil {
					t.Errorf("read: %v", err)
					return
				}
				r.Value = []byte{r.Value[0] + 1}
				err = e.s.Update(e.ctx, func(tx store.Tx) error {
					if r.Version == 0 {
						return tx.RecordInsert(e.ctx, r)
					}
					return tx.RecordPut(e.ctx, r)
				})
				if errors.Is(err, store.ErrConflict) {
					continue
				}
				if err != nil {
					t.Errorf("write: %v", err)
				}
				return
			}
		})
	}
	wg.Wait()
	e.view(t, func(tx store.Tx) error {
		r, err := tx.RecordGet(e.ctx, "t", "counter")
		if err != nil {
			return err
		}
		if r.Value[0] != n || r.Version != n {
			t.Errorf("counter = %d at version %d, want %d", r.Value[0], r.Version, n)
		}
		return nil
	})
}

func testTxReset(t *testing.T, e *env) {
	e.update(t, func(tx store.Tx) error { return writeAll(e, tx, "x") })
	if err := e.s.Reset(e.ctx); err != nil {
		t.Fatalf("reset: %v", err)
	}
	if r, l, j := e.hasAll(t, "x"); r || l || j {
		t.Fatalf("after reset: record %v, log %v, job %v", r, l, j)
	}
	if got := e.scanKeys(t, store.RecordScanParams{Table: "t", Index: "tag"}); got != nil {
		t.Fatalf("index after reset = %q", got)
	}
	if _, ok, err := e.s.JobNextDue(e.ctx, "q"); ok || err != nil {
		t.Fatalf("next due after reset: ok %v, err %v", ok, err)
	}
	// The store works as new: logs start over, keys are free.
	e.update(t, func(tx store.Tx) error { return writeAll(e, tx, "x") })
	if got := e.readLog(t, store.LogReadParams{Log: "log/x"}); len(got) != 1 || got[0] != "1:x" {
		t.Fatalf("log after reset = %q", got)
	}
}

func testTxClosed(t *testing.T, e *env) {
	if err := e.s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	calls := map[string]func() error{
		"Update": func() error { return e.s.Update(e.ctx, func(store.Tx) error { return nil }) },
		"View":   func() error { return e.s.View(e.ctx, func(store.Tx) error { return nil }) },
		"JobClaim": func() error {
			_, err := e.s.JobClaim(e.ctx, &store.JobClaimParams{Queue: "q", Now: epoch, Lease: time.Minute, Limit: 1})
			return err
		},
		"JobNextDue": func() error {
			_, _, err := e.s.JobNextDue(e.ctx, "q")
			return err
		},
		"Reset": func() error { return e.s.Reset(e.ctx) },
	}
	for name, call := range calls {
		if err := call(); err == nil {
			t.Errorf("%s after Close succeeded", name)
		}
	}
	// Wake after Close must not panic; its channel simply never fires.
	_, cancel := e.s.Wake("q")
	cancel()
}

// Views read one snapshot: while Updates move two records together, no View
// (the SQLite driver answers Views from its record cache where it can) ever
// sees them differ. Reads are checked after View returns, since fn may run
// more than once.
func testTxViewIsSnapshot(t *testing.T, e *env) {
	const writes = 150
	put := func(tx store.Tx, n int) error {
		for _, k := range []string{"a", "b"} {
			if err := tx.RecordPut(e.ctx, &store.Record{Table: "pair", Key: k, Value: []byte(fmt.Sprint(n))}); err != nil {
				return err
			}
		}
		return nil
	}
	if err := e.s.Update(e.ctx, func(tx store.Tx) error { return put(tx, 0) }); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(done)
		for n := 1; n <= writes; n++ {
			if err := e.s.Update(e.ctx, func(tx store.Tx) error { return put(tx, n) }); err != nil {
				t.Errorf("update %d: %v", n, err)
				return
			}
		}
	})
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				var a, b string
				err := e.s.View(e.ctx, func(tx store.Tx) error {
					ra, err := tx.RecordGet(e.ctx, "pair", "a")
					if err != nil {
						return err
					}
					rb, err := tx.RecordGet(e.ctx, "pair", "b")
					if err != nil {
						return err
					}
					a, b = string(ra.Value), string(rb.Value)
					return nil
				})
				if err != nil {
					t.Errorf("view: %v", err)
					return
				}
				if a != b {
					t.Errorf("view saw a=%s b=%s: two snapshots", a, b)
					return
				}
			}
		})
	}
	wg.Wait()
	var last string
	if err := e.s.View(e.ctx, func(tx store.Tx) error {
		r, err := tx.RecordGet(e.ctx, "pair", "b")
		if err == nil {
			last = string(r.Value)
		}
		return err
	}); err != nil || last != fmt.Sprint(writes) {
		t.Fatalf("after the writes b = %q (%v), want %d", last, err, writes)
	}
}

// An Update or View given a context from store.WithTx runs inside that
// transaction: a nested Update commits or rolls back with it, its own
// failure undoes only its own writes, and a nested View reads the outer
// transaction's uncommitted writes.
func testTxJoined(t *testing.T, e *env) {
	put := func(ctx context.Context, tx store.Tx, key string) error {
		return tx.RecordInsert(ctx, &store.Record{Table: "j", Key: key, Value: []byte(key)})
	}
	boom := errors.New("boom")
	var sawOuter bool
	err := e.s.Update(e.ctx, func(tx store.Tx) error {
		if err := put(e.ctx, tx, "outer"); err != nil {
			return err
		}
		ctx := store.WithTx(e.ctx, tx)
		if err := e.s.Update(ctx, func(tx store.Tx) error { return put(ctx, tx, "inner-ok") }); err != nil {
			return fmt.Errorf("nested update: %w", err)
		}
		err := e.s.Update(ctx, func(tx store.Tx) error {
			if err := put(ctx, tx, "inner-failed"); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			return fmt.Errorf("failing nested update returned %v, want boom", err)
		}
		return e.s.View(ctx, func(tx store.Tx) error {
			_, err := tx.RecordGet(ctx, "j", "outer")
			sawOuter = err == nil
			if err := tx.RecordInsert(ctx, &store.Record{Table: "j", Key: "from-view"}); err == nil {
				return errors.New("a joined View could write")
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if !sawOuter {
		t.Error("a View joined to the Update did not see its uncommitted write")
	}
	if got, want := fmt.Sprint(e.scanKeys(t, store.RecordScanParams{Table: "j"})), "[inner-ok outer]"; got != want {
		t.Errorf("after commit: %s, want %s", got, want)
	}

	// When the outer Update fails, the nested one's writes go with it.
	err = e.s.Update(e.ctx, func(tx store.Tx) error {
		ctx := store.WithTx(e.ctx, tx)
		if err := e.s.Update(ctx, func(tx store.Tx) error { return put(ctx, tx, "rolled-back") }); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("outer update: %v", err)
	}
	if got, want := fmt.Sprint(e.scanKeys(t, store.RecordScanParams{Table: "j"})), "[inner-ok outer]"; got != want {
		t.Errorf("after a failed outer update: %s, want %s", got, want)
	}
}
