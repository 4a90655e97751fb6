package dispatch

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

type echoInput struct {
	Name  string   `json:"Name" aws:"required,min=1,max=8"`
	Type  string   `json:"Type,omitempty" aws:"enum=String|StringList"`
	Count *int64   `json:"Count,omitempty" aws:"min=1,max=10"`
	Tags  []tagArg `json:"Tags,omitempty" aws:"max=2"`
}

type tagArg struct {
	Key string `json:"Key" aws:"required"`
}

type echoOutput struct {
	Name string `json:"Name"`
}

type recordHook struct {
	calls  []*Call
	before int
	deny   string
}

func (h *recordHook) Before(ctx context.Context, c *Call) error {
	h.before++
	if c.Op.Name == h.deny {
		return NewError("AccessDeniedException", "denied %s", c.Op.Name)
	}
	return nil
}

func (h *recordHook) After(ctx context.Context, c *Call) { h.calls = append(h.calls, c) }

func newTestRegistry(t *testing.T) (*Registry, *recordHook) {
	t.Helper()
	now := time.Unix(1718108584, 0)
	r := NewRegistry(func() time.Time { return now }, func() string { return "req-1" })
	r.AddService(Spec{Name: "echo", ValidationCode: "ValidationException"},
		Handle("Echo", func(ctx context.Context, in *echoInput) (*echoOutput, error) {
			if in.Name == "boom" {
				return nil, NewError("EchoFailed", "boom")
			}
			if got := CallerFrom(ctx).AccountID; got != "123456789012" {
				t.Errorf("CallerFrom in handler = %q", got)
			}
			return &echoOutput{Name: in.Name}, nil
		}),
		Handle("Denied", func(ctx context.Context, in *echoInput) (*echoOutput, error) {
			t.Error("handler of a denied call ran")
			return &echoOutput{}, nil
		}),
	)
	h := &recordHook{deny: "Denied"}
	r.AddHook(h)
	return r, h
}

func TestHooksSeeEveryCallOnce(t *testing.T) {
	r, h := newTestRegistry(t)
	caller := Caller{AccountID: "123456789012", Region: "eu-west-1"}
	ctx := context.Background()

	out, err := r.Call(ctx, caller, "echo", "Echo", &echoInput{Name: "ok"})
	if err != nil || out.(*echoOutput).Name != "ok" {
		t.Fatalf("Echo = %v, %v", out, err)
	}
	_, errFail := r.Call(ctx, caller, "echo", "Echo", &echoInput{Name: "boom"})
	_, errInvalid := r.Call(ctx, caller, "echo", "Echo", &echoInput{})
	_, errDenied := r.Call(ctx, caller, "echo", "Denied", &echoInput{Name: "x"})
	_, errUnknown := r.Call(ctx, caller, "echo", "Nope", &echoInput{})

	for _, tc := range []struct {
		err  error
		code string
	}{{errFail, "EchoFailed"}, {errInvalid, "ValidationException"}, {errDenied, "AccessDeniedException"}, {errUnknown, "UnknownOperationException"}} {
		var e *Error
		if !errors.As(tc.err, &e) || e.Code != tc.code {
			t.Errorf("error %v, want code %s", tc.err, tc.code)
		}
	}
	// The unknown operation never reached the registry's invoke path; the
	// other four calls are each seen once, with their caller and outcome.
	if len(h.calls) != 4 {
		t.Fatalf("After saw %d calls, want 4", len(h.calls))
	}
	if h.before != 3 {
		t.Errorf("Before ran %d times, want 3 (not for the invalid input)", h.before)
	}
	first := h.calls[0]
	if first.Err != nil || first.Output.(*echoOutput).Name != "ok" || first.Caller != caller || first.RequestID != "req-1" || first.Input.(*echoInput).Name != "ok" {
		t.Errorf("first call seen as %+v", first)
	}
	for i, c := range h.calls[1:] {
		if c.Err == nil || c.Output != nil {
			t.Errorf("call %d: After saw err=%v output=%v, want an error and no output", i+1, c.Err, c.Output)
		}
	}
	if !strings.HasPrefix(errFail.Error(), "echo.Echo: ") {
		t.Errorf("error not wrapped with the operation: %q", errFail)
	}
}

func TestCallRejectsWrongInputType(t *testing.T) {
	r, _ := newTestRegistry(t)
	_, err := r.Call(context.Background(), Caller{}, "echo", "Echo", &echoOutput{})
	if err == nil || !strings.Contains(err.Error(), "input is") {
		t.Fatalf("err = %v", err)
	}
}

func TestValidateMessages(t *testing.T) {
	spec := &Spec{Name: "echo", ValidationCode: "InvalidParameter"}
	zero := int64(0)
	tests := []struct {
		name string
		in   *echoInput
		want string
	}{
		{"valid", &echoInput{Name: "a", Type: "String"}, ""},
		{"missing", &echoInput{}, "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null"},
		{"too long", &echoInput{Name: "123456789"}, "Value '123456789' at 'name' failed to satisfy constraint: Member must have length less than or equal to 8"},
		{"enum", &echoInput{Name: "a", Type: "Bad"}, "Value 'Bad' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [String, StringList]"},
		{"number", &echoInput{Name: "a", Count: &zero}, "Value '0' at 'count' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"nested", &echoInput{Name: "a", Tags: []tagArg{{Key: "k"}, {}}}, "Value null at 'tags.2.member.key' failed to satisfy constraint: Member must not be null"},
		{"two", &echoInput{Type: "Bad"}, "2 validation errors detected: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(spec, tc.in)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("unexpected %v", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != "InvalidParameter" || e.HTTPStatus() != 400 {
				t.Fatalf("err = %v, want InvalidParameter 400", err)
			}
			if !strings.Contains(e.Message, tc.want) {
				t.Errorf("message %q does not contain %q", e.Message, tc.want)
			}
		})
	}
}

func TestAsError(t *testing.T) {
	e, ok := AsError(errors.New("disk on fire"))
	if ok || e.Code != "InternalFailure" || e.HTTPStatus() != 500 || strings.Contains(e.Message, "disk") {
		t.Errorf("AsError(plain) = %+v, %v", e, ok)
	}
	wrapped := NewError("ParameterNotFound", "x")
	e, ok = AsError(errors.Join(errors.New("ctx"), wrapped))
	if !ok || e != wrapped {
		t.Errorf("AsError(wrapped) = %+v, %v", e, ok)
	}
}
