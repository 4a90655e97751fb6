package storetest

import (
	"errors"
	"testing"

	"github.com/shoal-dev/shoal/internal/store"
)

var wakeTests = []test{
	{"FiresAfterCommit", testWakeFiresAfterCommit},
	{"NotForRollback", testWakeNotForRollback},
	{"Cancel", testWakeCancel},
}

func testWakeFiresAfterCommit(t *testing.T, e *env) {
	ch, cancel := e.s.Wake("q")
	defer cancel()
	other, cancelOther := e.s.Wake("q")
	defer cancelOther()
	e.update(t, func(tx store.Tx) error {
		if err := tx.JobPut(e.ctx, &store.Job{Queue: "q", ID: "j", Due: epoch}); err != nil {
			return err
		}
		select {
		case <-ch:
			return errors.New("wake-up before commit")
		default:
			return nil
		}
	})
	waitWake(t, ch, "JobPut")
	waitWake(t, other, "JobPut, second subscriber")
	// Rescheduling (JobPut on an existing ID) wakes too.
	e.putJobs(t, store.Job{Queue: "q", ID: "j", Due: epoch.Add(lease)})
	waitWake(t, ch, "JobPut replacing a job")
}

func testWakeNotForRollback(t *testing.T, e *env) {
	ch, cancel := e.s.Wake("rolled-back")
	defer cancel()
	marker, cancelMarker := e.s.Wake("marker")
	defer cancelMarker()
	errRollback := errors.New("roll back")
	err := e.s.Update(e.ctx, func(tx store.Tx) error {
		if err := tx.JobPut(e.ctx, &store.Job{Queue: "rolled-back", ID: "j", Due: epoch}); err != nil {
			return err
		}
		return errRollback
	})
	wantErr(t, "update", err, errRollback)
	// A later commit's wake-up arriving shows an earlier one would have too.
	e.putJobs(t, store.Job{Queue: "marker", ID: "m", Due: epoch})
	waitWake(t, marker, "marker")
	noWake(t, ch, "rolled-back JobPut")
}

func testWakeCancel(t *testing.T, e *env) {
	ch, cancel := e.s.Wake("q")
	cancel()
	cancel() // idempotent
	marker, cancelMarker := e.s.Wake("q")
	defer cancelMarker()
	e.putJobs(t, store.Job{Queue: "q", ID: "j", Due: epoch})
	waitWake(t, marker, "JobPut")
	noWake(t, ch, "cancelled subscription")
}
