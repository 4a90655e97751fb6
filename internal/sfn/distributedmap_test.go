package sfn_test

import (
	"strings"
	"testing"

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
