package sfn_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/sfn"
	"github.com/shoal-dev/shoal/internal/store"
)

func (e *env) createActivity(name string) string {
	e.t.Helper()
	return must[sfn.CreateActivityOutput](e, "CreateActivity", &sfn.CreateActivityInput{Name: name}).ActivityArn
}

func (e *env) getActivityTask(arn, worker string) *sfn.GetActivityTaskOutput {
	e.t.Helper()
	return must[sfn.GetActivityTaskOutput](e, "GetActivityTask", &sfn.GetActivityTaskInput{ActivityArn: arn, WorkerName: worker})
}

// An activity as a Task's Resource: the task waits as a durable record until
// a worker's GetActivityTask takes it (ActivityScheduled, ActivityStarted
// with the worker's name), the worker's heartbeat and SendTaskSuccess end
// it (ActivitySucceeded); a token used twice no longer exists.
func TestActivityLifecycle(t *testing.T) {
	e := newEnv(t)
	act := e.createActivity("work")
	if want := "arn:aws:states:eu-west-1:123456789012:activity:work"; act != want {
		t.Fatalf("activity ARN %s", act)
	}
	if again := e.createActivity("work"); again != act {
		t.Errorf("idempotent CreateActivity = %s", again)
	}
	list := must[sfn.ListActivitiesOutput](e, "ListActivities", &sfn.ListActivitiesInput{})
	if len(list.Activities) != 1 || list.Activities[0].Name != "work" {
		t.Errorf("ListActivities %+v", list)
	}
	sm := e.create("act", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"`+act+`","TimeoutSeconds":300,"HeartbeatSeconds":60,"End":true}}}`)
	arn := e.startExec(sm, "one", `{"job":1}`)
	e.drain()
	if got := types(e.history(arn)); !slices.Equal(got, []string{"ExecutionStarted", "TaskStateEntered", "ActivityScheduled"}) {
		t.Fatalf("history %v", got)
	}
	task := e.getActivityTask(act, "worker-1")
	if task.TaskToken == "" || task.Input == nil {
		t.Fatalf("GetActivityTask = %+v", task)
	}
	jsonEq(t, *task.Input, `{"job":1}`)
	e.clk.Advance(50 * time.Second)
	must[sfn.SendTaskHeartbeatOutput](e, "SendTaskHeartbeat", &sfn.SendTaskHeartbeatInput{TaskToken: task.TaskToken})
	e.clk.Advance(50 * time.Second) // 100 s after the start, 50 s after the heartbeat
	if _, err := call[sfn.SendTaskSuccessOutput](e, "SendTaskSuccess", &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: `{not json`}); errCode(err) != "InvalidOutput" {
		t.Errorf("bad output: %v", err)
	}
	must[sfn.SendTaskSuccessOutput](e, "SendTaskSuccess", &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: `{"done":true}`})
	d := e.describe(arn)
	if d.Status != "SUCCEEDED" || d.Output == nil {
		t.Fatalf("execution %+v", d)
	}
	jsonEq(t, *d.Output, `{"done":true}`)
	evs := e.history(arn)
	checkChain(t, evs)
	want := []string{"ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivitySucceeded", "TaskStateExited", "ExecutionSucceeded"}
	if got := types(evs); !slices.Equal(got, want) {
		t.Fatalf("history %v", got)
	}
	if s := evs[2].ActivityScheduledEventDetails; s == nil || s.Resource != act || s.Input != `{"job":1}` || s.TimeoutInSeconds != 300 || s.HeartbeatInSeconds != 60 {
		t.Errorf("ActivityScheduled %+v", s)
	}
	if s := evs[3].ActivityStartedEventDetails; s == nil || s.WorkerName != "worker-1" {
		t.Errorf("ActivityStarted %+v", s)
	}
	if _, err := call[sfn.SendTaskSuccessOutput](e, "SendTaskSuccess", &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: `{}`}); errCode(err) != "TaskDoesNotExist" {
		t.Errorf("second SendTaskSuccess: %v", err)
	}
	if _, err := call[sfn.SendTaskFailureOutput](e, "SendTaskFailure", &sfn.SendTaskFailureInput{TaskToken: "not-a-token"}); errCode(err) != "InvalidToken" {
		t.Errorf("bad token: %v", err)
	}
	if _, err := call[sfn.DescribeActivityOutput](e, "DescribeActivity", &sfn.DescribeActivityInput{ActivityArn: act + "x"}); errCode(err) != "ActivityDoesNotExist" {
		t.Errorf("DescribeActivity of a missing activity: %v", err)
	}
}

// GetActivityTask long-polls: a waiting worker gets a task scheduled
// after it started to wait; with nothing to do it answers with no token
// once 60 s of the clock have passed.
func TestGetActivityTaskLongPoll(t *testing.T) {
	e := newEnv(t)
	act := e.createActivity("poll")
	sm := e.create("poll", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"`+act+`","End":true}}}`)
	got := make(chan *sfn.GetActivityTaskOutput, 1)
	go func() {
		// Straight to the service: the test registry's request ids are not
		// for concurrent callers.
		out, err := e.svc.GetActivityTask(e.ctx, &sfn.GetActivityTaskInput{ActivityArn: act})
		if err != nil {
			t.Error(err)
		}
		got <- out
	}()
	arn := e.startExec(sm, "late", `{"n":7}`)
	e.drain()
	var task *sfn.GetActivityTaskOutput
	select {
	case task = <-got:
	case <-time.After(10 * time.Second): // a safety net for a hung poll, not a timing assertion
		t.Fatal("the waiting poll did not get the task")
	}
	if task == nil || task.TaskToken == "" {
		t.Fatalf("poll = %+v", task)
	}
	must[sfn.SendTaskFailureOutput](e, "SendTaskFailure", &sfn.SendTaskFailureInput{TaskToken: task.TaskToken, Error: "Worker.Error", Cause: "no luck"})
	if d := e.describe(arn); d.Status != "FAILED" || d.Error != "Worker.Error" || d.Cause != "no luck" {
		t.Fatalf("execution %+v", d)
	}
	if evs := e.history(arn); evs[len(evs)-2].Type != "ActivityFailed" {
		t.Errorf("history %v", types(evs))
	}

	// Nothing scheduled: the poll ends empty after 60 s of the clock.
	go func() {
		// Straight to the service: the test registry's request ids are not
		// for concurrent callers.
		out, err := e.svc.GetActivityTask(e.ctx, &sfn.GetActivityTaskInput{ActivityArn: act})
		if err != nil {
			t.Error(err)
		}
		got <- out
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		e.clk.Advance(time.Second) // the poll's timer is armed once it waits
		select {
		case task = <-got:
		default:
			if time.Now().After(deadline) {
				t.Fatal("the empty poll did not end")
			}
			time.Sleep(time.Millisecond) // yield to the polling goroutine; not timing anything
			continue
		}
		break
	}
	if task == nil || task.TaskToken != "" {
		t.Errorf("empty poll = %+v", task)
	}
}

