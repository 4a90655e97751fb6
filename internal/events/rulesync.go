package events

import (
	"context"
	"fmt"
	"strings"

	"github.com/shoal-dev/shoal/internal/pattern"
	"github.com/shoal-dev/shoal/internal/store"
)

// Matchers live in each process's memory. With PostgreSQL several shoal
// processes share the rules, so a rule change made by one must reach the
// matchers of the others. Every change that can alter what a bus matches
// (a rule put, its state changed, a rule or bus deleted) bumps that bus's
// version record in the changing transaction and puts a job on
// QueueRules, which no runner claims: its commit is what store.Wake
// announces to every process. Each process then rebuilds the matchers of
// the buses whose version it has not seen. A process's own changes are
// applied at once (refreshRule) and their versions noted, so it does not
// rebuild for them.
const (
	tableRuleVersion = "events.rulever"
	// QueueRules carries no work: its jobs' commits wake the rule watchers.
	QueueRules = "events.rules"
)

// bumpRules marks, inside tx, that the rules of a bus changed.
func bumpRules(ctx context.Context, tx store.Tx, sc scope, bus string) error {
	if err := tx.RecordPut(ctx, &store.Record{Table: tableRuleVersion, Key: sc.busKey(bus), Value: []byte("{}")}); err != nil {
		return fmt.Errorf("events: mark rules changed: %w", err)
	}
	if err := tx.JobPut(ctx, &store.Job{Queue: QueueRules, ID: "changed"}); err != nil {
		return fmt.Errorf("events: announce rule change: %w", err)
	}
	return nil
}

// ruleVersions reads every bus's rule version.
func ruleVersions(ctx context.Context, tx store.Tx) (map[string]int64, error) {
	out := map[string]int64{}
	after := ""
	for {
		recs, err := tx.RecordScan(ctx, &store.RecordScanParams{Table: tableRuleVersion, After: after, Limit: scanBatch})
		if err != nil {
			return nil, fmt.Errorf("events: read rule versions: %w", err)
		}
		for _, r := range recs {
			out[r.Key] = r.Version
		}
		if len(recs) < scanBatch {
			return out, nil
		}
		after = recs[len(recs)-1].Key
	}
}

// watchRules rebuilds the matchers of buses another process changed, until
// ctx ends.
func (s *Service) watchRules(ctx context.Context, wake <-chan struct{}) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-wake:
			if err := s.syncRules(ctx); err != nil && ctx.Err() == nil {
				s.log.Error("events: rules changed elsewhere could not be loaded; matchers keep their rules until the next change", "err", err)
			}
		}
	}
}

// syncRules rebuilds the matcher of every bus whose rule version is not
// the one this process last saw.
func (s *Service) syncRules(ctx context.Context) error {
	s.refresh.Lock()
	defer s.refresh.Unlock()
	var versions map[string]int64
	err := s.st.View(ctx, func(tx store.Tx) error {
		var err error
		versions, err = ruleVersions(ctx, tx)
		return err
	})
	if err != nil {
		return err
	}
	for busKey, v := range versions {
		if s.ruleVer[busKey] == v {
			continue
		}
		if err := s.reloadBus(ctx, busKey); err != nil {
			return err
		}
		s.ruleVer[busKey] = v
	}
	return nil
}

// reloadBus rebuilds one bus's matcher from the store (callers hold
// refresh). A bus that no longer exists loses its matcher.
func (s *Service) reloadBus(ctx context.Context, busKey string) error {
	patterns := map[string]*pattern.Pattern{}
	states := map[string]string{}
	exists := false
	err := s.st.View(ctx, func(tx store.Tx) error {
		clear(patterns)
		clear(states)
		_, err := tx.RecordGet(ctx, tableBus, busKey)
		exists = err == nil || strings.HasSuffix(busKey, "/"+DefaultBus)
		after := ""
		for {
			recs, err := tx.RecordScan(ctx, &store.RecordScanParams{Table: tableRule, Prefix: busKey + "|", After: after, Limit: scanBatch})
			if err != nil {
				return err
			}
			for _, rec := range recs {
				_, name, _ := strings.Cut(rec.Key, "|")
				r, _, err := getJSON[ruleRecord](ctx, tx, tableRule, rec.Key)
				if err != nil || r == nil {
					continue
				}
				states[name] = r.State
				if !r.matchable() {
					continue
				}
				if p, err := pattern.Compile([]byte(r.EventPattern)); err == nil {
					patterns[name] = p
				}
			}
			if len(recs) < scanBatch {
				return nil
			}
			after = recs[len(recs)-1].Key
		}
	})
	if err != nil {
		return fmt.Errorf("events: reload rules of %s: %w", busKey, err)
	}
	if !exists {
		s.matchers.Delete(busKey)
		return nil
	}
	delete(s.allEvents, busKey)
	for name, state := range states {
		s.noteState(busKey, name, state)
	}
	s.readOnlyBuses.Store(busKey, len(s.allEvents[busKey]) > 0)
	m := pattern.NewMatcher()
	m.AddAll(patterns)
	s.matchers.Store(busKey, m)
	return nil
}

// noteOwnChange records, after this process applied its own rule change
// to a bus, the version that change produced — but only when it is the
// next one after the version already seen: a version further on means
// another process changed the bus too, and the watcher must rebuild it.
func (s *Service) noteOwnChange(ctx context.Context, busKey string) {
	var v int64
	_ = s.st.View(ctx, func(tx store.Tx) error {
		r, err := tx.RecordGet(ctx, tableRuleVersion, busKey)
		if err == nil {
			v = r.Version
		}
		return nil
	})
	if v == s.ruleVer[busKey]+1 {
		s.ruleVer[busKey] = v
	}
}
