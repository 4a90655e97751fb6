package sfn_test

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/sfn"
)

func seedDef(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name + ".asl.json")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const sessionID = "glue-studio-datapreview-3f905608-50f1-4b9e-80e2-f4071feb2282"

// The seed's Glue cost-control machine, verbatim: the Wait passes only as
// the clock moves, StopSession fails twice with
// Glue.IllegalSessionStateException and is retried after 10 s and 20 s
// (IntervalSeconds 10, the default BackoffRate 2.0), then SNS gets the
// seed's message. The history has AWS's event types, ids and chain.
func TestSeedGlueStopSession(t *testing.T) {
	e := newEnv(t)
	e.stubs.glueFailures = 2
	sm := e.create("GlueSession-WaitAndStop", seedDef(t, "GlueSession-WaitAndStop"))
	arn := e.startExec(sm, "session-1", `{"session_id": "`+sessionID+`"}`)
	if want := "arn:aws:states:eu-west-1:123456789012:execution:GlueSession-WaitAndStop:session-1"; arn != want {
		t.Fatalf("execution ARN %s, want %s", arn, want)
	}
	e.drain()
	if got := types(e.history(arn)); !slices.Equal(got, []string{"ExecutionStarted", "WaitStateEntered"}) {
		t.Fatalf("after start: %v", got)
	}
	e.clk.Advance(29 * time.Second)
	if n := len(e.history(arn)); n != 2 || len(e.stubs.stopCalls) != 0 {
		t.Fatalf("the Wait ended early: %d events, %d StopSession calls", n, len(e.stubs.stopCalls))
	}
	e.clk.Advance(time.Second) // 30 s: the Wait ends, the first StopSession fails
	if len(e.stubs.stopCalls) != 1 || !e.stubs.stopCalls[0].Equal(start.Add(30*time.Second)) {
		t.Fatalf("StopSession calls at %v, want one at +30s", e.stubs.stopCalls)
	}
	e.clk.Advance(9 * time.Second)
	if len(e.stubs.stopCalls) != 1 {
		t.Fatalf("retried before IntervalSeconds")
	}
	e.clk.Advance(time.Second) // +40 s: the first retry, fails again
	e.clk.Advance(20 * time.Second)
	if got := len(e.stubs.stopCalls); got != 3 {
		t.Fatalf("%d StopSession calls, want 3", got)
	}
	for i, want := range []time.Duration{30 * time.Second, 40 * time.Second, 60 * time.Second} {
		if !e.stubs.stopCalls[i].Equal(start.Add(want)) {
			t.Errorf("StopSession call %d at %v, want +%v", i, e.stubs.stopCalls[i].Sub(start), want)
		}
	}
	d := e.describe(arn)
	if d.Status != "SUCCEEDED" || d.Output == nil {
		t.Fatalf("status %s output %v error %s cause %s", d.Status, d.Output, d.Error, d.Cause)
	}
	jsonEq(t, sdkResult(t, *d.Output), `{"MessageId":"msg-1"}`)
	if len(e.stubs.published) != 1 {
		t.Fatalf("published %d messages", len(e.stubs.published))
	}
	msg := e.stubs.published[0]
	if want := "Hi! AWS Step Functions has stopped this Glue session for you: {Id=" + sessionID + "}"; msg.Message != want {
		t.Errorf("SNS message %q, want %q", msg.Message, want)
	}
	if msg.TopicArn != "arn:aws:sns:eu-west-1:[REDACTED]:success-stepfunction" {
		t.Errorf("TopicArn %q", msg.TopicArn)
	}

	evs := e.history(arn)
	checkChain(t, evs)
	want := []string{
		"ExecutionStarted", "WaitStateEntered", "WaitStateExited",
		"TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskFailed",
		"TaskScheduled", "TaskStarted", "TaskFailed",
		"TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
		"TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
		"ExecutionSucceeded",
	}
	if got := types(evs); !slices.Equal(got, want) {
		t.Fatalf("history\n got %v\nwant %v", got, want)
	}
	// The seed's log shows the failure as event 7.
	f := evs[6].TaskFailedEventDetails
	if evs[6].ID != 7 || f == nil || f.Error != "Glue.IllegalSessionStateException" || f.ResourceType != "aws-sdk:glue" || f.Resource != "stopSession" ||
		!strings.HasPrefix(f.Cause, "Session is in PROVISIONING status (Service: Glue, Status Code: 400, Request ID: ") {
		t.Errorf("event 7 = %+v %+v", evs[6], f)
	}
	if ts := evs[2].Timestamp.Sub(evs[1].Timestamp); ts != 30*time.Second {
		t.Errorf("the Wait took %v", ts)
	}
	if ts := evs[7].Timestamp.Sub(evs[6].Timestamp); ts != 10*time.Second {
		t.Errorf("the first retry came after %v, want 10s", ts)
	}
	sched := evs[4].TaskScheduledEventDetails
	if sched == nil || sched.Region != "eu-west-1" || sched.Parameters != `{"Id":"`+sessionID+`"}` {
		t.Errorf("TaskScheduled details %+v", sched)
	}
	entered := evs[3].StateEnteredEventDetails
	if entered == nil || entered.Name != "StopGlueSession" {
		t.Errorf("TaskStateEntered details %+v", entered)
	}
	if s := evs[0].ExecutionStartedEventDetails; s == nil || s.RoleArn != role || !strings.Contains(s.Input, sessionID) {
		t.Errorf("ExecutionStarted details %+v", s)
	}
	if s := evs[19].ExecutionSucceededEventDetails; s == nil || s.Output != *d.Output {
		t.Errorf("ExecutionSucceeded details %+v", s)
	}
}

