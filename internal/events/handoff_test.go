package events

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/store"
)

// A started service hands an accepted event's deliveries to its runner at
// commit: they run without the commit waking the delivery queue (no
// JobPut for a runner to claim) and are deleted once delivered.
func TestStartedServiceHandsDeliveriesOver(t *testing.T) {
	e := newEnv(t)
	must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: "r", EventPattern: `{"source":["my.app"]}`})
	must[PutTargetsOutput](e, "PutTargets", &PutTargetsInput{Rule: "r", Targets: []Target{{Id: "sfn", Arn: machineArn, InputPath: ptr("$.detail")}}})
	if err := e.svc.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	woke, cancel := e.st.Wake(QueueDelivery)
	defer cancel()
	marker, cancelMarker := e.st.Wake("marker")
	defer cancelMarker()
	out := must[PutEventsOutput](e, "PutEvents", &PutEventsInput{Entries: []PutEventsRequestEntry{
		{Source: "my.app", DetailType: "t", Detail: `{"n":1}`},
		{Source: "my.app", DetailType: "t", Detail: `{"n":2}`},
	}})
	e.drain()
	got := e.states.got()
	slices.Sort(got)
	if !slices.Equal(got, []string{`{"n":1}`, `{"n":2}`}) {
		t.Fatalf("StartExecution inputs = %q", got)
	}
	// A later commit's wake-up arriving shows an earlier one would have.
	err := e.st.Update(t.Context(), func(tx store.Tx) error {
		return tx.JobPut(t.Context(), &store.Job{Queue: "marker", ID: "m", Due: start})
	})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-marker:
	case <-time.After(10 * time.Second): // a bound on a hang, not a timing
		t.Fatal("no wake-up for the marker")
	}
	select {
	case <-woke:
		t.Fatal("the accepting commit woke the delivery queue: its jobs were not handed over")
	default:
	}
	for _, en := range out.Entries {
		if j, err := e.deliveryJob(en.EventId, "sfn"); err == nil {
			t.Errorf("delivery job left after delivering: %+v", j)
		}
	}
}

// A handed-over delivery whose target fails is retried per its policy, as
// a claimed one is.
func TestHandedDeliveryRetries(t *testing.T) {
	e := newEnv(t)
	must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: "r", EventPattern: `{"source":["my.app"]}`})
	must[PutTargetsOutput](e, "PutTargets", &PutTargetsInput{Rule: "r", Targets: []Target{{Id: "sfn", Arn: machineArn, Input: ptr(`{"k":"v"}`)}}})
	if err := e.svc.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	e.states.fail = 2
	out := must[PutEventsOutput](e, "PutEvents", &PutEventsInput{Entries: []PutEventsRequestEntry{{Source: "my.app", DetailType: "t", Detail: `{}`}}})
	e.drain() // the first attempt fails; the retry is due after 1 s
	if got := e.states.got(); len(got) != 0 {
		t.Fatalf("delivered while the target fails: %q", got)
	}
	e.clk.Advance(time.Second)
	e.drain() // fails again; due after 2 s more
	e.clk.Advance(2 * time.Second)
	e.drain()
	if got := e.states.got(); !slices.Equal(got, []string{`{"k":"v"}`}) {
		t.Fatalf("after recovering the target got %q", got)
	}
	if j, err := e.deliveryJob(out.Entries[0].EventId, "sfn"); err == nil {
		t.Errorf("delivery job left after delivering: %+v", j)
	}
}

// The delivery handed over decoded is the one its stored payload decodes
// to, so the handler sees the same delivery however its job reaches it.
func TestHandedDeliveryMatchesPayload(t *testing.T) {
	e := newEnv(t)
	must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: "r", EventPattern: `{"source":["my.app"]}`})
	tg := seedTarget()
	tg.RetryPolicy = &RetryPolicy{MaximumRetryAttempts: ptr(int32(3)), MaximumEventAgeInSeconds: ptr(int32(120))}
	tg.DeadLetterConfig = &DeadLetterConfig{Arn: "arn:aws:sqs:eu-west-1:123456789012:dlq"}
	must[PutTargetsOutput](e, "PutTargets", &PutTargetsInput{Rule: "r", Targets: []Target{tg, {Id: "plain", Arn: machineArn}}})
	if err := e.svc.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	sc := scope{account: seedCaller.AccountID, region: seedCaller.Region}
	e.clk.Advance(1500 * time.Millisecond) // a time with sub-second digits
	a, code, msg := e.svc.prepare(ctx, sc, &PutEventsRequestEntry{Source: "my.app", DetailType: "t <x>", Detail: `{"a": "<b>&é"}`}, e.svc.now())
	if code != "" {
		t.Fatalf("prepare: %s %s", code, msg)
	}
	hand := e.svc.handover(ctx, []accepted{a})
	if hand == nil {
		t.Fatal("no room reserved in a started service")
	}
	defer hand.h.Cancel() // the jobs are never run
	err := e.st.Update(ctx, func(tx store.Tx) error {
		hand.reset()
		c, err := e.svc.committedRule(ctx, tx, a.sc, a.bus, "r")
		if err != nil {
			return err
		}
		return c.enqueue(ctx, tx, a.sc, a.id, a.event, e.svc.now(), hand)
	})
	if err != nil {
		t.Fatal(err)
	}
	// One rule matched, so one job's room was reserved: the second target's
	// job is put (JobPut) for the runner to claim.
	if len(hand.jobs) != 1 {
		t.Fatalf("handed %d jobs, want 1", len(hand.jobs))
	}
	if j, err := e.deliveryJob(a.id, tg.Id); err != nil || j.Lease != hand.jobs[0].Lease || j.Attempt != 1 {
		t.Errorf("handed job = %+v (%v), want it stored with lease %s, attempt 1", j, err, hand.jobs[0].Lease)
	}
	var decoded delivery
	if err := json.Unmarshal(hand.jobs[0].Payload, &decoded); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*hand.deliveries[0], decoded) {
		t.Errorf("handed delivery\n%+v\nwant (decoded payload)\n%+v", *hand.deliveries[0], decoded)
	}
}

// Delivery job ids sort by the time their event was accepted, whatever
// the event ids.
func TestDeliveryJobIDsSortByTime(t *testing.T) {
	var ids []string
	for i, d := range []time.Duration{0, time.Nanosecond, 256 * time.Nanosecond, time.Second} {
		ids = append(ids, deliveryJobID(start.Add(d), []string{"f0", "c0", "80", "00"}[i], "default", "r", "t"))
	}
	if !sort.StringsAreSorted(ids) {
		t.Errorf("ids out of time order: %q", ids)
	}
	if got, want := deliveryJobID(start, "e", "b", "r", "t"), "17d7f2a77ade9000|e|b|r|t"; got != want {
		t.Errorf("deliveryJobID = %q, want %q", got, want)
	}
}

// deliveryJob reads the job delivering event id to target of rule "r" on
// the default bus, accepted now.
func (e *env) deliveryJob(id, target string) (*store.Job, error) {
	var j *store.Job
	err := e.st.View(context.Background(), func(tx store.Tx) error {
		var err error
		j, err = tx.JobGet(context.Background(), QueueDelivery, deliveryJobID(e.svc.now(), id, DefaultBus, "r", target))
		return err
	})
	return j, err
}
