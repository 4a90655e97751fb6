package intrinsic

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/shoal-dev/shoal/internal/asl/jsonpath"
)

// FuzzIntrinsicParse checks that parsing never panics, rejects only with
// *SyntaxError, renders accepted calls canonically, and that evaluation
// fails only with the documented error types.
func FuzzIntrinsicParse(f *testing.F) {
	for _, s := range []string{
		"States.Format('Hi! AWS Step Functions has stopped this Glue session for you: {}', $)",
		"States.Format('Hello, my name is {}.', $.name)", "States.Format($.template, $.name)",
		"States.StringToJson($.escapedJsonString)", "States.JsonToString($.unescapedJson)",
		"States.Array($.Id)", "States.ArrayPartition($.inputArray,4)", "States.ArrayContains($.inputArray, $.lookingFor)",
		"States.ArrayRange(1, 9, 2)", "States.ArrayGetItem($.inputArray, $.index)", "States.ArrayLength($.inputArray)",
		"States.ArrayUnique($.inputArray)", "States.Base64Encode($.input)", "States.Base64Decode($.base64)",
		"States.Hash($.Data, $.Algorithm)", "States.JsonMerge($.json1, $.json2, false)",
		"States.MathRandom($.start, $.end)", "States.MathAdd($.value1, $.step)",
		"States.StringSplit($.inputString, $.splitter)", "States.UUID()",
		`States.Format('a\'b\{\}c\\d {}', $$.Execution.Id)`, "States.Array(1, -2.5e3, true, false, null)",
		"States.ArrayGetItem(States.StringSplit($$.Execution.Id, ':'), 3)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Parse(s)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) error %T is not a *SyntaxError", s, err)
			}
			return
		}
		out := c.String()
		c2, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(%q).String() = %q does not re-parse: %v", s, out, err)
		}
		if c2.String() != out {
			t.Fatalf("not canonical: %q -> %q -> %q", s, out, c2.String())
		}
		env := &Env{
			Input:   map[string]any{"a": []any{"x", "y"}, "s": "text", "n": "1"},
			Context: map[string]any{"Execution": map[string]any{"Id": "arn:aws:states:r:1:execution:m:e"}},
			Random:  rand.New(rand.NewPCG(1, 2)),
		}
		if _, err := c.Eval(env); err != nil {
			var fl *Failure
			var nf *jsonpath.NotFoundError
			if !errors.As(err, &fl) && !errors.As(err, &nf) && !errors.Is(err, jsonpath.ErrNullInput) {
				t.Fatalf("Eval(%q) error %T: %v", s, err, err)
			}
		}
	})
}
