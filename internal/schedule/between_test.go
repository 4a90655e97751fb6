package schedule

import (
	"slices"
	"testing"
	"time"
)

func TestBetween(t *testing.T) {
	from, to := utc(2025, 6, 10, 12, 0), utc(2025, 6, 13, 7, 0)

	e, _ := ParseRule("cron(0 7 * * ? *)")
	got := slices.Collect(Between(e, from, to, time.UTC))
	want := []time.Time{utc(2025, 6, 11, 7, 0), utc(2025, 6, 12, 7, 0), utc(2025, 6, 13, 7, 0)}
	if !slices.EqualFunc(got, want, time.Time.Equal) {
		t.Errorf("cron: got %v, want %v", got, want)
	}

	// The half-open interval: a firing at from itself is not missed.
	got = slices.Collect(Between(e, utc(2025, 6, 11, 7, 0), utc(2025, 6, 12, 6, 59), time.UTC))
	if len(got) != 0 {
		t.Errorf("got %v, want none", got)
	}

	r, _ := ParseRule("rate(1 day)")
	anchored := r.(Rate).From(utc(2025, 6, 1, 9, 30))
	got = slices.Collect(Between(anchored, from, to, nil))
	want = []time.Time{utc(2025, 6, 11, 9, 30), utc(2025, 6, 12, 9, 30)}
	if !slices.EqualFunc(got, want, time.Time.Equal) {
		t.Errorf("anchored rate: got %v, want %v", got, want)
	}
	got = slices.Collect(Between(r, from, to, nil))
	want = []time.Time{utc(2025, 6, 11, 12, 0), utc(2025, 6, 12, 12, 0)}
	if !slices.EqualFunc(got, want, time.Time.Equal) {
		t.Errorf("unanchored rate: got %v, want %v", got, want)
	}

	a, _ := Parse("at(2025-06-12T00:00:00)")
	got = slices.Collect(Between(a, from, to, nil))
	if len(got) != 1 || !got[0].Equal(utc(2025, 6, 12, 0, 0)) {
		t.Errorf("at: got %v", got)
	}

	// A caller bounds catch-up by stopping early.
	m, _ := ParseRule("rate(1 minute)")
	n := 0
	for range Between(m, from, from.AddDate(0, 1, 0), nil) {
		if n++; n == 100 {
			break
		}
	}
	if n != 100 {
		t.Errorf("stopped after %d", n)
	}
}
