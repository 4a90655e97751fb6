package events

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/store"
)

const seedPattern = `{"source":["aws.ssm"],"detail-type":["AWS API Call via CloudTrail"],"detail":{"eventSource":["ssm.amazonaws.com"],"eventName":["PutParameter"]}}`

func TestRuleLifecycle(t *testing.T) {
	e := newEnv(t)
	out := must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: "glue-stop", EventPattern: seedPattern, Description: "d"})
	if out.RuleArn != "arn:aws:events:eu-west-1:123456789012:rule/glue-stop" {
		t.Errorf("RuleArn = %s", out.RuleArn)
	}
	d := must[DescribeRuleOutput](e, "DescribeRule", &DescribeRuleInput{Name: "glue-stop"})
	if d.State != StateEnabled || d.EventPattern != seedPattern || d.EventBusName != "default" || d.CreatedBy != "123456789012" || d.Description != "d" {
		t.Errorf("DescribeRule = %+v", d)
	}
	// PutRule replaces: members left out are not kept.
	must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: "glue-stop", EventPattern: seedPattern, State: StateDisabled})
	d = must[DescribeRuleOutput](e, "DescribeRule", &DescribeRuleInput{Name: "glue-stop"})
	if d.State != StateDisabled || d.Description != "" {
		t.Errorf("after replace: %+v", d)
	}
	must[Empty](e, "EnableRule", &EnableRuleInput{Name: "glue-stop"})
	if d := must[DescribeRuleOutput](e, "DescribeRule", &DescribeRuleInput{Name: "glue-stop"}); d.State != StateEnabled {
		t.Errorf("EnableRule left %s", d.State)
	}
	must[Empty](e, "DisableRule", &DisableRuleInput{Name: "glue-stop"})
	if d := must[DescribeRuleOutput](e, "DescribeRule", &DescribeRuleInput{Name: "glue-stop"}); d.State != StateDisabled {
		t.Errorf("DisableRule left %s", d.State)
	}
	fails(e, "DescribeRule", &DescribeRuleInput{Name: "nope"}, "ResourceNotFoundException")
	fails(e, "EnableRule", &EnableRuleInput{Name: "nope"}, "ResourceNotFoundException")

	must[PutTargetsOutput](e, "PutTargets", &PutTargetsInput{Rule: "glue-stop", Targets: []Target{{Id: "sfn", Arn: "arn:aws:states:eu-west-1:123456789012:stateMachine:x"}}})
	de := fails(e, "DeleteRule", &DeleteRuleInput{Name: "glue-stop"}, "ValidationException")
	if de.Message != "Rule can't be deleted since it has targets." {
		t.Errorf("message %q", de.Message)
	}
	must[RemoveTargetsOutput](e, "RemoveTargets", &RemoveTargetsInput{Rule: "glue-stop", Ids: []string{"sfn"}})
	must[Empty](e, "DeleteRule", &DeleteRuleInput{Name: "glue-stop"})
	fails(e, "DescribeRule", &DescribeRuleInput{Name: "glue-stop"}, "ResourceNotFoundException")
	// Deleting again succeeds, as the API reference says.
	must[Empty](e, "DeleteRule", &DeleteRuleInput{Name: "glue-stop"})
	fails(e, "DeleteRule", &DeleteRuleInput{Name: "x", EventBusName: "no-such-bus"}, "ResourceNotFoundException")
}

