package scheduler_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/scheduler"
	"github.com/shoal-dev/shoal/internal/ssm"
)

var june11 = time.Date(2024, 6, 11, 6, 0, 0, 0, time.UTC)

// The seed's pipeline: a 07:00 UTC daily schedule starting the WordPress
// state machine fires exactly once in the next 24 hours, at 07:00, with
// the schedule's Input, and three times in 72 hours.
func TestSeedPipelineFiresDailyAtSeven(t *testing.T) {
	e := newEnv(t, june11)
	out := e.mustCall("CreateSchedule", seedSchedule("WordPress_Raw_To_Bronze_0700")).(*scheduler.CreateScheduleOutput)
	if want := "arn:aws:scheduler:eu-west-1:123456789012:schedule/default/WordPress_Raw_To_Bronze_0700"; out.ScheduleArn != want {
		t.Errorf("ScheduleArn = %s, want %s", out.ScheduleArn, want)
	}

	e.clk.Advance(24 * time.Hour)
	got := e.states.executions()
	if len(got) != 1 {
		t.Fatalf("after 24 h: %d executions %v, want 1", len(got), times(got))
	}
	x := got[0]
	if !x.At.Equal(time.Date(2024, 6, 11, 7, 0, 0, 0, time.UTC)) || x.Machine != machineARN || x.Input != `{"trigger":"eventbridge-scheduler"}` {
		t.Errorf("execution = %+v", x)
	}
	if x.Caller.InvokedBy != "scheduler.amazonaws.com" || x.Caller.AccountID != account || x.Caller.Region != region ||
		x.Caller.Principal != "arn:aws:sts::123456789012:assumed-role/Amazon_EventBridge_Scheduler_SFN/WordPress_Raw_To_Bronze_0700" {
		t.Errorf("caller = %+v", x.Caller)
	}

	e.clk.Advance(48 * time.Hour)
	want := []string{"2024-06-11T07:00:00Z", "2024-06-12T07:00:00Z", "2024-06-13T07:00:00Z"}
	if got := times(e.states.executions()); !slices.Equal(got, want) {
		t.Errorf("after 72 h: %v, want %v", got, want)
	}
}

// Europe/London: 07:00 local is 06:00 UTC in summer time and 07:00 UTC
// after the October fall-back; a 01:30 cron skips the spring-forward day
// (the guide: "your schedule invocation is skipped").
func TestDaylightSavingEuropeLondon(t *testing.T) {
	t.Run("fall back", func(t *testing.T) {
		e := newEnv(t, time.Date(2024, 10, 25, 0, 0, 0, 0, time.UTC))
		in := seedSchedule("london")
		in.ScheduleExpressionTimezone = "Europe/London"
		e.mustCall("CreateSchedule", in)
		e.clk.Advance(4 * 24 * time.Hour)
		want := []string{"2024-10-25T06:00:00Z", "2024-10-26T06:00:00Z", "2024-10-27T07:00:00Z", "2024-10-28T07:00:00Z"}
		if got := times(e.states.executions()); !slices.Equal(got, want) {
			t.Errorf("firings %v, want %v", got, want)
		}
	})
	t.Run("spring forward", func(t *testing.T) {
		e := newEnv(t, time.Date(2024, 3, 30, 0, 0, 0, 0, time.UTC))
		in := seedSchedule("london-0130")
		in.ScheduleExpression = "cron(30 1 * * ? *)"
		in.ScheduleExpressionTimezone = "Europe/London"
		e.mustCall("CreateSchedule", in)
		e.clk.Advance(3 * 24 * time.Hour)
		want := []string{"2024-03-30T01:30:00Z", "2024-04-01T00:30:00Z"}
		if got := times(e.states.executions()); !slices.Equal(got, want) {
			t.Errorf("firings %v, want %v", got, want)
		}
	})
}

