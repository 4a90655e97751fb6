package cloudtrail_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/clock"
	"github.com/shoal-dev/shoal/internal/cloudtrail"
	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/events"
	"github.com/shoal-dev/shoal/internal/ssm"
	"github.com/shoal-dev/shoal/internal/store"
	"github.com/shoal-dev/shoal/internal/store/sqlite"
)

var caller = dispatch.Caller{AccountID: "123456789012", Region: "eu-west-1", Principal: "arn:aws:iam::123456789012:user/dev",
	AccessKeyID: "AKIAEXAMPLE", SourceIP: "198.51.100.7", UserAgent: "aws-cli/2.17.0"}

// The seed's rule, pointed at SSM until Glue exists.
const seedPattern = `{"source":["aws.ssm"],"detail-type":["AWS API Call via CloudTrail"],"detail":{"eventSource":["ssm.amazonaws.com"],"eventName":["PutParameter"]}}`

type startExecutionInput struct {
	StateMachineArn string  `json:"stateMachineArn" aws:"required"`
	Input           *string `json:"input,omitempty"`
}

type startExecutionOutput struct {
	ExecutionArn string `json:"executionArn"`
}

// world is SSM, EventBridge, a stub Step Functions and the recorder on one
// registry over one store — what server.go wires, minus HTTP.
type world struct {
	t      *testing.T
	dir    string
	clk    *clock.Manual
	st     store.Store
	r      *dispatch.Registry
	bus    *events.Service
	mu     sync.Mutex
	inputs []string
}

func newWorld(t *testing.T) *world {
	w := &world{t: t, dir: t.TempDir(), clk: clock.NewManual(time.Date(2024, 6, 11, 12, 23, 4, 586e6, time.UTC))}
	w.open()
	t.Cleanup(w.close)
	return w
}

func (w *world) open() {
	st, err := sqlite.Open(context.Background(), sqlite.Config{Dir: w.dir, Clock: w.clk})
	if err != nil {
		w.t.Fatal(err)
	}
	w.st = st
	n := 0
	w.r = dispatch.NewRegistry(w.clk.Now, func() string { n++; return "req-" + string(rune('0'+n%10)) })
	ssm.New(st, w.clk).Register(w.r)
	w.bus = events.New(events.Config{Store: st, Clock: w.clk})
	w.bus.Register(w.r)
	w.r.AddService(dispatch.Spec{Name: "states", SigningName: "states"},
		dispatch.Handle("StartExecution", func(ctx context.Context, in *startExecutionInput) (*startExecutionOutput, error) {
			w.mu.Lock()
			defer w.mu.Unlock()
			w.inputs = append(w.inputs, *in.Input)
			return &startExecutionOutput{ExecutionArn: "arn:x"}, nil
		}))
	w.r.AddHook(&cloudtrail.Recorder{Bus: w.bus, NewID: func() string { return "ct-event-id" }})
	if err := w.bus.Start(context.Background()); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) close() {
	if w.st != nil {
		_ = w.bus.Stop(context.Background())
		_ = w.st.Close()
		w.st = nil
	}
}

func (w *world) call(service, op, in string) any {
	w.t.Helper()
	out, err := w.r.CallJSON(context.Background(), caller, service, op, []byte(in))
	if err != nil {
		w.t.Fatalf("%s.%s: %v", service, op, err)
	}
	return out
}

func (w *world) got() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.inputs...)
}

