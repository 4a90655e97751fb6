package events

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/shoal-dev/shoal/internal/dispatch"
)

var otherCaller = dispatch.Caller{AccountID: "111122223333", Region: "eu-west-1"}

func putAs(e *env, c dispatch.Caller, in *PutEventsInput) *PutEventsOutput {
	e.t.Helper()
	out, err := e.r.Call(context.Background(), c, "events", "PutEvents", in)
	if err != nil {
		e.t.Fatalf("PutEvents: %v", err)
	}
	return out.(*PutEventsOutput)
}

func TestUpdateEventBus(t *testing.T) {
	e := newEnv(t)
	must[CreateEventBusOutput](e, "CreateEventBus", &CreateEventBusInput{Name: "orders", Description: "d", KmsKeyIdentifier: "alias/k"})
	out := must[UpdateEventBusOutput](e, "UpdateEventBus", &UpdateEventBusInput{Name: "orders", LogConfig: &LogConfig{Level: "ERROR"}})
	// KmsKeyIdentifier left out means an AWS owned key; Description stays.
	if out.Arn != "arn:aws:events:eu-west-1:123456789012:event-bus/orders" || out.KmsKeyIdentifier != "" || out.Description != "d" || out.LogConfig == nil || out.LogConfig.Level != "ERROR" {
		t.Errorf("UpdateEventBus = %+v", out)
	}
	d := must[DescribeEventBusOutput](e, "DescribeEventBus", &DescribeEventBusInput{Name: "orders"})
	if d.LogConfig == nil || d.Description != "d" || d.KmsKeyIdentifier != "" {
		t.Errorf("DescribeEventBus = %+v", d)
	}
	// The default bus is updatable and needs no name.
	out = must[UpdateEventBusOutput](e, "UpdateEventBus", &UpdateEventBusInput{Description: ptr("the default")})
	if out.Name != "default" || out.Description != "the default" {
		t.Errorf("default = %+v", out)
	}
	fails(e, "UpdateEventBus", &UpdateEventBusInput{Name: "missing"}, "ResourceNotFoundException")
}

