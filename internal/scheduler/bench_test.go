package scheduler_test

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkFire measures firings per second through the job runner: 1,000
// rate(1 minute) schedules on one grid, each firing a stub Step Functions
// StartExecution, the clock advanced a minute at a time. One firing is a
// read of the schedule, the in-process call, and the transaction that
// completes the job and plans the next firing.
func BenchmarkFire(b *testing.B) {
	const schedules = 1000
	e := newEnv(b, june11)
	for i := range schedules {
		in := seedSchedule(fmt.Sprintf("bench-%04d", i))
		in.ScheduleExpression = "rate(1 minute)"
		in.StartDate = ptr(june11.Add(time.Minute))
		e.mustCall("CreateSchedule", in)
	}
	b.ResetTimer()
	start := time.Now()
	for fired := 0; fired < b.N; fired += schedules {
		e.clk.Advance(time.Minute)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	n := len(e.states.executions())
	if n < b.N {
		b.Fatalf("%d firings, want at least %d", n, b.N)
	}
	b.ReportMetric(float64(n)/elapsed.Seconds(), "fires/s")
}
