package events

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/clock"
	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/store/sqlite"
)

var (
	seedCaller = dispatch.Caller{AccountID: "123456789012", Region: "eu-west-1"}
	start      = time.Date(2024, 6, 11, 12, 23, 4, 0, time.UTC)
)

// stubStates is a Step Functions stand-in: StartExecution records its input
// and fails while fail > 0.
type stubStates struct {
	mu     sync.Mutex
	inputs []string
	arns   []string
	fail   int
	code   string
}

type startExecutionInput struct {
	StateMachineArn string  `json:"stateMachineArn" aws:"required,min=1,max=256"`
	Name            string  `json:"name,omitempty"`
	Input           *string `json:"input,omitempty"`
}

type startExecutionOutput struct {
	ExecutionArn string `json:"executionArn"`
}

func (st *stubStates) register(r *dispatch.Registry) {
	r.AddService(dispatch.Spec{Name: "states", ValidationCode: "ValidationException"},
		dispatch.Handle("StartExecution", func(ctx context.Context, in *startExecutionInput) (*startExecutionOutput, error) {
			st.mu.Lock()
			defer st.mu.Unlock()
			if st.fail > 0 {
				st.fail--
				if st.code != "" {
					return nil, &dispatch.Error{Code: st.code, Message: "stub failure", Status: 400}
				}
				return nil, &dispatch.Error{Code: "ServiceUnavailable", Message: "stub failure", Status: 503}
			}
			input := ""
			if in.Input != nil {
				input = *in.Input
			}
			st.inputs = append(st.inputs, input)
			st.arns = append(st.arns, in.StateMachineArn)
			return &startExecutionOutput{ExecutionArn: "arn:aws:states:eu-west-1:123456789012:execution:x:1"}, nil
		}))
}

func (st *stubStates) got() []string {
	st.mu.Lock()
	defer st.mu.Unlock()
	return append([]string(nil), st.inputs...)
}

// env is one EventBridge over a fresh SQLite store, a manual clock and a
// registry holding a stub Step Functions.
type env struct {
	t      testing.TB
	dir    string
	clk    *clock.Manual
	st     *sqlite.Store
	r      *dispatch.Registry
	svc    *Service
	states *stubStates
	ids    atomic.Int64 // runners make ids from several goroutines
}

func newEnv(t testing.TB) *env {
	t.Helper()
	e := &env{t: t, dir: t.TempDir(), clk: clock.NewManual(start), states: &stubStates{}}
	e.open()
	t.Cleanup(e.close)
	return e
}

func (e *env) open() {
	e.t.Helper()
	st, err := sqlite.Open(context.Background(), sqlite.Config{Dir: e.dir, Clock: e.clk})
	if err != nil {
		e.t.Fatalf("open store: %v", err)
	}
	e.st = st
	e.r = dispatch.NewRegistry(e.clk.Now, func() string { return "req-id" })
	e.svc = New(Config{Store: st, Clock: e.clk, NewID: e.newID})
	e.svc.Register(e.r)
	e.states.register(e.r)
	if err := e.svc.load(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) newID() string {
	return fmt.Sprintf("event-%04d", e.ids.Add(1))
}

func (e *env) close() {
	if e.st != nil {
		_ = e.svc.Stop(context.Background())
		_ = e.st.Close()
		e.st = nil
	}
}

// reopen closes the store and opens it again, as a restart would.
func (e *env) reopen() {
	e.t.Helper()
	e.close()
	e.open()
}

func call[Out any](e *env, op string, in any) (*Out, error) {
	out, err := e.r.Call(context.Background(), seedCaller, "events", op, in)
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

func fails(e *env, op string, in any, code string) *dispatch.Error {
	e.t.Helper()
	_, err := e.r.Call(context.Background(), seedCaller, "events", op, in)
	var de *dispatch.Error
	if !errors.As(err, &de) {
		e.t.Fatalf("%s: got %v, want %s", op, err, code)
	}
	if de.Code != code {
		e.t.Fatalf("%s: got %s (%s), want %s", op, de.Code, de.Message, code)
	}
	return de
}

func (e *env) drain() { e.svc.Drain(context.Background()) }

func ptr[T any](v T) *T { return &v }