func TestPermissionsAndCrossAccountPutEvents(t *testing.T) {
	e := newEnv(t)
	must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: "all", EventPattern: `{"source":["partner.app"]}`})
	must[PutTargetsOutput](e, "PutTargets", &PutTargetsInput{Rule: "all", Targets: []Target{{Id: "sfn", Arn: machineArn}}})
	entry := PutEventsRequestEntry{Source: "partner.app", DetailType: "x", Detail: `{}`, EventBusName: "arn:aws:events:eu-west-1:123456789012:event-bus/default"}

	// Without a policy another account may not put events on the bus.
	out := putAs(e, otherCaller, &PutEventsInput{Entries: []PutEventsRequestEntry{entry}})
	if out.FailedEntryCount != 1 || out.Entries[0].ErrorCode != "AccessDeniedException" {
		t.Fatalf("without a policy: %+v", out)
	}
	fails(e, "RemovePermission", &RemovePermissionInput{StatementId: "x"}, "ResourceNotFoundException")

	must[Empty](e, "PutPermission", &PutPermissionInput{Action: "events:PutEvents", Principal: "111122223333", StatementId: "partner"})
	d := must[DescribeEventBusOutput](e, "DescribeEventBus", &DescribeEventBusInput{})
	var doc policyDoc
	if err := json.Unmarshal([]byte(d.Policy), &doc); err != nil || len(doc.Statement) != 1 || doc.Statement[0].Sid != "partner" ||
		string(doc.Statement[0].Principal) != `{"AWS":"arn:aws:iam::111122223333:root"}` || string(doc.Statement[0].Resource) != `"arn:aws:events:eu-west-1:123456789012:event-bus/default"` {
		t.Fatalf("policy = %s (%v)", d.Policy, err)
	}
	out = putAs(e, otherCaller, &PutEventsInput{Entries: []PutEventsRequestEntry{entry}})
	if out.FailedEntryCount != 0 {
		t.Fatalf("with a policy: %+v", out)
	}
	e.drain()
	var ev struct{ Account string }
	if got := e.states.got(); len(got) != 1 || json.Unmarshal([]byte(got[0]), &ev) != nil || ev.Account != "111122223333" {
		t.Errorf("delivered %q; the event's account is the sender's", got)
	}
	// A third account is still refused.
	third := dispatch.Caller{AccountID: "444455556666", Region: "eu-west-1"}
	if out := putAs(e, third, &PutEventsInput{Entries: []PutEventsRequestEntry{entry}}); out.Entries[0].ErrorCode != "AccessDeniedException" {
		t.Errorf("third account: %+v", out)
	}

	// A Policy document replaces the policy; its conditions are honoured.
	policy := `{"Version":"2012-10-17","Statement":[{"Sid":"WebStore","Effect":"Allow","Action":["events:PutEvents"],"Principal":{"AWS":"arn:aws:iam::444455556666:root"},` +
		`"Resource":"arn:aws:events:eu-west-1:123456789012:event-bus/default","Condition":{"StringEquals":{"events:detail-type":"newOrderCreated"}}}]}`
	must[Empty](e, "PutPermission", &PutPermissionInput{Policy: policy})
	entry.DetailType = "newOrderCreated"
	if out := putAs(e, third, &PutEventsInput{Entries: []PutEventsRequestEntry{entry}}); out.FailedEntryCount != 0 {
		t.Errorf("allowed by condition: %+v", out)
	}
	entry.DetailType = "other"
	if out := putAs(e, third, &PutEventsInput{Entries: []PutEventsRequestEntry{entry}}); out.Entries[0].ErrorCode != "AccessDeniedException" {
		t.Errorf("refused by condition: %+v", out)
	}
	fails(e, "RemovePermission", &RemovePermissionInput{StatementId: "partner"}, "ResourceNotFoundException")
	must[Empty](e, "RemovePermission", &RemovePermissionInput{StatementId: "WebStore"})
	if d := must[DescribeEventBusOutput](e, "DescribeEventBus", &DescribeEventBusInput{}); d.Policy != "" {
		t.Errorf("policy after removing its last statement: %s", d.Policy)
	}

	// Errors.
	fails(e, "PutPermission", &PutPermissionInput{Action: "events:PutEvents", Principal: "1234", StatementId: "s"}, "ValidationException")
	fails(e, "PutPermission", &PutPermissionInput{Action: "PutEvents", Principal: "*", StatementId: "s"}, "ValidationException")
	fails(e, "PutPermission", &PutPermissionInput{Action: "events:PutEvents", Principal: "*", StatementId: "s", EventBusName: "missing"}, "ResourceNotFoundException")
	big := `{"Version":"2012-10-17","Statement":[{"Sid":"` + strings.Repeat("a", 11000) + `","Effect":"Allow","Principal":"*","Action":"events:PutEvents"}]}`
	fails(e, "PutPermission", &PutPermissionInput{Policy: big}, "PolicyLengthExceededException")
	must[Empty](e, "PutPermission", &PutPermissionInput{Action: "events:PutEvents", Principal: "*", StatementId: "a"})
	must[Empty](e, "PutPermission", &PutPermissionInput{Action: "events:PutEvents", Principal: "222233334444", StatementId: "b"})
	must[Empty](e, "RemovePermission", &RemovePermissionInput{RemoveAllPermissions: true})
	if d := must[DescribeEventBusOutput](e, "DescribeEventBus", &DescribeEventBusInput{}); d.Policy != "" {
		t.Errorf("policy after RemoveAllPermissions: %s", d.Policy)
	}
}

// A request whose every entry is invalid still answers with per-entry
// errors (AWS's recorded behaviour; see PutEvents).
func TestPutEventsAllEntriesInvalid(t *testing.T) {
	e := newEnv(t)
	out := must[PutEventsOutput](e, "PutEvents", &PutEventsInput{Entries: []PutEventsRequestEntry{
		{DetailType: "x", Detail: `{}`},
		{Source: "a", Detail: `{}`},
	}})
	if out.FailedEntryCount != 2 || out.Entries[0].ErrorMessage != "Parameter Source is not valid. Reason: Source is a required argument." ||
		out.Entries[1].ErrorMessage != "Parameter DetailType is not valid. Reason: DetailType is a required argument." {
		t.Errorf("PutEvents = %+v", out)
	}
}

func TestPutEventsDetailDepth(t *testing.T) {
	e := newEnv(t)
	nest := func(n int) string { return strings.Repeat(`{"a":`, n-1) + "{}" + strings.Repeat("}", n-1) }
	out := must[PutEventsOutput](e, "PutEvents", &PutEventsInput{Entries: []PutEventsRequestEntry{
		{Source: "a", DetailType: "x", Detail: nest(1000)},
		{Source: "a", DetailType: "x", Detail: nest(1001)},
		{Source: "a", DetailType: "x", Detail: `{"s":"{{{{\"[["}`},
	}})
	if out.Entries[0].ErrorCode != "" || out.Entries[1].ErrorCode != "MalformedDetail" || out.Entries[2].ErrorCode != "" {
		t.Errorf("PutEvents = %+v", out)
	}
	if d := jsonDepth([]byte(`{"s":"{{{{\"[[","a":[[1]]}`)); d != 3 {
		t.Errorf("jsonDepth = %d, want 3", d)
	}
}
