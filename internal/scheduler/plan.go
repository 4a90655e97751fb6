package scheduler

import (
	"encoding/json"
	"hash/fnv"
	"strconv"
	"time"

	"github.com/shoal-dev/shoal/internal/schedule"
	"github.com/shoal-dev/shoal/internal/store"
)

// plan is when a schedule fires: its expression in its time zone, bounded
// by StartDate and EndDate, each firing moved into its flexible window.
type plan struct {
	expr       schedule.Expression
	loc        *time.Location
	start, end *time.Time
	window     time.Duration // FLEXIBLE MaximumWindowInMinutes; 0 when OFF
	seed       string        // the schedule's ARN: seeds the window offsets
}

func (s *Service) planOf(sc scope, rec *scheduleRecord) (*plan, error) {
	expr, err := schedule.Parse(rec.Expression)
	if err != nil {
		return nil, errValidation("Invalid Schedule Expression %s.", rec.Expression)
	}
	loc, err := s.location(rec.Timezone)
	if err != nil {
		return nil, err
	}
	if r, ok := expr.(schedule.Rate); ok {
		expr = r.From(rec.Anchor)
	}
	p := &plan{expr: expr, loc: loc, seed: sc.scheduleARN(rec.Group, rec.Name)}
	if _, oneTime := expr.(schedule.At); !oneTime {
		// "EventBridge Scheduler ignores StartDate and EndDate for
		// one-time schedules."
		p.start, p.end = rec.StartDate, rec.EndDate
	}
	if rec.Flex.Mode == ModeFlexible && rec.Flex.MaximumWindowInMinutes != nil {
		p.window = time.Duration(*rec.Flex.MaximumWindowInMinutes) * time.Minute
	}
	return p, nil
}

// next is the first firing strictly after after: on or after StartDate
// and on or before EndDate ("invocations might occur on, or after, the
// StartDate ... might stop on, or before, the EndDate").
func (p *plan) next(after time.Time) (time.Time, bool) {
	if p.start != nil && after.Before(*p.start) {
		after = p.start.Add(-time.Nanosecond)
	}
	t, ok := p.expr.Next(after, p.loc)
	if !ok || (p.end != nil && t.After(*p.end)) {
		return time.Time{}, false
	}
	return t, true
}

// due is when the firing planned for n is invoked: n itself, or with a
// FLEXIBLE window a whole second in [n, n+window). AWS picks the moment
// at random; shoal derives it from an FNV-1a hash of the schedule's ARN
// and n, so runs, restarts and tests agree on it and a fleet of schedules
// sharing a cron still spreads over the window.
func (p *plan) due(n time.Time) time.Time {
	secs := int64(p.window / time.Second)
	if secs <= 0 {
		return n
	}
	h := fnv.New64a()
	h.Write([]byte(p.seed))
	h.Write([]byte{0})
	h.Write(strconv.AppendInt(nil, n.UnixNano(), 10))
	return n.Add(time.Duration(h.Sum64()%uint64(secs)) * time.Second)
}

// catchUp decides what a fire job planned for at does when handled at now
// (doc.go, "Missed firings"): of the firings due by now, only the latest
// is invoked, and only if it is no older than maxAge; next is the first
// firing due after now. Normally at is due now and is the one invoked.
func (p *plan) catchUp(at, now time.Time, maxAge time.Duration) (fireAt time.Time, fire bool, next time.Time, hasNext bool) {
	next, hasNext = at, true
	// Firings older than this are too old to invoke whatever their window
	// offset; skipping to it bounds the walk after a long downtime.
	if oldest := now.Add(-maxAge - p.window); at.Before(oldest) {
		next, hasNext = p.next(oldest.Add(-time.Nanosecond))
	}
	for hasNext && !p.due(next).After(now) {
		fireAt, fire = next, true
		next, hasNext = p.next(next)
	}
	if fire && now.Sub(p.due(fireAt)) > maxAge {
		fire = false
	}
	return fireAt, fire, next, hasNext
}

// firePayload is a fire job's payload. A schedule's own job (ID = its
// key) carries the firing time and the schedule as it was when the firing
// was planned: every change to a schedule replans (or removes) its job in
// the same transaction, so the copy is current whenever the job runs, and
// a firing needs no read of its own. A retry job carries the target, so
// it outlives updates and deletion of its schedule.
type firePayload struct {
	Key      string          `json:"k"`
	At       time.Time       `json:"t"`
	Schedule *scheduleRecord `json:"s,omitempty"`
	Retry    *retryState     `json:"r,omitempty"`
}

type retryState struct {
	Attempt     int       `json:"n"` // retries made, this one included
	Event       time.Time `json:"e"` // when the invocation was first due
	ScheduleARN string    `json:"s"`
	Target      Target    `json:"x"`
}

func fireJob(key string, rec *scheduleRecord, at, due time.Time) *store.Job {
	b, _ := json.Marshal(firePayload{Key: key, At: at, Schedule: rec}) // plain data always marshals
	return &store.Job{Queue: Queue, ID: key, Due: due, Payload: b}
}

// retryJobID keeps retries of different firings of one schedule apart
// from each other and from the schedule's own job.
func retryJobID(key string, event time.Time) string {
	return key + "#" + event.UTC().Format(time.RFC3339Nano)
}
