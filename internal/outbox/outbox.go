// Package outbox delivers what a service appended to a store log in its
// own transactions — a transactional outbox: CloudWatch Logs records,
// CloudWatch metric data — to the service that takes it, at least once. A
// job per log (its id is the log's name) says the log has undelivered
// entries; a cursor record per log remembers the last entry delivered.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/shoal-dev/shoal/internal/clock"
	"github.com/shoal-dev/shoal/internal/store"
)

// Config is where an outbox keeps its cursors and how much one call takes.
type Config struct {
	Store store.Store
	Clock clock.Clock
	// CursorTable holds a record per log: the seq of the last entry
	// delivered.
	CursorTable string
	// Batch bounds the entries one send gets.
	Batch int
}

// Send delivers entries of a log; an error leaves them for the next try.
type Send func(ctx context.Context, log string, entries []store.LogEntry) error

// Deliver runs job j of an outbox log: it reads the entries after the
// log's cursor (at most Batch), sends them, advances the cursor, and runs
// the job again at once when a whole batch was read. With nothing left it
// drops the job; the next append queues it again. A send error returns,
// and the job is claimed again after its lease.
func Deliver(ctx context.Context, cfg Config, j store.Job, send Send) error {
	var after int64
	var entries []store.LogEntry
	err := cfg.Store.View(ctx, func(tx store.Tx) error {
		r, err := tx.RecordGet(ctx, cfg.CursorTable, j.ID)
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return err
		default:
			if after, err = strconv.ParseInt(string(r.Value), 10, 64); err != nil {
				return fmt.Errorf("outbox: cursor of %s: %w", j.ID, err)
			}
		}
		entries, err = tx.LogRead(ctx, &store.LogReadParams{Log: j.ID, After: after, Limit: cfg.Batch})
		return err
	})
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return Drop(ctx, cfg.Store, j)
	}
	if err := send(ctx, j.ID, entries); err != nil {
		return err
	}
	last := entries[len(entries)-1].Seq
	return cfg.Store.Update(ctx, func(tx store.Tx) error {
		if err := tx.RecordPut(ctx, &store.Record{Table: cfg.CursorTable, Key: j.ID, Value: []byte(strconv.FormatInt(last, 10))}); err != nil {
			return fmt.Errorf("outbox: cursor of %s: %w", j.ID, err)
		}
		if len(entries) == cfg.Batch {
			// More may wait: run again (JobPut clears the lease).
			return tx.JobPut(ctx, &store.Job{Queue: j.Queue, ID: j.ID, Due: cfg.Clock.Now()})
		}
		return dropLeased(ctx, tx, j)
	})
}

// Drop deletes a claimed job without delivering (nowhere to send yet, or
// nothing left); a commit that appends since has queued it again, which
// the lease check leaves in place.
func Drop(ctx context.Context, st store.Store, j store.Job) error {
	return st.Update(ctx, func(tx store.Tx) error { return dropLeased(ctx, tx, j) })
}

func dropLeased(ctx context.Context, tx store.Tx, j store.Job) error {
	err := tx.JobDelete(ctx, j.Queue, j.ID, j.Lease)
	if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound) {
		return nil // a new commit re-queued it: it runs again
	}
	return err
}
