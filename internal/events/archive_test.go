package events

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

const busArn = "arn:aws:events:eu-west-1:123456789012:event-bus/default"

func shopEvent(detail string) PutEventsRequestEntry {
	return PutEventsRequestEntry{Source: "my.shop", DetailType: "Order", Detail: detail}
}

func TestArchiveLifecycle(t *testing.T) {
	e := newEnv(t)
	out := must[CreateArchiveOutput](e, "CreateArchive", &CreateArchiveInput{ArchiveName: "orders", EventSourceArn: busArn,
		EventPattern: `{"source":["my.shop"]}`, RetentionDays: ptr(int32(7)), Description: "d"})
	if out.ArchiveArn != "arn:aws:events:eu-west-1:123456789012:archive/orders" || out.State != "ENABLED" || out.CreationTime == nil {
		t.Errorf("CreateArchive = %+v", out)
	}
	fails(e, "CreateArchive", &CreateArchiveInput{ArchiveName: "orders", EventSourceArn: busArn}, "ResourceAlreadyExistsException")
	fails(e, "CreateArchive", &CreateArchiveInput{ArchiveName: "x", EventSourceArn: "arn:aws:events:eu-west-1:123456789012:event-bus/missing"}, "ResourceNotFoundException")
	fails(e, "CreateArchive", &CreateArchiveInput{ArchiveName: "x", EventSourceArn: busArn, EventPattern: `{"detail":{}}`}, "InvalidEventPatternException")
	fails(e, "CreateArchive", &CreateArchiveInput{ArchiveName: "bad name", EventSourceArn: busArn}, "ValidationException")

	// Only matching events are kept, counted in the accepting transaction.
	must[PutEventsOutput](e, "PutEvents", &PutEventsInput{Entries: []PutEventsRequestEntry{
		shopEvent(`{"n":1}`), shopEvent(`{"n":2}`), {Source: "other", DetailType: "x", Detail: `{}`},
	}})
	d := must[DescribeArchiveOutput](e, "DescribeArchive", &DescribeArchiveInput{ArchiveName: "orders"})
	if d.EventCount != 2 || d.SizeBytes <= 0 || d.RetentionDays != 7 || d.EventSourceArn != busArn || d.Description != "d" {
		t.Errorf("DescribeArchive = %+v", d)
	}
	must[UpdateArchiveOutput](e, "UpdateArchive", &UpdateArchiveInput{ArchiveName: "orders", EventPattern: ptr(`{"source":["nothing"]}`)})
	must[PutEventsOutput](e, "PutEvents", &PutEventsInput{Entries: []PutEventsRequestEntry{shopEvent(`{"n":3}`)}})
	if d := must[DescribeArchiveOutput](e, "DescribeArchive", &DescribeArchiveInput{ArchiveName: "orders"}); d.EventCount != 2 || d.Description != "d" {
		t.Errorf("after UpdateArchive: %+v", d)
	}
	must[CreateArchiveOutput](e, "CreateArchive", &CreateArchiveInput{ArchiveName: "all", EventSourceArn: busArn})
	l := must[ListArchivesOutput](e, "ListArchives", &ListArchivesInput{Limit: ptr(int32(1))})
	if len(l.Archives) != 1 || l.Archives[0].ArchiveName != "all" || l.NextToken == "" {
		t.Errorf("ListArchives = %+v", l)
	}
	l = must[ListArchivesOutput](e, "ListArchives", &ListArchivesInput{NextToken: l.NextToken})
	if len(l.Archives) != 1 || l.Archives[0].ArchiveName != "orders" || l.Archives[0].EventCount != 2 {
		t.Errorf("ListArchives page 2 = %+v", l)
	}
	// Archives survive a restart and keep archiving.
	e.reopen()
	must[PutEventsOutput](e, "PutEvents", &PutEventsInput{Entries: []PutEventsRequestEntry{shopEvent(`{"n":4}`)}})
	if d := must[DescribeArchiveOutput](e, "DescribeArchive", &DescribeArchiveInput{ArchiveName: "all"}); d.EventCount != 1 {
		t.Errorf("after restart: %+v", d)
	}
	must[Empty](e, "DeleteArchive", &DeleteArchiveInput{ArchiveName: "orders"})
	fails(e, "DescribeArchive", &DescribeArchiveInput{ArchiveName: "orders"}, "ResourceNotFoundException")
	fails(e, "DeleteArchive", &DeleteArchiveInput{ArchiveName: "orders"}, "ResourceNotFoundException")
}