// The seed's failing input: the Parameters path does not resolve, which is
// States.Runtime (no retry, no task call), with AWS's verbatim cause naming
// the TaskStateEntered event #4; ExecutionFailed is event 5 as in the seed.
func TestSeedGlueBadInput(t *testing.T) {
	e := newEnv(t)
	sm := e.create("GlueSession-WaitAndStop", seedDef(t, "GlueSession-WaitAndStop"))
	arn := e.startExec(sm, "bad", "{\n  \"sessionId\": \"\"\n}")
	e.drain()
	e.clk.Advance(30 * time.Second)
	d := e.describe(arn)
	wantCause := "An error occurred while executing the state 'StopGlueSession' (entered at the event id #4). The JSONPath '$.session_id' specified for the field 'Id.$' could not be found in the input '{\n  \"sessionId\": \"\"\n}'"
	if d.Status != "FAILED" || d.Error != "States.Runtime" || d.Cause != wantCause {
		t.Fatalf("status %s error %s cause %q", d.Status, d.Error, d.Cause)
	}
	if d.StopDate == nil || !d.StopDate.Equal(start.Add(30*time.Second)) {
		t.Errorf("stopDate %v", d.StopDate)
	}
	evs := e.history(arn)
	checkChain(t, evs)
	if got := types(evs); !slices.Equal(got, []string{"ExecutionStarted", "WaitStateEntered", "WaitStateExited", "TaskStateEntered", "ExecutionFailed"}) {
		t.Fatalf("history %v", got)
	}
	if f := evs[4].ExecutionFailedEventDetails; f == nil || f.Error != "States.Runtime" || f.Cause != wantCause {
		t.Errorf("ExecutionFailed details %+v", f)
	}
	if len(e.stubs.stopCalls) != 0 {
		t.Errorf("StopSession was called %d times", len(e.stubs.stopCalls))
	}
}

