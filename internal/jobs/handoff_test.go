package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/clock"
	"github.com/shoal-dev/shoal/internal/jobs"
	"github.com/shoal-dev/shoal/internal/store"
	"github.com/shoal-dev/shoal/internal/store/sqlite"
)

// countingStore counts Updates, to show which writes a runner makes.
type countingStore struct {
	store.Store
	updates atomic.Int64
}

func (c *countingStore) Update(ctx context.Context, fn func(store.Tx) error) error {
	c.updates.Add(1)
	return c.Store.Update(ctx, fn)
}

func openStore(t *testing.T, dir string, clk clock.Clock) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), sqlite.Config{Dir: dir, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// runs records each run of a job.
type runs struct {
	mu   sync.Mutex
	jobs map[string][]store.Job
}

func (r *runs) add(j store.Job) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.jobs == nil {
		r.jobs = map[string][]store.Job{}
	}
	r.jobs[j.ID] = append(r.jobs[j.ID], j)
	return len(r.jobs[j.ID])
}

func (r *runs) of(id string) []store.Job {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.jobs[id]
}

func wantGone(t *testing.T, st store.Store, ids ...string) {
	t.Helper()
	for _, id := range ids {
		err := st.View(context.Background(), func(tx store.Tx) error {
			_, err := tx.JobGet(context.Background(), "q", id)
			return err
		})
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("job %s: get = %v, want it deleted", id, err)
		}
	}
}

