package e2e

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

const (
	seedEventPattern = `{"source":["aws.ssm"],"detail-type":["AWS API Call via CloudTrail"],"detail":{"eventSource":["ssm.amazonaws.com"],"eventName":["PutParameter"]}}`
	passMachine      = `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`
	roleArn          = "arn:aws:iam::123456789012:role/service-role/Amazon_EventBridge_Invoke_Step_Functions"
)

// eventually polls cond (delivery is asynchronous) until it holds or 30 s
// pass.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	eventuallyWithin(t, 30*time.Second, what, cond)
}

// eventuallyWithin is eventually with a limit of its own.
func eventuallyWithin(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(limit)
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func createMachine(t *testing.T, s *Shoal, name string) string {
	t.Helper()
	var sm struct{ StateMachineArn string }
	out := s.MustAWS("stepfunctions", "create-state-machine", "--name", name, "--definition", passMachine, "--role-arn", roleArn)
	if err := json.Unmarshal([]byte(out), &sm); err != nil || sm.StateMachineArn == "" {
		t.Fatalf("create-state-machine = %s (%v)", out, err)
	}
	return sm.StateMachineArn
}

// executionInputs lists the inputs of a state machine's executions.
func executionInputs(t *testing.T, s *Shoal, machine string) []string {
	t.Helper()
	var list struct {
		Executions []struct{ ExecutionArn string }
	}
	out, err := s.AWS("stepfunctions", "list-executions", "--state-machine-arn", machine)
	if err != nil || json.Unmarshal([]byte(out), &list) != nil {
		return nil
	}
	var inputs []string
	for _, x := range list.Executions {
		var d struct{ Input string }
		if err := json.Unmarshal([]byte(s.MustAWS("stepfunctions", "describe-execution", "--execution-arn", x.ExecutionArn)), &d); err == nil {
			inputs = append(inputs, d.Input)
		}
	}
	return inputs
}

// TestCLIEventsSeedPath: the seed's rule and input transformer with a real
// state machine; SSM PutParameter stands in for Glue CreateSession.
func TestCLIEventsSeedPath(t *testing.T) {
	requireTool(t, "aws", "--version")
	s := Start(t)
	machine := createMachine(t, s, "GlueSession-WaitAndStop")

	out := s.MustAWS("events", "put-rule", "--name", "glue-stop", "--event-pattern", seedEventPattern)
	if !strings.Contains(out, `"arn:aws:events:eu-west-1:123456789012:rule/glue-stop"`) {
		t.Errorf("put-rule = %s", out)
	}
	targets := `[{"Id":"sfn","Arn":"` + machine + `","RoleArn":"` + roleArn + `","InputTransformer":{"InputPathsMap":{"id":"$.detail.requestParameters.name"},"InputTemplate":"{\"session_id\": \"<id>\"}"}}]`
	out = s.MustAWS("events", "put-targets", "--rule", "glue-stop", "--targets", targets)
	if !strings.Contains(out, `"FailedEntryCount": 0`) {
		t.Errorf("put-targets = %s", out)
	}
	if out := s.MustAWS("events", "list-rules", "--name-prefix", "glue"); !strings.Contains(out, `"glue-stop"`) || !strings.Contains(out, `"ENABLED"`) {
		t.Errorf("list-rules = %s", out)
	}
	event := `{"version":"0","id":"1","detail-type":"AWS API Call via CloudTrail","source":"aws.ssm","account":"123456789012","time":"2024-06-11T12:23:04Z","region":"eu-west-1","resources":[],"detail":{"eventSource":"ssm.amazonaws.com","eventName":"PutParameter"}}`
	if out := s.MustAWS("events", "test-event-pattern", "--event-pattern", seedEventPattern, "--event", event); !strings.Contains(out, `"Result": true`) {
		t.Errorf("test-event-pattern = %s", out)
	}
	if _, err := s.AWS("events", "put-rule", "--name", "bad", "--event-pattern", `{"detail": {}}`); err == nil || !strings.Contains(err.Error(), "InvalidEventPatternException") {
		t.Errorf("invalid pattern: %v", err)
	}
	if _, err := s.AWS("events", "delete-rule", "--name", "glue-stop"); err == nil || !strings.Contains(err.Error(), "Rule can't be deleted since it has targets.") {
		t.Errorf("delete-rule with targets: %v", err)
	}

	session := "glue-studio-datapreview-3f905608-50f1-4b9e-80e2-f4071feb2282"
	s.MustAWS("ssm", "put-parameter", "--name", session, "--type", "String", "--value", "x")
	var inputs []string
	eventually(t, "the rule to start the state machine", func() bool {
		inputs = executionInputs(t, s, machine)
		return len(inputs) > 0
	})
	if len(inputs) != 1 || inputs[0] != `{"session_id": "`+session+`"}` {
		t.Errorf("execution inputs = %q", inputs)
	}
}

// TestCLIPutEventsSurvivesKill: an event accepted by PutEvents reaches its
// target even when shoal is SIGKILLed right after answering.
func TestCLIPutEventsSurvivesKill(t *testing.T) {
	requireTool(t, "aws", "--version")
	s := Start(t)
	machine := createMachine(t, s, "orders")
	s.MustAWS("events", "put-rule", "--name", "orders", "--event-pattern", `{"source":["my.shop"],"detail":{"total":[{"numeric":[">",100]}]}}`)
	s.MustAWS("events", "put-targets", "--rule", "orders", "--targets", `[{"Id":"sfn","Arn":"`+machine+`","InputPath":"$.detail"}]`)
	out := s.MustAWS("events", "put-events", "--entries", `[{"Source":"my.shop","DetailType":"Order","Detail":"{\"total\": 250}"},{"Source":"my.shop","DetailType":"Order","Detail":"{\"total\": 5}"},{"Source":"my.shop","DetailType":"Order","Detail":"[1]"}]`)
	s.Kill()
	var res struct {
		FailedEntryCount int
		Entries          []struct{ EventId, ErrorCode string }
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.FailedEntryCount != 1 || res.Entries[2].ErrorCode != "MalformedDetail" || res.Entries[0].EventId == "" {
		t.Fatalf("put-events = %s (%v)", out, err)
	}
	s.Restart()
	var inputs []string
	eventually(t, "delivery after the restart", func() bool {
		inputs = executionInputs(t, s, machine)
		return len(inputs) > 0
	})
	// At least once: a delivery the first process made but had not yet
	// marked done may run again, so duplicates are allowed, losses are not.
	for _, in := range inputs {
		if in != `{"total":250}` {
			t.Errorf("execution inputs = %q", inputs)
		}
	}
}