func TestPutRuleErrors(t *testing.T) {
	e := newEnv(t)
	de := fails(e, "PutRule", &PutRuleInput{Name: "r", EventPattern: `{"detail": {}}`}, "InvalidEventPatternException")
	if !strings.HasPrefix(de.Message, "Event pattern is not valid. Reason: Empty objects are not allowed") {
		t.Errorf("message %q", de.Message)
	}
	de = fails(e, "PutRule", &PutRuleInput{Name: "r", EventPattern: `{"source":["` + strings.Repeat("a", 4100) + `"]}`}, "ValidationException")
	if !strings.Contains(de.Message, "Member must have length less than or equal to 4096") {
		t.Errorf("message %q", de.Message)
	}
	de = fails(e, "PutRule", &PutRuleInput{Name: "r"}, "ValidationException")
	if de.Message != "Parameter(s) EventPattern or ScheduleExpression must be specified." {
		t.Errorf("message %q", de.Message)
	}
	de = fails(e, "PutRule", &PutRuleInput{Name: "r", ScheduleExpression: "rate(0 minutes)"}, "ValidationException")
	if de.Message != "Parameter ScheduleExpression is not valid." {
		t.Errorf("message %q", de.Message)
	}
	fails(e, "PutRule", &PutRuleInput{Name: "bad name", EventPattern: seedPattern}, "ValidationException")
	fails(e, "PutRule", &PutRuleInput{Name: "r", EventPattern: seedPattern, EventBusName: "missing"}, "ResourceNotFoundException")
	fails(e, "PutRule", &PutRuleInput{Name: "r", EventPattern: seedPattern, State: "ON"}, "ValidationException")

	// A schedule is validated and stored (scheduled_test.go has it fire).
	must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: "daily", ScheduleExpression: "cron(0 7 * * ? *)"})
	if d := must[DescribeRuleOutput](e, "DescribeRule", &DescribeRuleInput{Name: "daily"}); d.ScheduleExpression != "cron(0 7 * * ? *)" {
		t.Errorf("schedule not stored: %+v", d)
	}
	must[CreateEventBusOutput](e, "CreateEventBus", &CreateEventBusInput{Name: "orders"})
	de = fails(e, "PutRule", &PutRuleInput{Name: "r", ScheduleExpression: "rate(5 minutes)", EventBusName: "orders"}, "ValidationException")
	if de.Message != "ScheduleExpression is supported only on the default event bus." {
		t.Errorf("message %q", de.Message)
	}
	// Rules on a custom bus have the bus in their ARN; a bus ARN names it too.
	out := must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: "r", EventPattern: seedPattern, EventBusName: "arn:aws:events:eu-west-1:123456789012:event-bus/orders"})
	if out.RuleArn != "arn:aws:events:eu-west-1:123456789012:rule/orders/r" {
		t.Errorf("RuleArn = %s", out.RuleArn)
	}
}

func TestListRulesPagination(t *testing.T) {
	e := newEnv(t)
	for i := range 5 {
		must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: fmt.Sprintf("r%d", i), EventPattern: seedPattern})
	}
	must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: "other", EventPattern: seedPattern})
	var names []string
	token := ""
	for pages := 0; ; pages++ {
		out := must[ListRulesOutput](e, "ListRules", &ListRulesInput{NamePrefix: "r", Limit: ptr(int32(2)), NextToken: token})
		for _, r := range out.Rules {
			names = append(names, r.Name)
			if r.Arn == "" || r.EventBusName != "default" || r.State != StateEnabled {
				t.Errorf("rule %+v", r)
			}
		}
		if out.NextToken == "" {
			if pages != 2 {
				t.Errorf("%d pages, want 3", pages+1)
			}
			break
		}
		token = out.NextToken
	}
	if !slices.Equal(names, []string{"r0", "r1", "r2", "r3", "r4"}) {
		t.Errorf("names = %v", names)
	}
	fails(e, "ListRules", &ListRulesInput{NextToken: "garbage"}, "ValidationException")
}

