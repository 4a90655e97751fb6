package schedule

import (
	"testing"
	"time"
	_ "time/tzdata" // the DST cases must not depend on the machine's zoneinfo
)

func utc(y int, mo time.Month, d, h, mi int) time.Time {
	return time.Date(y, mo, d, h, mi, 0, 0, time.UTC)
}

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// Expected firings worked out by hand from a calendar. The reference
// instant is Wednesday 2025-06-11 10:30 UTC; June 2025 starts on a Sunday,
// July on a Tuesday, August on a Friday, November on a Saturday.
func TestCronNextUTC(t *testing.T) {
	wed := utc(2025, 6, 11, 10, 30)
	tests := []struct {
		expr  string
		after time.Time
		want  []time.Time // the next firings in order; empty: none
	}{
		// The examples table of "Creating an Amazon EventBridge rule that
		// runs on a schedule".
		{"cron(0 10 * * ? *)", wed, []time.Time{utc(2025, 6, 12, 10, 0), utc(2025, 6, 13, 10, 0)}},
		{"cron(15 12 * * ? *)", wed, []time.Time{utc(2025, 6, 11, 12, 15), utc(2025, 6, 12, 12, 15)}},
		{"cron(0 18 ? * MON-FRI *)", wed, []time.Time{utc(2025, 6, 11, 18, 0), utc(2025, 6, 12, 18, 0), utc(2025, 6, 13, 18, 0), utc(2025, 6, 16, 18, 0)}},
		{"cron(0 8 1 * ? *)", wed, []time.Time{utc(2025, 7, 1, 8, 0), utc(2025, 8, 1, 8, 0)}},
		{"cron(0/15 * * * ? *)", wed, []time.Time{utc(2025, 6, 11, 10, 45), utc(2025, 6, 11, 11, 0), utc(2025, 6, 11, 11, 15)}},
		{"cron(0/10 * ? * MON-FRI *)", utc(2025, 6, 13, 23, 45), []time.Time{utc(2025, 6, 13, 23, 50), utc(2025, 6, 16, 0, 0), utc(2025, 6, 16, 0, 10)}},
		{"cron(0/5 8-17 ? * MON-FRI *)", utc(2025, 6, 13, 17, 50), []time.Time{utc(2025, 6, 13, 17, 55), utc(2025, 6, 16, 8, 0), utc(2025, 6, 16, 8, 5)}},
		// "between 10:00 pm on the starting day to 2:00 am on the following
		// day": the hour range wraps, and the weekday is the firing's own.
		{"cron(0/30 20-2 ? * MON-FRI *)", utc(2025, 6, 13, 23, 45), []time.Time{utc(2025, 6, 16, 0, 0), utc(2025, 6, 16, 0, 30), utc(2025, 6, 16, 1, 0), utc(2025, 6, 16, 1, 30), utc(2025, 6, 16, 2, 0), utc(2025, 6, 16, 2, 30), utc(2025, 6, 16, 20, 0)}},
		{"cron(5,35 14 * * ? *)", wed, []time.Time{utc(2025, 6, 11, 14, 5), utc(2025, 6, 11, 14, 35), utc(2025, 6, 12, 14, 5)}},
		// The guide's "1/10": the 1st, 11th, 21st ... minute.
		{"cron(1/10 * * * ? *)", wed, []time.Time{utc(2025, 6, 11, 10, 31), utc(2025, 6, 11, 10, 41), utc(2025, 6, 11, 10, 51), utc(2025, 6, 11, 11, 1)}},
		// The seed's pipeline: 07:00 every day.
		{"cron(0 7 * * ? *)", wed, []time.Time{utc(2025, 6, 12, 7, 0), utc(2025, 6, 13, 7, 0)}},
		{"cron(0 7 * * ? *)", utc(2025, 6, 12, 7, 0), []time.Time{utc(2025, 6, 13, 7, 0)}},
		{"cron(0 7 * * ? *)", utc(2025, 6, 12, 6, 59), []time.Time{utc(2025, 6, 12, 7, 0)}},
		{"cron(0 7 * * ? *)", time.Date(2025, 6, 12, 6, 59, 59, 999999999, time.UTC), []time.Time{utc(2025, 6, 12, 7, 0)}},
		// # : the first Monday; the fifth Friday skips months without one.
		{"cron(0 9 ? * 2#1 *)", wed, []time.Time{utc(2025, 7, 7, 9, 0), utc(2025, 8, 4, 9, 0)}},
		{"cron(0 9 ? * MON#1 *)", wed, []time.Time{utc(2025, 7, 7, 9, 0)}},
		{"cron(0 2 ? * SAT#3 *)", wed, []time.Time{utc(2025, 6, 21, 2, 0), utc(2025, 7, 19, 2, 0)}},
		{"cron(0 0 ? * 6#5 *)", wed, []time.Time{utc(2025, 8, 29, 0, 0), utc(2025, 10, 31, 0, 0)}},
		{"cron(* * ? * SAT#3 *)", wed, []time.Time{utc(2025, 6, 21, 0, 0), utc(2025, 6, 21, 0, 1)}},
		// L in day-of-week: nL is the last weekday n; L alone is Saturday.
		{"cron(0 0 ? * 1L *)", wed, []time.Time{utc(2025, 6, 29, 0, 0), utc(2025, 7, 27, 0, 0)}},
		{"cron(0 0 ? * FRIL *)", wed, []time.Time{utc(2025, 6, 27, 0, 0), utc(2025, 7, 25, 0, 0), utc(2025, 8, 29, 0, 0)}},
		{"cron(0 0 ? * L *)", wed, []time.Time{utc(2025, 6, 14, 0, 0), utc(2025, 6, 21, 0, 0)}},
		{"cron(15 10 ? * 6L 2022-2023)", utc(2022, 1, 1, 0, 0), []time.Time{utc(2022, 1, 28, 10, 15), utc(2022, 2, 25, 10, 15)}},
		{"cron(15 10 ? * 6L 2022-2023)", utc(2023, 12, 29, 10, 15), nil},
		{"cron(15 10 ? * 6L 2022-2023)", wed, nil},
		// L in day-of-month, leap years included; 2100 is not one.
		{"cron(0 0 L * ? *)", utc(2024, 2, 1, 0, 0), []time.Time{utc(2024, 2, 29, 0, 0), utc(2024, 3, 31, 0, 0), utc(2024, 4, 30, 0, 0)}},
		{"cron(0 0 L 2 ? *)", utc(2025, 1, 1, 0, 0), []time.Time{utc(2025, 2, 28, 0, 0), utc(2026, 2, 28, 0, 0), utc(2027, 2, 28, 0, 0), utc(2028, 2, 29, 0, 0)}},
		{"cron(0 0 L-2 * ? *)", utc(2024, 2, 1, 0, 0), []time.Time{utc(2024, 2, 27, 0, 0), utc(2024, 3, 29, 0, 0)}},
		{"cron(0 0 29 2 ? *)", utc(2025, 1, 1, 0, 0), []time.Time{utc(2028, 2, 29, 0, 0), utc(2032, 2, 29, 0, 0)}},
		{"cron(0 0 29 2 ? *)", utc(2096, 3, 1, 0, 0), []time.Time{utc(2104, 2, 29, 0, 0)}},
		{"cron(0 0 31 * ? *)", wed, []time.Time{utc(2025, 7, 31, 0, 0), utc(2025, 8, 31, 0, 0), utc(2025, 10, 31, 0, 0)}},
		{"cron(0 0 30 2 ? *)", wed, nil},
		// W: the 1st on a Saturday (Nov 2025) gives Monday the 3rd; on a
		// Sunday (June 2025) Monday the 2nd; a mid-month Saturday the
		// Friday before; the last day on a Sunday (Aug 31 2025) the Friday.
		{"cron(0 0 1W * ? *)", utc(2025, 10, 2, 0, 0), []time.Time{utc(2025, 11, 3, 0, 0), utc(2025, 12, 1, 0, 0)}},
		{"cron(0 0 1W * ? *)", utc(2025, 5, 31, 0, 0), []time.Time{utc(2025, 6, 2, 0, 0), utc(2025, 7, 1, 0, 0)}},
		{"cron(0 0 14W * ? *)", utc(2025, 6, 1, 0, 0), []time.Time{utc(2025, 6, 13, 0, 0), utc(2025, 7, 14, 0, 0)}},
		{"cron(0 0 15W * ? *)", utc(2025, 6, 1, 0, 0), []time.Time{utc(2025, 6, 16, 0, 0), utc(2025, 7, 15, 0, 0)}},
		{"cron(0 0 31W * ? *)", utc(2025, 8, 1, 0, 0), []time.Time{utc(2025, 8, 29, 0, 0), utc(2025, 10, 31, 0, 0)}},
		{"cron(0 0 30W 2 ? *)", wed, nil},
		{"cron(0 0 LW * ? *)", utc(2025, 8, 1, 0, 0), []time.Time{utc(2025, 8, 29, 0, 0), utc(2025, 9, 30, 0, 0), utc(2025, 10, 31, 0, 0), utc(2025, 11, 28, 0, 0)}},
		// Ranges, steps and names elsewhere.
		{"cron(0/5 5 ? JAN 1-5 2022)", utc(2021, 6, 1, 0, 0), []time.Time{utc(2022, 1, 2, 5, 0), utc(2022, 1, 2, 5, 5)}},
		{"cron(0 12 ? NOV-FEB SUN *)", wed, []time.Time{utc(2025, 11, 2, 12, 0)}},
		{"cron(0 0 1 */5 ? *)", wed, []time.Time{utc(2025, 11, 1, 0, 0), utc(2026, 1, 1, 0, 0), utc(2026, 6, 1, 0, 0)}},
		{"cron(10-20/5 3 * * ? *)", wed, []time.Time{utc(2025, 6, 12, 3, 10), utc(2025, 6, 12, 3, 15), utc(2025, 6, 12, 3, 20), utc(2025, 6, 13, 3, 10)}},
		{"cron(0 0 1 1 ? 2030/50)", wed, []time.Time{utc(2030, 1, 1, 0, 0), utc(2080, 1, 1, 0, 0), utc(2130, 1, 1, 0, 0), utc(2180, 1, 1, 0, 0)}},
		{"cron(0 0 ? * * *)", wed, []time.Time{utc(2025, 6, 12, 0, 0)}},
		{"cron(0 10 * * ?)", wed, []time.Time{utc(2025, 6, 12, 10, 0)}}, // Scheduler: the year is optional
		// The end of time: 2199 is the last year.
		{"cron(59 23 31 12 ? *)", utc(2199, 12, 31, 23, 58), []time.Time{utc(2199, 12, 31, 23, 59)}},
		{"cron(59 23 31 12 ? *)", utc(2199, 12, 31, 23, 59), nil},
		{"cron(0 0 1 1 ? *)", utc(1960, 5, 5, 0, 0), []time.Time{utc(1970, 1, 1, 0, 0)}},
	}
	for _, tt := range tests {
		e, err := Parse(tt.expr)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.expr, err)
			continue
		}
		after := tt.after
		for i, want := range tt.want {
			got, ok := e.Next(after, time.UTC)
			if !ok || !got.Equal(want) {
				t.Errorf("%s firing %d after %v = %v, %v; want %v", tt.expr, i+1, after, got, ok, want)
				break
			}
			after = got
		}
		if len(tt.want) == 0 {
			if got, ok := e.Next(after, time.UTC); ok {
				t.Errorf("%s after %v = %v; want none", tt.expr, after, got)
			}
		}
	}
}

