package jsonpath

import (
	"errors"
	"testing"

	"github.com/shoal-dev/shoal/internal/asl/value"
)

// FuzzParse checks that every accepted path renders canonically: the
// rendering re-parses, renders identically, keeps its root and definiteness,
// and evaluates to the same result. Rejections must be *SyntaxError.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"$", "$$", "$.session_id", "$.detail.requestParameters.id", "$$.Execution.Id",
		"$.abc.['def ghi']", "$.vals[3:]", "$.a[-1]", "$..author", "$.a[*].b",
		"$.store.book[?(@.price < 10 && @.isbn || !@.x)].title", "$['a','b']", "$.a[0,2]",
		"$order.numItems", "$.Jobs.sum()", `$["x\"y"]`, "$[::-1]", "$..[?(@ == $.k)]",
	} {
		f.Add(s)
	}
	d := map[string]any{"a": []any{map[string]any{"b": "1", "x": true}}, "k": "1"}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) error %T is not a *SyntaxError", s, err)
			}
			return
		}
		out := p.String()
		q, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(%q).String() = %q does not re-parse: %v", s, out, err)
		}
		if q.String() != out {
			t.Fatalf("not canonical: %q -> %q -> %q", s, out, q.String())
		}
		if q.Root() != p.Root() || q.Variable() != p.Variable() || q.IsDefinite() != p.IsDefinite() {
			t.Fatalf("%q and %q differ in root or definiteness", s, out)
		}
		v1, err1 := p.Eval(d)
		v2, err2 := q.Eval(d)
		if (err1 == nil) != (err2 == nil) || (err1 == nil && !value.Equal(v1, v2)) {
			t.Fatalf("%q and %q evaluate differently: %v %v / %v %v", s, out, v1, err1, v2, err2)
		}
	})
}
