package events

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/store"
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

// archiveCounts is an archive's EventCount and SizeBytes as DescribeArchive
// and ListArchives report them; both must agree.
func archiveCounts(e *env, name string) (count, size int64) {
	e.t.Helper()
	d := must[DescribeArchiveOutput](e, "DescribeArchive", &DescribeArchiveInput{ArchiveName: name})
	l := must[ListArchivesOutput](e, "ListArchives", &ListArchivesInput{NamePrefix: name})
	if len(l.Archives) == 0 || l.Archives[0].EventCount != d.EventCount || l.Archives[0].SizeBytes != d.SizeBytes {
		e.t.Fatalf("ListArchives %+v disagrees with DescribeArchive %+v", l.Archives, d)
	}
	return d.EventCount, d.SizeBytes
}

// replayAll replays everything the archive kept up to now to the default
// bus and returns the details the stub target received.
func replayAll(e *env, name, archive string, from time.Time) []string {
	e.t.Helper()
	e.states.mu.Lock()
	e.states.inputs, e.states.arns = nil, nil
	e.states.mu.Unlock()
	e.clk.Advance(time.Second) // EventEndTime is exclusive and may not be in the future
	must[StartReplayOutput](e, "StartReplay", &StartReplayInput{ReplayName: name, EventSourceArn: "arn:aws:events:eu-west-1:123456789012:archive/" + archive,
		EventStartTime: ptr(from), EventEndTime: ptr(e.clk.Now()), Destination: &ReplayDestination{Arn: busArn}})
	e.drain()
	if d := must[DescribeReplayOutput](e, "DescribeReplay", &DescribeReplayInput{ReplayName: name}); d.State != ReplayCompleted {
		e.t.Fatalf("replay %s is %s", name, d.State)
	}
	var details []string
	for _, in := range e.states.got() {
		var ev struct {
			Detail json.RawMessage `json:"detail"`
		}
		if err := json.Unmarshal([]byte(in), &ev); err != nil {
			e.t.Fatalf("replayed %s: %v", in, err)
		}
		details = append(details, string(ev.Detail))
	}
	slices.Sort(details)
	return details
}

func TestArchiveRetentionDeletesExpiredEvents(t *testing.T) {
	e := newEnv(t)
	must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: "r", EventPattern: `{"source":["my.shop"]}`})
	must[PutTargetsOutput](e, "PutTargets", &PutTargetsInput{Rule: "r", Targets: []Target{{Id: "sfn", Arn: machineArn}}})
	must[CreateArchiveOutput](e, "CreateArchive", &CreateArchiveInput{ArchiveName: "short", EventSourceArn: busArn, RetentionDays: ptr(int32(2))})
	must[CreateArchiveOutput](e, "CreateArchive", &CreateArchiveInput{ArchiveName: "forever", EventSourceArn: busArn})
	t0 := e.clk.Now()
	put := func(detail string) {
		t.Helper()
		must[PutEventsOutput](e, "PutEvents", &PutEventsInput{Entries: []PutEventsRequestEntry{shopEvent(detail)}})
		e.drain()
	}
	advanceTo := func(d time.Duration) {
		t.Helper()
		e.clk.Advance(t0.Add(d).Sub(e.clk.Now()))
		e.drain()
	}

	// <, > and & must be counted and replayed as the bus accepted them.
	put(`{"n":"<a>&"}`)
	_, sizeA := archiveCounts(e, "short")
	advanceTo(day)
	put(`{"n":"b"}`)
	_, sizeAB := archiveCounts(e, "short")

	// Two days less a second after A: both are kept.
	advanceTo(2*day - time.Second)
	if n, size := archiveCounts(e, "short"); n != 2 || size != sizeAB {
		t.Fatalf("before expiry: %d events, %d bytes; want 2, %d", n, size, sizeAB)
	}
	// Two and a half days after A, A is gone and B (1.5 days old) is kept.
	advanceTo(2*day + 12*time.Hour)
	if n, size := archiveCounts(e, "short"); n != 1 || size != sizeAB-sizeA {
		t.Fatalf("after A expired: %d events, %d bytes; want 1, %d", n, size, sizeAB-sizeA)
	}
	if n, _ := archiveCounts(e, "forever"); n != 2 {
		t.Fatalf("RetentionDays 0 kept %d events, want 2", n)
	}
	if got := replayAll(e, "after-a", "short", t0); !slices.Equal(got, []string{`{"n":"b"}`}) {
		t.Fatalf("replay after A expired delivered %v", got)
	}
	if got := replayAll(e, "forever", "forever", t0); !slices.Equal(got, []string{`{"n":"<a>&"}`, `{"n":"b"}`}) {
		t.Fatalf("replay of the unexpiring archive delivered %v", got)
	}

	// RetentionDays+1 days after B, nothing is left; it survives a restart.
	advanceTo(4 * day)
	e.reopen()
	if n, size := archiveCounts(e, "short"); n != 0 || size != 0 {
		t.Fatalf("after B expired: %d events, %d bytes", n, size)
	}
	// Archiving goes on after the emptied log was deleted, and a replay
	// finds exactly the new event.
	put(`{"n":"c"}`)
	if n, _ := archiveCounts(e, "short"); n != 1 {
		t.Fatalf("after C: %d events", n)
	}
	if got := replayAll(e, "after-all", "short", t0); !slices.Equal(got, []string{`{"n":"c"}`}) {
		t.Fatalf("replay after the log was emptied delivered %v", got)
	}

	// RetentionDays 0 keeps C however old it gets; a shorter retention
	// applies at once to the events already kept.
	must[UpdateArchiveOutput](e, "UpdateArchive", &UpdateArchiveInput{ArchiveName: "short", RetentionDays: ptr(int32(0))})
	advanceTo(20 * day)
	if n, _ := archiveCounts(e, "short"); n != 1 {
		t.Fatalf("with RetentionDays 0: %d events, want 1", n)
	}
	must[UpdateArchiveOutput](e, "UpdateArchive", &UpdateArchiveInput{ArchiveName: "short", RetentionDays: ptr(int32(1))})
	if n, size := archiveCounts(e, "short"); n != 0 || size != 0 {
		t.Fatalf("after UpdateArchive RetentionDays 1: %d events, %d bytes", n, size)
	}
	// Deleting the archive cancels its retention job.
	put(`{"n":"d"}`)
	must[Empty](e, "DeleteArchive", &DeleteArchiveInput{ArchiveName: "short"})
	err := e.st.View(context.Background(), func(tx store.Tx) error {
		_, err := tx.JobGet(context.Background(), QueueRetention, "123456789012/eu-west-1/short")
		return err
	})
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("retention job after DeleteArchive: %v", err)
	}
}
