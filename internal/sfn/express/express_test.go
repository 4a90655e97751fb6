package express

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/asl"
	"github.com/shoal-dev/shoal/internal/clock"
)

var t0 = time.Date(2024, 6, 11, 12, 0, 0, 0, time.UTC)

// fakeInvoker answers tasks by resource: "fail:<Error>" fails n times
// before succeeding, anything else echoes its parameters.
type fakeInvoker struct {
	mu       sync.Mutex
	calls    []string
	failures map[string]int
	clk      clock.Clock
	at       []time.Time
}

func (f *fakeInvoker) Invoke(ctx context.Context, p *Params, t *Task) Outcome {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, t.Resource+" "+string(t.Parameters))
	f.at = append(f.at, f.clk.Now())
	if name, ok := strings.CutPrefix(t.Resource, "arn:aws:states:::aws-sdk:fail:"); ok {
		if f.failures[name] > 0 {
			f.failures[name]--
			return Outcome{Failure: &asl.Failure{Error: name, Cause: "stub failure"}}
		}
	}
	return Outcome{Result: t.Parameters}
}

func setup(t *testing.T) (*Runner, *clock.Manual, *fakeInvoker) {
	t.Helper()
	clk := clock.NewManual(t0)
	inv := &fakeInvoker{clk: clk, failures: map[string]int{}}
	r := New(Config{Clock: clk, Invoker: inv})
	t.Cleanup(func() { _ = r.Stop(context.Background()) })
	return r, clk, inv
}