// HeartbeatSeconds and TimeoutSeconds are timers in the store: a worker
// that stops heartbeating fails the task with States.HeartbeatTimeout
// (ActivityTimedOut), and its late answer gets TaskTimedOut.
func TestActivityHeartbeatTimeout(t *testing.T) {
	e := newEnv(t)
	act := e.createActivity("slow")
	sm := e.create("slow", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"`+act+`","HeartbeatSeconds":10,"End":true}}}`)
	arn := e.startExec(sm, "one", `{}`)
	e.drain()
	task := e.getActivityTask(act, "w")
	e.clk.Advance(9 * time.Second)
	if d := e.describe(arn); d.Status != "RUNNING" {
		t.Fatalf("timed out early: %+v", d)
	}
	e.close() // the timer survives a restart
	e.open()
	e.drain()
	e.clk.Advance(time.Second)
	d := e.describe(arn)
	if d.Status != "FAILED" || d.Error != "States.HeartbeatTimeout" {
		t.Fatalf("execution %+v", d)
	}
	evs := e.history(arn)
	checkChain(t, evs)
	if ev := evs[len(evs)-2]; ev.Type != "ActivityTimedOut" || ev.ActivityTimedOutEventDetails == nil || ev.ActivityTimedOutEventDetails.Error != "States.HeartbeatTimeout" {
		t.Errorf("history %v", types(evs))
	}
	if _, err := call[sfn.SendTaskSuccessOutput](e, "SendTaskSuccess", &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: `{}`}); errCode(err) != "TaskTimedOut" {
		t.Errorf("late SendTaskSuccess: %v", err)
	}
}

// .waitForTaskToken: the call goes out with $$.Task.Token in its
// parameters (TaskSubmitted records the call's answer) and the task waits
// for the token; TimeoutSeconds ends it with States.Timeout (TaskTimedOut).
func TestWaitForTaskToken(t *testing.T) {
	e := newEnv(t)
	sm := e.create("cb", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sns:publish.waitForTaskToken",
	  "Parameters":{"TopicArn":"arn:aws:sns:eu-west-1:123456789012:t","Message.$":"$$.Task.Token"},"TimeoutSeconds":30,
	  "Catch":[{"ErrorEquals":["States.Timeout"],"Next":"TimedOut"}],"End":true},
	  "TimedOut":{"Type":"Pass","Result":"timed out","End":true}}}`)
	ok := e.startExec(sm, "ok", `{}`)
	e.drain()
	if len(e.stubs.published) != 1 {
		t.Fatalf("published %d", len(e.stubs.published))
	}
	token := e.stubs.published[0].Message
	must[sfn.SendTaskSuccessOutput](e, "SendTaskSuccess", &sfn.SendTaskSuccessInput{TaskToken: token, Output: `{"answer":42}`})
	d := e.describe(ok)
	if d.Status != "SUCCEEDED" {
		t.Fatalf("execution %+v", d)
	}
	jsonEq(t, *d.Output, `{"answer":42}`)
	want := []string{"ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"}
	evs := e.history(ok)
	checkChain(t, evs)
	if got := types(evs); !slices.Equal(got, want) {
		t.Fatalf("history %v", got)
	}
	if s := evs[4].TaskSubmittedEventDetails; s == nil || s.Resource != "publish.waitForTaskToken" || sdkResult(t, s.Output) != `{"MessageId":"msg-1"}` {
		t.Errorf("TaskSubmitted %+v", s)
	}

	late := e.startExec(sm, "late", `{}`)
	e.drain()
	e.clk.Advance(30 * time.Second)
	d = e.describe(late)
	if d.Status != "SUCCEEDED" || *d.Output != `"timed out"` {
		t.Fatalf("execution %+v", d)
	}
	evs = e.history(late)
	if evs[5].Type != "TaskTimedOut" || evs[5].TaskTimedOutEventDetails.Error != "States.Timeout" {
		t.Errorf("history %v", types(evs))
	}
	if _, err := call[sfn.SendTaskSuccessOutput](e, "SendTaskSuccess", &sfn.SendTaskSuccessInput{TaskToken: e.stubs.published[1].Message, Output: `{}`}); errCode(err) != "TaskTimedOut" {
		t.Errorf("late answer: %v", err)
	}
}

