package e2e

import (
	"strings"
	"testing"
)

// Archives, replays and bus policies with the AWS CLI: the wire shapes
// (timestamps in and out, nested Destination, the Policy string).
func TestCLIArchiveReplayPermission(t *testing.T) {
	requireTool(t, "aws", "--version")
	s := Start(t, "--clock", "manual", "--clock-start", "2024-06-11T12:00:00Z")
	machine := createMachine(t, s, "replayed")
	bus := "arn:aws:events:eu-west-1:123456789012:event-bus/default"
	s.MustAWS("events", "put-rule", "--name", "orders", "--event-pattern", `{"source":["my.shop"]}`)
	s.MustAWS("events", "put-targets", "--rule", "orders", "--targets", `[{"Id":"sfn","Arn":"`+machine+`","InputPath":"$.replay-name"}]`)

	var a struct{ ArchiveArn, State string }
	mustUnmarshal(t, s.MustAWS("events", "create-archive", "--archive-name", "shop", "--event-source-arn", bus, "--event-pattern", `{"source":["my.shop"]}`), &a)
	if a.ArchiveArn != "arn:aws:events:eu-west-1:123456789012:archive/shop" || a.State != "ENABLED" {
		t.Errorf("create-archive = %+v", a)
	}
	s.MustAWS("events", "put-events", "--entries", `[{"Source":"my.shop","DetailType":"Order","Detail":"{\"total\": 1}"}]`)
	var d struct {
		EventCount, SizeBytes int
		CreationTime          float64
	}
	mustUnmarshal(t, s.MustAWS("events", "describe-archive", "--archive-name", "shop"), &d)
	if d.EventCount != 1 || d.SizeBytes == 0 || d.CreationTime != 1718107200 {
		t.Errorf("describe-archive = %+v", d)
	}

	var c struct{ Now string }
	getJSON(t, "POST", s.Endpoint+"/_shoal/clock/advance", `{"seconds": 120}`, &c)
	var r struct{ ReplayArn, State string }
	mustUnmarshal(t, s.MustAWS("events", "start-replay", "--replay-name", "again", "--event-source-arn", a.ArchiveArn,
		"--event-start-time", "2024-06-11T11:59:00Z", "--event-end-time", "2024-06-11T12:01:00Z",
		"--destination", `{"Arn":"`+bus+`","FilterArns":["arn:aws:events:eu-west-1:123456789012:rule/orders"]}`), &r)
	if r.ReplayArn != "arn:aws:events:eu-west-1:123456789012:replay/again" || r.State != "STARTING" {
		t.Errorf("start-replay = %+v", r)
	}
	eventually(t, "the replay to complete", func() bool {
		out, err := s.AWS("events", "describe-replay", "--replay-name", "again")
		return err == nil && strings.Contains(out, `"COMPLETED"`)
	})
	eventually(t, "the replayed execution", func() bool {
		for _, in := range executionInputs(t, s, machine) {
			if in == `"again"` {
				return true
			}
		}
		return false
	})

	s.MustAWS("events", "put-permission", "--action", "events:PutEvents", "--principal", "111122223333", "--statement-id", "partner")
	var b struct{ Policy string }
	mustUnmarshal(t, s.MustAWS("events", "describe-event-bus"), &b)
	if !strings.Contains(b.Policy, `"Sid":"partner"`) || !strings.Contains(b.Policy, "arn:aws:iam::111122223333:root") {
		t.Errorf("describe-event-bus policy = %s", b.Policy)
	}
	s.MustAWS("events", "remove-permission", "--statement-id", "partner")
	if _, err := s.AWS("events", "remove-permission", "--statement-id", "partner"); err == nil || !strings.Contains(err.Error(), "ResourceNotFoundException") {
		t.Errorf("remove-permission again: %v", err)
	}
	if _, err := s.AWS("events", "cancel-replay", "--replay-name", "again"); err == nil || !strings.Contains(err.Error(), "IllegalStatusException") {
		t.Errorf("cancel-replay of a completed replay: %v", err)
	}
}
