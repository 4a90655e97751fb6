package schedule

import (
	"errors"
	"time"
)

// At is an at(yyyy-mm-ddThh:mm:ss) expression: one firing at a wall-clock
// time in the schedule's time zone (Scheduler only).
type At struct {
	expr string
	wall time.Time // the wall-clock fields, held in UTC
}

func (a At) String() string { return a.expr }

// Time is the instant the expression names in loc (nil means UTC). A time
// the fall-back repeats is its first occurrence, as for cron. A time the
// spring-forward gap skips is read with the offset from before the gap, so
// at(2025-03-09T02:30:00) in America/New_York is 03:30 EDT. The guide's
// "your schedule invocation is skipped" is said of cron expressions; a
// one-time schedule that never fires would be lost, so it fires as soon as
// the clock has passed the time it names.
func (a At) Time(loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	w := a.wall
	y, mo, d := w.Date()
	if t, ok := resolve(y, mo, d, w.Hour(), w.Minute(), w.Second(), loc); ok {
		return t
	}
	_, before := time.Date(y, mo, d, w.Hour(), w.Minute(), w.Second(), 0, loc).Add(-24 * time.Hour).Zone()
	return time.Unix(w.Unix()-int64(before), 0).In(loc)
}

// Next returns Time(loc) if it is after after. A past at() parses (AWS
// accepts at(2022-12-31T23:59:59) long after that date) and never fires.
func (a At) Next(after time.Time, loc *time.Location) (time.Time, bool) {
	t := a.Time(loc)
	if !t.After(after) {
		return time.Time{}, false
	}
	return t, true
}

// parseAt parses yyyy-mm-ddThh:mm:ss exactly: AWS rejects at(2021-12-31)
// and at(2021-12-31T23:59:59Z). time.Parse is not used because it accepts
// fractional seconds the layout does not ask for.
func parseAt(expr, body string) (Expression, error) {
	const layout = "dddd-dd-ddTdd:dd:dd"
	bad := errors.New("at() wants yyyy-mm-ddThh:mm:ss, for example at(2022-11-20T13:00:00)")
	if len(body) != len(layout) {
		return nil, bad
	}
	for i := range len(layout) {
		if layout[i] == 'd' {
			if body[i] < '0' || body[i] > '9' {
				return nil, bad
			}
		} else if body[i] != layout[i] {
			return nil, bad
		}
	}
	num := func(i, n int) int {
		v := 0
		for _, c := range body[i : i+n] {
			v = v*10 + int(c-'0')
		}
		return v
	}
	y, mo, d := num(0, 4), num(5, 2), num(8, 2)
	h, mi, s := num(11, 2), num(14, 2), num(17, 2)
	w := time.Date(y, time.Month(mo), d, h, mi, s, 0, time.UTC)
	// time.Date normalises 2023-02-30 to March 2nd; a date that does not
	// round-trip does not exist.
	if w.Year() != y || int(w.Month()) != mo || w.Day() != d || w.Hour() != h || w.Minute() != mi || w.Second() != s {
		return nil, errors.New("at() names a date or time that does not exist")
	}
	return At{expr: expr, wall: w}, nil
}