// recorder is a stub in-process service whose operation writes a record
// through the store with the ctx it is called with, as shoal's services do.
type recorder struct {
	mu      sync.Mutex
	calls   int
	crashOn map[int]bool // calls that "crash the process" after writing
}

type putThingInput struct {
	Key string `json:"Key" aws:"required"`
}
type putThingOutput struct {
	Call int `json:"Call"`
}

func (rc *recorder) register(r *dispatch.Registry, st store.Store) {
	r.AddService(dispatch.Spec{Name: "recorder", SigningName: "recorder", Protocols: []string{dispatch.JSON}, TargetPrefix: "Recorder", JSONVersion: "1.1", ValidationCode: "ValidationException"},
		dispatch.Handle("PutThing", func(ctx context.Context, in *putThingInput) (*putThingOutput, error) {
			rc.mu.Lock()
			rc.calls++
			n := rc.calls
			crash := rc.crashOn[n]
			rc.mu.Unlock()
			err := st.Update(ctx, func(tx store.Tx) error {
				return tx.RecordPut(ctx, &store.Record{Table: "test.thing", Key: fmt.Sprintf("%s#%d", in.Key, n), Value: []byte(`{}`)})
			})
			if err != nil {
				return nil, err
			}
			if crash {
				// The process dies after the service wrote, before the
				// step that called it committed.
				panic("crash")
			}
			return &putThingOutput{Call: n}, nil
		}))
}

func things(t *testing.T, st store.Store) []string {
	t.Helper()
	var keys []string
	err := st.View(context.Background(), func(tx store.Tx) error {
		recs, err := tx.RecordScan(context.Background(), &store.RecordScanParams{Table: "test.thing"})
		for _, r := range recs {
			keys = append(keys, r.Key)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// An in-process integration runs inside the step's transaction: the
// service's write and the TaskSucceeded commit together. A crash after the
// service wrote but before the commit leaves neither, and the task runs
// again after the restart — so there is exactly one write per succeeded
// task, in a Map too.
func TestInProcessEffectsExactlyOnce(t *testing.T) {
	e := newEnv(t)
	rc := &recorder{crashOn: map[int]bool{2: true}}
	rc.register(e.reg, e.st)
	sm := e.create("once", `{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":1,"End":true,
	  "ItemProcessor":{"StartAt":"Put","States":{"Put":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:recorder:putThing",
	    "Parameters":{"Key.$":"$"},"End":true}}}}}}`)
	arn := "arn:aws:states:eu-west-1:123456789012:execution:once:one"
	func() {
		defer func() {
			if p := recover(); p != "crash" {
				t.Fatalf("recovered %v", p)
			}
		}()
		// Under the manual clock StartExecution runs the execution's
		// steps before it returns: the crash comes out of it.
		e.startExec(sm, "one", `["a","b","c"]`)
		e.drain()
	}()
	// Call 1 (item a) committed; call 2 (item b) wrote and crashed.
	if got := things(t, e.st); !slices.Equal(got, []string{"a#1"}) {
		t.Fatalf("after the crash: %v", got)
	}
	e.close()
	e.open()
	rc.register(e.reg, e.st)
	e.drain()
	d := e.describe(arn)
	if d.Status != "SUCCEEDED" {
		t.Fatalf("execution %+v", d)
	}
	jsonEq(t, *d.Output, `[{"Call":1},{"Call":3},{"Call":4}]`)
	if got := things(t, e.st); !slices.Equal(got, []string{"a#1", "b#3", "c#4"}) {
		t.Errorf("records %v, want one per succeeded task", got)
	}
	evs := e.history(arn)
	n := 0
	for _, ev := range evs {
		if ev.Type == "TaskSucceeded" {
			n++
		}
	}
	if n != 3 {
		t.Errorf("%d TaskSucceeded events in %v", n, types(evs))
	}
	var out []json.RawMessage
	_ = json.Unmarshal([]byte(*d.Output), &out)
}
