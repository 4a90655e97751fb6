package schedule

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// fuzzZones are the zones the fuzz target evaluates in: no DST, hour
// shifts both hemispheres, a half-hour shift, and a quarter-hour offset.
var fuzzZones = []string{"UTC", "Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu"}

// FuzzParse: Parse and ParseRule never panic; a rejection is an *Error
// quoting the input; whatever ParseRule accepts Parse accepts; Next is
// strictly increasing; and a cron's firings are exactly those the naive
// minute-by-minute reference finds over a three-day window.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"cron(0 10 * * ? *)", "cron(15 12 * * ? *)", "cron(0 18 ? * MON-FRI *)", "cron(0 8 1 * ? *)",
		"cron(0/15 * * * ? *)", "cron(0/10 * ? * MON-FRI *)", "cron(0/5 8-17 ? * MON-FRI *)",
		"cron(0/30 20-2 ? * MON-FRI *)", "cron(0 9 ? * 2#1 *)", "cron(0 7 * * ? *)",
		"cron(15 10 ? * 6L 2019-2022)", "cron(5,35 14 * * ? *)", "cron(* * ? * SAT#3 *)",
		"cron(0/5 5 ? JAN 1-5 2022)", "cron(0 0 LW * ? *)", "cron(0 0 1W * ? *)", "cron(0 0 L-3 * ? *)",
		"cron(30 2 * * ? *)", "cron(30 1 * * ? *)", "cron(0 * * * ? *)", "cron(0 10 * * ?)",
		"cron(0 1 * * * *)", "cron(7 20 * * NOT *)", "cron(71 8 1 * ? *)",
		"rate(1 minute)", "rate(5 minutes)", "rate(1 day)", "rate(1 days)", "rate(10 seconds)",
		" rate(10 minutes)", "at(2022-11-20T13:00:00)", "at(2025-03-09T02:30:00)", "at(2021-12-31)",
	} {
		f.Add(s, int64(1741400000), uint8(2)) // 2025-03-08, the eve of New York's spring-forward
	}
	f.Add("cron(45 1 * * ? *)", int64(1743811200), uint8(3)) // Lord Howe's fall-back
	f.Add("cron(0/15 * * * ? *)", int64(1762059600), uint8(2))

	zones := make([]*time.Location, len(fuzzZones))
	for i, name := range fuzzZones {
		zones[i] = mustLoad(f, name)
	}

	f.Fuzz(func(t *testing.T, expr string, start int64, zone uint8) {
		re, rerr := ParseRule(expr)
		e, err := Parse(expr)
		for _, err := range []error{rerr, err} {
			var pe *Error
			if err != nil && (!errors.As(err, &pe) || pe.Expr != expr || pe.Reason == "") {
				t.Fatalf("%q: error %v is not a proper *Error", expr, err)
			}
		}
		if rerr == nil && err != nil {
			t.Fatalf("%q: ParseRule accepts what Parse rejects: %v", expr, err)
		}
		if re != nil && re.String() != expr {
			t.Fatalf("String() = %q", re.String())
		}
		if err != nil {
			return
		}
		loc := zones[int(zone)%len(zones)]
		// Keep the window inside the years a cron can name.
		after := time.Unix(1e9+start%(6e9), 0) // 2001 .. about 2191
		if r, ok := e.(Rate); ok {
			e = r.From(after.Add(-r.every / 3))
		}
		prev := after
		for range 20 {
			next, ok := e.Next(prev, loc)
			if !ok {
				break
			}
			if !next.After(prev) {
				t.Fatalf("%q in %v: Next(%v) = %v, not after", expr, loc, prev, next)
			}
			prev = next
		}
		if _, ok := e.(Cron); ok {
			checkAgainstReference(t, expr, e, after, loc)
		}
	})
}

func checkAgainstReference(t *testing.T, expr string, e Expression, after time.Time, loc *time.Location) {
	ref, ok := newRefCron(expr)
	if !ok {
		t.Fatalf("%q parsed as cron", expr)
	}
	until := after.Add(72 * time.Hour)
	want := refFirings(ref, after, until, loc)
	var got []time.Time
	for t := after; ; {
		next, ok := e.Next(t, loc)
		if !ok || next.After(until) {
			break
		}
		got = append(got, next)
		t = next
		if len(got) > len(want) {
			break
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%q in %v after %v: %d firings, reference %d\n got %s\nwant %s",
			expr, loc, after.In(loc), len(got), len(want), short(got, loc), short(want, loc))
	}
	for i := range got {
		if !got[i].Equal(want[i]) {
			t.Fatalf("%q in %v: firing %d = %v, reference %v", expr, loc, i, got[i].In(loc), want[i].In(loc))
		}
	}
}

func short(ts []time.Time, loc *time.Location) string {
	var b strings.Builder
	for i, t := range ts {
		if i == 5 {
			b.WriteString(" ...")
			break
		}
		b.WriteString(" " + t.In(loc).Format("2006-01-02T15:04Z07:00"))
	}
	return b.String()
}
