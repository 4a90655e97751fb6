package jsonata

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

func decode(t testing.TB, s string) any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
	return v
}

func encode(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	return string(b)
}

// addressDoc is the sample document of the JSONata documentation.
const addressDoc = `{
  "FirstName": "Fred", "Surname": "Smith", "Age": 28,
  "Address": {"Street": "Hursley Park", "City": "Winchester", "Postcode": "SO21 2JN"},
  "Phone": [
    {"type": "home", "number": "0203 544 1234"},
    {"type": "office", "number": "01962 001234"},
    {"type": "office", "number": "01962 001235"},
    {"type": "mobile", "number": "077 7700 1234"}
  ],
  "Email": [
    {"type": "work", "address": ["fred.smith@my-work.com", "fsmith@my-work.com"]},
    {"type": "home", "address": ["freddy@my-social.com", "frederic.smith@very-serious.com"]}
  ],
  "Other": {"Over 18 ?": true, "Misc": null, "Alternative.Address": {"Street": "Brick Lane", "City": "London", "Postcode": "E1 6RF"}}
}`

func testBindings(t testing.TB, input string) *Bindings {
	return &Bindings{
		States: map[string]any{"input": decode(t, input), "context": decode(t, `{"Execution": {"Name": "run-1"}}`)},
		Vars:   map[string]any{"customerName": "Ann", "limit": json.Number("3"), "nothing": nil},
		Now:    time.Date(2017, 11, 7, 15, 12, 37, 121e6, time.UTC),
		Rand:   rand.New(rand.NewPCG(1, 2)),
	}
}

