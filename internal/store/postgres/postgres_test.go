package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/shoal-dev/shoal/internal/clock"
	"github.com/shoal-dev/shoal/internal/store"
	"github.com/shoal-dev/shoal/internal/store/postgres"
	"github.com/shoal-dev/shoal/internal/store/postgres/pgtest"
	"github.com/shoal-dev/shoal/internal/store/storetest"
)

func open(tb testing.TB, url string, clk clock.Clock) *postgres.Store {
	tb.Helper()
	s, err := postgres.Open(context.Background(), postgres.Config{URL: url, Clock: clk})
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	return s
}

func factory(t *testing.T) storetest.Opener {
	url := pgtest.NewSchema(t)
	return func(t *testing.T, clk clock.Clock) store.Store { return open(t, url, clk) }
}

func TestConformance(t *testing.T) {
	storetest.Run(t, factory)
}

// Two Stores on one schema stand for two shoal processes.
func twoProcesses(t *testing.T) (a, b *postgres.Store, url string) {
	url = pgtest.NewSchema(t)
	clk := clock.NewManual(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC))
	a, b = open(t, url, clk), open(t, url, clk)
	t.Cleanup(func() { a.Close(); b.Close() })
	return a, b, url
}

func TestTwoProcessesShareJobs(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	a, b, _ := twoProcesses(t)
	now := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	const jobs = 300
	err := a.Update(ctx, func(tx store.Tx) error {
		for i := range jobs {
			if err := tx.JobPut(ctx, &store.Job{Queue: "q", ID: fmt.Sprintf("j%03d", i), Due: now}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("put: %v", err)
	}
	var mu sync.Mutex
	claimedBy := map[string]int{}
	perStore := map[*postgres.Store]int{}
	var wg sync.WaitGroup
	for i := range 8 {
		s := a
		if i%2 == 1 {
			s = b
		}
		wg.Go(func() {
			for {
				got, err := s.JobClaim(ctx, &store.JobClaimParams{Queue: "q", Now: now, Lease: time.Minute, Limit: 4})
				if err != nil {
					t.Errorf("claim: %v", err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, j := range got {
					claimedBy[j.ID]++
				}
				perStore[s] += len(got)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(claimedBy) != jobs {
		t.Fatalf("claimed %d distinct jobs, want %d", len(claimedBy), jobs)
	}
	for id, n := range claimedBy {
		if n != 1 {
			t.Fatalf("job %s claimed %d times", id, n)
		}
	}
	t.Logf("process a claimed %d jobs, process b %d", perStore[a], perStore[b])
}

// A claimer passes over a job another transaction holds locked instead of
// waiting for it: that is FOR UPDATE SKIP LOCKED.
func TestClaimSkipsLockedJobs(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	a, b, url := twoProcesses(t)
	now := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	err := a.Update(ctx, func(tx store.Tx) error {
		for _, id := range []string{"j1", "j2"} {
			if err := tx.JobPut(ctx, &store.Job{Queue: "q", ID: id, Due: now}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("put: %v", err)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	holder, err := conn.Begin(ctx)
	if err != nil {
		t.Fatalf("begin: %v", err)
	}
	defer holder.Rollback(ctx)
	if _, err := holder.Exec(ctx, `SELECT 1 FROM jobs WHERE queue = 'q' AND id = 'j1' FOR UPDATE`); err != nil {
		t.Fatalf("lock j1: %v", err)
	}
	claimCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	got, err := b.JobClaim(claimCtx, &store.JobClaimParams{Queue: "q", Now: now, Lease: time.Minute, Limit: 2})
	if err != nil {
		t.Fatalf("claim while j1 is locked: %v", err)
	}
	if len(got) != 1 || got[0].ID != "j2" {
		t.Fatalf("claim while j1 is locked = %+v, want only j2", got)
	}
}

// A commit in one process wakes the other's subscribers through NOTIFY; a
// rollback wakes nobody.
func TestWakeAcrossProcesses(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	a, b, _ := twoProcesses(t)
	ch, cancel := b.Wake("cross")
	defer cancel()
	rolledBack, cancelRolledBack := b.Wake("rolled-back")
	defer cancelRolledBack()
	put := func(queue string, fail bool) error {
		return a.Update(ctx, func(tx store.Tx) error {
			if err := tx.JobPut(ctx, &store.Job{Queue: queue, ID: "j", Due: time.Now()}); err != nil {
				return err
			}
			if fail {
				return fmt.Errorf("roll back")
			}
			return nil
		})
	}
	if err := put("rolled-back", true); err == nil {
		t.Fatal("failing update succeeded")
	}
	if err := put("cross", false); err != nil {
		t.Fatalf("put: %v", err)
	}
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatal("no wake-up in process b for a commit in process a")
	}
	// Notifications arrive in commit order, so had the rolled-back
	// transaction notified, that would be here by now.
	select {
	case <-rolledBack:
		t.Fatal("process b woke for a rolled-back transaction")
	default:
	}
}

// Deadlocks are retried: two Updates that lock the same two log heads in
// opposite orders deadlock once; PostgreSQL aborts one, Update runs its fn
// again, and both commit.
func TestUpdateRetriesDeadlocks(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	a, b, _ := twoProcesses(t)
	var firstLocked sync.WaitGroup
	firstLocked.Add(2)
	var wg sync.WaitGroup
	runs := make([]int, 2)
	for i, s := range []*postgres.Store{a, b} {
		first, second := "L1", "L2"
		if i == 1 {
			first, second = "L2", "L1"
		}
		wg.Go(func() {
			err := s.Update(ctx, func(tx store.Tx) error {
				runs[i]++
				if _, err := tx.LogAppend(ctx, first, []byte("x")); err != nil {
					return err
				}
				if runs[i] == 1 {
					// Both hold their first head row before either asks
					// for the second: a certain deadlock.
					firstLocked.Done()
					firstLocked.Wait()
				}
				_, err := tx.LogAppend(ctx, second, []byte("y"))
				return err
			})
			if err != nil {
				t.Errorf("update: %v", err)
			}
		})
	}
	wg.Wait()
	if runs[0]+runs[1] < 3 {
		t.Errorf("fns ran %v times, want a retry", runs)
	}
	err := a.View(ctx, func(tx store.Tx) error {
		for _, log := range []string{"L1", "L2"} {
			n, err := tx.LogLen(ctx, log)
			if err != nil {
				return err
			}
			if n != 2 {
				t.Errorf("log %s has %d entries, want 2", log, n)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("view: %v", err)
	}
}
