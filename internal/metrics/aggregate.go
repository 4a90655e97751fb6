package metrics

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/shoal-dev/shoal/internal/clock"
	"github.com/shoal-dev/shoal/internal/store"
)

// Aggregator sums data points in memory per account, region, metric,
// dimensions and minute, and writes the sums to its outbox once a minute
// of the clock (and when it stops): one store write a minute instead of
// one on every hot path — PutEvents, each delivery. AWS sends these
// metrics the same way ("every minute") and calls their delivery best
// effort; a crash loses at most the minute not yet written.
type Aggregator struct {
	o     Outbox
	st    store.Store
	clk   clock.Clock
	log   *slog.Logger
	every time.Duration

	mu    sync.Mutex // a leaf: nothing is called while it is held
	sums  map[string]*pending
	timer clock.Timer
	ctx   context.Context
}

type pending struct {
	account, region string
	d               Datum
}

// NewAggregator returns an aggregator writing to o.
func NewAggregator(o Outbox, st store.Store, clk clock.Clock, log *slog.Logger) *Aggregator {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Aggregator{o: o, st: st, clk: clk, log: log, every: time.Minute, sums: map[string]*pending{}}
}

// Add adds d.Value to its minute's sum (d.Timestamp is ignored: the
// clock's minute now is used).
func (a *Aggregator) Add(account, region string, d Datum) {
	d.Timestamp = a.clk.Now().UTC().Truncate(time.Minute)
	var k strings.Builder
	k.WriteString(account + "|" + region + "|" + d.Name + "|" + d.Unit + "|" + d.Timestamp.Format(time.RFC3339))
	for _, dm := range d.Dimensions {
		k.WriteString("|" + dm.Name + "=" + dm.Value)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if p, ok := a.sums[k.String()]; ok {
		p.d.Value += d.Value
		return
	}
	a.sums[k.String()] = &pending{account: account, region: region, d: d}
}

// Flush writes the sums so far to the outbox in one store.Update.
func (a *Aggregator) Flush(ctx context.Context) error {
	a.mu.Lock()
	sums := a.sums
	a.sums = map[string]*pending{}
	a.mu.Unlock()
	if len(sums) == 0 {
		return nil
	}
	type scope struct{ account, region string }
	byScope := map[scope][]Datum{}
	keys := make([]string, 0, len(sums))
	for k := range sums {
		keys = append(keys, k)
	}
	slices.Sort(keys) // a stable order: time, then metric
	for _, k := range keys {
		p := sums[k]
		sc := scope{p.account, p.region}
		byScope[sc] = append(byScope[sc], p.d)
	}
	now := a.clk.Now()
	err := a.st.Update(ctx, func(tx store.Tx) error {
		for sc, data := range byScope {
			if err := a.o.Append(ctx, tx, sc.account, sc.region, now, data...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("metrics: write the minute's %s data: %w", a.o.namespace, err)
	}
	return nil
}

// Start writes the sums every minute of the clock until Stop.
func (a *Aggregator) Start(ctx context.Context) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.ctx = context.WithoutCancel(ctx)
	a.armLocked()
	return nil
}

func (a *Aggregator) armLocked() {
	a.timer = a.clk.AfterFunc(a.every, func() {
		if err := a.Flush(a.ctx); err != nil {
			a.log.Error("metrics not kept", "err", err)
		}
		a.mu.Lock()
		defer a.mu.Unlock()
		if a.timer != nil {
			a.armLocked()
		}
	})
}

// Stop stops the minute timer and writes what was summed since.
func (a *Aggregator) Stop(ctx context.Context) error {
	a.mu.Lock()
	if a.timer != nil {
		a.timer.Stop()
		a.timer = nil
	}
	a.mu.Unlock()
	return a.Flush(ctx)
}
