package schedule

import (
	"testing"
	"time"
)

func TestRateEvery(t *testing.T) {
	for expr, want := range map[string]time.Duration{
		"rate(1 minute)": time.Minute, "rate(5 minutes)": 5 * time.Minute,
		"rate(1 hour)": time.Hour, "rate(12 hours)": 12 * time.Hour,
		"rate(1 day)": 24 * time.Hour, "rate(7 days)": 7 * 24 * time.Hour,
	} {
		e, err := ParseRule(expr)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.(Rate).Every(); got != want {
			t.Errorf("%s: Every = %v, want %v", expr, got, want)
		}
	}
}

func TestRateNext(t *testing.T) {
	e, _ := ParseRule("rate(5 minutes)")
	anchor := time.Date(2025, 6, 11, 10, 2, 17, 0, time.UTC) // created at 10:02:17
	r := e.(Rate).From(anchor)
	tests := []struct {
		after, want time.Time
	}{
		{anchor.Add(-time.Nanosecond), anchor}, // a schedule without StartDate fires at once
		{anchor.Add(-time.Hour), anchor},       // StartDate in the future: the first firing is StartDate
		{anchor, anchor.Add(5 * time.Minute)},
		{anchor.Add(4 * time.Minute), anchor.Add(5 * time.Minute)},
		{anchor.Add(5 * time.Minute), anchor.Add(10 * time.Minute)},
		{anchor.Add(5*time.Minute + time.Nanosecond), anchor.Add(10 * time.Minute)},
		// After a long outage the grid is kept, not restarted.
		{anchor.Add(1000*time.Hour + 7*time.Minute), anchor.Add(1000*time.Hour + 10*time.Minute)},
		// Far past time.Duration's 292 years.
		{anchor.AddDate(400, 0, 0), anchor.AddDate(400, 0, 0).Add(5 * time.Minute)},
	}
	for _, tt := range tests {
		got, ok := r.Next(tt.after, nil)
		if !ok || !got.Equal(tt.want) {
			t.Errorf("Next(%v) = %v, %v; want %v", tt.after, got, ok, tt.want)
		}
	}
	if !r.Anchor().Equal(anchor) || !e.(Rate).Anchor().IsZero() {
		t.Error("From must return a copy")
	}
}

// "days represents a 24-hour duration on the clock": across the New York
// spring-forward, rate(1 day) from 07:00 EST lands at 08:00 EDT.
func TestRateDayIs24Hours(t *testing.T) {
	ny := mustLoad(t, "America/New_York")
	e, _ := Parse("rate(1 day)")
	r := e.(Rate).From(time.Date(2025, 3, 8, 7, 0, 0, 0, ny))
	got, _ := r.Next(time.Date(2025, 3, 8, 7, 0, 0, 0, ny), ny)
	if want := time.Date(2025, 3, 9, 8, 0, 0, 0, ny); !got.Equal(want) || got.Location() != ny {
		t.Fatalf("got %v, want %v", got, want)
	}
}

// Unanchored, a rate counts from the time it is asked about: "24 hours
// after the schedule's last invocation".
func TestRateUnanchored(t *testing.T) {
	e, _ := Parse("rate(1 day)")
	last := time.Date(2025, 6, 11, 7, 0, 31, 0, time.UTC)
	got, ok := e.Next(last, nil)
	if !ok || !got.Equal(last.Add(24*time.Hour)) {
		t.Fatalf("got %v", got)
	}
}
