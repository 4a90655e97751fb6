package scheduler_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/scheduler"
)

// Stubs of the templated targets' operations, with botocore's member names
// and bindings, recording what the scheduler sent.

type invokeInput struct {
	FunctionName   string  `json:"FunctionName" aws:"required,location=uri,name=FunctionName"`
	InvocationType *string `json:"InvocationType,omitempty" aws:"location=header,name=X-Amz-Invocation-Type"`
	Payload        []byte  `json:"Payload,omitempty" aws:"location=payload"`
}

type invokeOutput struct {
	StatusCode int32 `json:"StatusCode,omitempty" aws:"location=statusCode"`
}

type publishInput struct {
	TopicArn string `json:"TopicArn,omitempty"`
	Message  string `json:"Message" aws:"required"`
}

type publishOutput struct {
	MessageID string `json:"MessageId,omitempty"`
}

type sendMessageInput struct {
	QueueURL       string `json:"QueueUrl" aws:"required"`
	MessageBody    string `json:"MessageBody" aws:"required"`
	MessageGroupID string `json:"MessageGroupId,omitempty"`
}

type sendMessageOutput struct {
	MessageID string `json:"MessageId,omitempty"`
}

type putEventsEntry struct {
	Source       string `json:"Source,omitempty"`
	DetailType   string `json:"DetailType,omitempty"`
	Detail       string `json:"Detail,omitempty"`
	EventBusName string `json:"EventBusName,omitempty"`
}

type putEventsInput struct {
	Entries []putEventsEntry `json:"Entries" aws:"required,min=1,max=10"`
}

type putEventsOutput struct {
	FailedEntryCount int32 `json:"FailedEntryCount"`
}

type recorded struct {
	mu  sync.Mutex
	got map[string]any
}

func (r *recorded) put(k string, v any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got[k] = v
}

func (r *recorded) get(k string) any {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.got[k]
}

func (r *recorded) register(reg *dispatch.Registry) {
	reg.AddService(dispatch.Spec{Name: "lambda", SigningName: "lambda", Protocols: []string{dispatch.RestJSON}},
		dispatch.Handle("Invoke", func(_ context.Context, in *invokeInput) (*invokeOutput, error) {
			r.put("lambda", *in)
			return &invokeOutput{StatusCode: 202}, nil
		}))
	reg.AddService(dispatch.Spec{Name: "sns", SigningName: "sns", Protocols: []string{dispatch.Query}},
		dispatch.Handle("Publish", func(_ context.Context, in *publishInput) (*publishOutput, error) {
			r.put("sns", *in)
			return &publishOutput{MessageID: "m"}, nil
		}))
	reg.AddService(dispatch.Spec{Name: "sqs", SigningName: "sqs", Protocols: []string{dispatch.JSON}, TargetPrefix: "AmazonSQS", JSONVersion: "1.0"},
		dispatch.Handle("SendMessage", func(_ context.Context, in *sendMessageInput) (*sendMessageOutput, error) {
			r.put("sqs", *in)
			return &sendMessageOutput{MessageID: "m"}, nil
		}))
	reg.AddService(dispatch.Spec{Name: "events", SigningName: "events", Protocols: []string{dispatch.JSON}, TargetPrefix: "AWSEvents", JSONVersion: "1.1"},
		dispatch.Handle("PutEvents", func(_ context.Context, in *putEventsInput) (*putEventsOutput, error) {
			r.put("events", *in)
			if in.Entries[0].Source == "reject.me" {
				return &putEventsOutput{FailedEntryCount: 1}, nil
			}
			return &putEventsOutput{}, nil
		}))
}

// Each templated target gets the request the Scheduler guide describes,
// with the schedule's Input where the target takes its payload.
func TestTemplatedTargets(t *testing.T) {
	rec := &recorded{got: map[string]any{}}
	e := newEnvWith(t, june11, rec.register)
	mk := func(name, arn string, edit func(*scheduler.Target)) {
		in := seedSchedule(name)
		in.ScheduleExpression = "at(2024-06-11T07:00:00)"
		in.Target.Arn = arn
		in.Target.Input = ptr(`{"from":"scheduler"}`)
		in.Target.RetryPolicy = &scheduler.RetryPolicy{MaximumRetryAttempts: ptr(int32(0))}
		if edit != nil {
			edit(in.Target)
		}
		e.mustCall("CreateSchedule", in)
	}
	mk("lambda", "arn:aws:lambda:eu-west-1:123456789012:function:data_wordpressapi_raw", nil)
	mk("sns", "arn:aws:sns:eu-west-1:123456789012:failure-stepfunction", nil)
	mk("sqs", "arn:aws:sqs:eu-west-1:123456789012:orders.fifo", func(t *scheduler.Target) {
		t.SqsParameters = &scheduler.SqsParameters{MessageGroupID: "g1"}
	})
	mk("events", "arn:aws:events:eu-west-1:123456789012:event-bus/default", func(t *scheduler.Target) {
		t.EventBridgeParameters = &scheduler.EventBridgeParameters{Source: "wordpress.pipeline", DetailType: "Scheduled run"}
	})
	mk("events-rejected", "arn:aws:events:eu-west-1:123456789012:event-bus/default", func(t *scheduler.Target) {
		t.EventBridgeParameters = &scheduler.EventBridgeParameters{Source: "reject.me", DetailType: "x"}
	})
	e.clk.Advance(2 * time.Hour)

	if l, _ := rec.get("lambda").(invokeInput); l.FunctionName != "arn:aws:lambda:eu-west-1:123456789012:function:data_wordpressapi_raw" ||
		l.InvocationType == nil || *l.InvocationType != "Event" || string(l.Payload) != `{"from":"scheduler"}` {
		t.Errorf("lambda got %+v", rec.get("lambda"))
	}
	if p, _ := rec.get("sns").(publishInput); p.TopicArn != "arn:aws:sns:eu-west-1:123456789012:failure-stepfunction" || p.Message != `{"from":"scheduler"}` {
		t.Errorf("sns got %+v", rec.get("sns"))
	}
	if q, _ := rec.get("sqs").(sendMessageInput); q.QueueURL != "https://sqs.eu-west-1.amazonaws.com/123456789012/orders.fifo" || q.MessageBody != `{"from":"scheduler"}` || q.MessageGroupID != "g1" {
		t.Errorf("sqs got %+v", rec.get("sqs"))
	}
	dl, err := e.svc.DeadLetters(context.Background(), account, region)
	if err != nil {
		t.Fatal(err)
	}
	// The one PutEvents whose entry was rejected failed; the other did not.
	if len(dl) != 1 || dl[0].ErrorCode != "FailedEntries" || dl[0].ScheduleArn != "arn:aws:scheduler:eu-west-1:123456789012:schedule/default/events-rejected" {
		t.Errorf("dead letters %+v", dl)
	}
}
