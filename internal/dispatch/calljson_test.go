package dispatch

import (
	"context"
	"errors"
	"testing"
)

func TestCallJSON(t *testing.T) {
	r, h := newTestRegistry(t)
	caller := Caller{AccountID: "123456789012", Region: "eu-west-1"}
	ctx := context.Background()

	out, err := r.CallJSON(ctx, caller, "echo", "Echo", []byte(`{"Name":"json","Type":"String"}`))
	if err != nil || out.(*echoOutput).Name != "json" {
		t.Fatalf("CallJSON = %v, %v", out, err)
	}
	if len(h.calls) != 1 || h.calls[0].Input.(*echoInput).Type != "String" {
		t.Errorf("hooks saw %+v", h.calls)
	}
	// Validation runs as for any call.
	_, err = r.CallJSON(ctx, caller, "echo", "Echo", []byte(`{"Name":"much-too-long"}`))
	var e *Error
	if !errors.As(err, &e) || e.Code != "ValidationException" {
		t.Errorf("invalid input: %v", err)
	}
	for _, tc := range []struct{ service, op string }{{"nope", "Echo"}, {"echo", "Nope"}} {
		_, err := r.CallJSON(ctx, caller, tc.service, tc.op, []byte(`{}`))
		if !errors.As(err, &e) || e.Code != "UnknownOperationException" {
			t.Errorf("%s.%s: %v", tc.service, tc.op, err)
		}
	}
	if _, err := r.CallJSON(ctx, caller, "echo", "Echo", []byte(`[1]`)); err == nil {
		t.Error("a non-object input was accepted")
	}
}