func TestTargets(t *testing.T) {
	e := newEnv(t)
	must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: "r", EventPattern: seedPattern})
	must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: "r2", EventPattern: seedPattern})
	arn := "arn:aws:states:eu-west-1:123456789012:stateMachine:GlueSession-WaitAndStop"
	var five []Target
	for i := range 5 {
		five = append(five, Target{Id: fmt.Sprintf("t%d", i), Arn: arn})
	}
	out := must[PutTargetsOutput](e, "PutTargets", &PutTargetsInput{Rule: "r", Targets: five})
	if out.FailedEntryCount != 0 || out.FailedEntries == nil {
		t.Errorf("PutTargets = %+v", out)
	}
	// Replacing an Id is not a sixth target; a new one is.
	must[PutTargetsOutput](e, "PutTargets", &PutTargetsInput{Rule: "r", Targets: []Target{{Id: "t0", Arn: arn, Input: ptr(`{"a":1}`)}}})
	de := fails(e, "PutTargets", &PutTargetsInput{Rule: "r", Targets: []Target{{Id: "t5", Arn: arn}}}, "LimitExceededException")
	if de.Message != "The requested resource exceeds the maximum number allowed." {
		t.Errorf("message %q", de.Message)
	}
	fails(e, "PutTargets", &PutTargetsInput{Rule: "nope", Targets: five[:1]}, "ResourceNotFoundException")
	de = fails(e, "PutTargets", &PutTargetsInput{Rule: "r2", Targets: []Target{{Id: "x", Arn: arn, Input: ptr(`{}`), InputPath: ptr("$.detail")}}}, "ValidationException")
	if de.Message != "Only one of Input, InputPath, or InputTransformer must be provided for target x." {
		t.Errorf("message %q", de.Message)
	}
	de = fails(e, "PutTargets", &PutTargetsInput{Rule: "r2", Targets: []Target{{Id: "x", Arn: arn, InputTransformer: &InputTransformer{InputTemplate: `{"a": <b>}`}}}}, "ValidationException")
	if de.Message != "InputTemplate for target x contains invalid placeholder b." {
		t.Errorf("message %q", de.Message)
	}
	fails(e, "PutTargets", &PutTargetsInput{Rule: "r2", Targets: []Target{{Id: "x", Arn: arn, Input: ptr(`{not json`)}}}, "ValidationException")

	must[PutTargetsOutput](e, "PutTargets", &PutTargetsInput{Rule: "r2", Targets: []Target{{Id: "only", Arn: arn}}})
	lt := must[ListTargetsByRuleOutput](e, "ListTargetsByRule", &ListTargetsByRuleInput{Rule: "r", Limit: ptr(int32(3))})
	if len(lt.Targets) != 3 || lt.NextToken == "" || *lt.Targets[0].Input != `{"a":1}` {
		t.Fatalf("ListTargetsByRule = %+v", lt)
	}
	lt = must[ListTargetsByRuleOutput](e, "ListTargetsByRule", &ListTargetsByRuleInput{Rule: "r", NextToken: lt.NextToken})
	if len(lt.Targets) != 2 || lt.Targets[1].Id != "t4" || lt.NextToken != "" {
		t.Errorf("second page = %+v", lt)
	}
	names := must[ListRuleNamesByTargetOutput](e, "ListRuleNamesByTarget", &ListRuleNamesByTargetInput{TargetArn: arn})
	if !slices.Equal(names.RuleNames, []string{"r", "r2"}) {
		t.Errorf("ListRuleNamesByTarget = %v", names.RuleNames)
	}
	fails(e, "ListTargetsByRule", &ListTargetsByRuleInput{Rule: "nope"}, "ResourceNotFoundException")
}

func TestEventBuses(t *testing.T) {
	e := newEnv(t)
	d := must[DescribeEventBusOutput](e, "DescribeEventBus", &DescribeEventBusInput{})
	if d.Name != "default" || d.Arn != "arn:aws:events:eu-west-1:123456789012:event-bus/default" {
		t.Errorf("default bus = %+v", d)
	}
	out := must[CreateEventBusOutput](e, "CreateEventBus", &CreateEventBusInput{Name: "orders", Description: "o"})
	if out.EventBusArn != "arn:aws:events:eu-west-1:123456789012:event-bus/orders" {
		t.Errorf("EventBusArn = %s", out.EventBusArn)
	}
	fails(e, "CreateEventBus", &CreateEventBusInput{Name: "orders"}, "ResourceAlreadyExistsException")
	fails(e, "CreateEventBus", &CreateEventBusInput{Name: "default"}, "ResourceAlreadyExistsException")
	fails(e, "DescribeEventBus", &DescribeEventBusInput{Name: "nope"}, "ResourceNotFoundException")
	d = must[DescribeEventBusOutput](e, "DescribeEventBus", &DescribeEventBusInput{Name: "orders"})
	if d.Description != "o" || d.CreationTime == nil {
		t.Errorf("orders = %+v", d)
	}
	l := must[ListEventBusesOutput](e, "ListEventBuses", &ListEventBusesInput{})
	if len(l.EventBuses) != 2 || l.EventBuses[0].Name != "default" || l.EventBuses[1].Name != "orders" {
		t.Errorf("ListEventBuses = %+v", l)
	}
	l = must[ListEventBusesOutput](e, "ListEventBuses", &ListEventBusesInput{NamePrefix: "or"})
	if len(l.EventBuses) != 1 {
		t.Errorf("prefix listing = %+v", l)
	}
	must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: "r", EventPattern: seedPattern, EventBusName: "orders"})
	fails(e, "DeleteEventBus", &DeleteEventBusInput{Name: "default"}, "ValidationException")
	must[Empty](e, "DeleteEventBus", &DeleteEventBusInput{Name: "orders"})
	must[Empty](e, "DeleteEventBus", &DeleteEventBusInput{Name: "orders"})
	fails(e, "DescribeEventBus", &DescribeEventBusInput{Name: "orders"}, "ResourceNotFoundException")
	// Its rules went with it.
	must[CreateEventBusOutput](e, "CreateEventBus", &CreateEventBusInput{Name: "orders"})
	if l := must[ListRulesOutput](e, "ListRules", &ListRulesInput{EventBusName: "orders"}); len(l.Rules) != 0 {
		t.Errorf("rules survived their bus: %+v", l.Rules)
	}
}

