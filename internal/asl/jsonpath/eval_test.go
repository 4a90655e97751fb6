package jsonpath

import (
	"errors"
	"testing"
)

// The AWS guide's reference-path example (Paths > Reference Paths).
const refPathDoc = `{"foo": 123, "bar": ["a", "b", "c"], "car": {"cdr": true}}`

// The Amazon States Language spec's Parameters example.
const specParamsDoc = `{"flagged": 7, "vals": [0, 10, 20, 30, 40, 50]}`

const storeDoc = `{
  "store": {
    "book": [
      {"category": "reference", "author": "Nigel Rees", "title": "Sayings of the Century", "price": 8.95},
      {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword of Honour", "price": 12.99},
      {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553-21311-3", "price": 8.99},
      {"category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord of the Rings", "isbn": "0-395-19395-8", "price": 22.99}
    ],
    "bicycle": {"color": "red", "price": 19.95}
  },
  "expensive": 10,
  "a b": {"c.d": "spaced"},
  "n": null
}`

func TestEval(t *testing.T) {
	tests := []struct {
		name, doc, path, want string
	}{
		{"doc ref foo", refPathDoc, "$.foo", `123`},
		{"doc ref bar", refPathDoc, "$.bar", `["a","b","c"]`},
		{"doc ref car.cdr", refPathDoc, "$.car.cdr", `true`},
		{"root", refPathDoc, "$", `{"bar":["a","b","c"],"car":{"cdr":true},"foo":123}`},
		{"spec first", specParamsDoc, "$.vals[0]", `0`},
		{"spec last3", specParamsDoc, "$.vals[3:]", `[30,40,50]`},
		{"bracket name", storeDoc, "$['a b']['c.d']", `"spaced"`},
		{"dot then bracket", storeDoc, "$.store.['bicycle'].color", `"red"`},
		{"double quoted", storeDoc, `$["expensive"]`, `10`},
		{"null value is found", storeDoc, "$.n", `null`},
		{"index", storeDoc, "$.store.book[1].author", `"Evelyn Waugh"`},
		{"negative index", storeDoc, "$.store.book[-1].title", `"The Lord of the Rings"`},
		{"number text kept", storeDoc, "$.store.book[0].price", `8.95`},
		{"wildcard array", storeDoc, "$.store.book[*].author", `["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]`},
		{"wildcard dot", storeDoc, "$.store.bicycle.*", `["red",19.95]`},
		{"slice", storeDoc, "$.store.book[1:3].price", `[12.99,8.99]`},
		{"slice from end", storeDoc, "$.store.book[-2:].price", `[8.99,22.99]`},
		{"slice to", storeDoc, "$.store.book[:1].price", `[8.95]`},
		{"slice step", specParamsDoc, "$.vals[::2]", `[0,20,40]`},
		{"slice reverse", specParamsDoc, "$.vals[::-2]", `[50,30,10]`},
		{"index union", storeDoc, "$.store.book[0,3].price", `[8.95,22.99]`},
		{"name union leaf is an object", storeDoc, "$.store.book[0]['author','price']", `[{"author":"Nigel Rees","price":8.95}]`},
		{"deep scan", storeDoc, "$..author", `["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]`},
		{"deep scan price sorted keys", storeDoc, "$.store..price", `[19.95,8.95,12.99,8.99,22.99]`},
		{"deep scan index", storeDoc, "$..book[2].title", `["Moby Dick"]`},
		{"deep wildcard", `{"a":{"b":1},"c":[2]}`, "$..*", `[{"b":1},[2],1,2]`},
		{"filter lt", storeDoc, "$.store.book[?(@.price < 10)].title", `["Sayings of the Century","Moby Dick"]`},
		{"filter eq string", storeDoc, "$.store.book[?(@.category == 'reference')].author", `["Nigel Rees"]`},
		{"filter ne", storeDoc, "$.store.book[?(@.category != 'fiction')].price", `[8.95]`},
		{"filter exists", storeDoc, "$.store.book[?(@.isbn)].title", `["Moby Dick","The Lord of the Rings"]`},
		{"filter not exists", storeDoc, "$.store.book[?(!@.isbn)].title", `["Sayings of the Century","Sword of Honour"]`},
		{"filter and", storeDoc, "$.store.book[?(@.category == 'fiction' && @.price < 10)].title", `["Moby Dick"]`},
		{"filter or", storeDoc, "$.store.book[?(@.price > 20 || @.price < 9)].price", `[8.95,8.99,22.99]`},
		{"filter parens", storeDoc, "$.store.book[?((@.price > 20 || @.price < 9) && @.isbn)].price", `[8.99,22.99]`},
		{"filter root ref", storeDoc, "$.store.book[?(@.price <= $.expensive)].price", `[8.95,8.99]`},
		{"filter ge", storeDoc, "$.store.book[?(@.price >= 12.99)].price", `[12.99,22.99]`},
		{"filter numbers by value", `{"a":[{"x":1.0},{"x":2}]}`, "$.a[?(@.x == 1)].x", `[1.0]`},
		{"filter string order", `{"a":[{"x":"b"},{"x":"a"}]}`, "$.a[?(@.x > 'a')].x", `["b"]`},
		{"filter mixed types never order", `{"a":[{"x":"5"},{"x":5}]}`, "$.a[?(@.x > 1)].x", `[5]`},
		{"filter missing ne is true", `{"a":[{"x":1},{}]}`, "$.a[?(@.x != 1)]", `[{}]`},
		{"filter bool null", `{"a":[{"x":true},{"x":null}]}`, "$.a[?(@.x == null)]", `[{"x":null}]`},
		{"filter on object tests it", `{"a":{"x":2}}`, "$.a[?(@.x > 1)]", `[{"x":2}]`},
		{"filter nothing is empty list", storeDoc, "$.store.book[?(@.price > 100)]", `[]`},
		{"missing below wildcard skipped", storeDoc, "$.store.book[*].isbn", `["0-553-21311-3","0-395-19395-8"]`},
		{"wildcard on scalar", storeDoc, "$.expensive[*]", `[]`},
		{"context path", `{"Execution":{"Id":"arn:x"}}`, "$$.Execution.Id", `"arn:x"`},
		{"variable path", `{"n":[1,2]}`, "$var.n[1]", `2`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse(tc.path)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.path, err)
			}
			got, err := p.Eval(doc(t, tc.doc))
			if err != nil {
				t.Fatalf("Eval(%q): %v", tc.path, err)
			}
			if s := canon(t, got); s != tc.want {
				t.Errorf("Eval(%q) = %s, want %s", tc.path, s, tc.want)
			}
		})
	}
}

