package server

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shoal-dev/shoal/internal/clock"
	"github.com/shoal-dev/shoal/internal/store"
)

// A manual clock's time is kept in the store, so a restart — clean or
// after a crash — resumes the emulated time where it was, not at
// --clock-start: work planned before the restart (a Wait, a schedule's
// next firing) stays due when it was. A later --clock-start wins; time
// never runs backwards.
const (
	clockTable = "shoal.clock"
	clockKey   = "manual"
)

// restoreClock moves a manual clock to the time the store kept, if that
// is later than where it starts.
func restoreClock(ctx context.Context, st store.Store, c clock.Clock) error {
	m, ok := c.(*clock.Manual)
	if !ok {
		return nil
	}
	var kept time.Time
	err := st.View(ctx, func(tx store.Tx) error {
		r, err := tx.RecordGet(ctx, clockTable, clockKey)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return kept.UnmarshalText(r.Value)
	})
	if err != nil {
		return fmt.Errorf("read the manual clock's time: %w", err)
	}
	if kept.After(m.Now()) {
		m.AdvanceTo(kept) // no timers exist yet: only the time moves
	}
	return nil
}

// saveClock keeps the time a manual clock is being advanced to.
func (s *Server) saveClock(ctx context.Context, to time.Time) error {
	b, err := to.UTC().MarshalText()
	if err != nil {
		return err
	}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		return tx.RecordPut(ctx, &store.Record{Table: clockTable, Key: clockKey, Value: b})
	})
	if err != nil {
		return fmt.Errorf("keep the manual clock's time: %w", err)
	}
	return nil
}