// Expectations come from the JSONata documentation's examples, with paths
// rooted at $states.input as Step Functions requires.
func TestEvalDocumentationExamples(t *testing.T) {
	tests := []struct{ expr, want string }{
		// paths
		{`$states.input.Surname`, `"Smith"`},
		{`$states.input.Age`, `28`},
		{`$states.input.Address.City`, `"Winchester"`},
		{`$states.input.Other.Misc`, `null`},
		{"$states.input.Other.`Over 18 ?`", `true`},
		{`$states.input.Other.'Over 18 ?'`, `true`},
		{`$states.input.Other."Alternative.Address".City`, `"London"`},
		{`$states.input.Phone[0].number`, `"0203 544 1234"`},
		{`$states.input.Phone[-1].type`, `"mobile"`},
		{`$states.input.Phone.number`, `["0203 544 1234","01962 001234","01962 001235","077 7700 1234"]`},
		{`($states.input.Phone.number)[0]`, `"0203 544 1234"`},
		{`$states.input.Phone[[0..1]].type`, `["home","office"]`},
		// predicates
		{`$states.input.Phone[type='mobile'].number`, `"077 7700 1234"`},
		{`$states.input.Phone[type='office'].number`, `["01962 001234","01962 001235"]`},
		{`$states.input.Phone[type='home'][]`, `[{"number":"0203 544 1234","type":"home"}]`},
		{`$states.input.Email[$contains(type, /^w/)].address[0]`, `"fred.smith@my-work.com"`},
		// strings
		{`$states.input.FirstName & ' ' & $states.input.Surname`, `"Fred Smith"`},
		{`$uppercase($states.input.Surname)`, `"SMITH"`},
		{`$substring("Hello World", 3, 5)`, `"lo Wo"`},
		{`$substring("Hello World", -4)`, `"orld"`},
		{`$substringBefore("Hello World", " ")`, `"Hello"`},
		{`$split("so many words", " ", 2)`, `["so","many"]`},
		{`$split("too much, punctuation. hard; to read", /[ ,.;]+/)`, `["too","much","punctuation","hard","to","read"]`},
		{`$join($states.input.Phone.type, ',')`, `"home,office,office,mobile"`},
		{`$string(5)`, `"5"`},
		{`$string(22/7)`, `"3.142857142857143"`},
		{`$string(1e21)`, `"1e+21"`},
		{`$number("-0.05")`, `-0.05`},
		{`$number("0x12")`, `18`},
		{`$length("Hello World")`, `11`},
		{`$trim(" Hello \n World ")`, `"Hello World"`},
		{`$pad("foo", -5, "#")`, `"##foo"`},
		{`$replace("John Smith", /(\w+)\s(\w+)/, "$2, $1")`, `"Smith, John"`},
		{`$match("ababbabbcc", /a(b+)/).match`, `["ab","abb","abb"]`},
		{`$base64encode("myuser:mypass")`, `"bXl1c2VyOm15cGFzcw=="`},
		{`$encodeUrlComponent("?x=test")`, `"%3Fx%3Dtest"`},
		// numbers and aggregation
		{`$sum($states.input.Phone.($length(number)))`, `50`},
		{`$count($states.input.Phone)`, `4`},
		{`$average([1,2,3,4])`, `2.5`},
		{`$max([1,5,3])`, `5`},
		{`$round(123.456, 2)`, `123.46`},
		{`$round(12.5)`, `12`},
		{`$power(2, 8)`, `256`},
		{`$formatNumber(12345.6, '#,###.00')`, `"12,345.60"`},
		{`$formatBase(100, 2)`, `"1100100"`},
		{`$formatInteger(2789, 'I')`, `"MMDCCLXXXIX"`},
		{`$formatInteger(1234567, '#,##0')`, `"1,234,567"`},
		{`$parseInteger("12,345,678", "#,##0")`, `12345678`},
		{`0.1 + 0.2`, `0.30000000000000004`},
		{`[1..5]`, `[1,2,3,4,5]`},
		{`7 % 5`, `2`},
		// booleans and conditionals
		{`$states.input.Age > 18 ? "adult" : "minor"`, `"adult"`},
		{`$exists($states.input.Surname)`, `true`},
		{`$exists($states.input.Nothing)`, `false`},
		{`$exists($states.input.Other.Misc)`, `true`},
		{`$type($states.input.Other.Misc)`, `"null"`},
		{`"London" in $states.input.Other.*.City`, `true`},
		{`$boolean("")`, `false`},
		// arrays and objects
		{`$append([1,2], [3,4])`, `[1,2,3,4]`},
		{`$sort([3,1,2])`, `[1,2,3]`},
		{`$reverse([1,2,3])`, `[3,2,1]`},
		{`$distinct([1,2,2,3,1])`, `[1,2,3]`},
		{`$zip([1,2,3],[4,5,6])`, `[[1,4],[2,5],[3,6]]`},
		{`$keys({"a":1})`, `"a"`},
		{`$lookup($states.input.Address, "City")`, `"Winchester"`},
		{`$merge([{"a":1},{"b":2}])`, `{"a":1,"b":2}`},
		{`$states.input.Phone{type: $count(number)}`, `{"home":1,"mobile":1,"office":2}`},
		{`{"name": $states.input.FirstName, "n": $count($states.input.Phone)}`, `{"n":4,"name":"Fred"}`},
		{`$states.input.Email.[address]`, `[["fred.smith@my-work.com","fsmith@my-work.com"],["freddy@my-social.com","frederic.smith@very-serious.com"]]`},
		{`$states.input.Phone^(>number).number`, `["077 7700 1234","0203 544 1234","01962 001235","01962 001234"]`},
		{`$states.input.Address ~> |$|{"City": "Paris"}, ["Postcode"]|`, `{"City":"Paris","Street":"Hursley Park"}`},
		// higher-order functions
		{`$map([1,2,3], function($v) { $v * 2 })`, `[2,4,6]`},
		{`$map([5], function($v) { $v * 2 })`, `10`},
		{`$filter([1,2,3,4], function($v) { $v % 2 = 0 })`, `[2,4]`},
		{`$filter([1,2,3], function($v) { $v = 2 })`, `2`},
		{`$reduce([1,2,3,4], function($i, $j){$i + $j})`, `10`},
		{`$single([1,2,3], function($v) { $v = 2 })`, `2`},
		{`$sift($states.input.Address, function($v, $k) {$k ~> /^S/})`, `{"Street":"Hursley Park"}`},
		{`$states.input.Phone.number ~> $join(", ")`, `"0203 544 1234, 01962 001234, 01962 001235, 077 7700 1234"`},
		// variable binding, functions as values
		{`($x := 5; $y := $x * 2; $y)`, `10`},
		{`($factorial := function($x){ $x <= 1 ? 1 : $x * $factorial($x-1) }; $factorial(4))`, `24`},
		{`($twice := function($f) { function($x){ $f($f($x)) } }; $twice(function($y){ $y + 3 })(7))`, `13`},
		{`($first := $substring(?, 0, 1); $first("hello"))`, `"h"`},
		// dates
		{`$fromMillis(1510067557121)`, `"2017-11-07T15:12:37.121Z"`},
		{`$fromMillis(1510067557121, '[Y0001]-[M01]-[D01]')`, `"2017-11-07"`},
		{`$toMillis("2017-11-07T15:07:54.972Z")`, `1510067274972`},
		{`$now()`, `"2017-11-07T15:12:37.121Z"`},
		{`$millis()`, `1510067557121`},
		{`$now() = $now()`, `true`},
		// bindings
		{`$customerName`, `"Ann"`},
		{`$limit + 1`, `4`},
		{`$nothing`, `null`},
		{`$states.context.Execution.Name`, `"run-1"`},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			e, err := Compile(tc.expr)
			if err != nil {
				t.Fatalf("compile: %v", err)
			}
			got, err := e.Eval(testBindings(t, addressDoc))
			if err != nil {
				t.Fatalf("eval: %v", err)
			}
			if g := encode(t, got); g != tc.want {
				t.Errorf("got %s, want %s", g, tc.want)
			}
		})
	}
}

