package scheduler_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/scheduler"
)

func TestGetScheduleReportsDefaults(t *testing.T) {
	e := newEnv(t, june11)
	e.mustCall("CreateSchedule", seedSchedule("seed"))
	g := e.mustCall("GetSchedule", &scheduler.GetScheduleInput{Name: "seed"}).(*scheduler.GetScheduleOutput)
	want := `{"ActionAfterCompletion":"NONE","Arn":"arn:aws:scheduler:eu-west-1:123456789012:schedule/default/seed",` +
		`"CreationDate":"2024-06-11T06:00:00Z","FlexibleTimeWindow":{"Mode":"OFF"},"GroupName":"default",` +
		`"LastModificationDate":"2024-06-11T06:00:00Z","Name":"seed","ScheduleExpression":"cron(0 7 * * ? *)",` +
		`"ScheduleExpressionTimezone":"UTC","State":"ENABLED","Target":{"Arn":"` + machineARN + `",` +
		`"Input":"{\"trigger\":\"eventbridge-scheduler\"}","RetryPolicy":{"MaximumEventAgeInSeconds":86400,"MaximumRetryAttempts":185},` +
		`"RoleArn":"` + roleARN + `"}}`
	if got := mustJSON(t, g); got != want {
		t.Errorf("GetSchedule =\n%s\nwant\n%s", got, want)
	}
}

