// Package storetest is the conformance suite every store.Store driver runs:
// the same tests, on SQLite and PostgreSQL alike.
//
// A driver's test calls Run with a Factory. Tests use a manual clock for
// lease time and channels with a generous timeout for wake-ups; none sleeps.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/clock"
	"github.com/shoal-dev/shoal/internal/store"
)

// Opener opens a Store on one location (a SQLite directory, a PostgreSQL
// schema), using clk for lease time. Each call opens a new Store on the same
// data; the suite closes every Store it gets.
type Opener func(t *testing.T, clk clock.Clock) store.Store

// Factory prepares a fresh, empty location for one test and returns its
// Opener. It removes the location when the test ends.
type Factory func(t *testing.T) Opener

// Run runs the whole suite. Subtests run in parallel.
func Run(t *testing.T, newStore Factory) {
	groups := []struct {
		name  string
		tests []test
	}{
		{"Records", recordTests},
		{"Scan", scanTests},
		{"Logs", logTests},
		{"Jobs", jobTests},
		{"Wake", wakeTests},
		{"Tx", txTests},
		{"Durability", durabilityTests},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			for _, tc := range g.tests {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					tc.run(t, newEnv(t, newStore))
				})
			}
		})
	}
}

type test struct {
	name string
	run  func(t *testing.T, e *env)
}

// epoch is where every test's manual clock starts.
var epoch = time.Date(2025, 3, 1, 7, 0, 0, 0, time.UTC)

// waitTimeout bounds waits for wake-ups; it only matters when a test fails.
const waitTimeout = 10 * time.Second

// env is one test's store and clock.
type env struct {
	ctx  context.Context
	clk  *clock.Manual
	open Opener
	s    store.Store
}

func newEnv(t *testing.T, newStore Factory) *env {
	e := &env{ctx: t.Context(), clk: clock.NewManual(epoch), open: newStore(t)}
	e.s = e.reopen(t)
	return e
}

// reopen opens another Store on the test's location; the suite closes it
// when the test ends.
func (e *env) reopen(t *testing.T) store.Store {
	t.Helper()
	s := e.open(t, e.clk)
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	return s
}

// update runs fn in an Update. fn must report problems by returning an
// error, never with t.Fatal: a driver may run it on its own goroutine.
func (e *env) update(t *testing.T, fn func(tx store.Tx) error) {
	t.Helper()
	if err := e.s.Update(e.ctx, fn); err != nil {
		t.Fatalf("update: %v", err)
	}
}

func (e *env) view(t *testing.T, fn func(tx store.Tx) error) {
	t.Helper()
	if err := e.s.View(e.ctx, fn); err != nil {
		t.Fatalf("view: %v", err)
	}
}

// wantErr fails unless err wraps want (nil means no error).
func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	switch {
	case want == nil && err != nil:
		t.Fatalf("%s: unexpected error %v", what, err)
	case want != nil && !errors.Is(err, want):
		t.Fatalf("%s: got error %v, want %v", what, err, want)
	}
}

// expect is wantErr for code inside an Update's fn, which may run on a
// driver's goroutine where t.Fatal must not be called: it returns the
// mismatch as an error for the Update to report.
func expect(what string, err, want error) error {
	switch {
	case want == nil && err != nil:
		return fmt.Errorf("%s: unexpected error: %w", what, err)
	case want != nil && !errors.Is(err, want):
		return fmt.Errorf("%s: got error %v, want %v", what, err, want)
	}
	return nil
}

// waitWake waits for a wake-up on ch.
func waitWake(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(waitTimeout):
		t.Fatalf("%s: no wake-up within %v", what, waitTimeout)
	}
}

// noWake fails if ch holds a wake-up.
func noWake(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
		t.Fatalf("%s: unexpected wake-up", what)
	default:
	}
}

func ptr[T any](v T) *T { return &v }
