package jsonata

import (
	"encoding/json"
	"testing"
)

func BenchmarkEvalSimple(b *testing.B) {
	tpl, err := CompileValue("Output", "{% $states.input.a + 1 %}")
	if err != nil {
		b.Fatal(err)
	}
	bind := &Bindings{States: map[string]any{"input": map[string]any{"a": json.Number("41")}}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tpl.Eval(bind); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEvalTemplate is a typical Arguments block: several fields, a
// variable, a string function.
func BenchmarkEvalTemplate(b *testing.B) {
	tpl, err := CompileValue("Arguments", map[string]any{
		"TopicArn": "arn:aws:sns:us-east-1:123456789012:topic",
		"Message":  "{% 'Stopped session ' & $states.input.session_id %}",
		"Subject":  "{% $uppercase($subject) %}",
		"Count":    "{% $count($states.input.items) %}",
	})
	if err != nil {
		b.Fatal(err)
	}
	bind := &Bindings{
		States: map[string]any{"input": map[string]any{"session_id": "s-1", "items": []any{json.Number("1"), json.Number("2")}}},
		Vars:   map[string]any{"subject": "glue"},
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tpl.Eval(bind); err != nil {
			b.Fatal(err)
		}
	}
}
