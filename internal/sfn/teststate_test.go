package sfn_test

import (
	"testing"

	"github.com/shoal-dev/shoal/internal/sfn"
)

func (e *env) testState(in *sfn.TestStateInput) *sfn.TestStateOutput {
	e.t.Helper()
	return must[sfn.TestStateOutput](e, "TestState", in)
}

func sp(s string) *string { return &s }

func TestTestStateDataFlow(t *testing.T) {
	e := newEnv(t)
	out := e.testState(&sfn.TestStateInput{
		Definition: `{"Type":"Pass","InputPath":"$.data","Parameters":{"id.$":"$.id","fixed":1},"ResultPath":"$.data.params","Next":"After"}`,
		Input:      sp(`{"data":{"id":"x1"},"other":true}`), InspectionLevel: "DEBUG",
	})
	if out.Status != "SUCCEEDED" || out.NextState != "After" {
		t.Fatalf("%+v", out)
	}
	jsonEq(t, *out.Output, `{"data":{"id":"x1","params":{"id":"x1","fixed":1}},"other":true}`)
	d := out.InspectionData
	if d == nil {
		t.Fatal("no inspectionData at DEBUG")
	}
	jsonEq(t, d.Input, `{"data":{"id":"x1"},"other":true}`)
	jsonEq(t, d.AfterInputPath, `{"id":"x1"}`)
	jsonEq(t, d.AfterParameters, `{"id":"x1","fixed":1}`)
	jsonEq(t, d.AfterResultPath, `{"data":{"id":"x1","params":{"id":"x1","fixed":1}},"other":true}`)

	// INFO (the default) has no inspectionData.
	out = e.testState(&sfn.TestStateInput{Definition: `{"Type":"Pass","End":true}`})
	if out.InspectionData != nil || out.Status != "SUCCEEDED" || out.NextState != "" || *out.Output != `{}` {
		t.Errorf("INFO: %+v", out)
	}
}

// A Task state calls its integration through the registry: the seed's
// StopSession, on the stub Glue.
func TestTestStateTask(t *testing.T) {
	e := newEnv(t)
	def := `{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:glue:stopSession","Parameters":{"Id.$":"$.session_id"},
		"ResultSelector":{"stopped.$":"$.Id"},"ResultPath":"$.result",
		"Retry":[{"ErrorEquals":["Glue.IllegalSessionStateException"],"IntervalSeconds":10,"MaxAttempts":3}],
		"Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.error","Next":"Failed"}],"Next":"Notify"}`
	out := e.testState(&sfn.TestStateInput{Definition: def, RoleArn: role, Input: sp(`{"session_id":"s-1"}`), InspectionLevel: "TRACE"})
	if out.Status != "SUCCEEDED" || out.NextState != "Notify" {
		t.Fatalf("%+v", out)
	}
	jsonEq(t, *out.Output, `{"session_id":"s-1","result":{"stopped":"s-1"}}`)
	d := out.InspectionData
	jsonEq(t, d.AfterParameters, `{"Id":"s-1"}`)
	jsonEq(t, d.Result, `{"Id":"s-1"}`)
	jsonEq(t, d.AfterResultSelector, `{"stopped":"s-1"}`)
	jsonEq(t, d.AfterResultPath, `{"session_id":"s-1","result":{"stopped":"s-1"}}`)
	if len(e.stubs.stopCalls) != 1 {
		t.Errorf("StopSession calls %d", len(e.stubs.stopCalls))
	}

	// The session is still provisioning: the Retrier takes the error.
	e.stubs.glueFailures = 100
	out = e.testState(&sfn.TestStateInput{Definition: def, RoleArn: role, Input: sp(`{"session_id":"s-1"}`), InspectionLevel: "DEBUG"})
	if out.Status != "RETRIABLE" || out.Error != "Glue.IllegalSessionStateException" || out.InspectionData.ErrorDetails == nil ||
		*out.InspectionData.ErrorDetails.RetryIndex != 0 || *out.InspectionData.ErrorDetails.RetryBackoffIntervalSeconds != 10 {
		t.Errorf("retriable: %+v %+v", out, out.InspectionData)
	}
	// After three retries the Catcher takes it.
	three := int32(3)
	out = e.testState(&sfn.TestStateInput{Definition: def, RoleArn: role, Input: sp(`{"session_id":"s-1"}`), InspectionLevel: "DEBUG",
		StateConfiguration: &sfn.TestStateConfiguration{RetrierRetryCount: &three}})
	if out.Status != "CAUGHT_ERROR" || out.NextState != "Failed" || *out.InspectionData.ErrorDetails.CatchIndex != 0 {
		t.Errorf("caught: %+v", out)
	}

	// A mock replaces the call.
	calls := len(e.stubs.stopCalls)
	out = e.testState(&sfn.TestStateInput{Definition: def, Input: sp(`{"session_id":"s-1"}`), Mock: &sfn.MockInput{Result: sp(`{"Id":"mocked"}`)}})
	if out.Status != "SUCCEEDED" || len(e.stubs.stopCalls) != calls {
		t.Errorf("mock: %+v", out)
	}
	jsonEq(t, *out.Output, `{"session_id":"s-1","result":{"stopped":"mocked"}}`)
	out = e.testState(&sfn.TestStateInput{Definition: `{"Type":"Task","Resource":"arn:aws:states:::sns:publish","End":true}`,
		Mock: &sfn.MockInput{ErrorOutput: &sfn.MockErrorOutput{Error: "SNS.AuthorizationErrorException", Cause: "denied"}}})
	if out.Status != "FAILED" || out.Error != "SNS.AuthorizationErrorException" || out.Cause != "denied" {
		t.Errorf("mocked error: %+v", out)
	}
}