func TestTags(t *testing.T) {
	e := newEnv(t)
	arn := must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: "r", EventPattern: seedPattern, Tags: []Tag{{Key: "a", Value: "1"}}}).RuleArn
	must[Empty](e, "TagResource", &TagResourceInput{ResourceARN: arn, Tags: []Tag{{Key: "b", Value: "2"}, {Key: "a", Value: "3"}}})
	tags := must[ListTagsForResourceOutput](e, "ListTagsForResource", &ListTagsForResourceInput{ResourceARN: arn}).Tags
	if !slices.Equal(tags, []Tag{{"a", "3"}, {"b", "2"}}) {
		t.Errorf("tags = %v", tags)
	}
	must[Empty](e, "UntagResource", &UntagResourceInput{ResourceARN: arn, TagKeys: []string{"a"}})
	if tags := must[ListTagsForResourceOutput](e, "ListTagsForResource", &ListTagsForResourceInput{ResourceARN: arn}).Tags; !slices.Equal(tags, []Tag{{"b", "2"}}) {
		t.Errorf("after untag = %v", tags)
	}
	bus := "arn:aws:events:eu-west-1:123456789012:event-bus/default"
	must[Empty](e, "TagResource", &TagResourceInput{ResourceARN: bus, Tags: []Tag{{Key: "k", Value: "v"}}})
	if tags := must[ListTagsForResourceOutput](e, "ListTagsForResource", &ListTagsForResourceInput{ResourceARN: bus}).Tags; len(tags) != 1 {
		t.Errorf("default bus tags = %v", tags)
	}
	fails(e, "ListTagsForResource", &ListTagsForResourceInput{ResourceARN: "arn:aws:events:eu-west-1:123456789012:rule/nope"}, "ResourceNotFoundException")
	fails(e, "TagResource", &TagResourceInput{ResourceARN: "arn:aws:sns:eu-west-1:123456789012:t", Tags: []Tag{{Key: "k"}}}, "ResourceNotFoundException")
}

func TestPutEventsEntries(t *testing.T) {
	e := newEnv(t)
	ok := PutEventsRequestEntry{Source: "my.app", DetailType: "Order", Detail: `{"id": 1}`}
	entries := []PutEventsRequestEntry{
		ok,
		{DetailType: "x", Detail: "{}"},
		{Source: "s", Detail: "{}"},
		{Source: "s", DetailType: "x"},
		{Source: "s", DetailType: "x", Detail: `[1]`},
		{Source: "s", DetailType: "x", Detail: `{"a":`},
		{Source: "aws.ssm", DetailType: "x", Detail: `{}`},
		{Source: "s", DetailType: "x", Detail: `{}`, EventBusName: "missing"},
	}
	out := must[PutEventsOutput](e, "PutEvents", &PutEventsInput{Entries: entries})
	want := []string{"", "InvalidArgument", "InvalidArgument", "InvalidArgument", "MalformedDetail", "MalformedDetail", "NotAuthorizedForSourceException", "ResourceNotFoundException"}
	if out.FailedEntryCount != 7 || len(out.Entries) != len(entries) {
		t.Fatalf("PutEvents = %+v", out)
	}
	for i, w := range want {
		got := out.Entries[i]
		if got.ErrorCode != w || (w == "") != (got.EventId != "") {
			t.Errorf("entry %d = %+v, want code %q", i, got, w)
		}
	}
	if out.Entries[1].ErrorMessage != "Parameter Source is not valid. Reason: Source is a required argument." || out.Entries[4].ErrorMessage != "Detail is malformed." {
		t.Errorf("messages: %+v", out.Entries)
	}
	fails(e, "PutEvents", &PutEventsInput{Entries: make([]PutEventsRequestEntry, 11)}, "ValidationException")
	big := PutEventsRequestEntry{Source: "s", DetailType: "x", Detail: `{"a":"` + strings.Repeat("x", MaxEntriesSize) + `"}`}
	de := fails(e, "PutEvents", &PutEventsInput{Entries: []PutEventsRequestEntry{big}}, "ValidationException")
	if de.Message != "Total size of the entries in the request is over the limit." {
		t.Errorf("message %q", de.Message)
	}
	// Just under 1 MB is accepted (the 2026 limit, not the old 256 KB).
	under := PutEventsRequestEntry{Source: "s", DetailType: "x", Detail: `{"a":"` + strings.Repeat("x", 600_000) + `"}`}
	if out := must[PutEventsOutput](e, "PutEvents", &PutEventsInput{Entries: []PutEventsRequestEntry{under}}); out.FailedEntryCount != 0 {
		t.Errorf("600 KB entry rejected: %+v", out)
	}
}

