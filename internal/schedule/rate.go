package schedule

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Rate is a rate(value unit) expression: a firing every Every(). Its firings
// form a grid Anchor, Anchor+Every, Anchor+2·Every, ...; AWS anchors it where
// the schedule starts: "A rate expression starts when you create the
// scheduled event rule" (EventBridge), and "you use the StartDate property
// to set the first occurrence of the schedule. If you do not provide a
// StartDate ... your schedule starts invoking the target immediately"
// (Scheduler). Set the anchor with From.
type Rate struct {
	expr   string
	every  time.Duration
	anchor time.Time
}

// Every is the interval between firings. A day is always 24 hours, also
// across a daylight saving change ("days represents a 24-hour duration on
// the clock").
func (r Rate) Every() time.Duration { return r.every }

// From returns r with its grid anchored at anchor: the first firing is at
// anchor itself.
func (r Rate) From(anchor time.Time) Rate {
	r.anchor = anchor
	return r
}

// Anchor is the first firing of the grid; zero when unanchored.
func (r Rate) Anchor() time.Time { return r.anchor }

func (r Rate) String() string { return r.expr }

// Next returns the first grid time strictly after after. Before the anchor
// that is the anchor itself, so Next(anchor - 1ns) fires at once, as a
// schedule without StartDate does. An unanchored rate counts from after,
// which is what Scheduler does from an invocation ("evaluates the rate
// expression 24 hours after the schedule's last invocation"); Between over
// an unanchored rate therefore anchors at its from. loc only sets the
// location of the result: a rate ignores time zones.
func (r Rate) Next(after time.Time, loc *time.Location) (time.Time, bool) {
	if loc == nil {
		loc = time.UTC
	}
	if r.anchor.IsZero() {
		return after.Add(r.every).In(loc), true
	}
	if after.Before(r.anchor) {
		return r.anchor.In(loc), true
	}
	// Whole seconds keep the arithmetic exact beyond time.Duration's 292
	// years; every is a whole number of minutes.
	step := int64(r.every / time.Second)
	k := (after.Unix() - r.anchor.Unix()) / step
	t := time.Unix(r.anchor.Unix()+k*step, int64(r.anchor.Nanosecond()))
	for !t.After(after) {
		t = t.Add(r.every)
	}
	return t.In(loc), true
}

var rateUnits = map[string]time.Duration{
	"minute": time.Minute, "minutes": time.Minute,
	"hour": time.Hour, "hours": time.Hour,
	"day": 24 * time.Hour, "days": 24 * time.Hour,
}

// parseRate parses "value unit". PutRule wants the singular unit with 1 and
// the plural otherwise ("rate(1 hours) and rate(5 hour) aren't valid") and
// the unit in lower case (it rejects rate(10 MINUTES)). Scheduler documents
// only "minutes | hours | days" yet shows rate(1 days) itself, and AWS-
// validated tests reject none of rate(1 minutes), rate(10 minute) or
// rate(10 MINUTES) there (LocalStack dropped them from its Scheduler list
// of invalid expressions while keeping them for PutRule), so Scheduler takes
// either number and any case.
func parseRate(expr, body string, d dialect) (Expression, error) {
	value, unit, ok := strings.Cut(body, " ")
	if !ok {
		return nil, errors.New("rate needs a value and a unit: rate(5 minutes)")
	}
	n, err := positive(value)
	if err != nil {
		return nil, err
	}
	if d == scheduler {
		unit = strings.ToLower(unit)
	}
	per, ok := rateUnits[unit]
	if !ok {
		return nil, fmt.Errorf("rate unit %q is not minute(s), hour(s) or day(s)", unit)
	}
	if d == rule && (n == 1) == strings.HasSuffix(unit, "s") {
		return nil, errors.New("rate unit must be singular when the value is 1 and plural otherwise")
	}
	if n > math.MaxInt64/int64(per) {
		return nil, fmt.Errorf("rate value %d is too large", n)
	}
	return Rate{expr: expr, every: time.Duration(n) * per}, nil
}

// positive parses a rate value: digits only (no sign), at least 1. AWS
// rejects rate(0 minutes) and rate(-10 minutes) for rules; Scheduler is
// held to the same, since its guide asks for "A positive number".
func positive(s string) (int64, error) {
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, fmt.Errorf("rate value %q is not a positive integer", s)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("rate value %q is too large", s)
	}
	if n < 1 {
		return 0, fmt.Errorf("rate value %q is not a positive integer", s)
	}
	return n, nil
}
