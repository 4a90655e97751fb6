package scheduler_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/shoal-dev/shoal/internal/clock"
	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/scheduler"
	"github.com/shoal-dev/shoal/internal/ssm"
	"github.com/shoal-dev/shoal/internal/store"
	"github.com/shoal-dev/shoal/internal/store/sqlite"
)

const (
	account = "123456789012"
	region  = "eu-west-1"
	roleARN = "arn:aws:iam::123456789012:role/service-role/Amazon_EventBridge_Scheduler_SFN"
	// The seed's state machine.
	machineARN = "arn:aws:states:eu-west-1:123456789012:stateMachine:WordPress_Raw_To_Bronze"
)

// A stub Step Functions standing in for the real one: the seed's schedule
// only needs StartExecution to be called with the right input.

type startExecutionInput struct {
	StateMachineArn string  `json:"stateMachineArn" aws:"required,min=1,max=256"`
	Name            string  `json:"name,omitempty"`
	Input           *string `json:"input,omitempty"`
}

type startExecutionOutput struct {
	ExecutionArn string    `json:"executionArn"`
	StartDate    time.Time `json:"startDate"`
}

type execution struct {
	At      time.Time
	Machine string
	Input   string
	Caller  dispatch.Caller
}

type stubStates struct {
	mu    sync.Mutex
	clk   clock.Clock
	calls []execution
	fail  int // calls that fail before one succeeds; <0 fails all
}

func (st *stubStates) register(r *dispatch.Registry) {
	r.AddService(dispatch.Spec{Name: "states", SigningName: "states", Protocols: []string{dispatch.JSON}, TargetPrefix: "AWSStepFunctions", JSONVersion: "1.0", ValidationCode: "ValidationException"},
		dispatch.Handle("StartExecution", func(ctx context.Context, in *startExecutionInput) (*startExecutionOutput, error) {
			st.mu.Lock()
			defer st.mu.Unlock()
			e := execution{At: st.clk.Now(), Machine: in.StateMachineArn, Caller: dispatch.CallerFrom(ctx)}
			if in.Input != nil {
				e.Input = *in.Input
			}
			st.calls = append(st.calls, e)
			if st.fail < 0 || st.fail > 0 {
				if st.fail > 0 {
					st.fail--
				}
				return nil, dispatch.Errorf(400, "StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'", in.StateMachineArn)
			}
			return &startExecutionOutput{ExecutionArn: "arn:aws:states:eu-west-1:123456789012:execution:WordPress_Raw_To_Bronze:" + uuid.NewString(), StartDate: e.At}, nil
		}))
}

func (st *stubStates) executions() []execution {
	st.mu.Lock()
	defer st.mu.Unlock()
	return append([]execution(nil), st.calls...)
}

// env is one scheduler with a stub Step Functions and the real Parameter
// Store on a SQLite store, driven by a manual clock.
type env struct {
	t      testing.TB
	dir    string
	clk    *clock.Manual
	st     store.Store
	reg    *dispatch.Registry
	svc    *scheduler.Service
	states *stubStates
	// extra registers more stub services on every open.
	extra func(r *dispatch.Registry)
}

func newEnv(t testing.TB, start time.Time) *env {
	t.Helper()
	return newEnvWith(t, start, nil)
}

func newEnvWith(t testing.TB, start time.Time, extra func(r *dispatch.Registry)) *env {
	t.Helper()
	e := &env{t: t, dir: t.TempDir(), clk: clock.NewManual(start), extra: extra}
	e.open()
	t.Cleanup(e.close)
	return e
}

// open builds the registry and services on the data directory and starts
// the scheduler, as server.New and Listen do.
func (e *env) open() {
	e.t.Helper()
	st, err := sqlite.Open(context.Background(), sqlite.Config{Dir: e.dir})
	if err != nil {
		e.t.Fatal(err)
	}
	e.st = st
	e.reg = dispatch.NewRegistry(e.clk.Now, uuid.NewString)
	if e.states == nil {
		e.states = &stubStates{clk: e.clk}
	}
	e.states.register(e.reg)
	ssm.New(st, e.clk).Register(e.reg)
	if e.extra != nil {
		e.extra(e.reg)
	}
	e.svc = scheduler.New(scheduler.Config{Store: st, Clock: e.clk, Registry: e.reg})
	e.svc.Register(e.reg)
	if err := e.svc.Start(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	// Start drains what is due in its own goroutine; draining here too
	// waits for that, so the test sees its effects.
	e.svc.Runner().Drain(context.Background())
}

// close stops the scheduler and closes the store, as a shutdown does.
func (e *env) close() {
	if e.svc == nil {
		return
	}
	ctx := context.Background()
	if err := e.svc.Stop(ctx); err != nil {
		e.t.Error(err)
	}
	if err := e.st.Close(); err != nil {
		e.t.Error(err)
	}
	e.svc = nil
}

func (e *env) restart() {
	e.t.Helper()
	e.close()
	e.open()
}

func (e *env) caller() dispatch.Caller {
	return dispatch.Caller{AccountID: account, Region: region, Principal: "arn:aws:iam::" + account + ":root"}
}

// call invokes an operation through the registry, as the gateway would.
func (e *env) call(op string, in any) (any, error) {
	e.t.Helper()
	return e.reg.Call(context.Background(), e.caller(), scheduler.ServiceName, op, in)
}

func (e *env) mustCall(op string, in any) any {
	e.t.Helper()
	out, err := e.call(op, in)
	if err != nil {
		e.t.Fatalf("%s: %v", op, err)
	}
	return out
}

// wantCode asserts err is the AWS error code with the HTTP status.
func wantCode(t testing.TB, err error, code string, status int) *dispatch.Error {
	t.Helper()
	var de *dispatch.Error
	if !errors.As(err, &de) {
		t.Fatalf("error = %v, want %s", err, code)
	}
	if de.Code != code || de.HTTPStatus() != status {
		t.Fatalf("error = %s (%d) %q, want %s (%d)", de.Code, de.HTTPStatus(), de.Message, code, status)
	}
	return de
}

func ptr[T any](v T) *T { return &v }

// seedSchedule is the seed's schedule: 07:00 daily, starting the WordPress
// state machine.
func seedSchedule(name string) *scheduler.CreateScheduleInput {
	return &scheduler.CreateScheduleInput{
		Name:               name,
		ScheduleExpression: "cron(0 7 * * ? *)",
		FlexibleTimeWindow: &scheduler.FlexibleTimeWindow{Mode: scheduler.ModeOff},
		Target: &scheduler.Target{
			Arn:     machineARN,
			RoleArn: roleARN,
			Input:   ptr(`{"trigger":"eventbridge-scheduler"}`),
		},
	}
}

func times(es []execution) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.At.UTC().Format(time.RFC3339)
	}
	return out
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
