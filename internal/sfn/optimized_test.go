package sfn_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/sfn"
)

func decodeObject(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return m
}

const childDef = `{"StartAt":"W","States":{
	"W":{"Type":"Wait","Seconds":10,"Next":"P"},
	"P":{"Type":"Pass","Result":{"done":true},"ResultPath":"$.child","End":true}}}`

func nestedParent(resource, child string) string {
	return `{"StartAt":"Run","States":{"Run":{"Type":"Task","Resource":"` + resource + `",
		"Parameters":{"StateMachineArn":"` + child + `","Name.$":"$.name",
			"Input":{"n.$":"$.n","AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$":"$$.Execution.Id"}},
		"Catch":[{"ErrorEquals":["States.TaskFailed"],"ResultPath":"$.error","Next":"Caught"}],
		"End":true},
		"Caught":{"Type":"Pass","End":true}}}`
}

// states:startExecution.sync:2 waits for the nested execution: the task is
// submitted when the child starts and succeeds, with the child's
// description (Input and Output as JSON), when the child ends.
func TestNestedExecutionSync2(t *testing.T) {
	e := newEnv(t)
	child := e.create("child", childDef)
	parent := e.create("parent", nestedParent("arn:aws:states:::states:startExecution.sync:2", child))
	arn := e.startExec(parent, "p1", `{"n":7,"name":"kid"}`)
	e.drain()
	if d := e.describe(arn); d.Status != "RUNNING" {
		t.Fatalf("parent %s before the child ended (%s %s)", d.Status, d.Error, d.Cause)
	}
	childARN := "arn:aws:states:eu-west-1:123456789012:execution:child:kid"
	if d := e.describe(childARN); d.Status != "RUNNING" || d.Input == nil || !strings.Contains(*d.Input, arn) {
		t.Fatalf("child %+v", d)
	}
	e.clk.Advance(10 * time.Second)
	e.drain()
	d := e.describe(arn)
	if d.Status != "SUCCEEDED" {
		t.Fatalf("parent %s %s %s", d.Status, d.Error, d.Cause)
	}
	out := decodeObject(t, *d.Output)
	if out["ExecutionArn"] != childARN || out["Status"] != "SUCCEEDED" || out["StateMachineArn"] != child || out["Name"] != "kid" {
		t.Errorf("output %s", *d.Output)
	}
	if o, ok := out["Output"].(map[string]any); !ok || o["n"] != float64(7) || o["child"] == nil {
		t.Errorf("Output is not the child's output as JSON: %s", *d.Output)
	}
	if in, ok := out["Input"].(map[string]any); !ok || in["AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID"] != arn {
		t.Errorf("Input is not the child's input as JSON: %s", *d.Output)
	}
	stop, _ := out["StopDate"].(float64)
	if want := start.Add(10 * time.Second).UnixMilli(); int64(stop) != want {
		t.Errorf("StopDate %v, want epoch milliseconds %d", out["StopDate"], want)
	}
	want := []string{"ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"}
	evs := e.history(arn)
	checkChain(t, evs)
	if got := types(evs); !slices.Equal(got, want) {
		t.Fatalf("history %v", got)
	}
	if s := evs[4].TaskSubmittedEventDetails; s == nil || s.Resource != "startExecution.sync:2" || !strings.Contains(s.Output, childARN) {
		t.Errorf("TaskSubmitted %+v", s)
	}
}

// .sync (without :2) reports Input and Output as strings; a child that
// fails fails the task with States.TaskFailed and the child's description
// as the cause, which a Catch sees.
func TestNestedExecutionSyncFailure(t *testing.T) {
	e := newEnv(t)
	ok := e.create("ok-child", `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`)
	bad := e.create("bad-child", `{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Boom","Cause":"it broke"}}}`)

	arn := e.startExec(e.create("p-ok", nestedParent("arn:aws:states:::states:startExecution.sync", ok)), "p", `{"n":1,"name":"a"}`)
	e.drain()
	d := e.describe(arn)
	if d.Status != "SUCCEEDED" {
		t.Fatalf("a child of Pass states (it ends as it starts): parent %s %s %s", d.Status, d.Error, d.Cause)
	}
	out := decodeObject(t, *d.Output)
	if s, isString := out["Output"].(string); !isString || !strings.Contains(s, `"n":1`) {
		t.Errorf(".sync Output should be the child's output as a string: %s", *d.Output)
	}

	arn = e.startExec(e.create("p-bad", nestedParent("arn:aws:states:::states:startExecution.sync", bad)), "p", `{"n":1,"name":"b"}`)
	e.drain()
	d = e.describe(arn)
	if d.Status != "SUCCEEDED" {
		t.Fatalf("parent %s %s %s", d.Status, d.Error, d.Cause)
	}
	caught := decodeObject(t, *d.Output)["error"].(map[string]any)
	if caught["Error"] != "States.TaskFailed" {
		t.Fatalf("caught %v", caught)
	}
	cause := decodeObject(t, caught["Cause"].(string))
	if cause["Status"] != "FAILED" || cause["Error"] != "Boom" || cause["Cause"] != "it broke" || cause["Output"] != nil {
		t.Errorf("cause %v", cause)
	}
}

