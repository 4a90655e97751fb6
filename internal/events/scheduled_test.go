package events

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/store"
)

const machineArn = "arn:aws:states:eu-west-1:123456789012:stateMachine:WordPress_Raw_To_Bronze"

// scheduledRule puts a scheduled rule with the stub state machine as its
// target.
func scheduledRule(e *env, name, expr string) {
	e.t.Helper()
	must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: name, ScheduleExpression: expr})
	must[PutTargetsOutput](e, "PutTargets", &PutTargetsInput{Rule: name, Targets: []Target{{Id: "sfn", Arn: machineArn}}})
}

type scheduledEvent struct {
	Version    string          `json:"version"`
	ID         string          `json:"id"`
	DetailType string          `json:"detail-type"`
	Source     string          `json:"source"`
	Account    string          `json:"account"`
	Time       string          `json:"time"`
	Region     string          `json:"region"`
	Resources  []string        `json:"resources"`
	Detail     json.RawMessage `json:"detail"`
}

// firings advances the clock, delivers, and returns the times of every
// scheduled event the stub received so far.
func firings(e *env, d time.Duration) []string {
	e.t.Helper()
	e.clk.Advance(d)
	e.drain()
	var times []string
	for _, in := range e.states.got() {
		var ev scheduledEvent
		if err := json.Unmarshal([]byte(in), &ev); err != nil {
			e.t.Fatalf("target input %s: %v", in, err)
		}
		times = append(times, ev.Time)
	}
	// Deliveries run concurrently; the times say which firing each was.
	slices.Sort(times)
	return times
}

func TestScheduledCronFiresOncePerDay(t *testing.T) {
	e := newEnv(t) // 2024-06-11T12:23:04Z
	scheduledRule(e, "WordPress_Raw_To_Bronze", "cron(0 7 * * ? *)")
	if got := firings(e, 24*time.Hour); !slices.Equal(got, []string{"2024-06-12T07:00:00Z"}) {
		t.Fatalf("after 24 h: %v", got)
	}
	var ev scheduledEvent
	if err := json.Unmarshal([]byte(e.states.got()[0]), &ev); err != nil {
		t.Fatal(err)
	}
	want := scheduledEvent{Version: "0", ID: ev.ID, DetailType: "Scheduled Event", Source: "aws.events", Account: "123456789012",
		Time: "2024-06-12T07:00:00Z", Region: "eu-west-1", Resources: []string{"arn:aws:events:eu-west-1:123456789012:rule/WordPress_Raw_To_Bronze"}, Detail: json.RawMessage("{}")}
	if ev.ID == "" || ev.Version != want.Version || ev.DetailType != want.DetailType || ev.Source != want.Source || ev.Account != want.Account ||
		ev.Region != want.Region || !slices.Equal(ev.Resources, want.Resources) || string(ev.Detail) != "{}" {
		t.Errorf("scheduled event = %+v", ev)
	}
	if got := firings(e, 24*time.Hour); len(got) != 2 || got[1] != "2024-06-13T07:00:00Z" {
		t.Errorf("after 48 h: %v", got)
	}
}

func TestScheduledRateFiresEveryInterval(t *testing.T) {
	e := newEnv(t)
	scheduledRule(e, "five", "rate(5 minutes)")
	got := firings(e, time.Hour)
	if len(got) != 12 || got[0] != "2024-06-11T12:28:04Z" || got[11] != "2024-06-11T13:23:04Z" {
		t.Errorf("rate(5 minutes) over an hour fired %d times: %v", len(got), got)
	}
}