func TestCreateScheduleErrors(t *testing.T) {
	e := newEnv(t, june11)
	e.mustCall("CreateSchedule", seedSchedule("taken"))
	cases := []struct {
		name   string
		edit   func(*scheduler.CreateScheduleInput)
		code   string
		status int
		msg    string
	}{
		{"duplicate", func(in *scheduler.CreateScheduleInput) { in.Name = "taken" }, "ConflictException", 409, "Schedule taken already exists."},
		{"bad expression", func(in *scheduler.CreateScheduleInput) { in.ScheduleExpression = "rate(10 seconds)" }, "ValidationException", 400, "Invalid Schedule Expression rate(10 seconds)."},
		{"bad cron", func(in *scheduler.CreateScheduleInput) { in.ScheduleExpression = "cron(0 1 * * * *)" }, "ValidationException", 400, "Invalid Schedule Expression cron(0 1 * * * *)."},
		{"bad zone", func(in *scheduler.CreateScheduleInput) { in.ScheduleExpressionTimezone = "Mars/Olympus" }, "ValidationException", 400, "Mars/Olympus"},
		{"local zone", func(in *scheduler.CreateScheduleInput) { in.ScheduleExpressionTimezone = "Local" }, "ValidationException", 400, "Local"},
		{"missing target", func(in *scheduler.CreateScheduleInput) { in.Target = nil }, "ValidationException", 400,
			"1 validation error detected: Value null at 'target' failed to satisfy constraint: Member must not be null"},
		{"missing role", func(in *scheduler.CreateScheduleInput) { in.Target.RoleArn = "" }, "ValidationException", 400,
			"Value null at 'target.roleArn' failed to satisfy constraint: Member must not be null"},
		{"bad role", func(in *scheduler.CreateScheduleInput) { in.Target.RoleArn = "arn:aws:iam::1:user/x" }, "ValidationException", 400,
			"at 'target.roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern"},
		{"missing window", func(in *scheduler.CreateScheduleInput) { in.FlexibleTimeWindow = nil }, "ValidationException", 400,
			"Value null at 'flexibleTimeWindow' failed to satisfy constraint: Member must not be null"},
		{"bad mode", func(in *scheduler.CreateScheduleInput) { in.FlexibleTimeWindow.Mode = "SOMETIMES" }, "ValidationException", 400,
			"Member must satisfy enum value set: [OFF, FLEXIBLE]"},
		{"flexible without size", func(in *scheduler.CreateScheduleInput) { in.FlexibleTimeWindow.Mode = scheduler.ModeFlexible }, "ValidationException", 400, "MaximumWindowInMinutes"},
		{"window too large", func(in *scheduler.CreateScheduleInput) {
			in.FlexibleTimeWindow = &scheduler.FlexibleTimeWindow{Mode: scheduler.ModeFlexible, MaximumWindowInMinutes: ptr(int32(1441))}
		}, "ValidationException", 400, "Member must have value less than or equal to 1440"},
		{"bad state", func(in *scheduler.CreateScheduleInput) { in.State = "PAUSED" }, "ValidationException", 400, "[ENABLED, DISABLED]"},
		{"bad after completion", func(in *scheduler.CreateScheduleInput) { in.ActionAfterCompletion = "ARCHIVE" }, "ValidationException", 400, "[NONE, DELETE]"},
		{"retries too many", func(in *scheduler.CreateScheduleInput) {
			in.Target.RetryPolicy = &scheduler.RetryPolicy{MaximumRetryAttempts: ptr(int32(186))}
		}, "ValidationException", 400, "target.retryPolicy.maximumRetryAttempts"},
		{"event age too short", func(in *scheduler.CreateScheduleInput) {
			in.Target.RetryPolicy = &scheduler.RetryPolicy{MaximumEventAgeInSeconds: ptr(int32(59))}
		}, "ValidationException", 400, "Member must have value greater than or equal to 60"},
		{"bad name", func(in *scheduler.CreateScheduleInput) { in.Name = "has space" }, "ValidationException", 400, "at 'name' failed to satisfy constraint"},
		{"long name", func(in *scheduler.CreateScheduleInput) { in.Name = strings.Repeat("n", 65) }, "ValidationException", 400, "Member must have length less than or equal to 64"},
		{"old start date", func(in *scheduler.CreateScheduleInput) { in.StartDate = ptr(june11.Add(-time.Hour)) }, "ValidationException", 400,
			"The StartDate you specify cannot be earlier than 5 minutes ago."},
		{"end before start", func(in *scheduler.CreateScheduleInput) {
			in.StartDate, in.EndDate = ptr(june11.Add(2*time.Hour)), ptr(june11.Add(time.Hour))
		}, "ValidationException", 400, "EndDate"},
		{"bad dlq", func(in *scheduler.CreateScheduleInput) {
			in.Target.DeadLetterConfig = &scheduler.DeadLetterConfig{Arn: "arn:aws:sns:eu-west-1:123456789012:t"}
		}, "ValidationException", 400, "target.deadLetterConfig.arn"},
		{"bad universal", func(in *scheduler.CreateScheduleInput) { in.Target.Arn = "arn:aws:scheduler:::aws-sdk:ssm" }, "ValidationException", 400, "universal target"},
		{"unknown SDK service", func(in *scheduler.CreateScheduleInput) {
			in.Target.Arn = "arn:aws:scheduler:::aws-sdk:nosuchservice:doThing"
		}, "ValidationException", 400,
			"nosuchservice is not an AWS SDK service"},
		{"universal input not json", func(in *scheduler.CreateScheduleInput) {
			in.Target.Arn = "arn:aws:scheduler:::aws-sdk:ssm:putParameter"
			in.Target.Input = ptr("hello")
		}, "ValidationException", 400, "JSON object"},
		{"events without parameters", func(in *scheduler.CreateScheduleInput) {
			in.Target.Arn = "arn:aws:events:eu-west-1:123456789012:event-bus/default"
		}, "ValidationException", 400, "EventBridgeParameters"},
		{"no such group", func(in *scheduler.CreateScheduleInput) { in.GroupName = "nope" }, "ResourceNotFoundException", 404, "Schedule group nope does not exist."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := seedSchedule("fresh")
			c.edit(in)
			_, err := e.call("CreateSchedule", in)
			de := wantCode(t, err, c.code, c.status)
			if !strings.Contains(de.Message, c.msg) {
				t.Errorf("message %q, want it to contain %q", de.Message, c.msg)
			}
		})
	}
	// No failed request left anything behind.
	l := e.mustCall("ListSchedules", &scheduler.ListSchedulesInput{}).(*scheduler.ListSchedulesOutput)
	if len(l.Schedules) != 1 {
		t.Errorf("schedules after failed creates: %+v", l.Schedules)
	}
}