func (w *world) records() []cloudtrail.Record {
	var out []cloudtrail.Record
	err := w.st.View(context.Background(), func(tx store.Tx) error {
		out = out[:0]
		es, err := tx.LogRead(context.Background(), &store.LogReadParams{Log: cloudtrail.LogName("123456789012", "eu-west-1")})
		for _, e := range es {
			var r cloudtrail.Record
			if err := json.Unmarshal(e.Data, &r); err != nil {
				return err
			}
			out = append(out, r)
		}
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return out
}

func (w *world) seedRule(state string) {
	w.call("events", "PutRule", `{"Name":"glue-stop","State":"`+state+`","EventPattern":`+quote(seedPattern)+`}`)
	w.call("events", "PutTargets", `{"Rule":"glue-stop","Targets":[{"Id":"sfn","Arn":"arn:aws:states:eu-west-1:123456789012:stateMachine:GlueSession-WaitAndStop",
		"InputTransformer":{"InputPathsMap":{"id":"$.detail.requestParameters.name"},"InputTemplate":"{\"session_id\": \"<id>\"}"}}]}`)
}

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

// TestSeedPath is the seed's system end to end, with SSM standing in for
// Glue: a mutating call becomes a CloudTrail event on the default bus, the
// rule's pattern matches it, and the input transformer turns it into the
// state machine's input.
func TestSeedPath(t *testing.T) {
	w := newWorld(t)
	w.seedRule(events.StateEnabled)
	w.call("ssm", "PutParameter", `{"Name":"glue-studio-datapreview-3f905608-50f1-4b9e-80e2-f4071feb2282","Value":"secret","Type":"String"}`)
	w.call("ssm", "GetParameter", `{"Name":"glue-studio-datapreview-3f905608-50f1-4b9e-80e2-f4071feb2282"}`)
	w.bus.Drain(context.Background())
	got := w.got()
	want := `{"session_id": "glue-studio-datapreview-3f905608-50f1-4b9e-80e2-f4071feb2282"}`
	if len(got) != 1 || got[0] != want {
		t.Fatalf("StartExecution inputs = %q, want [%s]", got, want)
	}

	recs := w.records()
	// PutRule, PutTargets, PutParameter, and StartExecution made by
	// EventBridge; not the GetParameter (read-only, no rule takes those).
	names := []string{}
	for _, r := range recs {
		names = append(names, r.EventName)
	}
	if len(recs) != 4 || names[2] != "PutParameter" || names[3] != "StartExecution" {
		t.Fatalf("records = %v", names)
	}
	p := recs[2]
	if p.EventVersion != "1.08" || p.EventSource != "ssm.amazonaws.com" || p.AWSRegion != "eu-west-1" || p.EventTime != "2024-06-11T12:23:04Z" ||
		p.SourceIPAddress != "198.51.100.7" || p.UserAgent != "aws-cli/2.17.0" || p.ReadOnly || p.EventType != "AwsApiCall" ||
		!p.ManagementEvent || p.RecipientAccountID != "123456789012" || p.EventCategory != "Management" || p.EventID != "ct-event-id" {
		t.Errorf("record = %+v", p)
	}
	if p.UserIdentity.Type != "IAMUser" || p.UserIdentity.ARN != caller.Principal || p.UserIdentity.AccessKeyID != "AKIAEXAMPLE" {
		t.Errorf("userIdentity = %+v", p.UserIdentity)
	}
	if p.RequestParameters["name"] != "glue-studio-datapreview-3f905608-50f1-4b9e-80e2-f4071feb2282" || p.RequestParameters["type"] != "String" ||
		p.RequestParameters["value"] != "HIDDEN_DUE_TO_SECURITY_REASONS" {
		t.Errorf("requestParameters = %v", p.RequestParameters)
	}
	if p.ResponseElements["version"] != float64(1) {
		t.Errorf("responseElements = %v", p.ResponseElements)
	}
	s := recs[3]
	if s.UserIdentity.InvokedBy != "events.amazonaws.com" || s.EventSource != "states.amazonaws.com" || s.RequestParameters["stateMachineArn"] == nil {
		t.Errorf("StartExecution record = %+v", s)
	}
}

// TestReadOnlyEvents: read-only calls reach only rules in state
// ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS.
func TestReadOnlyEvents(t *testing.T) {
	w := newWorld(t)
	w.call("events", "PutRule", `{"Name":"reads","EventPattern":`+quote(`{"source":["aws.ssm"],"detail":{"eventName":["GetParameter"]}}`)+`}`)
	w.call("events", "PutTargets", `{"Rule":"reads","Targets":[{"Id":"sfn","Arn":"arn:aws:states:eu-west-1:123456789012:stateMachine:m","InputPath":"$.detail.readOnly"}]}`)
	w.call("ssm", "PutParameter", `{"Name":"p","Value":"v","Type":"String"}`)
	w.call("ssm", "GetParameter", `{"Name":"p"}`)
	w.bus.Drain(context.Background())
	if got := w.got(); len(got) != 0 {
		t.Fatalf("an ENABLED rule got a read-only event: %v", got)
	}
	w.call("events", "PutRule", `{"Name":"reads","State":"ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS","EventPattern":`+quote(`{"source":["aws.ssm"],"detail":{"eventName":["GetParameter"]}}`)+`}`)
	w.call("ssm", "GetParameter", `{"Name":"p"}`)
	w.bus.Drain(context.Background())
	if got := w.got(); len(got) != 1 || got[0] != "true" {
		t.Fatalf("inputs = %v", got)
	}
}

// TestSeedPathSurvivesRestart: the CloudTrail event is committed with its
// delivery; a process that dies before delivering leaves it to the next.
func TestSeedPathSurvivesRestart(t *testing.T) {
	w := newWorld(t)
	w.seedRule(events.StateEnabled)
	_ = w.bus.Stop(context.Background()) // no background delivery from here on
	w.call("ssm", "PutParameter", `{"Name":"session-1","Value":"v","Type":"String"}`)
	w.close()
	w.open()
	w.bus.Drain(context.Background())
	if got := w.got(); len(got) != 1 || got[0] != `{"session_id": "session-1"}` {
		t.Fatalf("after restart: %v", got)
	}
}

func TestReadOnly(t *testing.T) {
	for op, want := range map[string]bool{
		"GetParameter": true, "ListRules": true, "DescribeExecution": true, "TestEventPattern": true,
		"ValidateStateMachineDefinition": true, "LookupEvents": true, "PutParameter": false, "StartExecution": false,
		"Getaway": false, "DeleteRule": false, "Listen": false,
	} {
		if got := cloudtrail.ReadOnly(op); got != want {
			t.Errorf("ReadOnly(%s) = %v", op, got)
		}
	}
	if cloudtrail.Recorded("events", "PutEvents") || !cloudtrail.Recorded("events", "PutRule") {
		t.Error("Recorded")
	}
}