// A rate without StartDate fires when it is created ("starts invoking the
// target immediately") and then every interval.
func TestRateFiresAtOnceThenEveryInterval(t *testing.T) {
	e := newEnv(t, june11)
	in := seedSchedule("every5")
	in.ScheduleExpression = "rate(5 minutes)"
	e.mustCall("CreateSchedule", in)
	if n := len(e.states.executions()); n != 1 {
		t.Fatalf("at creation: %d executions, want 1", n)
	}
	e.clk.Advance(time.Hour)
	got := e.states.executions()
	if len(got) != 13 {
		t.Fatalf("after 1 h: %d executions, want 13: %v", len(got), times(got))
	}
	for i, x := range got {
		if want := june11.Add(time.Duration(i) * 5 * time.Minute); !x.At.Equal(want) {
			t.Errorf("firing %d at %s, want %s", i, x.At, want)
		}
	}
}

// A rate with StartDate starts its grid there.
func TestRateAnchoredAtStartDate(t *testing.T) {
	e := newEnv(t, june11)
	in := seedSchedule("hourly")
	in.ScheduleExpression = "rate(1 hour)"
	in.StartDate = ptr(june11.Add(90 * time.Minute))
	e.mustCall("CreateSchedule", in)
	e.clk.Advance(4 * time.Hour)
	want := []string{"2024-06-11T07:30:00Z", "2024-06-11T08:30:00Z", "2024-06-11T09:30:00Z"}
	if got := times(e.states.executions()); !slices.Equal(got, want) {
		t.Errorf("firings %v, want %v", got, want)
	}
}

// EndDate stops a recurring schedule ("on, or before, the EndDate").
func TestEndDateStopsFiring(t *testing.T) {
	e := newEnv(t, june11)
	in := seedSchedule("two-days")
	in.EndDate = ptr(time.Date(2024, 6, 12, 7, 0, 0, 0, time.UTC))
	in.ActionAfterCompletion = scheduler.AfterDelete
	e.mustCall("CreateSchedule", in)
	e.clk.Advance(5 * 24 * time.Hour)
	want := []string{"2024-06-11T07:00:00Z", "2024-06-12T07:00:00Z"}
	if got := times(e.states.executions()); !slices.Equal(got, want) {
		t.Errorf("firings %v, want %v", got, want)
	}
	_, err := e.call("GetSchedule", &scheduler.GetScheduleInput{Name: "two-days"})
	wantCode(t, err, "ResourceNotFoundException", 404)
}

// at() fires once; with ActionAfterCompletion DELETE the schedule is gone
// afterwards, with NONE it stays.
func TestOneTimeScheduleFiresOnce(t *testing.T) {
	e := newEnv(t, june11)
	del := seedSchedule("once-delete")
	del.ScheduleExpression = "at(2024-06-11T08:00:00)"
	del.ActionAfterCompletion = scheduler.AfterDelete
	e.mustCall("CreateSchedule", del)
	keep := seedSchedule("once-keep")
	keep.ScheduleExpression = "at(2024-06-11T09:00:00)"
	keep.ScheduleExpressionTimezone = "Europe/London" // 08:00 UTC in June
	e.mustCall("CreateSchedule", keep)

	e.clk.Advance(48 * time.Hour)
	want := []string{"2024-06-11T08:00:00Z", "2024-06-11T08:00:00Z"}
	if got := times(e.states.executions()); !slices.Equal(got, want) {
		t.Errorf("firings %v, want %v", got, want)
	}
	_, err := e.call("GetSchedule", &scheduler.GetScheduleInput{Name: "once-delete"})
	wantCode(t, err, "ResourceNotFoundException", 404)
	g := e.mustCall("GetSchedule", &scheduler.GetScheduleInput{Name: "once-keep"}).(*scheduler.GetScheduleOutput)
	if g.ActionAfterCompletion != scheduler.AfterNone || g.State != scheduler.StateEnabled {
		t.Errorf("kept schedule = %+v", g)
	}
}

