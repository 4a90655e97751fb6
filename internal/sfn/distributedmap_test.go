package sfn_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/sfn"
)

const batchedMap = `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items",
	"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},
		"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},
	"ItemBatcher":{"MaxItemsPerBatch":2,"BatchInput":{"run.$":"$.run"}},"End":true}}}`

// A Distributed Map's ItemBatcher hands each child workflow a batch, in
// Standard and Express workflows alike.
func TestDistributedMapItemBatcher(t *testing.T) {
	e := newEnv(t)
	in := `{"run":"r1","items":[1,2,3,4,5]}`
	want := `[{"BatchInput":{"run":"r1"},"Items":[1,2]},{"BatchInput":{"run":"r1"},"Items":[3,4]},{"BatchInput":{"run":"r1"},"Items":[5]}]`
	arn := e.startExec(e.create("batched", batchedMap), "b", in)
	e.drain()
	d := e.describe(arn)
	if d.Status != "SUCCEEDED" {
		t.Fatalf("%s %s %s", d.Status, d.Error, d.Cause)
	}
	jsonEq(t, *d.Output, want)

	out := must[sfn.StartSyncExecutionOutput](e, "StartSyncExecution", &sfn.StartSyncExecutionInput{StateMachineArn: e.createExpress("batched-x", batchedMap), Input: &in})
	if out.Status != "SUCCEEDED" {
		t.Fatalf("express %s %s %s", out.Status, out.Error, out.Cause)
	}
	jsonEq(t, *out.Output, want)
}

// An ItemReader needs Amazon S3, which shoal does not have yet: the Map
// fails with States.ItemReaderFailed saying so, never silently.
func TestDistributedMapItemReaderIsLoud(t *testing.T) {
	e := newEnv(t)
	def := `{"StartAt":"M","States":{"M":{"Type":"Map",
		"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON"},"Parameters":{"Bucket":"b","Key":"k"}},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`
	arn := e.startExec(e.create("reader", def), "r", `{}`)
	e.drain()
	if d := e.describe(arn); d.Status != "FAILED" || d.Error != "States.ItemReaderFailed" || !strings.Contains(d.Cause, "s3:getObject") {
		t.Errorf("%s %s %s", d.Status, d.Error, d.Cause)
	}
}

const mapRunDef = `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":2,"Label":"lbl",
	"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},
		"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":10,"Next":"C"},
		"C":{"Type":"Choice","Choices":[{"Variable":"$","StringEquals":"bad","Next":"F"}],"Default":"P"},
		"F":{"Type":"Fail","Error":"Bad","Cause":"a bad item"},
		"P":{"Type":"Pass","End":true}}},
	"ToleratedFailureCount":1,"End":true}}}`

func (e *env) mapRuns(arn string) []sfn.MapRunListItem {
	e.t.Helper()
	return must[sfn.ListMapRunsOutput](e, "ListMapRuns", &sfn.ListMapRunsInput{ExecutionArn: arn}).MapRuns
}

func (e *env) describeMapRun(arn string) *sfn.DescribeMapRunOutput {
	e.t.Helper()
	return must[sfn.DescribeMapRunOutput](e, "DescribeMapRun", &sfn.DescribeMapRunInput{MapRunArn: arn})
}

// A STANDARD Distributed Map runs each item as a child execution in a Map
// Run: the children are executions of their own (listed by the Map Run's
// ARN), MaxConcurrency bounds how many run, DescribeMapRun counts them,
// and the parent's history shows MapRunStarted and MapRunSucceeded.
func TestDistributedMapRun(t *testing.T) {
	e := newEnv(t)
	sm := e.create("fan", mapRunDef)
	arn := e.startExec(sm, "p", `{"items":["a","bad","c"]}`)
	e.drain()
	runs := e.mapRuns(arn)
	if len(runs) != 1 || runs[0].ExecutionArn != arn || runs[0].StateMachineArn != sm ||
		!strings.HasPrefix(runs[0].MapRunArn, "arn:aws:states:eu-west-1:123456789012:mapRun:fan/lbl:") {
		t.Fatalf("map runs %+v", runs)
	}
	mr := runs[0].MapRunArn
	d := e.describeMapRun(mr)
	if d.Status != "RUNNING" || d.MaxConcurrency != 2 || d.ToleratedFailureCount != 1 ||
		d.ItemCounts.Running != 2 || d.ItemCounts.Pending != 1 || d.ItemCounts.Total != 3 {
		t.Fatalf("running map run %+v", d)
	}
	kids := must[sfn.ListExecutionsOutput](e, "ListExecutions", &sfn.ListExecutionsInput{MapRunArn: mr}).Executions
	if len(kids) != 2 || kids[0].StateMachineArn != "arn:aws:states:eu-west-1:123456789012:stateMachine:fan/lbl" || kids[0].Status != "RUNNING" {
		t.Fatalf("children %+v", kids)
	}
	if n := len(must[sfn.ListExecutionsOutput](e, "ListExecutions", &sfn.ListExecutionsInput{StateMachineArn: sm}).Executions); n != 1 {
		t.Errorf("the state machine lists %d executions, want only the parent", n)
	}
	for range 2 {
		e.clk.Advance(10 * time.Second)
		e.drain()
	}
	x := e.describe(arn)
	if x.Status != "SUCCEEDED" {
		t.Fatalf("parent %s %s %s", x.Status, x.Error, x.Cause)
	}
	jsonEq(t, *x.Output, `["a",{"Error":"Bad","Cause":"a bad item"},"c"]`)
	d = e.describeMapRun(mr)
	if d.Status != "SUCCEEDED" || d.StopDate == nil || d.ItemCounts.Succeeded != 2 || d.ItemCounts.Failed != 1 || d.ExecutionCounts.Total != 3 {
		t.Errorf("ended map run %+v", d)
	}
	got := types(e.history(arn))
	want := []string{"ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted", "MapRunSucceeded", "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"}
	if !slices.Equal(got, want) {
		t.Errorf("parent history %v", got)
	}
	kids = must[sfn.ListExecutionsOutput](e, "ListExecutions", &sfn.ListExecutionsInput{MapRunArn: mr}).Executions
	if len(kids) != 3 {
		t.Fatalf("%d children", len(kids))
	}
	child := e.describe(kids[0].ExecutionArn)
	if child.Status == "RUNNING" || child.MapRunArn != mr || kids[0].MapRunArn != mr || len(e.history(kids[0].ExecutionArn)) < 5 {
		t.Errorf("child %+v", child)
	}
	def := must[sfn.DescribeStateMachineForExecutionOutput](e, "DescribeStateMachineForExecution", &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: kids[0].ExecutionArn})
	if def.MapRunArn != mr || def.Label != "lbl" || strings.Contains(def.Definition, "ProcessorConfig") || !strings.Contains(def.Definition, `"StartAt":"W"`) {
		t.Errorf("child's state machine %+v", def)
	}
}

