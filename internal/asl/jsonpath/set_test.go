package jsonpath

import (
	"errors"
	"testing"
)

// The AWS guide's ResultPath example input.
const resultPathInput = `{"comment": "This is a test of the input and output of a Task state.", "details": "Default example", "who": "AWS Step Functions"}`

func TestSet(t *testing.T) {
	tests := []struct {
		name, input, path, value, want string
	}{
		{"doc: $ replaces the input", resultPathInput, "$", `"Hello, AWS Step Functions!"`, `"Hello, AWS Step Functions!"`},
		{"doc: add a field", resultPathInput, "$.taskresult", `"Hello, AWS Step Functions!"`,
			`{"comment":"This is a test of the input and output of a Task state.","details":"Default example","taskresult":"Hello, AWS Step Functions!","who":"AWS Step Functions"}`},
		{"replace a field", `{"a":1,"b":2}`, "$.a", `{"x":true}`, `{"a":{"x":true},"b":2}`},
		{"create intermediates", `{"a":1}`, "$.b.c.d", `5`, `{"a":1,"b":{"c":{"d":5}}}`},
		{"into existing object", `{"master":{"detail":[1,2,3],"keep":0}}`, "$.master.detail", `"x"`, `{"master":{"detail":"x","keep":0}}`},
		{"bracket name", `{}`, "$['a b']", `1`, `{"a b":1}`},
		{"array element", `{"list":[0,0,0]}`, "$.list[1]", `"v"`, `{"list":[0,"v",0]}`},
		{"negative index", `{"list":[0,0,0]}`, "$.list[-1]", `"v"`, `{"list":[0,0,"v"]}`},
		{"field inside element", `{"list":[{"a":1}]}`, "$.list[0].b", `2`, `{"list":[{"a":1,"b":2}]}`},
		{"root array element", `[1,2]`, "$[0]", `9`, `[9,2]`},
		{"null value", `{"a":1}`, "$.a", `null`, `{"a":null}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := doc(t, tc.input)
			before := canon(t, in)
			ref, err := ParseReference(tc.path)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Set(in, ref, doc(t, tc.value))
			if err != nil {
				t.Fatalf("Set: %v", err)
			}
			if s := canon(t, got); s != tc.want {
				t.Errorf("Set(%s) = %s, want %s", tc.path, s, tc.want)
			}
			if after := canon(t, in); after != before {
				t.Errorf("Set mutated its input: %s -> %s", before, after)
			}
		})
	}
}

func TestSetMatchFailure(t *testing.T) {
	tests := []struct{ input, path string }{
		{`"hello"`, "$.a"},       // input is not an object
		{`{"a":"foo"}`, "$.a.b"}, // intermediate is a string
		{`{"a":1}`, "$.a.b"},     // intermediate is a number
		{`{"a":null}`, "$.a.b"},  // null is not an object either
		{`{"a":[1]}`, "$.a.b"},   // arrays have no fields
		{`{"a":[1]}`, "$.a[1]"},  // index past the end
		{`{"a":{}}`, "$.a[0]"},   // index into an object
		{`{}`, "$.a[0]"},         // index into nothing: arrays are never created
		{`null`, "$.a"},
	}
	for _, tc := range tests {
		ref := MustParse(tc.path)
		_, err := Set(doc(t, tc.input), ref, "v")
		var mf *MatchFailureError
		if !errors.As(err, &mf) {
			t.Errorf("Set(%s, %s) error = %v, want *MatchFailureError", tc.input, tc.path, err)
			continue
		}
		if mf.Path != tc.path {
			t.Errorf("MatchFailureError.Path = %q, want %q", mf.Path, tc.path)
		}
	}
}

func TestSetRejectsNonReference(t *testing.T) {
	for _, p := range []string{"$.a[*]", "$$.Execution", "$v.a"} {
		if _, err := Set(map[string]any{}, MustParse(p), 1); err == nil {
			t.Errorf("Set with %s: want an error", p)
		}
	}
}

// Copy-on-write: siblings off the path are shared, not copied.
func TestSetSharesUntouchedBranches(t *testing.T) {
	in := doc(t, `{"big":{"x":[1,2,3]},"a":{"b":1}}`).(map[string]any)
	out, err := Set(in, MustParse("$.a.c"), 2)
	if err != nil {
		t.Fatal(err)
	}
	om := out.(map[string]any)
	if &om["big"].(map[string]any)["x"].([]any)[0] != &in["big"].(map[string]any)["x"].([]any)[0] {
		t.Error("untouched branch was copied")
	}
}
