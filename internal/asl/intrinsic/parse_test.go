package intrinsic

import (
	"errors"
	"strings"
	"testing"
)

func TestParseCanonical(t *testing.T) {
	tests := []struct{ in, want string }{
		{"States.Format('Hi! AWS Step Functions has stopped this Glue session for you: {}', $)",
			"States.Format('Hi! AWS Step Functions has stopped this Glue session for you: {}', $)"},
		{"States.Array($.Id)", "States.Array($.Id)"},
		{"States.Array()", "States.Array()"},
		{"States.Array( 1 ,-2.5e3,true , false,null )", "States.Array(1, -2.5e3, true, false, null)"},
		{`States.Format('a\'b\{\}c\\d {}', $$.Execution.Id)`, `States.Format('a\'b\{\}c\\d {}', $$.Execution.Id)`},
		{"States.Format('{}', $.a['x, y'])", "States.Format('{}', $.a['x, y'])"},
		{"States.ArrayLength($.a[?(@.x > 1)])", "States.ArrayLength($.a[?(@.x > 1)])"},
		{"States.MathAdd($order.total, 1)", "States.MathAdd($order.total, 1)"},
		{"States.UUID()", "States.UUID()"},
		{"States.MathRandom(1, 999)", "States.MathRandom(1, 999)"},
		{"States.MathRandom(1, 999, 42)", "States.MathRandom(1, 999, 42)"},
		// The guide's example of nine nested calls in one field.
		{"States.Format('{}.{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1))",
			"States.Format('{}.{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1))"},
	}
	for _, tc := range tests {
		c, err := Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if got := c.String(); got != tc.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func nested(n int) string {
	return strings.Repeat("States.Array(", n) + strings.Repeat(")", n)
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{
		"", "States", "States.Format", "States.Nope(1)", "States.format('x')", "Format('x')",
		"States.Format(", "States.Format('x'", "States.Format('x',)", "States.Format(,'x')",
		"States.Format('x') ", " States.Format('x')", "States.Format('x')x",
		"States.Format()",               // needs a template
		"States.UUID(1)",                // takes none
		"States.ArrayRange(1, 2)",       // takes three
		"States.MathRandom(1)",          // two or three
		"States.MathRandom(1, 2, 3, 4)", //
		"States.JsonMerge($.a, $.b)",    // third argument required
		"States.Hash('x')",
		`States.Format('\n')`,        // only \' \{ \} \\ are escapes
		`States.Format('x\')`,        // open escape
		"States.Format('{}', $.a b)", // path followed by junk
		"States.Format('{}', $.)",    // bad path
		"States.Format('{}', x)",     // bare word
		"States.Array(1.)", "States.Array(+1)", "States.Array(truex)",
		nested(MaxNesting + 1),
		"\xff",
	} {
		_, err := Parse(in)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q) error = %v, want *SyntaxError", in, err)
		}
	}
	if _, err := Parse(nested(MaxNesting)); err != nil {
		t.Errorf("%d nested calls: %v", MaxNesting, err)
	}
}

func TestIsCall(t *testing.T) {
	if !IsCall("States.Array()") || IsCall("$.States") {
		t.Error("IsCall misclassifies")
	}
}
