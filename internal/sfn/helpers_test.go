package sfn_test

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/clock"
	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/sfn"
	"github.com/shoal-dev/shoal/internal/store"
	"github.com/shoal-dev/shoal/internal/store/sqlite"
)

// Stub services standing in for Glue, SNS and Lambda until shoal has them.
// They live in test code only.

type stopSessionInput struct {
	ID            string `json:"Id" aws:"required,min=1,max=255"`
	RequestOrigin string `json:"RequestOrigin,omitempty"`
}

type stopSessionOutput struct {
	ID string `json:"Id,omitempty"`
}

type publishInput struct {
	TopicArn string `json:"TopicArn,omitempty"`
	Message  string `json:"Message" aws:"required"`
	Subject  string `json:"Subject,omitempty"`
}

type publishOutput struct {
	MessageID string `json:"MessageId,omitempty"`
}

type invokeInput struct {
	FunctionName string `json:"FunctionName" aws:"required,min=1,max=170"`
	Payload      []byte `json:"Payload,omitempty"`
}

type invokeOutput struct {
	StatusCode      int32  `json:"StatusCode,omitempty"`
	FunctionError   string `json:"FunctionError,omitempty"`
	ExecutedVersion string `json:"ExecutedVersion,omitempty"`
	Payload         []byte `json:"Payload,omitempty"`
}

type startJobRunInput struct {
	JobName   string            `json:"JobName" aws:"required,min=1,max=255"`
	Arguments map[string]string `json:"Arguments,omitempty"`
}

type startJobRunOutput struct {
	JobRunID string `json:"JobRunId,omitempty"`
}

type getJobRunInput struct {
	JobName string `json:"JobName" aws:"required,min=1,max=255"`
	RunID   string `json:"RunId" aws:"required,min=1,max=255"`
}

type jobRun struct {
	ID          string `json:"Id,omitempty"`
	JobName     string `json:"JobName,omitempty"`
	JobRunState string `json:"JobRunState,omitempty"`
}

type getJobRunOutput struct {
	JobRun *jobRun `json:"JobRun,omitempty"`
}

type putEventsEntry struct {
	Source       string   `json:"Source,omitempty"`
	DetailType   string   `json:"DetailType,omitempty"`
	Detail       string   `json:"Detail,omitempty"`
	EventBusName string   `json:"EventBusName,omitempty"`
	Resources    []string `json:"Resources,omitempty"`
}

type putEventsInput struct {
	Entries []putEventsEntry `json:"Entries" aws:"required,min=1,max=10"`
}

type putEventsResultEntry struct {
	EventID   string `json:"EventId,omitempty"`
	ErrorCode string `json:"ErrorCode,omitempty"`
}

type putEventsOutput struct {
	FailedEntryCount int32                  `json:"FailedEntryCount"`
	Entries          []putEventsResultEntry `json:"Entries,omitempty"`
}

// stubs records what the stub services were asked.
type stubs struct {
	mu sync.Mutex
	// glueFailures is how many StopSession calls fail before one succeeds.
	glueFailures int
	stopCalls    []time.Time
	published    []publishInput
	invoked      []string
	// lambdaFail names functions that fail with a function error.
	lambdaFail map[string]bool
	// lambdaPayloads are the payloads functions were invoked with.
	lambdaPayloads []string
	// jobPolls is how many GetJobRun calls see a run RUNNING before it
	// ends in jobEnd (SUCCEEDED when "").
	jobPolls  int
	jobEnd    string
	jobChecks []time.Time
	// events are the entries PutEvents got; an entry with Source "fail"
	// fails.
	events []putEventsEntry
	clk    clock.Clock
}