// AWS's six added functions, with the examples of the Step Functions guide.
func TestAWSFunctions(t *testing.T) {
	tests := []struct{ expr, want string }{
		{`$partition([1,2,3,4,5,6,7,8,9], 3)`, `[[1,2,3],[4,5,6],[7,8,9]]`},
		{`$partition([1,2,3,4,5], 2)`, `[[1,2],[3,4],[5]]`},
		{`$partition([1,2,3], 2.9)`, `[[1,2],[3]]`},
		{`$partition([1,2,3], 10)`, `[[1,2,3]]`},
		{`$range(0, 10, 2)`, `[0,2,4,6,8,10]`},
		{`$range(10, 0, -5)`, `[10,5,0]`},
		{`$range(-1.7, 2, 1)`, `[-1,0,1,2]`},
		{`$range(0, 9, 5)`, `[0,5]`},
		{`$range(3, 3, 1)`, `3`},
		{`$hash('hello', 'MD5')`, `"5d41402abc4b2a76b9719d911017c592"`},
		{`$hash('hello', 'SHA-1')`, `"aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"`},
		{`$hash('hello', 'SHA-256')`, `"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"`},
		{`$hash('hello', 'SHA-384')`, `"59e1748777448c69de6b800d7a33bbfb9ff1b463e44354c3553bcdb9c666fa90125a3c79f90397bdf5f6a13de828684f"`},
		{`$hash('hello', 'SHA-512')`, `"9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043"`},
		{`$parse('{"a": [1, 2.5, null, true], "b": "x"}')`, `{"a":[1,2.5,null,true],"b":"x"}`},
		{`$parse('42')`, `42`},
		{`$parse($states.input.text).k`, `"v"`},
		{`$random(42) = $random(42)`, `true`},
		{`$random(42) = $random(43)`, `false`},
		{`$random(42) >= 0 and $random(42) < 1`, `true`},
		{`$type($random())`, `"number"`},
		{`$length($uuid())`, `36`},
		{`$uuid() = $uuid()`, `false`},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			e, err := Compile(tc.expr)
			if err != nil {
				t.Fatalf("compile: %v", err)
			}
			got, err := e.Eval(testBindings(t, `{"text": "{\"k\": \"v\"}"}`))
			if err != nil {
				t.Fatalf("eval: %v", err)
			}
			if g := encode(t, got); g != tc.want {
				t.Errorf("got %s, want %s", g, tc.want)
			}
		})
	}
}

