package sfn_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/sfn"
)

func (e *env) createExpress(name, def string) string {
	e.t.Helper()
	return must[sfn.CreateStateMachineOutput](e, "CreateStateMachine", &sfn.CreateStateMachineInput{Name: name, Definition: def, RoleArn: role, Type: sfn.TypeExpress}).StateMachineArn
}

const expressDef = `{"StartAt":"Notify","States":{
	"Notify":{"Type":"Task","Resource":"arn:aws:states:::sns:publish","Parameters":{"TopicArn":"arn:aws:sns:eu-west-1:123456789012:t","Message.$":"States.Format('hello {}', $.who)"},"ResultPath":"$.sns","Next":"Branches"},
	"Branches":{"Type":"Parallel","Branches":[
		{"StartAt":"A","States":{"A":{"Type":"Pass","Result":"a","End":true}}},
		{"StartAt":"B","States":{"B":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"End":true}}}
	],"ResultPath":"$.branches","End":true}}}`

func TestStartSyncExecution(t *testing.T) {
	e := newEnv(t)
	sm := e.createExpress("express", expressDef)
	in := `{"who":"world","items":[1,2]}`
	out := must[sfn.StartSyncExecutionOutput](e, "StartSyncExecution", &sfn.StartSyncExecutionInput{StateMachineArn: sm, Name: "sync-1", Input: &in, TraceHeader: "Root=1"})
	if out.Status != "SUCCEEDED" || out.Output == nil || out.Name != "sync-1" || out.StateMachineArn != sm || out.TraceHeader != "Root=1" {
		t.Fatalf("%+v", out)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal([]byte(*out.Output), &got); err != nil {
		t.Fatal(err)
	}
	got["sns"] = json.RawMessage(sdkResult(t, string(got["sns"])))
	b, _ := json.Marshal(got)
	jsonEq(t, string(b), `{"who":"world","items":[1,2],"sns":{"MessageId":"msg-1"},"branches":["a",[1,2]]}`)
	if !strings.HasPrefix(out.ExecutionArn, "arn:aws:states:eu-west-1:123456789012:express:express:sync-1:") {
		t.Errorf("execution ARN %s", out.ExecutionArn)
	}
	if b := out.BillingDetails; b == nil || b.BilledDurationInMilliseconds != 100 || b.BilledMemoryUsedInMB != 64 {
		t.Errorf("billing %+v", b)
	}
	if len(e.stubs.published) != 1 || e.stubs.published[0].Message != "hello world" {
		t.Errorf("published %+v", e.stubs.published)
	}

	// A failed execution is a 200 with status FAILED.
	fail := e.createExpress("fails", `{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Nope","Cause":"on purpose"}}}`)
	out = must[sfn.StartSyncExecutionOutput](e, "StartSyncExecution", &sfn.StartSyncExecutionInput{StateMachineArn: fail, IncludedData: "METADATA_ONLY"})
	if out.Status != "FAILED" || out.Error != "Nope" || out.Cause != "on purpose" || out.Output != nil || out.Input != nil {
		t.Errorf("failed: %+v", out)
	}

	// Only EXPRESS machines run synchronously.
	std := e.create("standard", passDef)
	if _, err := call[sfn.StartSyncExecutionOutput](e, "StartSyncExecution", &sfn.StartSyncExecutionInput{StateMachineArn: std}); errCode(err) != "StateMachineTypeNotSupported" {
		t.Errorf("sync on STANDARD: %v", err)
	}
	bad := "{"
	if _, err := call[sfn.StartSyncExecutionOutput](e, "StartSyncExecution", &sfn.StartSyncExecutionInput{StateMachineArn: sm, Input: &bad}); errCode(err) != "InvalidExecutionInput" {
		t.Errorf("bad input: %v", err)
	}

	// Express executions keep no state: the execution APIs reject them.
	if _, err := call[sfn.DescribeExecutionOutput](e, "DescribeExecution", &sfn.DescribeExecutionInput{ExecutionArn: out.ExecutionArn}); errCode(err) != "InvalidArn" {
		t.Errorf("describe express: %v", err)
	}
	if _, err := call[sfn.ListExecutionsOutput](e, "ListExecutions", &sfn.ListExecutionsInput{StateMachineArn: sm}); errCode(err) != "StateMachineTypeNotSupported" {
		t.Errorf("list express: %v", err)
	}
}

// StartExecution on an EXPRESS machine runs in memory; a Wait is a clock
// timer, and under the manual clock Advance carries the execution on.
func TestExpressStartExecutionWaitsOnTheClock(t *testing.T) {
	e := newEnv(t)
	sm := e.createExpress("waits", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":10,"Next":"N"},
		"N":{"Type":"Task","Resource":"arn:aws:states:::sns:publish","Parameters":{"Message.$":"$.m"},"End":true}}}`)
	a := e.startExec(sm, "same", `{"m":"one"}`)
	// Not idempotent by name, as on AWS: the same name starts another.
	b := e.startExec(sm, "same", `{"m":"two"}`)
	if a == b || !strings.Contains(a, ":express:waits:same:") {
		t.Fatalf("ARNs %s and %s", a, b)
	}
	if len(e.stubs.published) != 0 {
		t.Fatal("published before the Wait ended")
	}
	e.clk.Advance(10 * time.Second)
	if len(e.stubs.published) != 2 {
		t.Fatalf("published %+v after 10 s", e.stubs.published)
	}
}

// Versions and aliases route Express executions as they do Standard ones.
func TestExpressThroughAlias(t *testing.T) {
	e := newEnv(t)
	sm := e.createExpress("ex", passDef)
	v1 := e.publish(sm, "")
	e.update(sm, passDef2)
	alias := must[sfn.CreateStateMachineAliasOutput](e, "CreateStateMachineAlias", &sfn.CreateStateMachineAliasInput{Name: "live",
		RoutingConfiguration: []sfn.RoutingConfigurationListItem{{StateMachineVersionArn: v1, Weight: 100}}}).StateMachineAliasArn
	out := must[sfn.StartSyncExecutionOutput](e, "StartSyncExecution", &sfn.StartSyncExecutionInput{StateMachineArn: alias})
	if out.Output == nil || *out.Output != `"v1"` {
		t.Errorf("via alias: %+v", out)
	}
	out = must[sfn.StartSyncExecutionOutput](e, "StartSyncExecution", &sfn.StartSyncExecutionInput{StateMachineArn: sm})
	if out.Output == nil || *out.Output != `"v2"` {
		t.Errorf("latest: %+v", out)
	}
}
