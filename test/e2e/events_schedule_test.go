package e2e

import (
	"encoding/json"
	"strings"
	"testing"
)

// A scheduled rule with the AWS CLI against a real process on a manual
// clock: rate(1 minute) starting a Step Functions state machine, fired by
// POST /_shoal/clock/advance, and kept across a SIGKILL.
func TestCLIScheduledRule(t *testing.T) {
	requireTool(t, "aws", "--version")
	s := Start(t, "--clock", "manual", "--clock-start", "2024-06-11T12:00:00Z")
	machine := createMachine(t, s, "every-minute")

	out := s.MustAWS("events", "put-rule", "--name", "every-minute", "--schedule-expression", "rate(1 minute)")
	if !strings.Contains(out, `"arn:aws:events:eu-west-1:123456789012:rule/every-minute"`) {
		t.Errorf("put-rule = %s", out)
	}
	s.MustAWS("events", "put-targets", "--rule", "every-minute", "--targets", `[{"Id":"sfn","Arn":"`+machine+`","RoleArn":"`+roleArn+`"}]`)
	if _, err := s.AWS("events", "put-rule", "--name", "bad", "--schedule-expression", "rate(1 minutes)"); err == nil || !strings.Contains(err.Error(), "ValidationException") {
		t.Errorf("rate(1 minutes): %v", err)
	}

	var c struct{ Now string }
	getJSON(t, "POST", s.Endpoint+"/_shoal/clock/advance", `{"seconds": 180}`, &c)
	var inputs []string
	eventually(t, "three scheduled executions", func() bool {
		inputs = executionInputs(t, s, machine)
		return len(inputs) >= 3
	})
	times := map[string]bool{}
	for _, in := range inputs {
		var ev struct {
			Source     string   `json:"source"`
			DetailType string   `json:"detail-type"`
			Time       string   `json:"time"`
			Resources  []string `json:"resources"`
			Detail     map[string]any
		}
		mustUnmarshal(t, in, &ev)
		if ev.Source != "aws.events" || ev.DetailType != "Scheduled Event" || len(ev.Resources) != 1 ||
			ev.Resources[0] != "arn:aws:events:eu-west-1:123456789012:rule/every-minute" || ev.Detail == nil || len(ev.Detail) != 0 {
			t.Errorf("execution input %s", in)
		}
		times[ev.Time] = true
	}
	if len(inputs) != 3 || !times["2024-06-11T12:01:00Z"] || !times["2024-06-11T12:03:00Z"] {
		t.Errorf("executions = %q", inputs)
	}

	// The schedule survives a SIGKILL. A manual clock starts where the
	// flags say, so the new process starts just before the next firing.
	s.Kill()
	s.Args = []string{"--clock", "manual", "--clock-start", "2024-06-11T12:03:30Z"}
	s.Restart()
	getJSON(t, "POST", s.Endpoint+"/_shoal/clock/advance", `{"seconds": 60}`, &c)
	eventually(t, "a fourth execution after the restart", func() bool {
		return len(executionInputs(t, s, machine)) >= 4
	})

	// Disabling stops it.
	s.MustAWS("events", "disable-rule", "--name", "every-minute")
	getJSON(t, "POST", s.Endpoint+"/_shoal/clock/advance", `{"seconds": 300}`, &c)
	var d struct{ State, ScheduleExpression string }
	if err := json.Unmarshal([]byte(s.MustAWS("events", "describe-rule", "--name", "every-minute")), &d); err != nil || d.State != "DISABLED" || d.ScheduleExpression != "rate(1 minute)" {
		t.Errorf("describe-rule = %+v (%v)", d, err)
	}
	if got := executionInputs(t, s, machine); len(got) != 4 {
		t.Errorf("%d executions after disabling, want 4", len(got))
	}
}