// Beyond the tolerated failures the Map Run fails, the children still
// running are stopped, and the parent fails with
// States.ExceedToleratedFailureThreshold; UpdateMapRun raises
// MaxConcurrency of a running Map Run.
func TestDistributedMapRunFailsAndUpdates(t *testing.T) {
	e := newEnv(t)
	sm := e.create("fan", mapRunDef)
	arn := e.startExec(sm, "p", `{"items":["bad","bad","c","d"]}`)
	e.drain()
	mr := e.mapRuns(arn)[0].MapRunArn
	must[sfn.UpdateMapRunOutput](e, "UpdateMapRun", &sfn.UpdateMapRunInput{MapRunArn: mr, MaxConcurrency: ptr(int64(4))})
	e.drain()
	if d := e.describeMapRun(mr); d.ItemCounts.Running != 4 || d.MaxConcurrency != 4 {
		t.Fatalf("after UpdateMapRun %+v", d)
	}
	e.clk.Advance(10 * time.Second)
	e.drain()
	x := e.describe(arn)
	if x.Status != "FAILED" || x.Error != "States.ExceedToleratedFailureThreshold" {
		t.Fatalf("parent %s %s %s", x.Status, x.Error, x.Cause)
	}
	if d := e.describeMapRun(mr); d.Status != "FAILED" {
		t.Errorf("map run %+v", d)
	}
	if got := types(e.history(arn)); !slices.Contains(got, "MapRunFailed") {
		t.Errorf("parent history %v", got)
	}
	if _, err := call[sfn.DescribeMapRunOutput](e, "DescribeMapRun", &sfn.DescribeMapRunInput{MapRunArn: mr + "x"}); errCode(err) != "ResourceNotFound" {
		t.Errorf("unknown map run: %v", err)
	}
	if _, err := call[sfn.DescribeMapRunOutput](e, "DescribeMapRun", &sfn.DescribeMapRunInput{MapRunArn: "arn:aws:states:eu-west-1:123456789012:execution:fan:p"}); errCode(err) != "InvalidArn" {
		t.Errorf("not a map run ARN: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

// An EXPRESS Distributed Map has a Map Run as well; its children keep no
// history, so none is listed, and they run inside the parent.
func TestDistributedMapRunExpress(t *testing.T) {
	e := newEnv(t)
	def := strings.Replace(mapRunDef, `"ExecutionType":"STANDARD"`, `"ExecutionType":"EXPRESS"`, 1)
	arn := e.startExec(e.create("fanx", def), "p", `{"items":["a","b"]}`)
	e.drain()
	mr := e.mapRuns(arn)[0].MapRunArn
	if d := e.describeMapRun(mr); d.Status != "RUNNING" || d.ItemCounts.Running != 2 {
		t.Fatalf("running map run %+v", d)
	}
	e.clk.Advance(10 * time.Second)
	e.drain()
	if x := e.describe(arn); x.Status != "SUCCEEDED" {
		t.Fatalf("parent %s %s %s", x.Status, x.Error, x.Cause)
	}
	if d := e.describeMapRun(mr); d.Status != "SUCCEEDED" || d.ItemCounts.Succeeded != 2 {
		t.Errorf("ended map run %+v", d)
	}
	if kids := must[sfn.ListExecutionsOutput](e, "ListExecutions", &sfn.ListExecutionsInput{MapRunArn: mr}).Executions; len(kids) != 0 {
		t.Errorf("EXPRESS children listed: %+v", kids)
	}
	got := types(e.history(arn))
	if !slices.Contains(got, "MapRunStarted") || !slices.Contains(got, "MapRunSucceeded") || slices.Contains(got, "MapIterationStarted") {
		t.Errorf("parent history %v", got)
	}
}