// Jobs whose handler returns Done are deleted together, in one Update
// after the batch; a failing job of the same batch is put back after the
// backoff as before, and a job that lost its lease meanwhile is left to
// its new owner without failing the others' deletion.
func TestDoneJobsCompleteInOneUpdate(t *testing.T) {
	clk := clock.NewManual(t0)
	st := openStore(t, t.TempDir(), clk)
	cs := &countingStore{Store: st}
	var rs runs
	handler := func(ctx context.Context, j store.Job) error {
		n := rs.add(j)
		switch {
		case j.ID == "flaky" && n == 1:
			return errors.New("boom")
		case j.ID == "moved" && n == 1:
			// Rescheduled by someone else (JobPut drops the lease).
			err := st.Update(ctx, func(tx store.Tx) error {
				return tx.JobPut(ctx, &store.Job{Queue: "q", ID: "moved", Due: t0.Add(time.Hour)})
			})
			if err != nil {
				return err
			}
		}
		return jobs.Done
	}
	r := jobs.New(jobs.Config{Store: cs, Clock: clk, Queue: "q", Handler: handler, Backoff: 5 * time.Second, Workers: 4})
	var ids []string
	for i := range 10 {
		ids = append(ids, fmt.Sprintf("j%d", i))
		put(t, st, ids[i], t0)
	}
	put(t, st, "flaky", t0)
	put(t, st, "moved", t0)

	r.Drain(context.Background())
	// The completion of ten jobs, and putting the failed one back.
	if got := cs.updates.Load(); got != 2 {
		t.Errorf("runner Updates = %d, want 2 (one for all completions, one for the failure)", got)
	}
	for _, id := range ids {
		if n := len(rs.of(id)); n != 1 {
			t.Errorf("job %s ran %d times", id, n)
		}
	}
	wantGone(t, st, ids...)
	err := st.View(context.Background(), func(tx store.Tx) error {
		moved, err := tx.JobGet(context.Background(), "q", "moved")
		if err != nil {
			return err
		}
		if !moved.Due.Equal(t0.Add(time.Hour)) {
			return fmt.Errorf("moved job due %v, want the new owner's %v", moved.Due, t0.Add(time.Hour))
		}
		flaky, err := tx.JobGet(context.Background(), "q", "flaky")
		if err != nil {
			return err
		}
		if flaky.Lease != "" || !flaky.Due.Equal(t0.Add(5*time.Second)) {
			return fmt.Errorf("failed job = %+v, want it unleased, due after the backoff", flaky)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(5 * time.Second)
	if n := len(rs.of("flaky")); n != 2 {
		t.Fatalf("failed job ran %d times, want 2", n)
	}
	wantGone(t, st, "flaky")
}

// Handed-over jobs run as they were committed (JobPutLeased's lease, first
// attempt: nobody claimed them), Drain waits for them, and they are
// deleted once done.
func TestHandoffRunsCommittedJobsWithoutClaim(t *testing.T) {
	clk := clock.NewManual(t0)
	st := openStore(t, t.TempDir(), clk)
	var rs runs
	handler := func(ctx context.Context, j store.Job) error {
		rs.add(j)
		return jobs.Done
	}
	r := jobs.New(jobs.Config{Store: st, Clock: clk, Queue: "q", Handler: handler, Handoff: 4, Workers: 2})
	ctx := context.Background()
	if _, ok := r.Reserve(ctx, 1); ok {
		t.Fatal("Reserve succeeded before Start")
	}
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer r.Stop(ctx)
	err := st.Update(ctx, func(tx store.Tx) error {
		if _, ok := r.Reserve(store.WithTx(ctx, tx), 1); ok {
			return errors.New("Reserve succeeded inside another transaction")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	h, ok := r.Reserve(ctx, 6)
	if !ok || h.Len() != 4 {
		t.Fatalf("Reserve(6) with room for 4 = %v %v", h, ok)
	}
	if _, ok := r.Reserve(ctx, 1); ok {
		t.Fatal("Reserve succeeded with no room left")
	}
	var committed []store.Job
	err = st.Update(ctx, func(tx store.Tx) error {
		committed = committed[:0]
		for i := range h.Len() {
			j := store.Job{Queue: "q", ID: fmt.Sprintf("h%d", i), Due: t0}
			if err := tx.JobPutLeased(ctx, &j, h.Lease()); err != nil {
				return err
			}
			committed = append(committed, j)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	h.Run(committed)
	r.Drain(ctx)
	for _, c := range committed {
		got := rs.of(c.ID)
		if len(got) != 1 || got[0].Lease != c.Lease || got[0].Attempt != 1 {
			t.Errorf("job %s runs = %+v, want one with lease %s, attempt 1", c.ID, got, c.Lease)
		}
		wantGone(t, st, c.ID)
	}
	// The room is free again.
	h, ok = r.Reserve(ctx, 4)
	if !ok || h.Len() != 4 {
		t.Fatalf("Reserve(4) after the jobs ran = %v %v", h, ok)
	}
	h.Cancel()
	if err := r.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := r.Reserve(ctx, 1); ok {
		t.Fatal("Reserve succeeded after Stop")
	}
}

// Jobs committed for handing over are durable: if the process dies before
// they run, the next process (a fresh SQLite Open clears leases) runs them.
func TestHandedJobsRunAfterACrash(t *testing.T) {
	clk := clock.NewManual(t0)
	dir := t.TempDir()
	st1, err := sqlite.Open(context.Background(), sqlite.Config{Dir: dir, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	blocked := func(ctx context.Context, j store.Job) error { return errors.New("the first process never runs it") }
	r1 := jobs.New(jobs.Config{Store: st1, Clock: clk, Queue: "q", Handler: blocked, Handoff: 4})
	if err := r1.Start(ctx); err != nil {
		t.Fatal(err)
	}
	h, ok := r1.Reserve(ctx, 2)
	if !ok {
		t.Fatal("Reserve failed")
	}
	err = st1.Update(ctx, func(tx store.Tx) error {
		for _, id := range []string{"a", "b"} {
			if err := tx.JobPutLeased(ctx, &store.Job{Queue: "q", ID: id, Due: t0}, h.Lease()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The process dies between the commit and handing the jobs over.
	if err := r1.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	st1.Close()

	st2 := openStore(t, dir, clk)
	var rs runs
	r2 := jobs.New(jobs.Config{Store: st2, Clock: clk, Queue: "q", Handler: func(ctx context.Context, j store.Job) error {
		rs.add(j)
		return jobs.Done
	}})
	r2.Drain(ctx)
	for _, id := range []string{"a", "b"} {
		if got := rs.of(id); len(got) != 1 || got[0].Attempt != 2 {
			t.Errorf("job %s runs after the restart = %+v, want one, attempt 2", id, got)
		}
	}
	wantGone(t, st2, "a", "b")
}
