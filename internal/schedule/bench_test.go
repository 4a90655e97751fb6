package schedule

import (
	"testing"
	"time"
)

// BenchmarkCronNext measures one Next call on typical and sparse
// expressions, in UTC (every rule) and in a zone with daylight saving.
func BenchmarkCronNext(b *testing.B) {
	ny := mustLoad(b, "America/New_York")
	after := time.Date(2025, 6, 11, 10, 30, 0, 0, time.UTC)
	for _, bc := range []struct {
		name, expr string
		loc        *time.Location
	}{
		{"daily/UTC", "cron(0 7 * * ? *)", time.UTC},
		{"daily/NewYork", "cron(0 7 * * ? *)", ny},
		{"every5min-weekdays/UTC", "cron(0/5 8-17 ? * MON-FRI *)", time.UTC},
		{"nth-weekday/UTC", "cron(0 9 ? * 2#1 *)", time.UTC},
		{"leap-day/UTC", "cron(0 0 29 2 ? *)", time.UTC},
		{"exhausted/UTC", "cron(15 10 ? * 6L 2002-2005)", time.UTC},
	} {
		e, err := Parse(bc.expr)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				e.Next(after, bc.loc)
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Parse("cron(0/5 8-17 ? * MON-FRI *)")
	}
}