// The seed's WordPress machine with a stub Lambda: both functions run in
// order, the second gets the first's result.
func TestSeedWordPressSuccess(t *testing.T) {
	e := newEnv(t)
	sm := e.create("WordPress_Raw_To_Bronze", seedDef(t, "WordPress_Raw_To_Bronze"))
	arn := e.startExec(sm, "daily", "{}")
	e.drain()
	d := e.describe(arn)
	if d.Status != "SUCCEEDED" {
		t.Fatalf("status %s %s %s", d.Status, d.Error, d.Cause)
	}
	jsonEq(t, sdkResult(t, *d.Output), `{"ExecutedVersion":"$LATEST","Payload":{"statusCode":200,"body":"ok"},"StatusCode":200}`)
	if len(e.stubs.invoked) != 2 || !strings.HasSuffix(e.stubs.invoked[0], "data_wordpressapi_raw:$LATEST") || !strings.HasSuffix(e.stubs.invoked[1], "data_wordpressapi_bronze:$LATEST") {
		t.Errorf("invoked %v", e.stubs.invoked)
	}
	evs := e.history(arn)
	checkChain(t, evs)
	if evs[4].Type != "TaskSucceeded" || evs[6].Type != "TaskStateEntered" || evs[6].StateEnteredEventDetails.Name != "data_wordpressapi_bronze" {
		t.Errorf("history %v", types(evs))
	}
	if s := evs[2].TaskScheduledEventDetails; s.ResourceType != "lambda" || s.Resource != "invoke" || s.TimeoutInSeconds != 120 {
		t.Errorf("TaskScheduled %+v", s)
	}
}

// A function error in the raw function is caught (States.ALL) and
// PublishFailure sends the seed's literal message; the execution succeeds.
func TestSeedWordPressCatch(t *testing.T) {
	e := newEnv(t)
	e.stubs.lambdaFail["data_wordpressapi_raw"] = true
	sm := e.create("WordPress_Raw_To_Bronze", seedDef(t, "WordPress_Raw_To_Bronze"))
	arn := e.startExec(sm, "daily", `{"run": 1}`)
	e.drain()
	d := e.describe(arn)
	if d.Status != "SUCCEEDED" {
		t.Fatalf("status %s %s %s", d.Status, d.Error, d.Cause)
	}
	if len(e.stubs.published) != 1 || e.stubs.published[0].Message != `An error occurred in the state machine: { "error": "$.Error" }` ||
		e.stubs.published[0].TopicArn != "arn:aws:sns:eu-west-1:REDACTED:failure-stepfunction" {
		t.Fatalf("published %+v", e.stubs.published)
	}
	evs := e.history(arn)
	checkChain(t, evs)
	want := []string{"ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskFailed", "TaskStateExited",
		"TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"}
	if got := types(evs); !slices.Equal(got, want) {
		t.Fatalf("history\n got %v\nwant %v", got, want)
	}
	if f := evs[4].TaskFailedEventDetails; f.Error != "Exception" || !strings.Contains(f.Cause, "boom") {
		t.Errorf("TaskFailed %+v", f)
	}
	// The Catch's ResultPath put the error output at $.Error.
	jsonEq(t, evs[5].StateExitedEventDetails.Output, `{"run":1,"Error":{"Error":"Exception","Cause":"{\"errorType\":\"Exception\",\"errorMessage\":\"boom\"}"}}`)
}

// Executions survive the store being closed mid-flight: a Wait and a retry
// backoff pending, the process "dies", the store reopens on the same
// directory, and both executions finish from where they were.
func TestRestartMidExecution(t *testing.T) {
	e := newEnv(t)
	e.stubs.glueFailures = 1
	sm := e.create("GlueSession-WaitAndStop", seedDef(t, "GlueSession-WaitAndStop"))
	waiting := e.startExec(sm, "waiting", `{"session_id": "a"}`)
	e.drain()
	e.clk.Advance(20 * time.Second)
	retrying := e.startExec(sm, "retrying", `{"session_id": "b"}`)
	e.drain()
	e.clk.Advance(15 * time.Second) // waiting: StopSession failed at +30, retry due at +40
	if len(e.stubs.stopCalls) != 1 {
		t.Fatalf("%d StopSession calls before the restart", len(e.stubs.stopCalls))
	}
	e.close()
	e.open()
	e.drain() // what Start does first: resume what is due
	e.clk.Advance(60 * time.Second)
	for _, arn := range []string{waiting, retrying} {
		d := e.describe(arn)
		if d.Status != "SUCCEEDED" {
			t.Errorf("%s: %s %s %s", arn, d.Status, d.Error, d.Cause)
		}
		checkChain(t, e.history(arn))
	}
	if len(e.stubs.stopCalls) != 3 || len(e.stubs.published) != 2 {
		t.Errorf("%d StopSession calls, %d SNS messages; want 3 and 2", len(e.stubs.stopCalls), len(e.stubs.published))
	}
}

var _ = sfn.TypeStandard
