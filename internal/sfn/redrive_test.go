package sfn_test

import (
	"slices"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/sfn"
)

func (e *env) redrive(arn, token string) (*sfn.RedriveExecutionOutput, error) {
	e.t.Helper()
	return call[sfn.RedriveExecutionOutput](e, "RedriveExecution", &sfn.RedriveExecutionInput{ExecutionArn: arn, ClientToken: token})
}

// The seed's Glue machine fails after StopSession's retries run out; a
// redrive reruns only StopSession (the Wait is not run again, no new
// TaskStateEntered), with fresh retries, and the execution succeeds.
func TestRedriveFailedTask(t *testing.T) {
	e := newEnv(t)
	e.stubs.glueFailures = 4 // the first call and its 3 retries
	sm := e.create("GlueSession-WaitAndStop", seedDef(t, "GlueSession-WaitAndStop"))
	arn := e.startExec(sm, "s", `{"session_id": "`+sessionID+`"}`)
	e.drain()
	e.clk.Advance(2 * time.Minute)
	d := e.describe(arn)
	if d.Status != "FAILED" || d.Error != "Glue.IllegalSessionStateException" {
		t.Fatalf("status %s error %s", d.Status, d.Error)
	}
	if d.RedriveStatus != "REDRIVABLE" || d.RedriveStatusReason != "" || *d.RedriveCount != 0 || d.RedriveDate != nil {
		t.Errorf("before redrive: %s %q %d %v", d.RedriveStatus, d.RedriveStatusReason, *d.RedriveCount, d.RedriveDate)
	}
	failedEvents := len(e.history(arn))

	e.clk.Advance(time.Hour)
	out, err := e.redrive(arn, "tok-1")
	if err != nil {
		t.Fatal(err)
	}
	redriveAt := e.clk.Now()
	if !out.RedriveDate.Equal(redriveAt) {
		t.Errorf("redriveDate %v, want %v", out.RedriveDate, redriveAt)
	}
	e.drain()
	d = e.describe(arn)
	if d.Status != "SUCCEEDED" || d.StopDate == nil || !d.StopDate.Equal(redriveAt) {
		t.Fatalf("after redrive: %s %s %s stop %v", d.Status, d.Error, d.Cause, d.StopDate)
	}
	if *d.RedriveCount != 1 || d.RedriveDate == nil || !d.RedriveDate.Equal(redriveAt) ||
		d.RedriveStatus != "NOT_REDRIVABLE" || d.RedriveStatusReason != "Execution is SUCCEEDED and cannot be redriven" {
		t.Errorf("redrive fields %d %v %s %q", *d.RedriveCount, d.RedriveDate, d.RedriveStatus, d.RedriveStatusReason)
	}
	evs := e.history(arn)
	checkChain(t, evs)
	got := types(evs[failedEvents-1:])
	want := []string{"ExecutionFailed", "ExecutionRedriven", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
		"TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"}
	if !slices.Equal(got, want) {
		t.Fatalf("history after the failure\n got %v\nwant %v", got, want)
	}
	if r := evs[failedEvents].ExecutionRedrivenEventDetails; r == nil || r.RedriveCount != 1 {
		t.Errorf("ExecutionRedriven details %+v", r)
	}
	if len(e.stubs.stopCalls) != 5 || len(e.stubs.published) != 1 {
		t.Errorf("%d StopSession calls, %d published", len(e.stubs.stopCalls), len(e.stubs.published))
	}
	// The same clientToken again is the same request: answered, not refused.
	again, err := e.redrive(arn, "tok-1")
	if err != nil || !again.RedriveDate.Equal(redriveAt) {
		t.Errorf("repeated token: %v %v", again, err)
	}
	if _, err := e.redrive(arn, "tok-2"); errCode(err) != "ExecutionNotRedrivable" {
		t.Errorf("redriving a SUCCEEDED execution: %v", err)
	}
	// ListExecutions' redriveFilter.
	other := e.startExec(sm, "other", `{"session_id": "x"}`)
	for filter, wantARN := range map[string]string{"REDRIVEN": arn, "NOT_REDRIVEN": other} {
		l := must[sfn.ListExecutionsOutput](e, "ListExecutions", &sfn.ListExecutionsInput{StateMachineArn: sm, RedriveFilter: filter})
		if len(l.Executions) != 1 || l.Executions[0].ExecutionArn != wantARN {
			t.Errorf("redriveFilter %s: %+v", filter, l.Executions)
		}
	}
}