func TestTestEventPattern(t *testing.T) {
	e := newEnv(t)
	event := `{"version":"0","id":"1","detail-type":"AWS API Call via CloudTrail","source":"aws.ssm","account":"123456789012","time":"2024-06-11T12:23:04Z","region":"eu-west-1","resources":[],"detail":{"eventSource":"ssm.amazonaws.com","eventName":"PutParameter"}}`
	if !must[TestEventPatternOutput](e, "TestEventPattern", &TestEventPatternInput{EventPattern: seedPattern, Event: event}).Result {
		t.Error("seed pattern does not match")
	}
	other := strings.Replace(event, "PutParameter", "GetParameter", 1)
	if must[TestEventPatternOutput](e, "TestEventPattern", &TestEventPatternInput{EventPattern: seedPattern, Event: other}).Result {
		t.Error("GetParameter matched")
	}
	fails(e, "TestEventPattern", &TestEventPatternInput{EventPattern: `{"source": "x"}`, Event: event}, "InvalidEventPatternException")
	fails(e, "TestEventPattern", &TestEventPatternInput{EventPattern: seedPattern, Event: "not json"}, "ValidationException")
}

// seedTarget is the seed's target: a state machine, with the seed's input
// transformer pointed at an SSM parameter's name.
func seedTarget() Target {
	return Target{Id: "glue-stop", Arn: "arn:aws:states:eu-west-1:123456789012:stateMachine:GlueSession-WaitAndStop",
		RoleArn:          "arn:aws:iam::123456789012:role/service-role/Amazon_EventBridge_Invoke_Step_Functions",
		InputTransformer: &InputTransformer{InputPathsMap: map[string]string{"id": "$.detail.requestParameters.name"}, InputTemplate: `{"session_id": "<id>"}`}}
}