func TestScheduledRuleDisableEnableDelete(t *testing.T) {
	e := newEnv(t)
	scheduledRule(e, "five", "rate(5 minutes)")
	if got := firings(e, 10*time.Minute); len(got) != 2 {
		t.Fatalf("before disabling: %v", got)
	}
	must[Empty](e, "DisableRule", &DisableRuleInput{Name: "five"})
	if got := firings(e, time.Hour); len(got) != 2 {
		t.Fatalf("a disabled rule fired: %v", got)
	}
	// Enabling restarts the grid at the enabling time (13:33:04).
	e.clk.Advance(30 * time.Second)
	must[Empty](e, "EnableRule", &EnableRuleInput{Name: "five"})
	if got := firings(e, 5*time.Minute); len(got) != 3 || got[2] != "2024-06-11T13:38:34Z" {
		t.Fatalf("after enabling: %v", got)
	}
	// A PutRule that repeats the rule keeps its grid; one that changes the
	// expression restarts it.
	e.clk.Advance(2 * time.Minute)
	must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: "five", ScheduleExpression: "rate(5 minutes)"})
	if got := firings(e, 3*time.Minute); len(got) != 4 || got[3] != "2024-06-11T13:43:34Z" {
		t.Fatalf("after repeating PutRule: %v", got)
	}
	must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: "five", ScheduleExpression: "rate(1 hour)"})
	if got := firings(e, 59*time.Minute); len(got) != 4 {
		t.Fatalf("the new rate fired early: %v", got)
	}
	if got := firings(e, time.Minute); len(got) != 5 || got[4] != "2024-06-11T14:43:34Z" {
		t.Fatalf("after changing the rate: %v", got)
	}
	// A PutRule with State DISABLED stops it too.
	must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: "five", ScheduleExpression: "rate(1 hour)", State: StateDisabled})
	if got := firings(e, 2*time.Hour); len(got) != 5 {
		t.Fatalf("disabled by PutRule, fired: %v", got)
	}
	must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: "five", ScheduleExpression: "rate(1 hour)"})
	must[RemoveTargetsOutput](e, "RemoveTargets", &RemoveTargetsInput{Rule: "five", Ids: []string{"sfn"}})
	must[Empty](e, "DeleteRule", &DeleteRuleInput{Name: "five"})
	err := e.st.View(context.Background(), func(tx store.Tx) error {
		_, err := tx.JobGet(context.Background(), QueueSchedule, seedScope().ruleKey(DefaultBus, "five"))
		return err
	})
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("schedule job after DeleteRule: %v", err)
	}
}

func seedScope() scope { return scope{account: seedCaller.AccountID, region: seedCaller.Region} }

// A rule without targets fires into nothing; adding a target later makes
// the next firing reach it (targets are read when the rule fires).
func TestScheduledRuleReadsTargetsWhenFiring(t *testing.T) {
	e := newEnv(t)
	must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: "hourly", ScheduleExpression: "rate(1 hour)"})
	if got := firings(e, time.Hour); len(got) != 0 {
		t.Fatalf("no target, yet: %v", got)
	}
	must[PutTargetsOutput](e, "PutTargets", &PutTargetsInput{Rule: "hourly", Targets: []Target{{Id: "sfn", Arn: machineArn, Input: ptr(`{"run":true}`)}}})
	e.clk.Advance(time.Hour)
	e.drain()
	if got := e.states.got(); !slices.Equal(got, []string{`{"run":true}`}) {
		t.Errorf("inputs = %q", got)
	}
}

func TestScheduleSurvivesRestart(t *testing.T) {
	e := newEnv(t)
	scheduledRule(e, "hourly", "rate(1 hour)")
	e.reopen()
	e.drain() // Start's first drain arms the runner's timer
	if got := firings(e, time.Hour); !slices.Equal(got, []string{"2024-06-11T13:23:04Z"}) {
		t.Errorf("after restart: %v", got)
	}
}

// Firings missed while shoal was down: one firing, for the latest missed
// time; older ones are skipped (doc.go, "Scheduled rules").
func TestScheduleMissedFiringsFireOnceForTheLatest(t *testing.T) {
	e := newEnv(t)
	scheduledRule(e, "five", "rate(5 minutes)")
	scheduledRule(e, "daily", "cron(0 7 * * ? *)")
	e.close()
	// Down for three days and a bit: 13:23:04 + 72 h + 2 min.
	e.clk.Advance(72*time.Hour + 2*time.Minute)
	e.open()
	e.drain()
	got := firings(e, 0)
	if !slices.Equal(got, []string{"2024-06-14T07:00:00Z", "2024-06-14T12:23:04Z"}) {
		t.Fatalf("after downtime: %v", got)
	}
	// Then back on the grid.
	if got := firings(e, 3*time.Minute); len(got) != 3 || got[2] != "2024-06-14T12:28:04Z" {
		t.Errorf("after catching up: %v", got)
	}
}
