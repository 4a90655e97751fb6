package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/schedule"
	"github.com/shoal-dev/shoal/internal/store"
)

// QueueSchedule holds one job per enabled scheduled rule (ID = the rule's
// key), due at its next firing.
const QueueSchedule = "events.schedule"

// Scheduled events are AWS's: "Scheduled Event" from aws.events with an
// empty detail and the rule's ARN as the only resource.
const (
	scheduledSource     = "aws.events"
	scheduledDetailType = "Scheduled Event"
)

// firePayload is a schedule job's payload: the firing it is due for. The
// rule itself is read when the job runs, so the targets are the current
// ones; every change to the schedule replans the job in its transaction.
type firePayload struct {
	Key string    `json:"k"`
	At  time.Time `json:"t"`
}

// scheduled reports whether the rule fires on a schedule now.
func (r *ruleRecord) scheduled() bool {
	return r.ScheduleExpression != "" && r.State != StateDisabled
}

// nextFiring is the rule's first firing strictly after after. A rate is a
// grid anchored where its schedule started (ruleRecord.ScheduleAnchor), so
// the first firing is one interval after PutRule or EnableRule: "A rate
// expression starts when you create the scheduled event rule" (EventBridge
// user guide, "Rate expressions reference"); rate(5 minutes) put at 10:00
// fires at 10:05, 10:10, ... Cron is evaluated in UTC ("All scheduled
// events use UTC+0 time zone").
func (r *ruleRecord) nextFiring(after time.Time) (time.Time, bool) {
	expr, err := schedule.ParseRule(r.ScheduleExpression)
	if err != nil {
		return time.Time{}, false
	}
	if rate, ok := expr.(schedule.Rate); ok {
		expr = rate.From(r.ScheduleAnchor)
	}
	return expr.Next(after, time.UTC)
}

// latestFiring is the last firing in [from, now], from being a firing. It
// first jumps close to now, so a long downtime does not walk every firing
// it swallowed (rate(1 minute) over a month is 43,200).
func (r *ruleRecord) latestFiring(from, now time.Time) time.Time {
	t := from
	for _, w := range []time.Duration{time.Minute, time.Hour, 24 * time.Hour, 31 * 24 * time.Hour, 366 * 24 * time.Hour} {
		edge := now.Add(-w)
		if !edge.After(t) {
			break
		}
		if n, ok := r.nextFiring(edge); ok && !n.After(now) {
			t = n
			break
		}
	}
	for {
		n, ok := r.nextFiring(t)
		if !ok || n.After(now) {
			return t
		}
		t = n
	}
}

// planSchedule brings the rule's schedule job in line with r as it is
// being written in tx (nil: the rule is being deleted). With unchanged
// true (the expression, its anchor and the enabled state are as before) a
// job already planned is kept: a PutRule that repeats the rule neither
// skips nor repeats a firing.
func planSchedule(ctx context.Context, tx store.Tx, key string, r *ruleRecord, now time.Time, unchanged bool) error {
	if r == nil || !r.scheduled() {
		if err := tx.JobDelete(ctx, QueueSchedule, key, ""); err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("events: cancel schedule: %w", err)
		}
		return nil
	}
	if unchanged {
		if _, err := tx.JobGet(ctx, QueueSchedule, key); err == nil {
			return nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("events: read schedule: %w", err)
		}
	}
	next, ok := r.nextFiring(now)
	if !ok {
		// A cron whose years are over never fires again.
		if err := tx.JobDelete(ctx, QueueSchedule, key, ""); err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("events: cancel schedule: %w", err)
		}
		return nil
	}
	return tx.JobPut(ctx, fireJob(key, next))
}

func fireJob(key string, at time.Time) *store.Job {
	b, _ := json.Marshal(firePayload{Key: key, At: at}) // plain data always marshals
	return &store.Job{Queue: QueueSchedule, ID: key, Due: at, Payload: b}
}

// scopeOfRuleKey splits "<account>/<region>/<bus>|<rule>".
func scopeOfRuleKey(key string) (sc scope, bus, rule string, ok bool) {
	head, rule, ok := strings.Cut(key, "|")
	if !ok {
		return sc, "", "", false
	}
	p := strings.SplitN(head, "/", 3)
	if len(p) != 3 {
		return sc, "", "", false
	}
	return scope{account: p[0], region: p[1]}, p[2], rule, true
}

// fire is the handler of QueueSchedule. In one transaction, guarded by the
// job's lease (a rule change that replanned the job meanwhile wins), it
// completes the job, commits one delivery job per target of a "Scheduled
// Event" and plans the next firing — so a firing is delivered exactly
// when it is recorded.
//
// Missed firings: the EventBridge documentation says nothing about
// firings a scheduled rule misses (AWS's service is never down for a
// customer). When shoal handles a job late (it was stopped, or the process
// died) it fires once, for the latest firing due by now — the event's time
// is that firing's — and skips older ones; the next firing is planned from
// now.
func (s *Service) fire(ctx context.Context, job store.Job) error {
	var p firePayload
	if err := json.Unmarshal(job.Payload, &p); err != nil {
		s.log.Error("undecodable schedule job dropped", "job", job.ID, "err", err)
		return s.finish(ctx, job, nil)
	}
	sc, bus, name, ok := scopeOfRuleKey(p.Key)
	if !ok {
		s.log.Error("schedule job with a bad key dropped", "job", job.ID)
		return s.finish(ctx, job, nil)
	}
	now := s.clk.Now().UTC()
	id := s.newID()
	err := s.st.Update(ctx, func(tx store.Tx) error {
		if err := tx.JobDelete(ctx, job.Queue, job.ID, job.Lease); err != nil {
			return err
		}
		r, err := loadRule(ctx, tx, sc, bus, name)
		if err != nil {
			return err
		}
		if r == nil || !r.scheduled() {
			return nil // the change that made it so cancelled the job too
		}
		at := r.latestFiring(p.At, now)
		if at.Before(p.At) {
			at = p.At
		}
		if skipped := at.Sub(p.At); skipped > 0 {
			s.log.Warn("scheduled rule missed firings while shoal was down; firing once for the latest", "rule", p.Key, "from", p.At, "fired", at)
		}
		event := buildEvent(id, scheduledDetailType, scheduledSource, sc, at, []string{sc.ruleArn(bus, name)}, []byte("{}"))
		if err := enqueueDeliveries(ctx, tx, sc, bus, r, id, event, now); err != nil {
			return err
		}
		if next, ok := r.nextFiring(now); ok {
			return tx.JobPut(ctx, fireJob(p.Key, next))
		}
		return nil
	})
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrConflict) {
		return nil // replanned or cancelled by a rule change after the claim
	}
	return err
}

// enqueueDeliveries commits one delivery job per target of r for an event.
func enqueueDeliveries(ctx context.Context, tx store.Tx, sc scope, bus string, r *ruleRecord, id string, event []byte, now time.Time) error {
	for _, t := range r.Targets {
		target, err := marshalRaw(&t)
		if err != nil {
			return err
		}
		job := &store.Job{Queue: QueueDelivery, ID: deliveryJobID(now, id, bus, r.Name, t.Id), Due: now,
			Payload: deliveryPayload(sc, bus, r.Name, sc.ruleArn(bus, r.Name), target, id, event, now)}
		if err := tx.JobPut(ctx, job); err != nil {
			return err
		}
	}
	return nil
}