func TestEvalNotFound(t *testing.T) {
	tests := []struct{ doc, path string }{
		// The seed's failing execution: input {"sessionId": ""}, path $.session_id.
		{`{"sessionId": ""}`, "$.session_id"},
		{refPathDoc, "$.car.cdr.x"},
		{refPathDoc, "$.bar[3]"},
		{refPathDoc, "$.bar[-4]"},
		{refPathDoc, "$.foo[0]"},
		{refPathDoc, "$.missing[*]"}, // missing before the first wildcard: Jayway throws
		{refPathDoc, "$.foo[1:2]"},   // slice of a number with a definite prefix
		{refPathDoc, "$.missing..a"}, // definite prefix missing
		{refPathDoc, "$.bar.sum()"},  // AWS does not evaluate functions
		{refPathDoc, "$.bar.length()"},
	}
	for _, tc := range tests {
		p, err := Parse(tc.path)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.path, err)
		}
		_, err = p.Eval(doc(t, tc.doc))
		var nf *NotFoundError
		if !errors.As(err, &nf) {
			t.Fatalf("Eval(%q) error = %v, want *NotFoundError", tc.path, err)
		}
		if nf.Path != tc.path {
			t.Errorf("NotFoundError.Path = %q, want %q", nf.Path, tc.path)
		}
	}
}

// The seed's WordPress state machine failed with "Unable to apply Path
// transformation to null or empty input." when OutputPath met a null result.
func TestEvalNullInput(t *testing.T) {
	if _, err := MustParse("$.Payload").Eval(nil); !errors.Is(err, ErrNullInput) {
		t.Fatalf("error = %v, want ErrNullInput", err)
	}
	v, err := MustParse("$").Eval(nil)
	if err != nil || v != nil {
		t.Fatalf("$ on null = %v, %v; want nil, nil", v, err)
	}
}

func TestSelect(t *testing.T) {
	input := doc(t, `{"a":1}`)
	ctx := doc(t, `{"Execution":{"Name":"run-1"}}`)
	vars := func(name string) (any, bool) {
		if name == "order" {
			return map[string]any{"numItems": "3"}, true
		}
		return nil, false
	}
	for path, want := range map[string]string{
		"$.a":               `1`,
		"$$.Execution.Name": `"run-1"`,
		"$order.numItems":   `"3"`,
		"$order":            `{"numItems":"3"}`,
	} {
		got, err := MustParse(path).Select(input, ctx, vars)
		if err != nil {
			t.Fatalf("Select(%q): %v", path, err)
		}
		if s := canon(t, got); s != want {
			t.Errorf("Select(%q) = %s, want %s", path, s, want)
		}
	}
	var nf *NotFoundError
	if _, err := MustParse("$nope.x").Select(input, ctx, vars); !errors.As(err, &nf) {
		t.Errorf("undefined variable: error = %v, want *NotFoundError", err)
	}
}
