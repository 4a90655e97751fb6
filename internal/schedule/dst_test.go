package schedule

import (
	"testing"
	"time"
)

// "Daylight savings time on EventBridge Scheduler": a cron time the
// spring-forward gap skips is not invoked that day; a time the fall-back
// repeats is invoked once, before the shift. 2025's changes: New York
// 2025-03-09 02:00 EST -> 03:00 EDT and 2025-11-02 02:00 EDT -> 01:00 EST;
// London 2025-03-30 01:00 GMT -> 02:00 BST and 2025-10-26 02:00 BST ->
// 01:00 GMT; Lord Howe moves by half an hour (2025-04-06 02:00 -> 01:30,
// 2025-10-05 02:00 -> 02:30).
func TestCronDaylightSaving(t *testing.T) {
	ny := mustLoad(t, "America/New_York")
	london := mustLoad(t, "Europe/London")
	la := mustLoad(t, "America/Los_Angeles")
	lordHowe := mustLoad(t, "Australia/Lord_Howe")
	tests := []struct {
		name  string
		expr  string
		loc   *time.Location
		after time.Time
		want  []time.Time
	}{
		{
			// The guide's own example: cron(30 2 * * ? *) in Los Angeles.
			"spring forward skips the day", "cron(30 2 * * ? *)", la, utc(2025, 3, 8, 12, 0),
			[]time.Time{utc(2025, 3, 10, 9, 30), utc(2025, 3, 11, 9, 30)},
		},
		{
			"fall back runs once, before the shift", "cron(30 1 * * ? *)", la, utc(2025, 11, 1, 12, 0),
			[]time.Time{utc(2025, 11, 2, 8, 30), utc(2025, 11, 3, 9, 30)},
		},
		{
			"spring forward New York", "cron(30 2 * * ? *)", ny, utc(2025, 3, 8, 12, 0),
			[]time.Time{utc(2025, 3, 10, 6, 30)},
		},
		{
			// Hourly through the fall-back: 01:00 EDT fires, 01:00 EST
			// does not, 02:00 EST does.
			"hourly through fall back", "cron(0 * * * ? *)", ny, utc(2025, 11, 2, 4, 30),
			[]time.Time{utc(2025, 11, 2, 5, 0), utc(2025, 11, 2, 7, 0), utc(2025, 11, 2, 8, 0)},
		},
		{
			// From inside the repeated hour (01:30 EST), the repeated
			// minutes are behind: the next firing is 02:00 EST.
			"from inside the repeated hour", "cron(0/15 * * * ? *)", ny, utc(2025, 11, 2, 6, 30),
			[]time.Time{utc(2025, 11, 2, 7, 0), utc(2025, 11, 2, 7, 15)},
		},
		{
			"every 15 minutes through spring forward", "cron(0/15 * * * ? *)", ny, utc(2025, 3, 9, 6, 40),
			[]time.Time{utc(2025, 3, 9, 6, 45), utc(2025, 3, 9, 7, 0), utc(2025, 3, 9, 7, 15)},
		},
		{
			// 07:00 every day, the seed's schedule, in London: 07:00 GMT
			// then 07:00 BST, an hour earlier in UTC.
			"the seed's pipeline across spring forward", "cron(0 7 * * ? *)", london, utc(2025, 3, 29, 0, 0),
			[]time.Time{utc(2025, 3, 29, 7, 0), utc(2025, 3, 30, 6, 0), utc(2025, 3, 31, 6, 0)},
		},
		{
			"the seed's pipeline across fall back", "cron(0 7 * * ? *)", london, utc(2025, 10, 25, 0, 0),
			[]time.Time{utc(2025, 10, 25, 6, 0), utc(2025, 10, 26, 7, 0)},
		},
		{
			"London spring forward skips 01:30", "cron(30 1 * * ? *)", london, utc(2025, 3, 29, 12, 0),
			[]time.Time{utc(2025, 3, 31, 0, 30)},
		},
		{
			"London fall back runs 01:30 BST only", "cron(30 1 * * ? *)", london, utc(2025, 10, 25, 12, 0),
			[]time.Time{utc(2025, 10, 26, 0, 30), utc(2025, 10, 27, 1, 30)},
		},
		{
			// Lord Howe is UTC+11 in summer, +10:30 in winter. 01:45 on
			// 2025-04-06 repeats: the first is 14:45 UTC on the 5th.
			"half-hour fall back", "cron(45 1 * * ? *)", lordHowe, utc(2025, 4, 5, 0, 0),
			[]time.Time{utc(2025, 4, 5, 14, 45), utc(2025, 4, 6, 15, 15)},
		},
		{
			// 02:15 on 2025-10-05 does not exist there.
			"half-hour spring forward", "cron(15 2 * * ? *)", lordHowe, utc(2025, 10, 3, 0, 0),
			[]time.Time{utc(2025, 10, 3, 15, 45), utc(2025, 10, 5, 15, 15)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Parse(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			after := tt.after
			for i, want := range tt.want {
				got, ok := e.Next(after, tt.loc)
				if !ok || !got.Equal(want) {
					t.Fatalf("firing %d after %v = %v, %v; want %v (%v)", i+1, after.In(tt.loc), got, ok, want.In(tt.loc), want)
				}
				if got.Location() != tt.loc {
					t.Errorf("result in %v, want %v", got.Location(), tt.loc)
				}
				after = got
			}
		})
	}
}

// A UTC schedule (every rule) has no daylight saving: nothing is skipped
// or repeated whatever the date.
func TestCronUTCNoDaylightSaving(t *testing.T) {
	e, _ := ParseRule("cron(30 1 * * ? *)")
	got, _ := e.Next(utc(2025, 3, 30, 0, 0), nil)
	if !got.Equal(utc(2025, 3, 30, 1, 30)) || got.Location() != time.UTC {
		t.Fatalf("got %v", got)
	}
}