// A disabled schedule never fires; enabling it plans its next firing.
func TestDisabledNeverFires(t *testing.T) {
	e := newEnv(t, june11)
	in := seedSchedule("off")
	in.State = scheduler.StateDisabled
	e.mustCall("CreateSchedule", in)
	e.clk.Advance(72 * time.Hour)
	if got := e.states.executions(); len(got) != 0 {
		t.Fatalf("disabled schedule fired: %v", times(got))
	}
	in.State = scheduler.StateEnabled
	up := scheduler.UpdateScheduleInput(*in)
	e.mustCall("UpdateSchedule", &up)
	e.clk.Advance(24 * time.Hour)
	if got, want := times(e.states.executions()), []string{"2024-06-14T07:00:00Z"}; !slices.Equal(got, want) {
		t.Errorf("after enabling: %v, want %v", got, want)
	}
}

// UpdateSchedule replaces the plan: the 07:00 firing becomes 09:00 with
// the new Input.
func TestUpdateReschedules(t *testing.T) {
	e := newEnv(t, june11)
	in := seedSchedule("moving")
	e.mustCall("CreateSchedule", in)
	up := scheduler.UpdateScheduleInput(*seedSchedule("moving"))
	up.ScheduleExpression = "cron(0 9 * * ? *)"
	up.Target.Input = ptr(`{"v":2}`)
	e.mustCall("UpdateSchedule", &up)
	e.clk.Advance(24 * time.Hour)
	got := e.states.executions()
	if len(got) != 1 || !got[0].At.Equal(time.Date(2024, 6, 11, 9, 0, 0, 0, time.UTC)) || got[0].Input != `{"v":2}` {
		t.Errorf("firings %+v, want one at 09:00 with the new input", got)
	}
}

func TestDeleteCancelsFiring(t *testing.T) {
	e := newEnv(t, june11)
	e.mustCall("CreateSchedule", seedSchedule("gone"))
	e.mustCall("DeleteSchedule", &scheduler.DeleteScheduleInput{Name: "gone"})
	e.clk.Advance(72 * time.Hour)
	if got := e.states.executions(); len(got) != 0 {
		t.Errorf("deleted schedule fired: %v", times(got))
	}
}

// A failing target is retried with backoff up to MaximumRetryAttempts,
// then dead-lettered; the DLQ is recorded even though shoal has no SQS.
func TestFailingTargetRetriedThenDeadLettered(t *testing.T) {
	e := newEnv(t, june11)
	e.states.fail = -1
	in := seedSchedule("failing")
	in.Target.RetryPolicy = &scheduler.RetryPolicy{MaximumRetryAttempts: ptr(int32(2))}
	in.Target.DeadLetterConfig = &scheduler.DeadLetterConfig{Arn: "arn:aws:sqs:eu-west-1:123456789012:scheduler-dlq"}
	e.mustCall("CreateSchedule", in)
	e.clk.Advance(2 * time.Hour)

	want := []string{"2024-06-11T07:00:00Z", "2024-06-11T07:00:01Z", "2024-06-11T07:00:03Z"}
	if got := times(e.states.executions()); !slices.Equal(got, want) {
		t.Errorf("attempts %v, want %v", got, want)
	}
	dl, err := e.svc.DeadLetters(context.Background(), account, region)
	if err != nil {
		t.Fatal(err)
	}
	if len(dl) != 1 {
		t.Fatalf("dead letters = %+v, want 1", dl)
	}
	d := dl[0]
	if d.ErrorCode != "StateMachineDoesNotExist" || d.RetryAttempts != 2 || d.ExhaustedRetryCondition != "MaximumRetryAttempts" ||
		d.TargetArn != machineARN || d.DeadLetterArn != "arn:aws:sqs:eu-west-1:123456789012:scheduler-dlq" || d.Delivered ||
		!strings.Contains(d.DeliveryError, "sqs") || d.ScheduleArn != "arn:aws:scheduler:eu-west-1:123456789012:schedule/default/failing" {
		t.Errorf("dead letter = %+v", d)
	}
	// The schedule itself carries on the next day.
	e.states.mu.Lock()
	e.states.fail = 0
	e.states.mu.Unlock()
	e.clk.Advance(24 * time.Hour)
	if got := e.states.executions(); len(got) != 4 || !got[3].At.Equal(time.Date(2024, 6, 12, 7, 0, 0, 0, time.UTC)) {
		t.Errorf("next day: %v", times(got))
	}
}

