package dispatch

import (
	"context"
	"testing"
)

// BenchmarkCall measures the registry's per-call cost: lookup, validation,
// hooks and the handler, without any wire format.
func BenchmarkCall(b *testing.B) {
	r, h := newTestRegistry(&testing.T{})
	h.deny = ""
	caller := Caller{AccountID: "123456789012", Region: "eu-west-1"}
	in := &echoInput{Name: "bench", Type: "String"}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Call(ctx, caller, "echo", "Echo", in); err != nil {
			b.Fatal(err)
		}
		h.calls = h.calls[:0]
	}
}