// A stopped execution is redriven from the Wait it was in; the context
// object shows the redrive; a running one and one stopped more than 14
// days ago are not redrivable, with AWS's reasons.
func TestRedriveAbortedAndRules(t *testing.T) {
	e := newEnv(t)
	sm := e.create("waiter", `{"StartAt":"W","States":{
		"W":{"Type":"Wait","Seconds":60,"Next":"P"},
		"P":{"Type":"Pass","Parameters":{"count.$":"$$.Execution.RedriveCount","time.$":"$$.Execution.RedriveTime"},"End":true}}}`)
	arn := e.startExec(sm, "a", `{}`)
	e.drain()
	if _, err := e.redrive(arn, ""); errCode(err) != "ExecutionNotRedrivable" {
		t.Fatalf("redriving a RUNNING execution: %v", err)
	}
	if d := e.describe(arn); d.RedriveStatus != "NOT_REDRIVABLE" || d.RedriveStatusReason != "Execution is RUNNING and cannot be redriven" {
		t.Errorf("running: %s %q", d.RedriveStatus, d.RedriveStatusReason)
	}
	must[sfn.StopExecutionOutput](e, "StopExecution", &sfn.StopExecutionInput{ExecutionArn: arn})
	e.clk.Advance(time.Minute)
	if _, err := e.redrive(arn, ""); err != nil {
		t.Fatal(err)
	}
	redriveAt := e.clk.Now()
	e.drain()
	e.clk.Advance(time.Minute)
	d := e.describe(arn)
	if d.Status != "SUCCEEDED" {
		t.Fatalf("%s %s %s", d.Status, d.Error, d.Cause)
	}
	jsonEq(t, *d.Output, `{"count":1,"time":"`+redriveAt.Format("2006-01-02T15:04:05.000Z")+`"}`)
	evs := e.history(arn)
	checkChain(t, evs)
	want := []string{"ExecutionStarted", "WaitStateEntered", "WaitStateAborted", "ExecutionAborted", "ExecutionRedriven", "WaitStateExited",
		"PassStateEntered", "PassStateExited", "ExecutionSucceeded"}
	if got := types(evs); !slices.Equal(got, want) {
		t.Fatalf("history\n got %v\nwant %v", got, want)
	}

	old := e.startExec(sm, "old", `{}`)
	e.drain()
	must[sfn.StopExecutionOutput](e, "StopExecution", &sfn.StopExecutionInput{ExecutionArn: old})
	e.clk.Advance(14*24*time.Hour + time.Second)
	_, err := e.redrive(old, "")
	if errCode(err) != "ExecutionNotRedrivable" || err.Error() == "" {
		t.Fatalf("redriving after 14 days: %v", err)
	}
	if d := e.describe(old); d.RedriveStatus != "NOT_REDRIVABLE" || d.RedriveStatusReason != "Execution redrivable period exceeded" {
		t.Errorf("after 14 days: %s %q", d.RedriveStatus, d.RedriveStatusReason)
	}
	if _, err := e.redrive(sm[:len(sm)-len("stateMachine:waiter")]+"execution:waiter:nope", ""); errCode(err) != "ExecutionDoesNotExist" {
		t.Errorf("unknown execution: %v", err)
	}
}

// A redrive of a failed inline Map reruns only the iterations that failed
// or were aborted; the one that succeeded keeps its output and is not
// called again, as AWS's RedriveExecution does.
func TestRedriveRerunsOnlyFailedIterations(t *testing.T) {
	e := newEnv(t)
	def := `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.fns","ItemSelector":{"fn.$":"$$.Map.Item.Value"},"ItemProcessor":{"StartAt":"Call","States":{
		"Call":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName.$":"$.fn"},
			"ResultSelector":{"code.$":"$.StatusCode"},"ResultPath":"$.r","End":true}}},"End":true}}}`
	e.stubs.lambdaFail["fn-b"] = true
	arn := e.startExec(e.create("fanout", def), "m", `{"fns":["fn-a","fn-b","fn-c"]}`)
	e.drain()
	if d := e.describe(arn); d.Status != "FAILED" || d.Error != "Exception" {
		t.Fatalf("%s %s %s", d.Status, d.Error, d.Cause)
	}
	first := slices.Clone(e.stubs.invoked)
	delete(e.stubs.lambdaFail, "fn-b")
	if _, err := e.redrive(arn, ""); err != nil {
		t.Fatal(err)
	}
	e.drain()
	d := e.describe(arn)
	if d.Status != "SUCCEEDED" {
		t.Fatalf("after redrive: %s %s %s", d.Status, d.Error, d.Cause)
	}
	jsonEq(t, *d.Output, `[{"fn":"fn-a","r":{"code":200}},{"fn":"fn-b","r":{"code":200}},{"fn":"fn-c","r":{"code":200}}]`)
	again := e.stubs.invoked[len(first):]
	if slices.Contains(again, "fn-a") || !slices.Contains(again, "fn-b") {
		t.Errorf("first run called %v, the redrive %v: it must rerun fn-b (and only unsuccessful ones)", first, again)
	}
	evs := e.history(arn)
	var reruns []string
	redriven := false
	for _, ev := range evs {
		redriven = redriven || ev.Type == "ExecutionRedriven"
		if redriven && ev.Type == "MapIterationStarted" {
			reruns = append(reruns, string(rune('a'+ev.MapIterationStartedEventDetails.Index)))
		}
	}
	if len(reruns) == 0 || slices.Contains(reruns, "a") {
		t.Errorf("iterations started again after the redrive: %v", reruns)
	}
}
