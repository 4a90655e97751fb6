package sqlite_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/clock"
	"github.com/shoal-dev/shoal/internal/store"
	"github.com/shoal-dev/shoal/internal/store/sqlite"
	"github.com/shoal-dev/shoal/internal/store/storetest"
)

// factory gives each test its own data directory.
func factory(t *testing.T) storetest.Opener {
	dir := t.TempDir()
	return func(t *testing.T, clk clock.Clock) store.Store {
		t.Helper()
		s, err := sqlite.Open(t.Context(), sqlite.Config{Dir: dir, Clock: clk})
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		return s
	}
}

func TestConformance(t *testing.T) {
	storetest.Run(t, factory)
}

func TestSecondOpenFailsFast(t *testing.T) {
	dir := t.TempDir()
	s, err := sqlite.Open(t.Context(), sqlite.Config{Dir: dir})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer s.Close()
	_, err = sqlite.Open(t.Context(), sqlite.Config{Dir: dir})
	if !errors.Is(err, store.ErrLocked) {
		t.Fatalf("second open: got %v, want store.ErrLocked", err)
	}
	if !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "another shoal process") {
		t.Fatalf("second open error %q should name %s and another shoal process", err, dir)
	}
	// Once the first store is closed the directory is free again.
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	s2, err := sqlite.Open(t.Context(), sqlite.Config{Dir: dir})
	if err != nil {
		t.Fatalf("open after close: %v", err)
	}
	s2.Close()
}

// A process that dies holding leases cannot be alive when the next one
// gets the directory lock, so its jobs are claimable at once.
func TestReopenClearsLeases(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	clk := clock.NewManual(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC))
	s, err := sqlite.Open(ctx, sqlite.Config{Dir: dir, Clock: clk})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	now := clk.Now()
	err = s.Update(ctx, func(tx store.Tx) error {
		return tx.JobPut(ctx, &store.Job{Queue: "q", ID: "j", Due: now})
	})
	if err != nil {
		t.Fatalf("put: %v", err)
	}
	claim := func(s store.Store) []store.Job {
		jobs, err := s.JobClaim(ctx, &store.JobClaimParams{Queue: "q", Now: now, Lease: time.Hour, Limit: 1})
		if err != nil {
			t.Fatalf("claim: %v", err)
		}
		return jobs
	}
	if got := claim(s); len(got) != 1 {
		t.Fatalf("claim = %+v", got)
	}
	s.Close()

	s, err = sqlite.Open(ctx, sqlite.Config{Dir: dir, Clock: clk})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	got := claim(s)
	if len(got) != 1 || got[0].Attempt != 2 {
		t.Fatalf("claim after reopen = %+v, want the job at attempt 2", got)
	}
}

func TestOpenNeedsDir(t *testing.T) {
	if _, err := sqlite.Open(t.Context(), sqlite.Config{}); err == nil {
		t.Fatal("open without a directory succeeded")
	}
}

// A panicking fn must not take the writer down with it: the panic reaches
// the caller and other Updates keep working.
func TestUpdatePanicReachesCaller(t *testing.T) {
	ctx := t.Context()
	s, err := sqlite.Open(ctx, sqlite.Config{Dir: t.TempDir()})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer s.Close()
	func() {
		defer func() {
			if p := recover(); p != "boom" {
				t.Fatalf("recovered %v, want boom", p)
			}
		}()
		s.Update(ctx, func(tx store.Tx) error {
			tx.RecordInsert(ctx, &store.Record{Table: "t", Key: "k", Value: []byte("v")})
			panic("boom")
		})
	}()
	err = s.Update(ctx, func(tx store.Tx) error {
		return tx.RecordInsert(ctx, &store.Record{Table: "t", Key: "k", Value: []byte("v")})
	})
	if err != nil {
		t.Fatalf("update after a panic: %v (the panicking fn's insert must be rolled back)", err)
	}
}

// The default data directory is relative (".shoal"): it must open, and in
// the working directory.
func TestOpenRelativeDir(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	s, err := sqlite.Open(t.Context(), sqlite.Config{Dir: ".shoal"})
	if err != nil {
		t.Fatalf("open .shoal: %v", err)
	}
	defer s.Close()
	if err := s.Update(t.Context(), func(tx store.Tx) error {
		return tx.RecordInsert(t.Context(), &store.Record{Table: "t", Key: "k", Value: []byte("v")})
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".shoal", "shoal.db")); err != nil {
		t.Errorf("database not in the working directory: %v", err)
	}
}

// A JobEnsure that leaves the job as it was wakes nobody: outboxes ensure
// their job on every commit, and each wake-up would send the runner to
// claim. (SQLite wakes subscribers before Update returns, so an absent
// wake-up is visible at once.)
func TestJobEnsureDueInTimeWakesNobody(t *testing.T) {
	ctx := t.Context()
	s, err := sqlite.Open(ctx, sqlite.Config{Dir: t.TempDir()})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer s.Close()
	ch, cancel := s.Wake("q")
	defer cancel()
	due := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	ensure := func(due time.Time) {
		t.Helper()
		if err := s.Update(ctx, func(tx store.Tx) error {
			return tx.JobEnsure(ctx, &store.Job{Queue: "q", ID: "j", Due: due})
		}); err != nil {
			t.Fatalf("ensure: %v", err)
		}
	}
	ensure(due)
	select {
	case <-ch:
	default:
		t.Fatal("adding the job woke nobody")
	}
	ensure(due.Add(time.Second))
	select {
	case <-ch:
		t.Fatal("leaving the job alone woke its queue")
	default:
	}
}
