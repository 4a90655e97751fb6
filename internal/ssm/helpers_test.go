package ssm

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/clock"
	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/store/sqlite"
)

var (
	// The seed's account and region (eu-west-1) with a fixed test account.
	seedCaller  = dispatch.Caller{AccountID: "123456789012", Region: "eu-west-1"}
	otherRegion = dispatch.Caller{AccountID: "123456789012", Region: "us-east-2"}
	otherAcct   = dispatch.Caller{AccountID: "210987654321", Region: "eu-west-1"}
	start       = time.Date(2024, 3, 1, 7, 0, 0, 0, time.UTC)
)

// env is one Parameter Store over a fresh SQLite store and a manual clock.
type env struct {
	t   testing.TB
	dir string
	clk *clock.Manual
	st  *sqlite.Store
	r   *dispatch.Registry
}

func newEnv(t testing.TB) *env {
	t.Helper()
	e := &env{t: t, dir: t.TempDir(), clk: clock.NewManual(start)}
	e.open()
	t.Cleanup(func() { e.st.Close() })
	return e
}

// open (re)opens the store in e.dir and registers a new service on it.
func (e *env) open() {
	e.t.Helper()
	st, err := sqlite.Open(context.Background(), sqlite.Config{Dir: e.dir})
	if err != nil {
		e.t.Fatalf("open store: %v", err)
	}
	e.st = st
	e.r = dispatch.NewRegistry(e.clk.Now, func() string { return "req-id" })
	New(st, e.clk).Register(e.r)
}

// reopen closes the store and opens it again, as a restart would.
func (e *env) reopen() {
	e.t.Helper()
	if err := e.st.Close(); err != nil {
		e.t.Fatalf("close store: %v", err)
	}
	e.open()
}

// call runs op as caller through the registry, so validation runs too.
func call[Out any](e *env, caller dispatch.Caller, op string, in any) (*Out, error) {
	out, err := e.r.Call(context.Background(), caller, "ssm", op, in)
	if err != nil {
		return nil, err
	}
	return out.(*Out), nil
}

// must is call for requests that have to succeed.
func must[Out any](e *env, caller dispatch.Caller, op string, in any) *Out {
	e.t.Helper()
	out, err := call[Out](e, caller, op, in)
	if err != nil {
		e.t.Fatalf("%s: %v", op, err)
	}
	return out
}

// fails asserts that op fails with the AWS error code and returns the error.
func fails(e *env, caller dispatch.Caller, op string, in any, code string) *dispatch.Error {
	e.t.Helper()
	_, err := e.r.Call(context.Background(), caller, "ssm", op, in)
	var de *dispatch.Error
	if !errors.As(err, &de) {
		e.t.Fatalf("%s: got %v, want %s", op, err, code)
	}
	if de.Code != code {
		e.t.Fatalf("%s: got %s (%s), want %s", op, de.Code, de.Message, code)
	}
	if de.HTTPStatus() != 400 {
		e.t.Fatalf("%s: %s has status %d, want 400", op, code, de.HTTPStatus())
	}
	return de
}

func (e *env) put(caller dispatch.Caller, in *PutParameterInput) *PutParameterOutput {
	e.t.Helper()
	return must[PutParameterOutput](e, caller, "PutParameter", in)
}

func (e *env) get(caller dispatch.Caller, name string, decrypt bool) *Parameter {
	e.t.Helper()
	return must[GetParameterOutput](e, caller, "GetParameter", &GetParameterInput{Name: name, WithDecryption: decrypt}).Parameter
}

func i32(n int32) *int32 { return &n }
func i64(n int64) *int64 { return &n }