// A transient failure is retried and then succeeds: no dead letter.
func TestTransientFailureRecovers(t *testing.T) {
	e := newEnv(t, june11)
	e.states.fail = 1
	e.mustCall("CreateSchedule", seedSchedule("flaky"))
	e.clk.Advance(2 * time.Hour)
	if got, want := times(e.states.executions()), []string{"2024-06-11T07:00:00Z", "2024-06-11T07:00:01Z"}; !slices.Equal(got, want) {
		t.Errorf("attempts %v, want %v", got, want)
	}
	if dl, _ := e.svc.DeadLetters(context.Background(), account, region); len(dl) != 0 {
		t.Errorf("dead letters %+v", dl)
	}
}

// MaximumEventAgeInSeconds ends retries before MaximumRetryAttempts does.
func TestRetriesStopAtMaximumEventAge(t *testing.T) {
	e := newEnv(t, june11)
	e.states.fail = -1
	in := seedSchedule("aging")
	in.Target.RetryPolicy = &scheduler.RetryPolicy{MaximumEventAgeInSeconds: ptr(int32(60))}
	e.mustCall("CreateSchedule", in)
	e.clk.Advance(2 * time.Hour)
	// Retries at +1, +3, +7, +15, +31 s; the next (+63 s) is past 60 s.
	if n := len(e.states.executions()); n != 6 {
		t.Errorf("%d attempts %v, want 6", n, times(e.states.executions()))
	}
	dl, _ := e.svc.DeadLetters(context.Background(), account, region)
	if len(dl) != 1 || dl[0].ExhaustedRetryCondition != "MaximumEventAgeInSeconds" || dl[0].RetryAttempts != 5 {
		t.Errorf("dead letters %+v", dl)
	}
}

// A target whose service shoal lacks fails the invocation, clearly; it is
// never a silent success.
func TestMissingServiceFailsClearly(t *testing.T) {
	e := newEnv(t, june11)
	in := seedSchedule("to-lambda")
	in.Target.Arn = "arn:aws:lambda:eu-west-1:123456789012:function:data_wordpressapi_raw"
	in.Target.RetryPolicy = &scheduler.RetryPolicy{MaximumRetryAttempts: ptr(int32(0))}
	e.mustCall("CreateSchedule", in)
	e.clk.Advance(2 * time.Hour)
	dl, _ := e.svc.DeadLetters(context.Background(), account, region)
	if len(dl) != 1 || dl[0].ErrorCode != "UnknownOperationException" || !strings.Contains(dl[0].ErrorMessage, "service lambda") || dl[0].RetryAttempts != 0 {
		t.Errorf("dead letters %+v", dl)
	}
}

// A universal target calls any operation shoal has: ssm:putParameter.
func TestUniversalTargetCallsSSM(t *testing.T) {
	e := newEnv(t, june11)
	in := seedSchedule("put-param")
	in.Target.Arn = "arn:aws:scheduler:::aws-sdk:ssm:putParameter"
	in.Target.Input = ptr(`{"Name":"/scheduler/last-run","Value":"fired","Type":"String","Overwrite":true}`)
	e.mustCall("CreateSchedule", in)
	e.clk.Advance(24 * time.Hour)
	out, err := e.reg.Call(context.Background(), e.caller(), "ssm", "GetParameter", &ssm.GetParameterInput{Name: "/scheduler/last-run"})
	if err != nil {
		t.Fatal(err)
	}
	p := out.(*ssm.GetParameterOutput).Parameter
	if p.Value != "fired" || !p.LastModifiedDate.Equal(time.Date(2024, 6, 11, 7, 0, 0, 0, time.UTC)) {
		t.Errorf("parameter = %+v", p)
	}
}

