package intrinsic

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/shoal-dev/shoal/internal/asl/value"
)

func doc(t testing.TB, s string) any {
	t.Helper()
	v, err := value.Decode([]byte(s))
	if err != nil {
		t.Fatalf("bad test JSON %q: %v", s, err)
	}
	return v
}

func canon(t testing.TB, v any) string {
	t.Helper()
	s, err := value.Compact(v)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return s
}

func testEnv(t testing.TB, input string) *Env {
	return &Env{
		Input:   doc(t, input),
		Context: doc(t, `{"Execution":{"Id":"arn:aws:states:us-east-1:123456789012:execution:sm:run-1","Name":"run-1"}}`),
		Variable: func(name string) (any, bool) {
			if name == "limit" {
				return json.Number("3"), true
			}
			return nil, false
		},
		Random: rand.New(rand.NewPCG(1, 2)),
	}
}

func eval(t testing.TB, expr, input string) (any, error) {
	t.Helper()
	c, err := Parse(expr)
	if err != nil {
		t.Fatalf("Parse(%q): %v", expr, err)
	}
	return c.Eval(testEnv(t, input))
}