func TestReplay(t *testing.T) {
	e := newEnv(t)
	for _, r := range []string{"a", "b"} {
		must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: r, EventPattern: `{"source":["my.shop"]}`})
		must[PutTargetsOutput](e, "PutTargets", &PutTargetsInput{Rule: r, Targets: []Target{{Id: "sfn", Arn: machineArn + "-" + r}}})
	}
	must[CreateArchiveOutput](e, "CreateArchive", &CreateArchiveInput{ArchiveName: "orders", EventSourceArn: busArn})
	t0 := e.clk.Now()
	for i := range 250 { // more than two batches
		must[PutEventsOutput](e, "PutEvents", &PutEventsInput{Entries: []PutEventsRequestEntry{shopEvent(`{"n":` + string(rune('0'+i%10)) + `}`)}})
		if i == 199 {
			e.clk.Advance(time.Minute) // the last 50 fall outside the window
		}
	}
	e.drain()
	e.states.mu.Lock()
	e.states.inputs, e.states.arns = nil, nil
	e.states.mu.Unlock()
	e.clk.Advance(time.Minute)

	ruleA := "arn:aws:events:eu-west-1:123456789012:rule/a"
	out := must[StartReplayOutput](e, "StartReplay", &StartReplayInput{ReplayName: "again", EventSourceArn: "arn:aws:events:eu-west-1:123456789012:archive/orders",
		EventStartTime: ptr(t0), EventEndTime: ptr(t0.Add(time.Minute)), Destination: &ReplayDestination{Arn: busArn, FilterArns: []string{ruleA}}})
	if out.State != ReplayStarting || out.ReplayArn != "arn:aws:events:eu-west-1:123456789012:replay/again" {
		t.Errorf("StartReplay = %+v", out)
	}
	e.drain()
	d := must[DescribeReplayOutput](e, "DescribeReplay", &DescribeReplayInput{ReplayName: "again"})
	if d.State != ReplayCompleted || d.ReplayEndTime == nil || d.EventLastReplayedTime == nil || !d.EventLastReplayedTime.Equal(t0) {
		t.Errorf("DescribeReplay = %+v", d)
	}
	e.states.mu.Lock()
	inputs, arns := e.states.inputs, e.states.arns
	e.states.mu.Unlock()
	if len(inputs) != 200 {
		t.Fatalf("replayed %d events, want 200", len(inputs))
	}
	for i, in := range inputs {
		var ev map[string]any
		if err := json.Unmarshal([]byte(in), &ev); err != nil || ev["replay-name"] != "again" || arns[i] != machineArn+"-a" {
			t.Fatalf("replayed %s to %s", in, arns[i])
		}
	}
	// Replayed events are not archived again.
	if a := must[DescribeArchiveOutput](e, "DescribeArchive", &DescribeArchiveInput{ArchiveName: "orders"}); a.EventCount != 250 {
		t.Errorf("archive holds %d events, want 250", a.EventCount)
	}
	l := must[ListReplaysOutput](e, "ListReplays", &ListReplaysInput{State: ReplayCompleted})
	if len(l.Replays) != 1 || l.Replays[0].ReplayName != "again" {
		t.Errorf("ListReplays = %+v", l)
	}
	fails(e, "CancelReplay", &CancelReplayInput{ReplayName: "again"}, "IllegalStatusException")

	// Errors.
	start := &StartReplayInput{ReplayName: "again", EventSourceArn: "arn:aws:events:eu-west-1:123456789012:archive/orders",
		EventStartTime: ptr(t0), EventEndTime: ptr(t0.Add(time.Minute)), Destination: &ReplayDestination{Arn: busArn}}
	fails(e, "StartReplay", start, "ResourceAlreadyExistsException")
	start.ReplayName = "later"
	start.EventEndTime = ptr(t0.Add(time.Hour))
	if de := fails(e, "StartReplay", start, "ValidationException"); !strings.Contains(de.Message, "future") {
		t.Errorf("message %q", de.Message)
	}
	start.EventEndTime = ptr(t0)
	fails(e, "StartReplay", start, "ValidationException")
	start.EventEndTime = ptr(t0.Add(time.Minute))
	start.EventSourceArn = "arn:aws:events:eu-west-1:123456789012:archive/missing"
	fails(e, "StartReplay", start, "ResourceNotFoundException")
	fails(e, "DescribeReplay", &DescribeReplayInput{ReplayName: "missing"}, "ResourceNotFoundException")

	// A replay cancelled before it runs ends CANCELLED, replaying nothing.
	start.EventSourceArn = "arn:aws:events:eu-west-1:123456789012:archive/orders"
	start.ReplayName = "cancelled"
	must[StartReplayOutput](e, "StartReplay", start)
	if c := must[CancelReplayOutput](e, "CancelReplay", &CancelReplayInput{ReplayName: "cancelled"}); c.State != ReplayCancelling {
		t.Errorf("CancelReplay = %+v", c)
	}
	e.drain()
	if d := must[DescribeReplayOutput](e, "DescribeReplay", &DescribeReplayInput{ReplayName: "cancelled"}); d.State != ReplayCancelled || d.ReplayEndTime == nil {
		t.Errorf("cancelled replay = %+v", d)
	}
	if got := e.states.got(); len(got) != 200 {
		t.Errorf("a cancelled replay delivered: %d", len(got))
	}
}
