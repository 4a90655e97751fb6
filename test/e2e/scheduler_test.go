package e2e

import (
	"encoding/json"
	"strings"
	"testing"
)

// EventBridge Scheduler with the AWS CLI against a real process on a
// manual clock: the seed's 07:00 daily schedule, here aimed at the
// universal target ssm:putParameter so its firing is visible with
// `aws ssm get-parameter`.
func TestSchedulerCLI(t *testing.T) {
	requireTool(t, "aws", "--version")
	s := Start(t, "--clock", "manual", "--clock-start", "2024-06-11T06:00:00Z")

	target := `{"Arn":"arn:aws:scheduler:::aws-sdk:ssm:putParameter",` +
		`"RoleArn":"arn:aws:iam::123456789012:role/service-role/Amazon_EventBridge_Scheduler_SSM",` +
		`"Input":"{\"Name\":\"/wordpress/last-run\",\"Value\":\"07:00\",\"Type\":\"String\",\"Overwrite\":true}"}`
	out := s.MustAWS("scheduler", "create-schedule", "--name", "WordPress_Raw_To_Bronze",
		"--schedule-expression", "cron(0 7 * * ? *)", "--flexible-time-window", "Mode=OFF", "--target", target)
	var created struct{ ScheduleArn string }
	mustUnmarshal(t, out, &created)
	if created.ScheduleArn != "arn:aws:scheduler:eu-west-1:123456789012:schedule/default/WordPress_Raw_To_Bronze" {
		t.Errorf("ScheduleArn = %s", created.ScheduleArn)
	}

	var got struct {
		Name, GroupName, State, ScheduleExpression, ScheduleExpressionTimezone, ActionAfterCompletion string
		FlexibleTimeWindow                                                                            struct{ Mode string }
		CreationDate                                                                                  float64
		Target                                                                                        struct {
			Arn         string
			RetryPolicy struct{ MaximumEventAgeInSeconds, MaximumRetryAttempts int }
		}
	}
	mustUnmarshal(t, s.MustAWS("scheduler", "get-schedule", "--name", "WordPress_Raw_To_Bronze"), &got)
	if got.Name != "WordPress_Raw_To_Bronze" || got.GroupName != "default" || got.State != "ENABLED" ||
		got.ScheduleExpression != "cron(0 7 * * ? *)" || got.ScheduleExpressionTimezone != "UTC" || got.ActionAfterCompletion != "NONE" ||
		got.FlexibleTimeWindow.Mode != "OFF" || got.CreationDate != 1718085600 ||
		got.Target.RetryPolicy.MaximumEventAgeInSeconds != 86400 || got.Target.RetryPolicy.MaximumRetryAttempts != 185 {
		t.Errorf("get-schedule = %+v", got)
	}

	var list struct {
		Schedules []struct{ Name, State string }
	}
	mustUnmarshal(t, s.MustAWS("scheduler", "list-schedules", "--name-prefix", "WordPress"), &list)
	if len(list.Schedules) != 1 || list.Schedules[0].Name != "WordPress_Raw_To_Bronze" {
		t.Errorf("list-schedules = %+v", list)
	}

	// Errors carry the model's codes.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"scheduler", "create-schedule", "--name", "bad", "--schedule-expression", "rate(10 seconds)", "--flexible-time-window", "Mode=OFF", "--target", target},
			"(ValidationException) when calling the CreateSchedule operation: Invalid Schedule Expression rate(10 seconds)."},
		{[]string{"scheduler", "create-schedule", "--name", "WordPress_Raw_To_Bronze", "--schedule-expression", "rate(1 day)", "--flexible-time-window", "Mode=OFF", "--target", target},
			"(ConflictException)"},
		{[]string{"scheduler", "get-schedule", "--name", "nope"},
			"(ResourceNotFoundException) when calling the GetSchedule operation: Schedule nope does not exist."},
		{[]string{"scheduler", "get-schedule-group", "--name", "nope"}, "(ResourceNotFoundException)"},
	} {
		if _, err := s.AWS(c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("aws %s: %v, want %s", strings.Join(c.args[:2], " "), err, c.want)
		}
	}

	// Nothing has fired before 07:00.
	if _, err := s.AWS("ssm", "get-parameter", "--name", "/wordpress/last-run"); err == nil || !strings.Contains(err.Error(), "ParameterNotFound") {
		t.Fatalf("before 07:00: %v", err)
	}
	var c struct{ Now string }
	getJSON(t, "POST", s.Endpoint+"/_shoal/clock/advance", `{"seconds": 3600}`, &c)
	var p struct {
		Parameter struct {
			Value            string
			Version          int
			LastModifiedDate float64
		}
	}
	mustUnmarshal(t, s.MustAWS("ssm", "get-parameter", "--name", "/wordpress/last-run"), &p)
	if p.Parameter.Value != "07:00" || p.Parameter.Version != 1 || p.Parameter.LastModifiedDate != 1718089200 {
		t.Errorf("after 07:00: %+v", p.Parameter)
	}
	// Two more days: two more firings.
	getJSON(t, "POST", s.Endpoint+"/_shoal/clock/advance", `{"seconds": 172800}`, &c)
	mustUnmarshal(t, s.MustAWS("ssm", "get-parameter", "--name", "/wordpress/last-run"), &p)
	if p.Parameter.Version != 3 {
		t.Errorf("after 72 h the parameter has version %d, want 3", p.Parameter.Version)
	}

	// Schedules survive a SIGKILL.
	s.Kill()
	s.Restart()
	mustUnmarshal(t, s.MustAWS("scheduler", "get-schedule", "--name", "WordPress_Raw_To_Bronze"), &got)
	if got.Name != "WordPress_Raw_To_Bronze" {
		t.Errorf("after restart: %+v", got)
	}

	s.MustAWS("scheduler", "delete-schedule", "--name", "WordPress_Raw_To_Bronze")
	if _, err := s.AWS("scheduler", "get-schedule", "--name", "WordPress_Raw_To_Bronze"); err == nil || !strings.Contains(err.Error(), "ResourceNotFoundException") {
		t.Errorf("after delete-schedule: %v", err)
	}
	mustUnmarshal(t, s.MustAWS("scheduler", "list-schedules"), &list)
	if len(list.Schedules) != 0 {
		t.Errorf("list-schedules after delete = %+v", list)
	}
}