func TestNotFound(t *testing.T) {
	e := newEnv(t, june11)
	_, err := e.call("GetSchedule", &scheduler.GetScheduleInput{Name: "nope"})
	if de := wantCode(t, err, "ResourceNotFoundException", 404); de.Message != "Schedule nope does not exist." {
		t.Errorf("message %q", de.Message)
	}
	_, err = e.call("DeleteSchedule", &scheduler.DeleteScheduleInput{Name: "nope"})
	wantCode(t, err, "ResourceNotFoundException", 404)
	up := scheduler.UpdateScheduleInput(*seedSchedule("nope"))
	_, err = e.call("UpdateSchedule", &up)
	wantCode(t, err, "ResourceNotFoundException", 404)
	_, err = e.call("GetScheduleGroup", &scheduler.GetScheduleGroupInput{Name: "nope"})
	wantCode(t, err, "ResourceNotFoundException", 404)
	_, err = e.call("ListSchedules", &scheduler.ListSchedulesInput{GroupName: "nope"})
	wantCode(t, err, "ResourceNotFoundException", 404)
}

func TestListSchedulesFiltersAndPages(t *testing.T) {
	e := newEnv(t, june11)
	e.mustCall("CreateScheduleGroup", &scheduler.CreateScheduleGroupInput{Name: "etl"})
	for i := range 5 {
		in := seedSchedule(fmt.Sprintf("wp-%d", i))
		if i%2 == 1 {
			in.State = scheduler.StateDisabled
		}
		e.mustCall("CreateSchedule", in)
	}
	other := seedSchedule("wp-etl")
	other.GroupName = "etl"
	e.mustCall("CreateSchedule", other)
	e.mustCall("CreateSchedule", seedSchedule("zz"))

	names := func(in *scheduler.ListSchedulesInput) []string {
		var out []string
		for {
			l := e.mustCall("ListSchedules", in).(*scheduler.ListSchedulesOutput)
			for _, s := range l.Schedules {
				out = append(out, s.GroupName+"/"+s.Name)
			}
			if l.NextToken == "" {
				return out
			}
			in.NextToken = l.NextToken
		}
	}
	all := []string{"default/wp-0", "default/wp-1", "default/wp-2", "default/wp-3", "default/wp-4", "default/zz", "etl/wp-etl"}
	if got := names(&scheduler.ListSchedulesInput{MaxResults: ptr(int32(2))}); !slices.Equal(got, all) {
		t.Errorf("all, 2 a page: %v", got)
	}
	if got := names(&scheduler.ListSchedulesInput{NamePrefix: "wp"}); len(got) != 6 {
		t.Errorf("prefix wp: %v", got)
	}
	if got, want := names(&scheduler.ListSchedulesInput{GroupName: "etl"}), []string{"etl/wp-etl"}; !slices.Equal(got, want) {
		t.Errorf("group etl: %v", got)
	}
	if got, want := names(&scheduler.ListSchedulesInput{State: scheduler.StateDisabled}), []string{"default/wp-1", "default/wp-3"}; !slices.Equal(got, want) {
		t.Errorf("disabled: %v", got)
	}
	l := e.mustCall("ListSchedules", &scheduler.ListSchedulesInput{NamePrefix: "zz"}).(*scheduler.ListSchedulesOutput)
	if len(l.Schedules) != 1 || l.Schedules[0].Target.Arn != machineARN || l.Schedules[0].State != "ENABLED" || l.Schedules[0].CreationDate == nil {
		t.Errorf("summary = %+v", l.Schedules)
	}
	_, err := e.call("ListSchedules", &scheduler.ListSchedulesInput{NextToken: "garbage"})
	wantCode(t, err, "ValidationException", 400)
}