func TestDeliveryToStepFunctions(t *testing.T) {
	e := newEnv(t)
	must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: "r", EventPattern: `{"source":["my.app"]}`})
	tg := seedTarget()
	tg.InputTransformer.InputPathsMap["id"] = "$.detail.id"
	must[PutTargetsOutput](e, "PutTargets", &PutTargetsInput{Rule: "r", Targets: []Target{tg, {Id: "whole", Arn: tg.Arn}, {Id: "path", Arn: tg.Arn, InputPath: ptr("$.detail")}}})
	out := must[PutEventsOutput](e, "PutEvents", &PutEventsInput{Entries: []PutEventsRequestEntry{
		{Source: "my.app", DetailType: "t", Detail: `{"id": "glue-studio-datapreview-3f905608-50f1-4b9e-80e2-f4071feb2282"}`},
		{Source: "other.app", DetailType: "t", Detail: `{}`},
	}})
	e.drain()
	got := e.states.got()
	slices.Sort(got)
	want := []string{
		`{"id":"glue-studio-datapreview-3f905608-50f1-4b9e-80e2-f4071feb2282"}`,
		`{"session_id": "glue-studio-datapreview-3f905608-50f1-4b9e-80e2-f4071feb2282"}`,
		`{"version":"0","id":"` + out.Entries[0].EventId + `","detail-type":"t","source":"my.app","account":"123456789012","time":"2024-06-11T12:23:04Z","region":"eu-west-1","resources":[],"detail":{"id":"glue-studio-datapreview-3f905608-50f1-4b9e-80e2-f4071feb2282"}}`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("StartExecution inputs:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// A disabled rule matches nothing.
	must[Empty](e, "DisableRule", &DisableRuleInput{Name: "r"})
	must[PutEventsOutput](e, "PutEvents", &PutEventsInput{Entries: []PutEventsRequestEntry{{Source: "my.app", DetailType: "t", Detail: `{}`}}})
	e.drain()
	if n := len(e.states.got()); n != 3 {
		t.Errorf("%d executions after a disabled rule, want 3", n)
	}
}

func TestDeliveryRetriesThenDeadLetters(t *testing.T) {
	e := newEnv(t)
	must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: "r", EventPattern: `{"source":["my.app"]}`})
	must[PutTargetsOutput](e, "PutTargets", &PutTargetsInput{Rule: "r", Targets: []Target{
		// Lambda is not in this registry: the delivery must fail, be retried
		// per the policy, then be dead-lettered — never a silent success.
		{Id: "fn", Arn: "arn:aws:lambda:eu-west-1:123456789012:function:f", RetryPolicy: &RetryPolicy{MaximumRetryAttempts: ptr(int32(2))},
			DeadLetterConfig: &DeadLetterConfig{Arn: "arn:aws:sqs:eu-west-1:123456789012:dlq"}},
		// A state machine that is down twice, then recovers.
		{Id: "sfn", Arn: "arn:aws:states:eu-west-1:123456789012:stateMachine:m"},
	}})
	e.states.fail = 2
	must[PutEventsOutput](e, "PutEvents", &PutEventsInput{Entries: []PutEventsRequestEntry{{Source: "my.app", DetailType: "t", Detail: `{}`}}})
	e.drain() // first attempts fail; retries due after 1 s, then 2 s
	if len(e.states.got()) != 0 || len(e.deadLetters()) != 0 {
		t.Fatal("delivered or dead-lettered too early")
	}
	e.clk.Advance(time.Second)
	e.drain()
	if len(e.states.got()) != 0 {
		t.Fatal("second attempt should still fail")
	}
	e.clk.Advance(2 * time.Second)
	e.drain()
	if got := e.states.got(); len(got) != 1 {
		t.Fatalf("state machine got %v after recovering", got)
	}
	dls := e.deadLetters()
	if len(dls) != 1 {
		t.Fatalf("dead letters = %+v", dls)
	}
	dl := dls[0]
	if dl.TargetArn != "arn:aws:lambda:eu-west-1:123456789012:function:f" || dl.ErrorCode != "UnknownOperationException" ||
		dl.ExhaustedRetryCondition != "MaximumRetryAttempts" || dl.RetryAttempts != 2 || dl.SentToDeadLetterQueue || dl.DeadLetterArn == "" {
		t.Errorf("dead letter = %+v", dl)
	}
	// Nothing is left to deliver.
	if _, ok, _ := e.st.JobNextDue(t.Context(), QueueDelivery); ok {
		t.Error("jobs left in the queue")
	}
}

func TestClientErrorsAreNotRetried(t *testing.T) {
	e := newEnv(t)
	must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: "r", EventPattern: `{"source":["my.app"]}`})
	must[PutTargetsOutput](e, "PutTargets", &PutTargetsInput{Rule: "r", Targets: []Target{{Id: "sfn", Arn: "arn:aws:states:eu-west-1:123456789012:stateMachine:gone"}}})
	// A 4xx from the target: give up at once.
	e.states.fail, e.states.code = 1, "StateMachineDoesNotExist"
	must[PutEventsOutput](e, "PutEvents", &PutEventsInput{Entries: []PutEventsRequestEntry{{Source: "my.app", DetailType: "t", Detail: `{}`}}})
	e.drain()
	dls := e.deadLetters()
	if len(dls) != 1 || dls[0].ErrorCode != "StateMachineDoesNotExist" || dls[0].RetryAttempts != 0 {
		t.Errorf("dead letters = %+v", dls)
	}
}