func TestRandomnessIsDeterministic(t *testing.T) {
	run := func() string {
		tpl, err := CompileValue("Output", map[string]any{
			"id": "{% $uuid() %}", "r": "{% $random() %}", "s": "{% $random(7) %}", "sh": "{% $shuffle([1,2,3,4,5]) %}",
		})
		if err != nil {
			t.Fatal(err)
		}
		v, err := tpl.Eval(&Bindings{Rand: rand.New(rand.NewPCG(9, 9))})
		if err != nil {
			t.Fatal(err)
		}
		return encode(t, v)
	}
	a, b := run(), run()
	if a != b {
		t.Fatalf("same source, different results:\n%s\n%s", a, b)
	}
	// new java.util.Random(42).nextDouble() is 0.7275636800328681: the seeded
	// form is fixed, whatever the source.
	e, _ := Compile(`$random(42)`)
	v, err := e.Eval(nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := encode(t, v); got != "0.7275636800328681" {
		t.Errorf("$random(42) = %s", got)
	}
	e, _ = Compile(`$uuid()`)
	v, _ = e.Eval(&Bindings{Rand: rand.New(rand.NewPCG(1, 2))})
	if s := v.(string); s[14] != '4' || !strings.ContainsRune("89ab", rune(s[19])) {
		t.Errorf("%s is not a version 4 UUID", s)
	}
}

func TestEvalErrors(t *testing.T) {
	tests := []struct {
		expr, cause string
	}{
		{`$states.input.missing`, `The JSONata expression '$states.input.missing' specified for the field 'Output/v' returned nothing (undefined).`},
		{`$states.result`, `The JSONata expression '$states.result' specified for the field 'Output/v' returned nothing (undefined).`},
		{`$undeclared`, `The JSONata expression '$undeclared' specified for the field 'Output/v' returned nothing (undefined).`},
		{`$eval('1 + 1')`, `The JSONata expression '$eval('1 + 1')' specified for the field 'Output/v' threw an error during evaluation. T1006: Attempted to invoke a non-function`},
		{`'a' + 1`, `The JSONata expression ''a' + 1' specified for the field 'Output/v' threw an error during evaluation. T2001: The left side of the "+" operator must evaluate to a number`},
		{`$sum(['a'])`, `The JSONata expression '$sum(['a'])' specified for the field 'Output/v' threw an error during evaluation. T0412: Argument 1 of function "sum" must be an array of "numbers"`},
		{`$assert(1 = 2, 'bad input')`, `The JSONata expression '$assert(1 = 2, 'bad input')' specified for the field 'Output/v' threw an error during evaluation. D3141: bad input`},
		{`$number('abc')`, `The JSONata expression '$number('abc')' specified for the field 'Output/v' threw an error during evaluation. D3030: Unable to cast value to a number: "abc"`},
		{`function($x){$x}`, `The JSONata expression 'function($x){$x}' specified for the field 'Output/v' returned an unsupported result type.`},
		{`$partition([], 2)`, `The JSONata expression '$partition([], 2)' specified for the field 'Output/v' returned nothing (undefined).`},
		{`$partition([1], 0)`, `The JSONata expression '$partition([1], 0)' specified for the field 'Output/v' returned nothing (undefined).`},
		{`$range(0, 10)`, `The JSONata expression '$range(0, 10)' specified for the field 'Output/v' returned nothing (undefined).`},
		{`$range(0, 10, -1)`, `The JSONata expression '$range(0, 10, -1)' specified for the field 'Output/v' returned nothing (undefined).`},
		{`$range(1, 360146, 1)`, `The JSONata expression '$range(1, 360146, 1)' specified for the field 'Output/v' threw an error during evaluation: Expression evaluation memory limit exceeded: Check for excessive memory usage`},
		{`$hash('x')`, `The JSONata expression '$hash('x')' specified for the field 'Output/v' returned nothing (undefined).`},
		{`$hash('x', 'sha-256')`, `The JSONata expression '$hash('x', 'sha-256')' specified for the field 'Output/v' threw an error during evaluation: The hash algorithm 'sha-256' is not supported. Supported algorithms are: MD5, SHA-1, SHA-256, SHA-384, SHA-512`},
		{`$hash(1, 'MD5')`, `The JSONata expression '$hash(1, 'MD5')' specified for the field 'Output/v' threw an error during evaluation. T0410: Argument 1 of function "hash" does not match function signature`},
		{`$parse('{bad')`, `The JSONata expression '$parse('{bad')' specified for the field 'Output/v' threw an error during evaluation: invalid JSON string: invalid character 'b' looking for beginning of object key string`},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			tpl, err := CompileValue("Output", map[string]any{"v": "{% " + tc.expr + " %}"})
			if err != nil {
				t.Fatalf("compile: %v", err)
			}
			_, err = tpl.Eval(&Bindings{States: map[string]any{"input": map[string]any{}}})
			var ee *EvalError
			if !errors.As(err, &ee) {
				t.Fatalf("got %v, want *EvalError", err)
			}
			if ee.Name() != "States.QueryEvaluationError" || ee.Cause != tc.cause {
				t.Errorf("cause:\n got %s\nwant %s", ee.Cause, tc.cause)
			}
		})
	}
}