// A FLEXIBLE window moves each firing to a deterministic second inside
// [t, t+window): the same schedule gets the same times every run.
func TestFlexibleWindowIsDeterministic(t *testing.T) {
	run := func() []time.Time {
		e := newEnv(t, june11)
		in := seedSchedule("flex")
		in.FlexibleTimeWindow = &scheduler.FlexibleTimeWindow{Mode: scheduler.ModeFlexible, MaximumWindowInMinutes: ptr(int32(60))}
		e.mustCall("CreateSchedule", in)
		e.clk.Advance(72 * time.Hour)
		var out []time.Time
		for _, x := range e.states.executions() {
			out = append(out, x.At)
		}
		return out
	}
	a, b := run(), run()
	if len(a) != 3 || !slices.EqualFunc(a, b, time.Time.Equal) {
		t.Fatalf("runs differ or miss firings: %v vs %v", a, b)
	}
	spread := false
	for i, at := range a {
		t0 := time.Date(2024, 6, 11+i, 7, 0, 0, 0, time.UTC)
		if at.Before(t0) || !at.Before(t0.Add(time.Hour)) || at.Nanosecond() != 0 {
			t.Errorf("firing %d at %s, outside [%s, +60m)", i, at, t0)
		}
		if !at.Equal(t0) {
			spread = true
		}
	}
	if !spread {
		t.Errorf("no firing moved inside its window: %v", a)
	}
}

// Restart: schedules survive close and reopen on the same data directory;
// of the firings missed while shoal was down only the latest is invoked,
// once (doc.go, "Missed firings").
func TestRestartFiresLatestMissedOnce(t *testing.T) {
	e := newEnv(t, june11)
	e.mustCall("CreateSchedule", seedSchedule("survivor"))
	e.close()
	// Down from 06:00 on the 11th to 08:00 on the 14th: four 07:00
	// firings missed, the latest an hour old.
	e.clk.Advance(3*24*time.Hour + 2*time.Hour)
	e.open()
	got := e.states.executions()
	if len(got) != 1 || !got[0].At.Equal(time.Date(2024, 6, 14, 8, 0, 0, 0, time.UTC)) {
		t.Fatalf("after restart: %v, want one invocation at once", times(got))
	}
	if _, err := e.call("GetSchedule", &scheduler.GetScheduleInput{Name: "survivor"}); err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(24 * time.Hour)
	if got := times(e.states.executions()); len(got) != 2 || got[1] != "2024-06-15T07:00:00Z" {
		t.Errorf("after the restart, the schedule goes on: %v", got)
	}
}

func TestRestartSkipsFiringsOlderThanMaxAge(t *testing.T) {
	e := newEnv(t, june11)
	in := seedSchedule("strict")
	in.Target.RetryPolicy = &scheduler.RetryPolicy{MaximumEventAgeInSeconds: ptr(int32(60))}
	e.mustCall("CreateSchedule", in)
	e.close()
	e.clk.Advance(90 * time.Minute) // 07:00 passed half an hour ago
	e.open()
	if got := e.states.executions(); len(got) != 0 {
		t.Fatalf("a firing older than MaximumEventAgeInSeconds was invoked: %v", times(got))
	}
	e.clk.Advance(24 * time.Hour)
	if got, want := times(e.states.executions()), []string{"2024-06-12T07:00:00Z"}; !slices.Equal(got, want) {
		t.Errorf("next day: %v, want %v", got, want)
	}
}