// boto3: schedule groups, tags on a group ARN (slashes in a URI label) and
// the list_schedules paginator.
func TestSchedulerBoto3(t *testing.T) {
	requireTool(t, "python3", "-c", "import boto3")
	s := Start(t, "--clock", "manual", "--clock-start", "2024-06-11T06:00:00Z")
	out, err := s.Python(`
import boto3, json
c = boto3.client("scheduler")
arn = c.create_schedule_group(Name="wordpress", Tags=[{"Key": "project", "Value": "amazonwebshark"}])["ScheduleGroupArn"]
for i in range(5):
    c.create_schedule(Name=f"s{i}", GroupName="wordpress", ScheduleExpression="rate(1 day)",
        FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15},
        Target={"Arn": "arn:aws:states:eu-west-1:123456789012:stateMachine:WordPress_Raw_To_Bronze",
                "RoleArn": "arn:aws:iam::123456789012:role/r"})
names = [s["Name"] for page in c.get_paginator("list_schedules").paginate(GroupName="wordpress", PaginationConfig={"PageSize": 2}) for s in page["Schedules"]]
c.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "dev"}])
c.untag_resource(ResourceArn=arn, TagKeys=["project"])
tags = c.list_tags_for_resource(ResourceArn=arn)["Tags"]
groups = [g["Name"] for g in c.list_schedule_groups()["ScheduleGroups"]]
c.delete_schedule_group(Name="wordpress")
left = c.list_schedules()["Schedules"]
print(json.dumps({"arn": arn, "names": names, "tags": tags, "groups": groups, "left": left}))
`)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Arn    string
		Names  []string
		Tags   []struct{ Key, Value string }
		Groups []string
		Left   []any
	}
	mustUnmarshal(t, out, &r)
	if r.Arn != "arn:aws:scheduler:eu-west-1:123456789012:schedule-group/wordpress" || strings.Join(r.Names, ",") != "s0,s1,s2,s3,s4" ||
		len(r.Tags) != 1 || r.Tags[0].Key != "env" || strings.Join(r.Groups, ",") != "default,wordpress" || len(r.Left) != 0 {
		t.Errorf("boto3 = %+v", r)
	}
}

func mustUnmarshal(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("%v in %s", err, s)
	}
}
