package sqlkit

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/shoal-dev/shoal/internal/store"
)

var (
	errReadOnly = errors.New("read-only transaction (View)")
	errFinished = errors.New("transaction used after its Update or View returned")
)

// TxState is the bookkeeping a driver's store.Tx keeps beside its
// connection. Drivers embed it.
type TxState struct {
	ReadOnly bool // a View: mutations fail
	finished bool
	// Woke holds the queues whose jobs this transaction added or
	// rescheduled, to wake once it commits.
	Woke map[string]struct{}
}

// Finish marks the transaction over: its Update or View has returned.
func (s *TxState) Finish() { s.finished = true }

// Check fails a call on a finished transaction, or a mutation (write) in a
// View.
func (s *TxState) Check(write bool) error {
	if s.finished {
		return errFinished
	}
	if write && s.ReadOnly {
		return errReadOnly
	}
	return nil
}

// WakeQueue notes that queue has new or rescheduled jobs.
func (s *TxState) WakeQueue(queue string) {
	if s.Woke == nil {
		s.Woke = map[string]struct{}{}
	}
	s.Woke[queue] = struct{}{}
}

// CheckClaim rejects claim parameters no driver can honour.
func CheckClaim(p *store.JobClaimParams) error {
	if p.Lease <= 0 {
		return fmt.Errorf("claim jobs of %s: lease must be positive, got %v", p.Queue, p.Lease)
	}
	return nil
}

// SortClaimed puts claimed jobs in due order, then by ID: RETURNING gives
// rows in no particular order.
func SortClaimed(jobs []store.Job) {
	slices.SortFunc(jobs, func(a, b store.Job) int {
		if c := a.Due.Compare(b.Due); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}
