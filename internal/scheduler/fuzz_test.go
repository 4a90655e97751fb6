package scheduler

import (
	"strings"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/schedule"
)

// FuzzParseTarget: any target ARN either is refused with a validation
// error or turns into exactly one of a call or an invocation error, and a
// universal target keeps its service and action as written.
func FuzzParseTarget(f *testing.F) {
	for _, s := range []string{
		"arn:aws:states:eu-west-1:123456789012:stateMachine:WordPress_Raw_To_Bronze",
		"arn:aws:lambda:eu-west-1:123456789012:function:data_wordpressapi_raw",
		"arn:aws:sns:eu-west-1:123456789012:failure-stepfunction",
		"arn:aws:sqs:us-west-2:123456789012:scheduler-dlq-test",
		"arn:aws:events:eu-west-1:123456789012:event-bus/default",
		"arn:aws:scheduler:::aws-sdk:sqs:sendMessage",
		"arn:aws:scheduler:::aws-sdk:ssm:putParameter",
		"arn:aws:scheduler:::aws-sdk:ssm",
		"arn:aws:ecs:eu-west-1:123456789012:cluster/c",
		"arn::::::",
	} {
		f.Add(s, `{"k":1}`)
	}
	f.Fuzz(func(t *testing.T, arn, input string) {
		ref, err := parseTarget(arn)
		if err != nil {
			return
		}
		if ref.kind == targetUniversal {
			if ref.sdkService == "" || ref.action == "" || !strings.HasSuffix(arn, ":"+ref.sdkService+":"+ref.action) {
				t.Fatalf("universal %q parsed as %+v", arn, ref)
			}
		}
		c, ierr := invocation(&Target{Arn: arn, Input: &input, EventBridgeParameters: &EventBridgeParameters{Source: "s", DetailType: "d"}})
		if (c == nil) == (ierr == nil) {
			t.Fatalf("invocation(%q) = %+v, %v", arn, c, ierr)
		}
	})
}

// FuzzCatchUp: whatever a job's planned time and the time it runs, the
// firing it invokes is due by now and no older than the maximum age, and
// the next firing it plans is due after now.
func FuzzCatchUp(f *testing.F) {
	f.Add("cron(0 7 * * ? *)", int64(0), int64(3*86400+7200), int32(86400), int32(0))
	f.Add("rate(5 minutes)", int64(0), int64(600), int32(60), int32(0))
	f.Add("cron(0/15 * * * ? *)", int64(100), int64(100000), int32(3600), int32(30))
	f.Add("at(2024-06-11T08:00:00)", int64(0), int64(7200), int32(60), int32(15))
	f.Fuzz(func(t *testing.T, expr string, atOff, nowOff int64, maxAgeS, windowM int32) {
		e, err := schedule.Parse(expr)
		if err != nil || atOff < 0 || nowOff < atOff || nowOff > 400*86400 || maxAgeS < 60 || maxAgeS > 86400 || windowM < 0 || windowM > 1440 {
			return
		}
		base := time.Date(2024, 6, 11, 6, 0, 0, 0, time.UTC)
		if r, ok := e.(schedule.Rate); ok {
			e = r.From(base)
		}
		p := &plan{expr: e, loc: time.UTC, window: time.Duration(windowM) * time.Minute, seed: "arn"}
		at, ok := p.next(base.Add(time.Duration(atOff) * time.Second))
		if !ok {
			return
		}
		now := base.Add(time.Duration(nowOff) * time.Second)
		if p.due(at).After(now) {
			return // a job is only claimed once due
		}
		maxAge := time.Duration(maxAgeS) * time.Second
		fireAt, fire, next, hasNext := p.catchUp(at, now, maxAge)
		if fire && (p.due(fireAt).After(now) || now.Sub(p.due(fireAt)) > maxAge || fireAt.Before(at)) {
			t.Fatalf("fired %s (due %s) at %s, planned %s", fireAt, p.due(fireAt), now, at)
		}
		if hasNext && !p.due(next).After(now) {
			t.Fatalf("next %s due %s, not after %s", next, p.due(next), now)
		}
	})
}