func start(t *testing.T, r *Runner, def, input string) *Handle {
	t.Helper()
	m, diags := asl.Compile([]byte(def))
	if m == nil || asl.HasErrors(diags) {
		t.Fatalf("compile: %v", diags)
	}
	h, err := r.Start(Params{ARN: "arn:aws:states:eu-west-1:123456789012:express:m:x:1", StateMachineARN: "arn:aws:states:eu-west-1:123456789012:stateMachine:m",
		StateMachine: "m", Name: "x", RoleARN: "arn:aws:iam::123456789012:role/r", Input: input, Machine: m, StartDate: t0})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func done(h *Handle) bool {
	select {
	case <-h.Done():
		return true
	default:
		return false
	}
}

func jsonEq(t *testing.T, got *string, want string) {
	t.Helper()
	if got == nil {
		t.Fatalf("no output, want %s", want)
	}
	var g, w any
	if err := json.Unmarshal([]byte(*got), &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if string(gb) != string(wb) {
		t.Errorf("output %s, want %s", gb, wb)
	}
}

func TestPassMachineFinishesBeforeStartReturns(t *testing.T) {
	r, _, _ := setup(t)
	h := start(t, r, `{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"n":1},"ResultPath":"$.a","Next":"B"},
		"B":{"Type":"Choice","Choices":[{"Variable":"$.a.n","NumericEquals":1,"Next":"C"}]},"C":{"Type":"Succeed"}}}`, `{"in":true}`)
	if !done(h) {
		t.Fatal("not done under the manual clock")
	}
	res := h.Result()
	if res.Status != StatusSucceeded {
		t.Fatalf("%+v", res)
	}
	jsonEq(t, res.Output, `{"in":true,"a":{"n":1}}`)
	if r.Running() != 0 {
		t.Errorf("Running = %d", r.Running())
	}
}

// A Wait is a clock timer: the execution moves only when the clock does,
// and holds no goroutine meanwhile.
func TestWaitUsesTheClock(t *testing.T) {
	r, clk, _ := setup(t)
	h := start(t, r, `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":30,"Next":"P"},"P":{"Type":"Pass","End":true}}}`, `{"k":"v"}`)
	clk.Advance(29 * time.Second)
	if done(h) {
		t.Fatal("done before the Wait ended")
	}
	if r.Running() != 1 {
		t.Fatalf("Running = %d", r.Running())
	}
	clk.Advance(time.Second)
	if !done(h) {
		t.Fatal("not done after 30 s")
	}
	res := h.Result()
	jsonEq(t, res.Output, `{"k":"v"}`)
	if !res.StopDate.Equal(t0.Add(30 * time.Second)) {
		t.Errorf("stopped at %v", res.StopDate)
	}
	if n := clk.Pending(); n != 0 {
		t.Errorf("%d timers left (the 5-minute limit's should be stopped)", n)
	}
}

func TestRetryAndCatch(t *testing.T) {
	r, clk, inv := setup(t)
	inv.failures["Flaky"] = 2
	inv.failures["Broken"] = 10
	h := start(t, r, `{"StartAt":"T","States":{
		"T":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:fail:Flaky","Parameters":{"x.$":"$.x"},"Retry":[{"ErrorEquals":["Flaky"],"IntervalSeconds":2}],"ResultPath":"$.t","Next":"U"},
		"U":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:fail:Broken","Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.err","Next":"Done"}],"End":true},
		"Done":{"Type":"Pass","End":true}}}`, `{"x":7}`)
	clk.Advance(2 * time.Second)
	if done(h) {
		t.Fatal("done before the second retry")
	}
	clk.Advance(4 * time.Second) // BackoffRate 2: the second retry 4 s later
	if !done(h) {
		t.Fatalf("not done; calls %v", inv.calls)
	}
	res := h.Result()
	if res.Status != StatusSucceeded {
		t.Fatalf("%+v", res)
	}
	jsonEq(t, res.Output, `{"x":7,"t":{"x":7},"err":{"Error":"Broken","Cause":"stub failure"}}`)
	want := []time.Duration{0, 2 * time.Second, 6 * time.Second, 6 * time.Second}
	if len(inv.at) != len(want) {
		t.Fatalf("calls %v", inv.calls)
	}
	for i, w := range want {
		if got := inv.at[i].Sub(t0); got != w {
			t.Errorf("call %d at +%v, want +%v", i, got, w)
		}
	}
}

// Parallel branches and Map iterations run in-process, interleaving at
// their waits; outputs come back in branch and item order.
func TestParallelAndMap(t *testing.T) {
	r, clk, inv := setup(t)
	h := start(t, r, `{"StartAt":"P","States":{
		"P":{"Type":"Parallel","Branches":[
			{"StartAt":"Slow","States":{"Slow":{"Type":"Wait","Seconds":10,"Next":"S2"},"S2":{"Type":"Pass","Result":"slow","End":true}}},
			{"StartAt":"Fast","States":{"Fast":{"Type":"Pass","Result":"fast","End":true}}}
		],"ResultPath":"$.par","Next":"M"},
		"M":{"Type":"Map","ItemsPath":"$.items","ItemSelector":{"v.$":"$$.Map.Item.Value","i.$":"$$.Map.Item.Index"},
			"ItemProcessor":{"StartAt":"Call","States":{"Call":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:echo:call","End":true}}},
			"ResultPath":"$.map","End":true}}}`, `{"items":["a","b","c"]}`)
	if done(h) {
		t.Fatal("done before the branch's Wait")
	}
	clk.Advance(10 * time.Second)
	if !done(h) {
		t.Fatal("not done")
	}
	res := h.Result()
	jsonEq(t, res.Output, `{"items":["a","b","c"],"par":["slow","fast"],"map":[{"v":"a","i":0},{"v":"b","i":1},{"v":"c","i":2}]}`)
	if len(inv.calls) != 3 {
		t.Errorf("calls %v", inv.calls)
	}
}

// A failing branch fails the Parallel state (its Catch applies) and the
// other branches stop at their next step.
func TestParallelFailureStopsSiblings(t *testing.T) {
	r, clk, inv := setup(t)
	inv.failures["Boom"] = 1
	h := start(t, r, `{"StartAt":"P","States":{
		"P":{"Type":"Parallel","Branches":[
			{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":5,"Next":"After"},"After":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:echo:never","End":true}}},
			{"StartAt":"F","States":{"F":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:fail:Boom","End":true}}}
		],"Catch":[{"ErrorEquals":["Boom"],"Next":"Caught"}],"End":true},
		"Caught":{"Type":"Pass","End":true}}}`, `{}`)
	if !done(h) {
		t.Fatal("not done: the Catch should end it at once")
	}
	jsonEq(t, h.Result().Output, `{"Error":"Boom","Cause":"stub failure"}`)
	clk.Advance(time.Minute)
	for _, c := range inv.calls {
		if strings.Contains(c, "never") {
			t.Errorf("a stopped branch ran on: %v", inv.calls)
		}
	}
}

func TestFailAndTimeout(t *testing.T) {
	r, clk, _ := setup(t)
	h := start(t, r, `{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Custom","Cause":"because"}}}`, `{}`)
	if res := h.Result(); res.Status != StatusFailed || res.Error != "Custom" || res.Cause != "because" || res.Output != nil {
		t.Errorf("%+v", res)
	}
	// Five minutes is the most an Express execution runs.
	h = start(t, r, `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":600,"End":true}}}`, `{}`)
	clk.Advance(MaxDuration)
	if !done(h) {
		t.Fatal("not timed out after 5 minutes")
	}
	if res := h.Result(); res.Status != StatusTimedOut || res.Error != asl.ErrTimeout {
		t.Errorf("%+v", res)
	}
	// A shorter TimeoutSeconds wins.
	h = start(t, r, `{"TimeoutSeconds":60,"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":600,"End":true}}}`, `{}`)
	clk.Advance(time.Minute)
	if res := h.Result(); res.Status != StatusTimedOut {
		t.Errorf("%+v", res)
	}
}

// A loop of thousands of states runs on a flat stack.
func TestLongLoop(t *testing.T) {
	r, _, _ := setup(t)
	h := start(t, r, `{"StartAt":"Init","States":{
		"Init":{"Type":"Pass","Result":0,"ResultPath":"$.i","Next":"Inc"},
		"Inc":{"Type":"Pass","Parameters":{"i.$":"States.MathAdd($.i, 1)"},"Next":"Check"},
		"Check":{"Type":"Choice","Choices":[{"Variable":"$.i","NumericLessThan":5000,"Next":"Inc"}],"Default":"End"},
		"End":{"Type":"Succeed"}}}`, `{}`)
	jsonEq(t, h.Result().Output, `{"i":5000}`)
}

func TestStopEndsRunningExecutions(t *testing.T) {
	r, _, _ := setup(t)
	h := start(t, r, `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":60,"End":true}}}`, `{}`)
	if err := r.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !done(h) || h.Result().Status != StatusFailed {
		t.Errorf("after Stop: %+v", h.Result())
	}
	if _, err := r.Start(Params{Machine: nil}); err != ErrStopped {
		t.Errorf("Start after Stop: %v", err)
	}
}

// On a real clock the first steps run on their own goroutine and the
// timer's callback carries the execution on.
func TestRealClock(t *testing.T) {
	inv := &fakeInvoker{clk: clock.Real{}, failures: map[string]int{}}
	r := New(Config{Clock: clock.Real{}, Invoker: inv})
	defer r.Stop(context.Background())
	h := start(t, r, `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":0,"Next":"T"},"T":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:echo:x","End":true}}}`, `{"a":1}`)
	<-h.Done()
	jsonEq(t, h.Result().Output, `{"a":1}`)
}