// Stopping the parent while it waits stops the nested execution too, as
// AWS stops the job a Run a Job task started; the child's end then finds
// no waiting task, which is not an error.
func TestNestedExecutionParentStopped(t *testing.T) {
	e := newEnv(t)
	child := e.create("child", childDef)
	arn := e.startExec(e.create("parent", nestedParent("arn:aws:states:::states:startExecution.sync:2", child)), "p", `{"n":1,"name":"kid"}`)
	e.drain()
	must[sfn.StopExecutionOutput](e, "StopExecution", &sfn.StopExecutionInput{ExecutionArn: arn})
	e.drain()
	e.clk.Advance(10 * time.Second)
	e.drain()
	if d := e.describe(arn); d.Status != "ABORTED" {
		t.Errorf("parent %s", d.Status)
	}
	if d := e.describe("arn:aws:states:eu-west-1:123456789012:execution:child:kid"); d.Status != "ABORTED" {
		t.Errorf("child %s", d.Status)
	}
}

// Request-response startExecution returns the new execution's ARN and its
// StartDate in epoch milliseconds, with the SDK's metadata.
func TestStartExecutionIntegration(t *testing.T) {
	e := newEnv(t)
	child := e.create("child", childDef)
	arn := e.startExec(e.create("parent", nestedParent("arn:aws:states:::states:startExecution", child)), "p", `{"n":1,"name":"kid"}`)
	e.drain()
	d := e.describe(arn)
	if d.Status != "SUCCEEDED" {
		t.Fatalf("parent %s %s %s", d.Status, d.Error, d.Cause)
	}
	jsonEq(t, sdkResult(t, *d.Output), `{"ExecutionArn":"arn:aws:states:eu-west-1:123456789012:execution:child:kid","StartDate":`+
		jsonNumber(start.UnixMilli())+`}`)
	if c := e.describe("arn:aws:states:eu-west-1:123456789012:execution:child:kid"); c.Status != "RUNNING" {
		t.Errorf("child %s", c.Status)
	}
}

