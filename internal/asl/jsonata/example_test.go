package jsonata_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/shoal-dev/shoal/internal/asl/jsonata"
)

func Example() {
	// An Output field as it appears in a JSONata state.
	var output any
	json.Unmarshal([]byte(`{
		"greeting": "{% 'Hello ' & $states.input.name %}",
		"total": "{% $sum($states.input.items.price) %}",
		"static": "$not-evaluated"
	}`), &output)

	tpl, err := jsonata.CompileValue("Output", output)
	if err != nil {
		panic(err)
	}
	out, err := tpl.Eval(&jsonata.Bindings{
		States: map[string]any{"input": map[string]any{
			"name":  "Ann",
			"items": []any{map[string]any{"price": json.Number("2.5")}, map[string]any{"price": json.Number("4")}},
		}},
		Now: time.Unix(0, 0),
	})
	b, _ := json.Marshal(out)
	fmt.Println(string(b), err)

	// A field that evaluates to nothing fails the state as AWS does.
	tpl, _ = jsonata.CompileValue("Output", map[string]any{"v": "{% $states.input.missing %}"})
	_, err = tpl.Eval(&jsonata.Bindings{States: map[string]any{"input": map[string]any{}}})
	var ee *jsonata.EvalError
	if errors.As(err, &ee) {
		fmt.Println(ee.Name())
		fmt.Println(ee.Cause)
	}
	// Output:
	// {"greeting":"Hello Ann","static":"$not-evaluated","total":6.5} <nil>
	// States.QueryEvaluationError
	// The JSONata expression '$states.input.missing' specified for the field 'Output/v' returned nothing (undefined).
}