// The same examples under PutRule's grammar, which needs six fields.
func TestCronRuleExamples(t *testing.T) {
	for _, expr := range []string{
		"cron(0 10 * * ? *)", "cron(15 12 * * ? *)", "cron(0 18 ? * MON-FRI *)",
		"cron(0 8 1 * ? *)", "cron(0/15 * * * ? *)", "cron(0/10 * ? * MON-FRI *)",
		"cron(0/5 8-17 ? * MON-FRI *)", "cron(0/30 20-2 ? * MON-FRI *)",
		"cron(0 12 * * ? *)", "cron(5,35 14 * * ? *)", "cron(15 10 ? * 6L 2019-2022)",
		"cron(0 2 ? * SAT *)", "cron(15 10 ? * 6L 2002-2005)", "cron(0 2 ? * SAT#3 *)",
		"cron(* * ? * SAT#3 *)", "cron(0/5 5 ? JAN 1-5 2022)", "cron(0/30 20-23 ? * MON-FRI *)",
		"cron(0/30 0-2 ? * MON-FRI *)", "cron(0 9 ? * 2#1 *)", "cron(0 7 * * ? *)",
	} {
		if _, err := ParseRule(expr); err != nil {
			t.Errorf("ParseRule(%q): %v", expr, err)
		}
	}
}