func jsonNumber(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// An Express child started with .sync reports its end to the Standard
// parent as a Standard child does.
func TestNestedExpressExecutionSync(t *testing.T) {
	e := newEnv(t)
	child := e.createExpress("fast", `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"done","End":true}}}`)
	arn := e.startExec(e.create("parent", nestedParent("arn:aws:states:::states:startExecution.sync:2", child)), "p", `{"n":1,"name":"kid"}`)
	e.drain()
	e.waitFor(func() bool { return e.describe(arn).Status != "RUNNING" })
	d := e.describe(arn)
	if d.Status != "SUCCEEDED" {
		t.Fatalf("parent %s %s %s", d.Status, d.Error, d.Cause)
	}
	if out := decodeObject(t, *d.Output); out["Output"] != "done" || out["Status"] != "SUCCEEDED" {
		t.Errorf("output %s", *d.Output)
	}
}

// events:putEvents sends Detail objects as JSON text, adds the execution's
// and state machine's ARNs to each entry's Resources, and fails the task
// with EventBridge.FailedEntry when an entry fails.
func TestPutEventsIntegration(t *testing.T) {
	e := newEnv(t)
	def := `{"StartAt":"Send","States":{"Send":{"Type":"Task","Resource":"arn:aws:states:::events:putEvents",
		"Parameters":{"Entries":[{"Source.$":"$.source","DetailType":"Order","Detail":{"id.$":"$.id"},"Resources":["arn:aws:s3:::b"]}]},"End":true}}}`
	sm := e.create("send", def)
	arn := e.startExec(sm, "ok", `{"source":"shop","id":"o-1"}`)
	e.drain()
	d := e.describe(arn)
	if d.Status != "SUCCEEDED" {
		t.Fatalf("%s %s %s", d.Status, d.Error, d.Cause)
	}
	jsonEq(t, *d.Output, `{"Entries":[{"EventId":"ev-1"}],"FailedEntryCount":0}`)
	got := e.stubs.events[0]
	if got.Detail != `{"id":"o-1"}` || !slices.Equal(got.Resources, []string{"arn:aws:s3:::b", arn, sm}) {
		t.Errorf("entry %+v", got)
	}
	arn = e.startExec(sm, "bad", `{"source":"fail","id":"o-2"}`)
	e.drain()
	if d := e.describe(arn); d.Status != "FAILED" || d.Error != "EventBridge.FailedEntry" || !strings.Contains(d.Cause, "InternalFailure") {
		t.Errorf("%s %s %s", d.Status, d.Error, d.Cause)
	}
}

// glue:startJobRun.sync starts the run, then asks GetJobRun every few
// seconds until the run ends: its JobRun is the result; a failed run fails
// the task with States.TaskFailed.
func TestGlueJobRunSync(t *testing.T) {
	e := newEnv(t)
	e.stubs.jobPolls = 2
	def := `{"StartAt":"Job","States":{"Job":{"Type":"Task","Resource":"arn:aws:states:::glue:startJobRun.sync",
		"Parameters":{"JobName":"nightly"},"End":true}}}`
	sm := e.create("job", def)
	arn := e.startExec(sm, "run", `{}`)
	e.drain()
	for range 3 {
		e.clk.Advance(5 * time.Second)
		e.drain()
	}
	d := e.describe(arn)
	if d.Status != "SUCCEEDED" {
		t.Fatalf("%s %s %s", d.Status, d.Error, d.Cause)
	}
	jsonEq(t, *d.Output, `{"Id":"jr_nightly","JobName":"nightly","JobRunState":"SUCCEEDED"}`)
	if len(e.stubs.jobChecks) != 3 || !e.stubs.jobChecks[0].Equal(start.Add(5*time.Second)) || !e.stubs.jobChecks[2].Equal(start.Add(15*time.Second)) {
		t.Errorf("GetJobRun at %v", e.stubs.jobChecks)
	}
	want := []string{"ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"}
	evs := e.history(arn)
	if got := types(evs); !slices.Equal(got, want) {
		t.Fatalf("history %v", got)
	}
	if s := evs[4].TaskSubmittedEventDetails; s == nil || !strings.Contains(s.Output, `"JobRunId":"jr_nightly"`) {
		t.Errorf("TaskSubmitted %+v", s)
	}

	e.stubs.jobChecks, e.stubs.jobPolls, e.stubs.jobEnd = nil, 0, "FAILED"
	arn = e.startExec(sm, "fails", `{}`)
	e.drain()
	e.clk.Advance(5 * time.Second)
	e.drain()
	if d := e.describe(arn); d.Status != "FAILED" || d.Error != "States.TaskFailed" || !strings.Contains(d.Cause, `"JobRunState":"FAILED"`) {
		t.Errorf("%s %s %s", d.Status, d.Error, d.Cause)
	}
}

// A Lambda function ARN as the Resource invokes the function with the
// state's input and takes its response as the result; the history has
// AWS's LambdaFunction* events.
func TestLambdaFunctionResource(t *testing.T) {
	e := newEnv(t)
	fn := "arn:aws:lambda:eu-west-1:123456789012:function:greet"
	sm := e.create("legacy", `{"StartAt":"Call","States":{"Call":{"Type":"Task","Resource":"`+fn+`","TimeoutSeconds":30,"End":true}}}`)
	arn := e.startExec(sm, "ok", `{"who":"world"}`)
	e.drain()
	d := e.describe(arn)
	if d.Status != "SUCCEEDED" {
		t.Fatalf("%s %s %s", d.Status, d.Error, d.Cause)
	}
	jsonEq(t, *d.Output, `{"statusCode":200,"body":"ok"}`)
	if e.stubs.invoked[0] != fn || e.stubs.lambdaPayloads[0] != `{"who":"world"}` {
		t.Errorf("invoked %v with %v", e.stubs.invoked, e.stubs.lambdaPayloads)
	}
	want := []string{"ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionSucceeded", "TaskStateExited", "ExecutionSucceeded"}
	evs := e.history(arn)
	checkChain(t, evs)
	if got := types(evs); !slices.Equal(got, want) {
		t.Fatalf("history %v", got)
	}
	if s := evs[2].LambdaFunctionScheduledEventDetails; s == nil || s.Resource != fn || s.Input != `{"who":"world"}` || s.TimeoutInSeconds != 30 {
		t.Errorf("LambdaFunctionScheduled %+v", s)
	}

	e.stubs.lambdaFail["greet"] = true
	arn = e.startExec(sm, "fails", `{}`)
	e.drain()
	if d := e.describe(arn); d.Status != "FAILED" || d.Error != "Exception" || !strings.Contains(d.Cause, "boom") {
		t.Errorf("%s %s %s", d.Status, d.Error, d.Cause)
	}
	if got := types(e.history(arn)); !slices.Contains(got, "LambdaFunctionFailed") {
		t.Errorf("history %v", got)
	}
}

// CreateStateMachine refuses an integration pattern the optimized
// integration does not support, as AWS does.
func TestIntegrationPatternsAtCreate(t *testing.T) {
	e := newEnv(t)
	for _, r := range []string{"arn:aws:states:::sns:publish.sync", "arn:aws:states:::glue:startJobRun.waitForTaskToken", "arn:aws:states:::lambda:invoke.sync:2",
		"arn:aws:states:::aws-sdk:nosuchservice:doThing"} {
		def := `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"` + r + `","End":true}}}`
		_, err := call[sfn.CreateStateMachineOutput](e, "CreateStateMachine", &sfn.CreateStateMachineInput{Name: "x", Definition: def, RoleArn: role})
		if errCode(err) != "InvalidDefinition" || !strings.Contains(err.Error(), "is not recognized") {
			t.Errorf("%s: %v", r, err)
		}
	}
	for _, r := range []string{"arn:aws:states:::glue:startJobRun.sync", "arn:aws:states:::states:startExecution.sync:2", "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "arn:aws:states:::ecs:runTask.sync",
		"arn:aws:states:::aws-sdk:cloudwatchlogs:putLogEvents", "arn:aws:states:::aws-sdk:sfn:startExecution"} {
		def := `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"` + r + `","End":true}}}`
		if _, err := call[sfn.CreateStateMachineOutput](e, "CreateStateMachine", &sfn.CreateStateMachineInput{Name: "y", Definition: def, RoleArn: role}); err != nil {
			t.Errorf("%s: %v", r, err)
		}
		must[sfn.DeleteStateMachineOutput](e, "DeleteStateMachine", &sfn.DeleteStateMachineInput{StateMachineArn: "arn:aws:states:eu-west-1:123456789012:stateMachine:y"})
	}
}

// A service shoal does not have fails the task loudly.
func TestMissingServiceFailsLoudly(t *testing.T) {
	e := newEnv(t)
	sm := e.create("sqs", `{"StartAt":"Send","States":{"Send":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage","Parameters":{"QueueUrl":"q","MessageBody":{"a":1}},"End":true}}}`)
	arn := e.startExec(sm, "x", `{}`)
	e.drain()
	if d := e.describe(arn); d.Status != "FAILED" || d.Error != "States.TaskFailed" || !strings.Contains(d.Cause, "does not implement the service 'sqs'") {
		t.Errorf("%s %s %s", d.Status, d.Error, d.Cause)
	}
	// The call never started: TaskStartFailed, not TaskFailed.
	if got := types(e.history(arn)); !slices.Contains(got, "TaskStartFailed") || slices.Contains(got, "TaskFailed") {
		t.Errorf("history %v", got)
	}
}

// A .waitForTaskToken task whose submitting call fails was never
// submitted: TaskSubmitFailed.
func TestTaskSubmitFailed(t *testing.T) {
	e := newEnv(t)
	e.stubs.glueFailures = 1
	sm := e.create("cb", `{"StartAt":"Stop","States":{"Stop":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:glue:stopSession.waitForTaskToken",
		"Parameters":{"Id.$":"$$.Task.Token"},"End":true}}}`)
	arn := e.startExec(sm, "x", `{}`)
	e.drain()
	if d := e.describe(arn); d.Status != "FAILED" || d.Error != "Glue.IllegalSessionStateException" {
		t.Errorf("%s %s %s", d.Status, d.Error, d.Cause)
	}
	evs := e.history(arn)
	want := []string{"ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitFailed", "ExecutionFailed"}
	if got := types(evs); !slices.Equal(got, want) {
		t.Fatalf("history %v", got)
	}
	if d := evs[4].TaskSubmitFailedEventDetails; d == nil || d.ResourceType != "aws-sdk:glue" || d.Resource != "stopSession.waitForTaskToken" {
		t.Errorf("TaskSubmitFailed %+v", d)
	}
}
