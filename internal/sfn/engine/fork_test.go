package engine_test

import (
	"slices"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/sfn/engine"
)

type evRow struct {
	typ  string
	prev int64
}

func rows(evs []engine.HistoryEvent) []evRow {
	out := make([]evRow, len(evs))
	for i, e := range evs {
		out[i] = evRow{e.Type, e.PreviousEventID}
	}
	return out
}

// A Parallel state's branches are parts of the execution: their events
// interleave in its one history, each chained to its own branch's previous
// event (the first to ParallelStateStarted), as AWS numbers them; a branch
// waiting on a timer survives a restart of the process.
func TestParallelHistoryAndRestart(t *testing.T) {
	r := newRig(t, &scriptInvoker{})
	const arn = "arn:aws:states:us-east-1:123456789012:execution:golden:par"
	r.start(arn, `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
	  {"StartAt":"A","States":{"A":{"Type":"Pass","Result":"a","End":true}}},
	  {"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":10,"Next":"B"},"B":{"Type":"Pass","Result":"b","End":true}}}]}}}`, `{}`)
	r.runner.Drain(t.Context())
	if got := len(r.history(arn)); got != 6 {
		t.Fatalf("before the wait ends: %v", types(r.history(arn)))
	}
	r.close() // the process goes away while a branch waits
	r.open()
	x := r.finish(arn)
	if x.Status != engine.StatusSucceeded || !jsonEqual(*x.Output, `["a","b"]`) {
		t.Fatalf("status %s output %v %s %s", x.Status, deref(x.Output), x.Error, x.Cause)
	}
	evs := r.history(arn)
	checkHistory(t, evs)
	want := []evRow{
		{"ExecutionStarted", 0}, {"ParallelStateEntered", 1}, {"ParallelStateStarted", 2},
		{"PassStateEntered", 3}, {"PassStateExited", 4},
		{"WaitStateEntered", 3},
		{"WaitStateExited", 6}, {"PassStateEntered", 7}, {"PassStateExited", 8},
		{"ParallelStateSucceeded", 9}, {"ParallelStateExited", 10}, {"ExecutionSucceeded", 11},
	}
	if got := rows(evs); !slices.Equal(got, want) {
		t.Fatalf("history\n got %v\nwant %v", got, want)
	}
	if d := evs[6].Timestamp.Sub(evs[5].Timestamp); d != 10*time.Second {
		t.Errorf("the branch waited %v", d)
	}
}

// MaxConcurrency bounds the iterations in flight; iterations start in
// item order with MapIterationStarted {name, index} and the output keeps
// item order.
func TestMapMaxConcurrency(t *testing.T) {
	r := newRig(t, &scriptInvoker{})
	const arn = "arn:aws:states:us-east-1:123456789012:execution:golden:map"
	r.start(arn, `{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":2,"End":true,
	  "ItemProcessor":{"StartAt":"W","States":{"W":{"Type":"Wait","SecondsPath":"$.s","Next":"P"},"P":{"Type":"Pass","InputPath":"$.v","End":true}}}}}}`,
		`[{"s":30,"v":0},{"s":10,"v":1},{"s":10,"v":2},{"s":5,"v":3},{"s":1,"v":4}]`)
	x := r.finish(arn)
	if x.Status != engine.StatusSucceeded || !jsonEqual(*x.Output, `[0,1,2,3,4]`) {
		t.Fatalf("status %s output %v %s %s", x.Status, deref(x.Output), x.Error, x.Cause)
	}
	evs := r.history(arn)
	checkHistory(t, evs)
	inFlight, most := 0, 0
	var started []int
	for _, e := range evs {
		switch e.Type {
		case "MapStateStarted":
			if e.MapStateStartedEventDetails == nil || e.MapStateStartedEventDetails.Length != 5 {
				t.Errorf("MapStateStarted details %+v", e.MapStateStartedEventDetails)
			}
		case "MapIterationStarted":
			inFlight++
			most = max(most, inFlight)
			d := e.MapIterationStartedEventDetails
			if d == nil || d.Name != "M" {
				t.Fatalf("MapIterationStarted details %+v", d)
			}
			started = append(started, d.Index)
		case "MapIterationSucceeded":
			inFlight--
		}
	}
	if most != 2 || !slices.Equal(started, []int{0, 1, 2, 3, 4}) {
		t.Errorf("at most %d iterations in flight (want 2), started %v", most, started)
	}
	if last := evs[len(evs)-3].Type; last != "MapStateSucceeded" {
		t.Errorf("event before MapStateExited is %s", last)
	}
}

// A failing iteration fails an inline Map with its own error; iterations
// still in flight are aborted (WaitStateAborted, MapIterationAborted).
func TestMapFailureAbortsOthers(t *testing.T) {
	r := newRig(t, &scriptInvoker{})
	const arn = "arn:aws:states:us-east-1:123456789012:execution:golden:mapfail"
	r.start(arn, `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,
	  "ItemProcessor":{"StartAt":"C","States":{
	    "C":{"Type":"Choice","Choices":[{"Variable":"$","NumericEquals":1,"Next":"F"}],"Default":"W"},
	    "W":{"Type":"Wait","Seconds":100,"End":true},
	    "F":{"Type":"Fail","Error":"Boom","Cause":"item 1"}}}}}}`, `[0,1,2]`)
	x := r.finish(arn)
	if x.Status != engine.StatusFailed || x.Error != "Boom" || x.Cause != "item 1" {
		t.Fatalf("status %s %s %s", x.Status, x.Error, x.Cause)
	}
	evs := r.history(arn)
	checkHistory(t, evs)
	ts := types(evs)
	for _, want := range []string{"MapIterationFailed", "WaitStateAborted", "MapIterationAborted", "MapStateFailed", "ExecutionFailed"} {
		if !slices.Contains(ts, want) {
			t.Errorf("no %s in %v", want, ts)
		}
	}
	if n := len(evs); evs[n-2].Type != "MapStateFailed" {
		t.Errorf("history ends %v", ts[n-3:])
	}
}

// A Distributed Map over its input tolerates failures up to
// ToleratedFailureCount; beyond it the Map fails with
// States.ExceedToleratedFailureThreshold.
func TestMapToleratedFailures(t *testing.T) {
	def := func(count string) string {
		return `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ToleratedFailureCount":` + count + `,
	  "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"C","States":{
	    "C":{"Type":"Choice","Choices":[{"Variable":"$","NumericGreaterThan":1,"Next":"F"}],"Default":"OK"},
	    "OK":{"Type":"Succeed"},
	    "F":{"Type":"Fail","Error":"Big","Cause":"too big"}}}}}}`
	}
	r := newRig(t, &scriptInvoker{})
	const ok = "arn:aws:states:us-east-1:123456789012:execution:golden:tolerated"
	r.start(ok, def("2"), `[0,1,2,3]`)
	x := r.finish(ok)
	if x.Status != engine.StatusSucceeded || !jsonEqual(*x.Output, `[0,1,{"Error":"Big","Cause":"too big"},{"Error":"Big","Cause":"too big"}]`) {
		t.Fatalf("tolerated: status %s output %v %s %s", x.Status, deref(x.Output), x.Error, x.Cause)
	}
	const bad = "arn:aws:states:us-east-1:123456789012:execution:golden:exceeded"
	r.start(bad, def("1"), `[0,1,2,3]`)
	x = r.finish(bad)
	if x.Status != engine.StatusFailed || x.Error != "States.ExceedToleratedFailureThreshold" {
		t.Fatalf("exceeded: status %s %s %s", x.Status, x.Error, x.Cause)
	}
	checkHistory(t, r.history(bad))
}
