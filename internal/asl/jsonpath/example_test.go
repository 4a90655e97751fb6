package jsonpath_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/shoal-dev/shoal/internal/asl/jsonpath"
)

func decode(s string) any {
	d := json.NewDecoder(bytes.NewReader([]byte(s)))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		panic(err)
	}
	return v
}

func ExamplePath_Eval() {
	input := decode(`{"foo": 123, "bar": ["a", "b", "c"], "car": {"cdr": true}}`)
	for _, s := range []string{"$.foo", "$.bar", "$.car.cdr", "$.bar[1:]"} {
		v, _ := jsonpath.MustParse(s).Eval(input)
		fmt.Println(s, "=>", v)
	}
	// Output:
	// $.foo => 123
	// $.bar => [a b c]
	// $.car.cdr => true
	// $.bar[1:] => [b c]
}

func ExamplePath_Eval_notFound() {
	input := decode(`{"sessionId": ""}`)
	_, err := jsonpath.MustParse("$.session_id").Eval(input)
	var nf *jsonpath.NotFoundError
	if errors.As(err, &nf) {
		fmt.Printf("The JSONPath '%s' specified for the field 'Id.$' could not be found\n", nf.Path)
	}
	// Output:
	// The JSONPath '$.session_id' specified for the field 'Id.$' could not be found
}

func ExamplePath_Root() {
	for _, s := range []string{"$.a", "$$.Execution.Id", "$order.total"} {
		p := jsonpath.MustParse(s)
		fmt.Printf("%s reads the %s document %q\n", s, p.Root(), p.Variable())
	}
	// Output:
	// $.a reads the input document ""
	// $$.Execution.Id reads the context document ""
	// $order.total reads the variable document "order"
}

func ExampleSet() {
	input := decode(`{"who": "AWS Step Functions"}`)
	out, _ := jsonpath.Set(input, jsonpath.MustParse("$.taskresult"), "Hello, AWS Step Functions!")
	b, _ := json.Marshal(out)
	fmt.Println(string(b))
	// Output:
	// {"taskresult":"Hello, AWS Step Functions!","who":"AWS Step Functions"}
}