func TestTestStateOtherStates(t *testing.T) {
	e := newEnv(t)
	out := e.testState(&sfn.TestStateInput{Definition: `{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThan":1,"Next":"Big"}],"Default":"Small"}`, Input: sp(`{"n":5}`)})
	if out.Status != "SUCCEEDED" || out.NextState != "Big" {
		t.Errorf("choice: %+v", out)
	}
	out = e.testState(&sfn.TestStateInput{Definition: `{"Type":"Wait","Seconds":3600,"Next":"Later"}`})
	if out.Status != "SUCCEEDED" || out.NextState != "Later" {
		t.Errorf("wait: %+v", out)
	}
	out = e.testState(&sfn.TestStateInput{Definition: `{"Type":"Fail","Error":"E","Cause":"C"}`})
	if out.Status != "FAILED" || out.Error != "E" || out.Cause != "C" || out.Output != nil {
		t.Errorf("fail: %+v", out)
	}
	// Variables in, assignments out.
	out = e.testState(&sfn.TestStateInput{Definition: `{"Type":"Pass","Assign":{"total.$":"States.MathAdd($base, 1)"},"End":true}`,
		Variables: sp(`{"base":41}`), InspectionLevel: "DEBUG"})
	jsonEq(t, out.InspectionData.Variables, `{"base":41,"total":42}`)
	// A state of a whole machine, by name.
	out = e.testState(&sfn.TestStateInput{Definition: seedDef(t, "GlueSession-WaitAndStop"), StateName: "Wait", Input: sp(`{}`)})
	if out.Status != "SUCCEEDED" || out.NextState == "" {
		t.Errorf("state of a machine: %+v", out)
	}

	for _, c := range []struct {
		in   *sfn.TestStateInput
		code string
	}{
		{&sfn.TestStateInput{Definition: `{"Type":"Nope"}`}, "InvalidDefinition"},
		{&sfn.TestStateInput{Definition: `[]`}, "InvalidDefinition"},
		{&sfn.TestStateInput{Definition: `{"Type":"Pass","End":true}`, Input: sp(`{`)}, "InvalidExecutionInput"},
		{&sfn.TestStateInput{Definition: `{"Type":"Pass","End":true}`, InspectionLevel: "LOUD"}, "ValidationException"},
		{&sfn.TestStateInput{Definition: `{"Type":"Pass","End":true}`, RoleArn: "not-an-arn"}, "InvalidArn"},
		{&sfn.TestStateInput{Definition: seedDef(t, "GlueSession-WaitAndStop")}, "ValidationException"},
	} {
		if _, err := call[sfn.TestStateOutput](e, "TestState", c.in); errCode(err) != c.code {
			t.Errorf("%s: %v, want %s", c.in.Definition, err, c.code)
		}
	}
}