func (e *env) deadLetters() []DeadLetter {
	e.t.Helper()
	var out []DeadLetter
	err := e.st.View(e.t.Context(), func(tx store.Tx) error {
		out = out[:0]
		entries, err := tx.LogRead(e.t.Context(), &store.LogReadParams{Log: DeadLetterLog("123456789012", "eu-west-1")})
		for _, en := range entries {
			var dl DeadLetter
			if err := json.Unmarshal(en.Data, &dl); err != nil {
				return err
			}
			out = append(out, dl)
		}
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

func TestDeliverySurvivesRestart(t *testing.T) {
	e := newEnv(t)
	must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: "r", EventPattern: `{"source":["my.app"]}`})
	must[PutTargetsOutput](e, "PutTargets", &PutTargetsInput{Rule: "r", Targets: []Target{{Id: "sfn", Arn: "arn:aws:states:eu-west-1:123456789012:stateMachine:m", Input: ptr(`{"k":"v"}`)}}})
	must[PutEventsOutput](e, "PutEvents", &PutEventsInput{Entries: []PutEventsRequestEntry{{Source: "my.app", DetailType: "t", Detail: `{}`}}})
	// The process goes away before delivering; a new one finds the work
	// and the rules (the matcher is rebuilt from the store).
	e.reopen()
	if err := e.svc.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	e.drain()
	if got := e.states.got(); !slices.Equal(got, []string{`{"k":"v"}`}) {
		t.Errorf("after restart the state machine got %v", got)
	}
	must[PutEventsOutput](e, "PutEvents", &PutEventsInput{Entries: []PutEventsRequestEntry{{Source: "my.app", DetailType: "t", Detail: `{}`}}})
	e.drain()
	if got := e.states.got(); len(got) != 2 {
		t.Errorf("rules not reloaded: %v", got)
	}
}

// The hand-written delivery payload is what json.Marshal without HTML
// escaping writes for the same delivery, byte for byte.
func TestDeliveryPayloadMatchesMarshal(t *testing.T) {
	sc := scope{account: "123456789012", region: "eu-west-1"}
	event := buildEvent("id-1", "Order <placed>", "my.shop", sc, start, []string{"arn:x", `q"uote`}, []byte(`{"a":"<b>&\u2028é"}`))
	target := Target{Id: "t1", Arn: machineArn, Input: ptr(`{"x":"<y>"}`), RetryPolicy: &RetryPolicy{MaximumRetryAttempts: ptr(int32(3))}}
	now := start.Add(1234 * time.Millisecond)
	want, err := marshalRaw(&delivery{Account: sc.account, Region: sc.region, Bus: "b\u00e9", Rule: "r", RuleArn: sc.ruleArn("b\u00e9", "r"),
		Target: target, EventID: "id-1", Event: event, Ingested: now})
	if err != nil {
		t.Fatal(err)
	}
	tb, err := marshalRaw(&target)
	if err != nil {
		t.Fatal(err)
	}
	if got := deliveryPayload(sc, "b\u00e9", "r", sc.ruleArn("b\u00e9", "r"), tb, "id-1", event, now); string(got) != string(want) {
		t.Errorf("deliveryPayload =\n%s\nwant\n%s", got, want)
	}
	var ev map[string]any
	if err := json.Unmarshal(event, &ev); err != nil || ev["detail-type"] != "Order <placed>" || ev["resources"].([]any)[1] != `q"uote` {
		t.Errorf("event %s: %v", event, err)
	}
}

// A matched rule's targets are the committed ones even though PutEvents
// keeps rules decoded between calls.
func TestDeliveryFollowsTargetChanges(t *testing.T) {
	e := newEnv(t)
	must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: "r", EventPattern: `{"source":["my.shop"]}`})
	put := func(arn string) {
		t.Helper()
		must[PutTargetsOutput](e, "PutTargets", &PutTargetsInput{Rule: "r", Targets: []Target{{Id: "t", Arn: arn}}})
		must[PutEventsOutput](e, "PutEvents", &PutEventsInput{Entries: []PutEventsRequestEntry{{Source: "my.shop", DetailType: "x", Detail: `{}`}}})
		e.drain()
	}
	put(machineArn + "-1")
	put(machineArn + "-2")
	must[RemoveTargetsOutput](e, "RemoveTargets", &RemoveTargetsInput{Rule: "r", Ids: []string{"t"}})
	must[Empty](e, "DeleteRule", &DeleteRuleInput{Name: "r"})
	must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: "r", EventPattern: `{"source":["my.shop"]}`})
	put(machineArn + "-3")
	e.states.mu.Lock()
	arns := slices.Clone(e.states.arns)
	e.states.mu.Unlock()
	if !slices.Equal(arns, []string{machineArn + "-1", machineArn + "-2", machineArn + "-3"}) {
		t.Errorf("delivered to %v", arns)
	}
}
