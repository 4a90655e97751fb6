package jsonpath

import (
	"encoding/json"
	"testing"

	"github.com/shoal-dev/shoal/internal/asl/value"
)

// doc decodes JSON with UseNumber, the shared asl value model.
func doc(t testing.TB, s string) any {
	t.Helper()
	v, err := value.Decode([]byte(s))
	if err != nil {
		t.Fatalf("bad test JSON %q: %v", s, err)
	}
	return v
}

// canon renders a value as compact JSON for comparisons.
func canon(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return string(b)
}
