package sfn_test

import (
	"context"
	"strings"
	"testing"

	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/sfn"
)

// An endless loop of Pass states ends at AWS's history limit: event
// 25,000 is ExecutionFailed (States.Runtime), never event 25,001.
func TestHistoryLimit(t *testing.T) {
	e := newEnv(t)
	sm := e.create("loop", `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},
		"B":{"Type":"Choice","Choices":[{"Variable":"$.stop","IsPresent":true,"Next":"Done"}],"Default":"A"},"Done":{"Type":"Succeed"}}}`)
	arn := e.startExec(sm, "l", `{}`)
	for i := 0; i < 100 && e.describe(arn).Status == "RUNNING"; i++ {
		e.drain()
	}
	d := e.describe(arn)
	if d.Status != "FAILED" || d.Error != "States.Runtime" || !strings.Contains(d.Cause, "25000") {
		t.Fatalf("%s %s %q", d.Status, d.Error, d.Cause)
	}
	last := must[sfn.GetExecutionHistoryOutput](e, "GetExecutionHistory", &sfn.GetExecutionHistoryInput{ExecutionArn: arn, ReverseOrder: true, MaxResults: 2}).Events
	if last[0].ID != 25000 || last[0].Type != "ExecutionFailed" || last[1].ID != 24999 || last[0].PreviousEventID != 24999 {
		t.Fatalf("last events %+v %+v", last[0], last[1])
	}
	if d.RedriveStatus != "NOT_REDRIVABLE" || d.RedriveStatusReason != "Execution history event limit exceeded" {
		t.Errorf("redrive %s %q", d.RedriveStatus, d.RedriveStatusReason)
	}
}

// A state whose output is over 256 KiB fails the execution with
// States.DataLimitExceeded, which States.ALL does not catch.
func TestStateOutputLimit(t *testing.T) {
	e := newEnv(t)
	sm := e.create("big", `{"StartAt":"Double","States":{"Double":{"Type":"Pass","Parameters":{"a.$":"$.s","b.$":"$.s"},"End":true}}}`)
	arn := e.startExec(sm, "b", `{"s":"`+strings.Repeat("x", 150*1024)+`"}`)
	e.drain()
	d := e.describe(arn)
	want := "The state/task 'Double' returned a result with a size exceeding the maximum number of bytes service limit."
	if d.Status != "FAILED" || d.Error != "States.DataLimitExceeded" || d.Cause != want {
		t.Fatalf("%s %s %q", d.Status, d.Error, d.Cause)
	}
	checkChain(t, e.history(arn))
}

type bigInput struct {
	QueryExecutionID string `json:"QueryExecutionId" aws:"required"`
}

type bigOutput struct {
	NextToken string `json:"NextToken,omitempty"`
}

// A task result over 256 KiB fails the task with States.DataLimitExceeded;
// a Catch on States.ALL does not apply.
func TestTaskResultLimit(t *testing.T) {
	e := newEnv(t)
	e.reg.AddService(dispatch.Spec{Name: "athena", SigningName: "athena", Protocols: []string{dispatch.JSON}, TargetPrefix: "AmazonAthena", JSONVersion: "1.1", ValidationCode: "InvalidRequestException"},
		dispatch.Handle("GetQueryResults", func(ctx context.Context, in *bigInput) (*bigOutput, error) {
			return &bigOutput{NextToken: strings.Repeat("y", 300*1024)}, nil
		}))
	sm := e.create("bigtask", `{"StartAt":"Q","States":{
		"Q":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:athena:getQueryResults","Parameters":{"QueryExecutionId":"q"},
			"Catch":[{"ErrorEquals":["States.ALL"],"Next":"Caught"}],"End":true},
		"Caught":{"Type":"Succeed"}}}`)
	arn := e.startExec(sm, "t", `{}`)
	e.drain()
	d := e.describe(arn)
	if d.Status != "FAILED" || d.Error != "States.DataLimitExceeded" {
		t.Fatalf("%s %s %q", d.Status, d.Error, d.Cause)
	}
	evs := e.history(arn)
	checkChain(t, evs)
	f := evs[len(evs)-2]
	if f.Type != "TaskFailed" || f.TaskFailedEventDetails.Error != "States.DataLimitExceeded" {
		t.Errorf("event %d: %s %+v", f.ID, f.Type, f.TaskFailedEventDetails)
	}
}
