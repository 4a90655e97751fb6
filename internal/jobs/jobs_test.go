package jobs_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/clock"
	"github.com/shoal-dev/shoal/internal/jobs"
	"github.com/shoal-dev/shoal/internal/store"
	"github.com/shoal-dev/shoal/internal/store/sqlite"
)

var t0 = time.Date(2024, 6, 11, 12, 0, 0, 0, time.UTC)

type recorder struct {
	mu   sync.Mutex
	ran  map[string]time.Time
	fail map[string]int // job id → failures left
	st   store.Store
	clk  clock.Clock
	// then enqueues a follow-up job when a job runs: id → (id, delay).
	then map[string]struct {
		id    string
		delay time.Duration
	}
}

func (r *recorder) handle(ctx context.Context, j store.Job) error {
	r.mu.Lock()
	if r.fail[j.ID] > 0 {
		r.fail[j.ID]--
		r.mu.Unlock()
		return errors.New("boom")
	}
	r.ran[j.ID] = r.clk.Now()
	next, ok := r.then[j.ID]
	r.mu.Unlock()
	return r.st.Update(ctx, func(tx store.Tx) error {
		if err := tx.JobDelete(ctx, j.Queue, j.ID, j.Lease); err != nil {
			return err
		}
		if ok {
			return tx.JobPut(ctx, &store.Job{Queue: j.Queue, ID: next.id, Due: r.clk.Now().Add(next.delay)})
		}
		return nil
	})
}

func setup(t *testing.T) (*clock.Manual, store.Store, *recorder, *jobs.Runner) {
	t.Helper()
	clk := clock.NewManual(t0)
	st, err := sqlite.Open(context.Background(), sqlite.Config{Dir: t.TempDir(), Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	rec := &recorder{ran: map[string]time.Time{}, fail: map[string]int{}, st: st, clk: clk, then: map[string]struct {
		id    string
		delay time.Duration
	}{}}
	r := jobs.New(jobs.Config{Store: st, Clock: clk, Queue: "q", Handler: rec.handle, Backoff: 5 * time.Second})
	return clk, st, rec, r
}

func put(t *testing.T, st store.Store, id string, due time.Time) {
	t.Helper()
	err := st.Update(context.Background(), func(tx store.Tx) error {
		return tx.JobPut(context.Background(), &store.Job{Queue: "q", ID: id, Due: due})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (r *recorder) at(id string) (time.Time, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	t, ok := r.ran[id]
	return t, ok
}

// Under a manual clock, Advance returns only after every job that fell due
// ran, at its due time, including jobs those jobs enqueued inside the
// window; a failing handler is retried after the backoff.
func TestManualClockRunsDueJobsInsideAdvance(t *testing.T) {
	clk, st, rec, r := setup(t)
	put(t, st, "now", t0)
	put(t, st, "later", t0.Add(30*time.Second))
	put(t, st, "flaky", t0.Add(10*time.Second))
	rec.fail["flaky"] = 1
	rec.then["later"] = struct {
		id    string
		delay time.Duration
	}{"chained", 10 * time.Second}

	r.Drain(context.Background())
	if at, ok := rec.at("now"); !ok || !at.Equal(t0) {
		t.Fatalf("job due now: ran=%v at %v", ok, at)
	}
	if _, ok := rec.at("later"); ok {
		t.Fatal("a job ran before it was due")
	}
	clk.Advance(29 * time.Second)
	if _, ok := rec.at("later"); ok {
		t.Fatal("a job ran before it was due")
	}
	if at, ok := rec.at("flaky"); !ok || !at.Equal(t0.Add(15*time.Second)) {
		t.Errorf("flaky job ran=%v at %v, want after its failure plus the 5s backoff", ok, at)
	}
	clk.Advance(20 * time.Second)
	if at, _ := rec.at("later"); !at.Equal(t0.Add(30 * time.Second)) {
		t.Errorf("later ran at %v", at)
	}
	if at, ok := rec.at("chained"); !ok || !at.Equal(t0.Add(40*time.Second)) {
		t.Errorf("chained ran=%v at %v, want +40s", ok, at)
	}
	if _, ok, _ := st.JobNextDue(context.Background(), "q"); ok {
		t.Error("jobs left in the queue")
	}
}

// A started runner handles work another writer enqueues, woken by the
// store, without any clock movement.
func TestStartedRunnerWakesOnCommit(t *testing.T) {
	_, st, rec, r := setup(t)
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer r.Stop(context.Background())
	put(t, st, "woken", t0)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, ok := rec.at("woken"); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the runner never ran the job")
		}
		time.Sleep(time.Millisecond) // polling for another goroutine's effect, not timing it
	}
}