func (st *stubs) register(r *dispatch.Registry) {
	r.AddService(dispatch.Spec{Name: "glue", SigningName: "glue", Protocols: []string{dispatch.JSON}, TargetPrefix: "AWSGlue", JSONVersion: "1.1", ValidationCode: "ValidationException"},
		dispatch.Handle("StopSession", func(ctx context.Context, in *stopSessionInput) (*stopSessionOutput, error) {
			st.mu.Lock()
			defer st.mu.Unlock()
			st.stopCalls = append(st.stopCalls, st.clk.Now())
			if len(st.stopCalls) <= st.glueFailures {
				return nil, dispatch.NewError("IllegalSessionStateException", "Session is in PROVISIONING status")
			}
			return &stopSessionOutput{ID: in.ID}, nil
		}),
		dispatch.Handle("StartJobRun", func(ctx context.Context, in *startJobRunInput) (*startJobRunOutput, error) {
			return &startJobRunOutput{JobRunID: "jr_" + in.JobName}, nil
		}),
		dispatch.Handle("GetJobRun", func(ctx context.Context, in *getJobRunInput) (*getJobRunOutput, error) {
			st.mu.Lock()
			defer st.mu.Unlock()
			st.jobChecks = append(st.jobChecks, st.clk.Now())
			state := "RUNNING"
			if len(st.jobChecks) > st.jobPolls {
				state = cmp.Or(st.jobEnd, "SUCCEEDED")
			}
			return &getJobRunOutput{JobRun: &jobRun{ID: in.RunID, JobName: in.JobName, JobRunState: state}}, nil
		}))
	r.AddService(dispatch.Spec{Name: "events", SigningName: "events", Protocols: []string{dispatch.JSON}, TargetPrefix: "AWSEvents", JSONVersion: "1.1", ValidationCode: "ValidationException"},
		dispatch.Handle("PutEvents", func(ctx context.Context, in *putEventsInput) (*putEventsOutput, error) {
			st.mu.Lock()
			defer st.mu.Unlock()
			out := &putEventsOutput{}
			for _, e := range in.Entries {
				st.events = append(st.events, e)
				if e.Source == "fail" {
					out.FailedEntryCount++
					out.Entries = append(out.Entries, putEventsResultEntry{ErrorCode: "InternalFailure"})
					continue
				}
				out.Entries = append(out.Entries, putEventsResultEntry{EventID: fmt.Sprintf("ev-%d", len(st.events))})
			}
			return out, nil
		}))
	r.AddService(dispatch.Spec{Name: "sns", SigningName: "sns", Protocols: []string{dispatch.Query}, APIVersion: "2010-03-31", ValidationCode: "InvalidParameter"},
		dispatch.Handle("Publish", func(ctx context.Context, in *publishInput) (*publishOutput, error) {
			st.mu.Lock()
			defer st.mu.Unlock()
			st.published = append(st.published, *in)
			return &publishOutput{MessageID: fmt.Sprintf("msg-%d", len(st.published))}, nil
		}))
	r.AddService(dispatch.Spec{Name: "lambda", SigningName: "lambda", Protocols: []string{dispatch.RestJSON}, ValidationCode: "ValidationException"},
		dispatch.Handle("Invoke", func(ctx context.Context, in *invokeInput) (*invokeOutput, error) {
			st.mu.Lock()
			defer st.mu.Unlock()
			st.invoked = append(st.invoked, in.FunctionName)
			st.lambdaPayloads = append(st.lambdaPayloads, string(in.Payload))
			for name := range st.lambdaFail {
				if strings.Contains(in.FunctionName, name) {
					return &invokeOutput{StatusCode: 200, FunctionError: "Unhandled", Payload: []byte(`{"errorType":"Exception","errorMessage":"boom"}`)}, nil
				}
			}
			return &invokeOutput{StatusCode: 200, ExecutedVersion: "$LATEST", Payload: []byte(`{"statusCode":200,"body":"ok"}`)}, nil
		}))
}

// env is a Step Functions service on a SQLite store and a manual clock,
// driven by hand: no goroutines run executions unless the test drains.
type env struct {
	t     *testing.T
	dir   string
	clk   *clock.Manual
	st    store.Store
	reg   *dispatch.Registry
	svc   *sfn.Service
	stubs *stubs
	ctx   context.Context
}

var start = time.Date(2024, 6, 11, 12, 23, 4, 586_000_000, time.UTC)

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, dir: t.TempDir(), clk: clock.NewManual(start), ctx: context.Background()}
	e.stubs = &stubs{clk: e.clk, lambdaFail: map[string]bool{}}
	e.open()
	return e
}

// open (re)opens the store and the service on the env's directory.
func (e *env) open() {
	e.t.Helper()
	st, err := sqlite.Open(e.ctx, sqlite.Config{Dir: e.dir, Clock: e.clk})
	if err != nil {
		e.t.Fatal(err)
	}
	e.st = st
	var n atomic.Int64 // calls may come from several goroutines (long polls)
	e.reg = dispatch.NewRegistry(e.clk.Now, func() string { return fmt.Sprintf("req-%d", n.Add(1)) })
	e.svc = sfn.New(sfn.Config{Store: st, Clock: e.clk, Registry: e.reg})
	e.svc.Register(e.reg)
	e.stubs.register(e.reg)
	e.t.Cleanup(func() { e.close() })
}