func TestParseTemplate(t *testing.T) {
	tests := []struct {
		in, expr string
		ok       bool
	}{
		{"{% $x %}", "$x", true},
		{"{%$x%}", "$x", true},
		{"{%\n  $states.input\n%}", "$states.input", true},
		{" {% $x %}", "", false},
		{"{% $x %} ", "", false},
		{"$x", "", false},
		{"{%}", "", false},
		{"{% %}", "", true},
		{"Hello {% $x %}", "", false},
	}
	for _, tc := range tests {
		expr, ok := ParseTemplate(tc.in)
		if ok != tc.ok || expr != tc.expr {
			t.Errorf("ParseTemplate(%q) = %q, %v; want %q, %v", tc.in, expr, ok, tc.expr, tc.ok)
		}
	}
}

func TestCompileValueWalksTemplates(t *testing.T) {
	// The Step Functions guide's conversion example, with a literal that looks
	// like JSONPath and stays a literal.
	def := decode(t, `{
		"static": "Hello",
		"title": "{% $states.input.title %}",
		"name": "{% $customerName %}",
		"not-evaluated": "$customerName",
		"list": [1, "{% $states.input.n * 2 %}", {"deep": "{% $uppercase($states.input.title) %}"}],
		"nested": {"null": null, "bool": false, "num": 1.50}
	}`)
	tpl, err := CompileValue("Arguments", def)
	if err != nil {
		t.Fatal(err)
	}
	b := testBindings(t, `{"title": "Mr", "n": 21}`)
	got, err := tpl.Eval(b)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"list":[1,42,{"deep":"MR"}],"name":"Ann","nested":{"bool":false,"null":null,"num":1.50},"not-evaluated":"$customerName","static":"Hello","title":"Mr"}`
	if g := encode(t, got); g != want {
		t.Errorf("got  %s\nwant %s", g, want)
	}
	// Results never alias the definition.
	got.(map[string]any)["nested"].(map[string]any)["bool"] = true
	again, _ := tpl.Eval(b)
	if encode(t, again) != want {
		t.Error("mutating a result changed the template")
	}
	// The cause names the nested field as AWS does.
	_, err = tpl.Eval(&Bindings{States: map[string]any{"input": map[string]any{"title": "x"}}, Vars: map[string]any{"customerName": "a"}})
	var ee *EvalError
	if !errors.As(err, &ee) || ee.Field != "Arguments/list[1]" {
		t.Fatalf("got %v, want an error at Arguments/list[1]", err)
	}
}

func TestCompileErrors(t *testing.T) {
	for _, src := range []string{"a[1,2)", "$states.input.", "(", "'unterminated", "1 +", ""} {
		_, err := Compile(src)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Compile(%q) = %v, want *SyntaxError", src, err)
		}
	}
	_, err := CompileValue("Output", map[string]any{"a": "{% ( %}", "b": []any{"{% ] %}"}})
	var se *SyntaxError
	if !errors.As(err, &se) || !strings.HasPrefix(se.Field, "Output/") {
		t.Fatalf("got %v, want a *SyntaxError naming the field", err)
	}
}

func TestTypedFields(t *testing.T) {
	b := testBindings(t, `{"n": 5, "when": "2016-03-14T01:59:00Z", "items": [1, 2], "obj": {"a": 1}, "s": "x", "neg": -1, "frac": 1.5}`)
	compile := func(field, src string) *Template {
		t.Helper()
		tpl, err := CompileValue(field, src)
		if err != nil {
			t.Fatal(err)
		}
		return tpl
	}
	if ok, err := compile("Choices[0]/Condition", "{% $states.input.n > 3 %}").EvalBool(b); err != nil || !ok {
		t.Errorf("EvalBool = %v, %v", ok, err)
	}
	_, err := compile("Choices[1]/Condition", "{% $states.input.n %}").EvalBool(b)
	wantCause(t, err, "The JSONata expression '$states.input.n' specified for the field 'Choices[1]/Condition' returned an unexpected result type. Expected 'boolean', but was 'number' for value: 5")
	if n, err := compile("Seconds", "{% $states.input.n * 2 %}").EvalSeconds(b); err != nil || n != 10 {
		t.Errorf("EvalSeconds = %v, %v", n, err)
	}
	_, err = compile("Seconds", "{% $states.input.neg %}").EvalSeconds(b)
	wantCause(t, err, "The JSONata expression '$states.input.neg' specified for the field 'Seconds' returned an invalid value. Expected a non-negative integer no greater than 99999999, but was: -1")
	_, err = compile("Seconds", "{% $states.input.frac %}").EvalSeconds(b)
	wantCause(t, err, "The JSONata expression '$states.input.frac' specified for the field 'Seconds' returned an invalid value. Expected a non-negative integer no greater than 99999999, but was: 1.5")
	_, err = compile("Seconds", "{% $states.input.s %}").EvalSeconds(b)
	wantCause(t, err, `The JSONata expression '$states.input.s' specified for the field 'Seconds' returned an unexpected result type. Expected 'number', but was 'string' for value: "x"`)
	if n, err := compile("Seconds", "{% $states.input.missing %}").EvalSeconds(b); err == nil {
		t.Errorf("undefined Seconds = %v, want an error", n)
	}
	ts, err := compile("Timestamp", "{% $states.input.when %}").EvalTimestamp(b)
	if err != nil || !ts.Equal(time.Date(2016, 3, 14, 1, 59, 0, 0, time.UTC)) {
		t.Errorf("EvalTimestamp = %v, %v", ts, err)
	}
	for _, bad := range []string{"2016-03-14t01:59:00Z", "2016-03-14T01:59:00z", "tomorrow"} {
		if _, err := compile("Timestamp", "{% '"+bad+"' %}").EvalTimestamp(b); err == nil {
			t.Errorf("EvalTimestamp(%q) succeeded", bad)
		}
	}
	if items, err := compile("Items", "{% $states.input.items %}").EvalArray(b); err != nil || len(items) != 2 {
		t.Errorf("EvalArray = %v, %v", items, err)
	}
	_, err = compile("Items", "{% $states.input.obj %}").EvalArray(b)
	wantCause(t, err, `The JSONata expression '$states.input.obj' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was 'object' for value: {"a":1}`)
	// A single match is the item itself, as on AWS; [] keeps it an array.
	_, err = compile("Items", "{% $states.input.items[$ = 1] %}").EvalArray(b)
	wantCause(t, err, `The JSONata expression '$states.input.items[$ = 1]' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was 'number' for value: 1`)
	if items, err := compile("Items", "{% $states.input.items[$ = 1][] %}").EvalArray(b); err != nil || len(items) != 1 {
		t.Errorf("EvalArray with [] = %v, %v", items, err)
	}
	if f, err := compile("MaxConcurrency", "{% $limit %}").EvalNumber(b); err != nil || f != 3 {
		t.Errorf("EvalNumber = %v, %v", f, err)
	}
}

func wantCause(t *testing.T, err error, cause string) {
	t.Helper()
	var ee *EvalError
	if !errors.As(err, &ee) {
		t.Fatalf("got %v, want *EvalError", err)
	}
	if ee.Cause != cause {
		t.Errorf("cause:\n got %s\nwant %s", ee.Cause, cause)
	}
}

func TestNumbersLeaveAsJSONNumbers(t *testing.T) {
	tests := map[string]string{
		`1`: "1", `1.5`: "1.5", `-0.5`: "-0.5", `1e21`: "1e+21", `1e20`: "100000000000000000000",
		`0.000001`: "0.000001", `1e-7`: "1e-7", `2/3`: "0.6666666666666666", `123456789012`: "123456789012",
		`$states.input.big`: "9007199254740992",
	}
	for src, want := range tests {
		e, err := Compile(src)
		if err != nil {
			t.Fatal(err)
		}
		v, err := e.Eval(&Bindings{States: map[string]any{"input": map[string]any{"big": json.Number("9007199254740993")}}})
		if err != nil {
			t.Fatal(err)
		}
		if n, ok := v.(json.Number); !ok || string(n) != want {
			t.Errorf("%s = %#v, want json.Number(%s)", src, v, want)
		}
	}
}

func TestPathStepQuoting(t *testing.T) {
	tests := map[string]string{
		`$states.input.'order-id'`:            `$states.input.` + "`order-id`",
		`$states.input."a b".c`:               "$states.input.`a b`.c",
		`'plain string'`:                      `'plain string'`,
		`$x.'it\'s'`:                          "$x.`it's`",
		`/* 'a'. */ $x & '.'`:                 `/* 'a'. */ $x & '.'`,
		`$split('a.b', '.')`:                  `$split('a.b', '.')`,
		`$match($x, /'a'.'b'/)`:               `$match($x, /'a'.'b'/)`,
		`$x.'has` + "`" + `tick'`:             `$x.'has` + "`" + `tick'`,
		`1.5 & 'x'`:                           `1.5 & 'x'`,
		`$states.input.items['a' in tags].id`: `$states.input.items['a' in tags].id`,
	}
	for in, want := range tests {
		if got := quotePathSteps(in); got != want {
			t.Errorf("quotePathSteps(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestConcurrentEval runs one compiled template from many goroutines; with
// -race it proves evaluations share no mutable state.
func TestConcurrentEval(t *testing.T) {
	tpl, err := CompileValue("Output", map[string]any{
		"a": "{% $uppercase($states.input.s) & $string($states.input.n) %}",
		"b": "{% $states.input.xs.$substring(0, 1) %}",
		"c": "{% $map($states.input.xs, function($v){ $length($v) }) %}",
	})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				in := map[string]any{"s": "x", "n": json.Number("1"), "xs": []any{"ab", "cde"}}
				v, err := tpl.Eval(&Bindings{States: map[string]any{"input": in}, Rand: rand.New(rand.NewPCG(uint64(i), 0))})
				if err != nil {
					t.Error(err)
					return
				}
				want := map[string]any{"a": "X1", "b": []any{"a", "c"}, "c": []any{json.Number("2"), json.Number("3")}}
				if !reflect.DeepEqual(v, want) {
					t.Errorf("got %v", v)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestRunawayExpressionsFail: a user's expression can neither crash the
// process by recursing forever nor run without end; both fail the state
// with States.QueryEvaluationError.
func TestRunawayExpressionsFail(t *testing.T) {
	for _, tc := range []struct{ name, expr, want string }{
		{"unbounded recursion", `($f := function($x){ $f($x) }; $f(1))`, "Stack overflow"},
		{"exponential work", `($fib := function($n){ $n < 2 ? $n : $fib($n-1) + $fib($n-2) }; $fib(40))`, "timeout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := Compile(tc.expr)
			if err != nil {
				t.Fatal(err)
			}
			_, err = e.Eval(&Bindings{})
			var ee *EvalError
			if !errors.As(err, &ee) || ee.Name() != QueryEvaluationError || !strings.Contains(ee.Cause, tc.want) {
				t.Fatalf("err = %v, want %s mentioning %q", err, QueryEvaluationError, tc.want)
			}
		})
	}
}
