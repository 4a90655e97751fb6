package jsonata

import (
	"errors"
	"testing"
)

// FuzzCompile feeds arbitrary text to the compiler and, when it compiles, to
// the evaluator. Invariants: nothing panics; every failure is one of this
// package's typed errors (what the validator and the engine branch on); a
// success is a value of the asl model.
func FuzzCompile(f *testing.F) {
	for _, s := range []string{
		`$states.input.a + 1`, `$states.input.'order-id'`, `$partition([1,2,3], 2)`, `$range(0, 10, 2)`,
		`$hash($states.input.content, 'SHA-256')`, `$random($states.input.seed)`, `$uuid()`, `$parse('{"a":1}')`,
		`$states.input.Phone[type='mobile'].number`, `$map([1,2], function($v){$v*2})`, `($x := 5; $x * 2)`,
		`$states.input.items[$ = 1][]`, `$eval('1')`, `a[1,2)`, `/* c */ 'x' & "y"`, `$split('a.b', /\./)`,
		`{"k": [1, null, true]}`, `$states.context.Execution.Name`, `$now('[Y0001]')`, `1e999`, `$formatInteger(7, 'i')`,
		`$states.input ~> |$|{"a": 1}|`, `$sort([3,1], function($a, $b){$a > $b})`, "$x.`a b`",
	} {
		f.Add(s)
	}
	b := &Bindings{States: map[string]any{"input": map[string]any{"a": 1.0, "items": []any{1.0, "x", nil}}}}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Compile(src)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Compile(%q) error %T %v is not a *SyntaxError", src, err, err)
			}
			return
		}
		v, err := e.Eval(b)
		if err != nil {
			var ee *EvalError
			if !errors.As(err, &ee) || ee.Cause == "" {
				t.Fatalf("Eval(%q) error %T %v is not an *EvalError", src, err, err)
			}
			return
		}
		if !inModel(v) {
			t.Fatalf("Eval(%q) = %#v, outside the asl value model", src, v)
		}
	})
}

func inModel(v any) bool {
	switch t := v.(type) {
	case nil, bool, string:
		return true
	case interface{ String() string }:
		_, ok := t.(interface{ Int64() (int64, error) }) // json.Number
		return ok
	case []any:
		for _, x := range t {
			if !inModel(x) {
				return false
			}
		}
		return true
	case map[string]any:
		for _, x := range t {
			if !inModel(x) {
				return false
			}
		}
		return true
	}
	return false
}
