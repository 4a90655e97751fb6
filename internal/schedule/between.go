package schedule

import (
	"iter"
	"time"
)

// Between yields the firings of e in (from, to], in order, evaluated in
// loc. It is how a caller finds what it missed while shoal was down and
// decides what to catch up; the caller bounds the work by breaking out of
// the loop (rate(1 minute) over a month of downtime is 43,200 firings).
// An unanchored Rate is anchored at from.
func Between(e Expression, from, to time.Time, loc *time.Location) iter.Seq[time.Time] {
	return func(yield func(time.Time) bool) {
		if r, ok := e.(Rate); ok && r.anchor.IsZero() {
			e = r.From(from.Add(r.every))
		}
		for t := from; ; {
			next, ok := e.Next(t, loc)
			if !ok || next.After(to) || !yield(next) {
				return
			}
			t = next
		}
	}
}