func (e *env) close() {
	if e.st != nil {
		_ = e.svc.Stop(e.ctx)
		_ = e.st.Close()
		e.st = nil
	}
}

var caller = dispatch.Caller{AccountID: "123456789012", Region: "eu-west-1"}

// call invokes a Step Functions operation in-process.
func call[Out any](e *env, op string, in any) (*Out, error) {
	e.t.Helper()
	out, err := e.reg.Call(e.ctx, caller, "states", op, in)
	if err != nil {
		return nil, err
	}
	return out.(*Out), nil
}

func must[Out any](e *env, op string, in any) *Out {
	e.t.Helper()
	out, err := call[Out](e, op, in)
	if err != nil {
		e.t.Fatalf("%s: %v", op, err)
	}
	return out
}

func errCode(err error) string {
	var de *dispatch.Error
	if errors.As(err, &de) {
		return de.Code
	}
	if err == nil {
		return ""
	}
	return "not an AWS error: " + err.Error()
}

const role = "arn:aws:iam::123456789012:role/service-role/StepFunctions-GlueSession-role"

func (e *env) create(name, def string) string {
	e.t.Helper()
	out := must[sfn.CreateStateMachineOutput](e, "CreateStateMachine", &sfn.CreateStateMachineInput{Name: name, Definition: def, RoleArn: role})
	return out.StateMachineArn
}

func (e *env) startExec(machine, name, input string) string {
	e.t.Helper()
	out := must[sfn.StartExecutionOutput](e, "StartExecution", &sfn.StartExecutionInput{StateMachineArn: machine, Name: name, Input: &input})
	return out.ExecutionArn
}

func (e *env) drain() { e.svc.Runner().Drain(e.ctx) }

func (e *env) describe(arn string) *sfn.DescribeExecutionOutput {
	e.t.Helper()
	return must[sfn.DescribeExecutionOutput](e, "DescribeExecution", &sfn.DescribeExecutionInput{ExecutionArn: arn})
}

func (e *env) history(arn string) []sfn.HistoryEvent {
	e.t.Helper()
	return must[sfn.GetExecutionHistoryOutput](e, "GetExecutionHistory", &sfn.GetExecutionHistoryInput{ExecutionArn: arn, MaxResults: 1000}).Events
}

func types(evs []sfn.HistoryEvent) []string {
	out := make([]string, len(evs))
	for i, ev := range evs {
		out[i] = ev.Type
	}
	return out
}

// checkChain asserts AWS's numbering: ids 1..n, each previousEventId the
// one before.
func checkChain(t *testing.T, evs []sfn.HistoryEvent) {
	t.Helper()
	for i, ev := range evs {
		if ev.ID != int64(i+1) || ev.PreviousEventID != int64(i) {
			t.Fatalf("event %d: id %d previousEventId %d", i, ev.ID, ev.PreviousEventID)
		}
	}
}

func jsonEq(t *testing.T, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("got %q: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want %q: %v", want, err)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if string(gb) != string(wb) {
		t.Errorf("got %s, want %s", gb, wb)
	}
}

// sdkResult checks that an optimized integration's request-response result
// carries the Java SDK's metadata as AWS returns it — HttpStatusCode 200,
// the request id in SdkResponseMetadata and in the x-amzn-RequestId header
// — and returns the result without it, for comparison.
func sdkResult(t *testing.T, got string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(got), &m); err != nil {
		t.Fatalf("result %q: %v", got, err)
	}
	httpMeta, _ := m["SdkHttpMetadata"].(map[string]any)
	respMeta, _ := m["SdkResponseMetadata"].(map[string]any)
	headers, _ := httpMeta["HttpHeaders"].(map[string]any)
	all, _ := httpMeta["AllHttpHeaders"].(map[string]any)
	id, _ := respMeta["RequestId"].(string)
	if id == "" || httpMeta["HttpStatusCode"] != float64(200) || headers["x-amzn-RequestId"] != id || headers["Date"] == nil || len(all) != len(headers) {
		t.Errorf("SDK metadata of %s", got)
	}
	delete(m, "SdkHttpMetadata")
	delete(m, "SdkResponseMetadata")
	b, _ := json.Marshal(m)
	return string(b)
}

// waitFor drains the runner until cond holds, for work that finishes on a
// goroutine of its own (an Express execution's end); it gives up after
// 10 s of real time.
func (e *env) waitFor(cond func() bool) {
	e.t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(10 * time.Second)
	for e.drain(); !cond(); e.drain() {
		select {
		case <-tick.C:
		case <-deadline:
			e.t.Fatal("timed out")
		}
	}
}