func TestScheduleGroups(t *testing.T) {
	e := newEnv(t, june11)
	g := e.mustCall("GetScheduleGroup", &scheduler.GetScheduleGroupInput{Name: "default"}).(*scheduler.GetScheduleGroupOutput)
	if g.Arn != "arn:aws:scheduler:eu-west-1:123456789012:schedule-group/default" || g.State != "ACTIVE" || g.CreationDate != nil {
		t.Errorf("default group = %+v", g)
	}
	_, err := e.call("CreateScheduleGroup", &scheduler.CreateScheduleGroupInput{Name: "default"})
	wantCode(t, err, "ConflictException", 409)
	out := e.mustCall("CreateScheduleGroup", &scheduler.CreateScheduleGroupInput{Name: "wordpress", Tags: []scheduler.Tag{{Key: "project", Value: "amazonwebshark"}}}).(*scheduler.CreateScheduleGroupOutput)
	if out.ScheduleGroupArn != "arn:aws:scheduler:eu-west-1:123456789012:schedule-group/wordpress" {
		t.Errorf("arn = %s", out.ScheduleGroupArn)
	}
	_, err = e.call("CreateScheduleGroup", &scheduler.CreateScheduleGroupInput{Name: "wordpress"})
	wantCode(t, err, "ConflictException", 409)
	e.mustCall("CreateScheduleGroup", &scheduler.CreateScheduleGroupInput{Name: "alpha"})

	var got []string
	in := &scheduler.ListScheduleGroupsInput{MaxResults: ptr(int32(1))}
	for {
		l := e.mustCall("ListScheduleGroups", in).(*scheduler.ListScheduleGroupsOutput)
		for _, g := range l.ScheduleGroups {
			got = append(got, g.Name)
		}
		if l.NextToken == "" {
			break
		}
		in.NextToken = l.NextToken
	}
	if want := []string{"alpha", "default", "wordpress"}; !slices.Equal(got, want) {
		t.Errorf("groups %v, want %v", got, want)
	}

	// Tags, on a created group and on the default group.
	arn := out.ScheduleGroupArn
	e.mustCall("TagResource", &scheduler.TagResourceInput{ResourceArn: arn, Tags: []scheduler.Tag{{Key: "env", Value: "dev"}, {Key: "project", Value: "shoal"}}})
	e.mustCall("UntagResource", &scheduler.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"env", "absent"}})
	tags := e.mustCall("ListTagsForResource", &scheduler.ListTagsForResourceInput{ResourceArn: arn}).(*scheduler.ListTagsForResourceOutput)
	if got := mustJSON(t, tags.Tags); got != `[{"Key":"project","Value":"shoal"}]` {
		t.Errorf("tags = %s", got)
	}
	def := "arn:aws:scheduler:eu-west-1:123456789012:schedule-group/default"
	e.mustCall("TagResource", &scheduler.TagResourceInput{ResourceArn: def, Tags: []scheduler.Tag{{Key: "k", Value: "v"}}})
	tags = e.mustCall("ListTagsForResource", &scheduler.ListTagsForResourceInput{ResourceArn: def}).(*scheduler.ListTagsForResourceOutput)
	if len(tags.Tags) != 1 {
		t.Errorf("default group tags = %+v", tags.Tags)
	}
	_, err = e.call("ListTagsForResource", &scheduler.ListTagsForResourceInput{ResourceArn: "arn:aws:scheduler:eu-west-1:123456789012:schedule/default/x"})
	wantCode(t, err, "ValidationException", 400)
	_, err = e.call("TagResource", &scheduler.TagResourceInput{ResourceArn: "arn:aws:scheduler:eu-west-1:123456789012:schedule-group/nope", Tags: []scheduler.Tag{{Key: "k", Value: "v"}}})
	wantCode(t, err, "ResourceNotFoundException", 404)

	// Deleting a group deletes its schedules, and their firings.
	in2 := seedSchedule("in-group")
	in2.GroupName = "wordpress"
	e.mustCall("CreateSchedule", in2)
	e.mustCall("DeleteScheduleGroup", &scheduler.DeleteScheduleGroupInput{Name: "wordpress"})
	_, err = e.call("GetSchedule", &scheduler.GetScheduleInput{Name: "in-group", GroupName: "wordpress"})
	wantCode(t, err, "ResourceNotFoundException", 404)
	e.clk.Advance(24 * time.Hour)
	if n := len(e.states.executions()); n != 0 {
		t.Errorf("a deleted group's schedule fired %d times", n)
	}
	_, err = e.call("DeleteScheduleGroup", &scheduler.DeleteScheduleGroupInput{Name: "default"})
	wantCode(t, err, "ValidationException", 400)
}

// The same name in two groups is two schedules.
func TestScheduleNamesAreScopedByGroup(t *testing.T) {
	e := newEnv(t, june11)
	e.mustCall("CreateScheduleGroup", &scheduler.CreateScheduleGroupInput{Name: "other"})
	e.mustCall("CreateSchedule", seedSchedule("same"))
	in := seedSchedule("same")
	in.GroupName = "other"
	out := e.mustCall("CreateSchedule", in).(*scheduler.CreateScheduleOutput)
	if !strings.HasSuffix(out.ScheduleArn, ":schedule/other/same") {
		t.Errorf("arn = %s", out.ScheduleArn)
	}
	e.clk.Advance(24 * time.Hour)
	if n := len(e.states.executions()); n != 2 {
		t.Errorf("%d firings, want 2", n)
	}
}
