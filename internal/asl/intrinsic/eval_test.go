package intrinsic

import (
	"errors"
	"regexp"
	"testing"

	"github.com/shoal-dev/shoal/internal/asl/jsonpath"
)

const nine = `{"inputArray": [1,2,3,4,5,6,7,8,9]}`

// Each function's example from the AWS guide ("Intrinsic functions for
// JSONPath states"), input → output, plus the seed's SNS message.
func TestEvalDocExamples(t *testing.T) {
	tests := []struct{ name, expr, input, want string }{
		{"seed StopSession message",
			"States.Format('Hi! AWS Step Functions has stopped this Glue session for you: {}', $)",
			`{"Id": "glue-studio-datapreview-3f905608-50f1-4b9e-80e2-f4071feb2282"}`,
			`"Hi! AWS Step Functions has stopped this Glue session for you: {Id=glue-studio-datapreview-3f905608-50f1-4b9e-80e2-f4071feb2282}"`},
		{"Format literal", "States.Format('Hello, my name is {}.', $.name)", `{"name": "Arnav", "template": "Hello, my name is {}."}`, `"Hello, my name is Arnav."`},
		{"Format template path", "States.Format($.template, $.name)", `{"name": "Arnav", "template": "Hello, my name is {}."}`, `"Hello, my name is Arnav."`},
		{"Format tutorial address", "States.Format('{}. {}, {} - {}', $.street, $.city, $.state, $.zip)",
			`{"street": "123 Main St", "city": "Columbus", "state": "OH", "zip": "43219"}`, `"123 Main St. Columbus, OH - 43219"`},
		{"StringToJson", "States.StringToJson($.escapedJsonString)", `{"escapedJsonString": "{\"foo\": \"bar\"}"}`, `{"foo":"bar"}`},
		{"JsonToString", "States.JsonToString($.unescapedJson)", `{"unescapedJson": {"foo": "bar"}}`, `"{\"foo\":\"bar\"}"`},
		{"Array", "States.Array($.Id)", `{"Id": 123456}`, `[123456]`},
		{"ArrayPartition", "States.ArrayPartition($.inputArray,4)", nine, `[[1,2,3,4],[5,6,7,8],[9]]`},
		{"ArrayContains", "States.ArrayContains($.inputArray, $.lookingFor)", `{"inputArray": [1,2,3,4,5,6,7,8,9], "lookingFor": 5}`, `true`},
		{"ArrayRange", "States.ArrayRange(1, 9, 2)", `{}`, `[1,3,5,7,9]`},
		{"ArrayGetItem", "States.ArrayGetItem($.inputArray, $.index)", `{"inputArray": [1,2,3,4,5,6,7,8,9], "index": 5}`, `6`},
		{"ArrayLength", "States.ArrayLength($.inputArray)", nine, `9`},
		{"ArrayUnique", "States.ArrayUnique($.inputArray)", `{"inputArray": [1,2,3,3,3,3,3,3,4]}`, `[1,2,3,4]`},
		{"Base64Encode", "States.Base64Encode($.input)", `{"input": "Data to encode"}`, `"RGF0YSB0byBlbmNvZGU="`},
		{"Base64Decode", "States.Base64Decode($.base64)", `{"base64": "RGF0YSB0byBlbmNvZGU="}`, `"Data to encode"`},
		{"Hash", "States.Hash($.Data, $.Algorithm)", `{"Data": "input data", "Algorithm": "SHA-1"}`, `"aaff4a450a104cd177d28d18d74485e8cae074b7"`},
		{"JsonMerge", "States.JsonMerge($.json1, $.json2, false)",
			`{"json1": {"a": {"a1": 1, "a2": 2}, "b": 2}, "json2": {"a": {"a3": 1, "a4": 2}, "c": 3}}`, `{"a":{"a3":1,"a4":2},"b":2,"c":3}`},
		{"MathAdd", "States.MathAdd($.value1, $.step)", `{"value1": 111, "step": -1}`, `110`},
		{"StringSplit", "States.StringSplit($.inputString, $.splitter)", `{"inputString": "1,2,3,4,5", "splitter": ","}`, `["1","2","3","4","5"]`},
		{"StringSplit delimiter set", "States.StringSplit($.inputString, $.splitter)", `{"inputString": "This.is+a,test=string", "splitter": ".+,="}`, `["This","is","a","test","string"]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := eval(t, tc.expr, tc.input)
			if err != nil {
				t.Fatalf("Eval: %v", err)
			}
			if s := canon(t, got); s != tc.want {
				t.Errorf("%s = %s, want %s", tc.expr, s, tc.want)
			}
		})
	}
}

func TestEvalMore(t *testing.T) {
	tests := []struct{ name, expr, input, want string }{
		{"escapes", `States.Format('it\'s \{\} a \\ {}', 'x')`, `{}`, `"it's {} a \\ x"`},
		{"no placeholders", "States.Format('plain')", `{}`, `"plain"`},
		{"context path", "States.Format('{}', $$.Execution.Name)", `{}`, `"run-1"`},
		{"variable path", "States.MathAdd($limit, 1)", `{}`, `4`},
		{"literals", "States.Array('a', 1, -2.50, true, false, null)", `{}`, `["a",1,-2.50,true,false,null]`},
		{"empty array", "States.Array()", `{}`, `[]`},
		{"indefinite path arg", "States.ArrayLength($.a[*].b)", `{"a":[{"b":1},{"c":2},{"b":3}]}`, `2`},
		{"filter path arg", "States.Array($.a[?(@.x > 1)].y, 'z')", `{"a":[{"x":1,"y":"p"},{"x":2,"y":"q"}]}`, `[["q"],"z"]`},
		{"nested", "States.ArrayGetItem(States.StringSplit($$.Execution.Id, ':'), 3)", `{}`, `"us-east-1"`},
		{"partition exact", "States.ArrayPartition($.a, 2)", `{"a":[1,2,3,4]}`, `[[1,2],[3,4]]`},
		{"partition bigger than array", "States.ArrayPartition($.a, 10)", `{"a":[1,2]}`, `[[1,2]]`},
		{"partition empty", "States.ArrayPartition($.a, 2)", `{"a":[]}`, `[]`},
		{"contains object", "States.ArrayContains($.a, $.v)", `{"a":[{"k":[1]}],"v":{"k":[1.0]}}`, `true`},
		{"contains not", "States.ArrayContains($.a, 'x')", `{"a":[1,"y"]}`, `false`},
		{"range negative step", "States.ArrayRange(9, 1, -3)", `{}`, `[9,6,3]`},
		{"range integral float", "States.ArrayRange(1.0, 3, 1)", `{}`, `[1,2,3]`},
		{"range empty", "States.ArrayRange(5, 1, 1)", `{}`, `[]`},
		{"range 1000", "States.ArrayLength(States.ArrayRange(1, 1000, 1))", `{}`, `1000`},
		{"get item object", "States.ArrayGetItem($.a, 1)", `{"a":[{"k":1},{"k":2}]}`, `{"k":2}`},
		{"unique mixed", "States.ArrayUnique($.a)", `{"a":[1,1.0,"1",{"a":1},{"a":1},null,null,[1],[1]]}`, `[1,"1",{"a":1},null,[1]]`},
		{"base64 unpadded", "States.Base64Decode('YQ')", `{}`, `"a"`},
		{"base64 empty", "States.Base64Encode('')", `{}`, `""`},
		{"base64 roundtrip", "States.Base64Decode(States.Base64Encode($.s))", `{"s":"round trip ✓"}`, `"round trip ✓"`},
		{"md5", "States.Hash('input data', 'MD5')", `{}`, `"812f45842bc6d66ee14572ce20db8e86"`},
		{"sha256", "States.Hash('input data', 'SHA-256')", `{}`, `"b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3"`},
		{"sha384", "States.Hash('input data', 'SHA-384')", `{}`, `"d28a7d5cf25a74f11a50a18452b75e04bb3d70c9dd0510d6123aa008c756511b87525bdc835ebb27e1fb9e9374a15562"`},
		{"sha512", "States.Hash('input data', 'SHA-512')", `{}`, `"6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4ce2deba23bf2954f0f1d593fc50283731a533d30d425402d4f91316d871303aac4"`},
		{"json to string no html escape", "States.JsonToString($.a)", `{"a":{"h":"<b>&</b>","n":1.50}}`, `"{\"h\":\"<b>&</b>\",\"n\":1.50}"`},
		{"string to json number text", "States.StringToJson('[1.50, 12345678901234567890]')", `{}`, `[1.50,12345678901234567890]`},
		{"string to json scalar", "States.StringToJson('\"x\"')", `{}`, `"x"`},
		{"merge empty", "States.JsonMerge($.a, $.b, false)", `{"a":{},"b":{"x":1}}`, `{"x":1}`},
		{"add rounds half up", "States.MathAdd(1.5, 2.5)", `{}`, `5`},
		{"add rounds negative half up", "States.MathAdd(-1.5, 0)", `{}`, `-1`},
		{"add int32 edges", "States.MathAdd(2147483647, -2147483648)", `{}`, `-1`},
		{"split drops empties", "States.StringSplit(',,a,,b,,', ',')", `{}`, `["a","b"]`},
		{"split only delimiters", "States.StringSplit('...', '.')", `{}`, `[]`},
		{"split empty delimiters", "States.StringSplit('abc', '')", `{}`, `["abc"]`},
		{"split unicode", "States.StringSplit('a😀b😀c', '😀')", `{}`, `["a","b","c"]`},
		{"random seeded is java.util.Random", "States.MathRandom(1, 999, 42)", `{}`, `255`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := eval(t, tc.expr, tc.input)
			if err != nil {
				t.Fatalf("Eval: %v", err)
			}
			if s := canon(t, got); s != tc.want {
				t.Errorf("%s = %s, want %s", tc.expr, s, tc.want)
			}
		})
	}
}

// States.Format renders non-strings like Java's toString of Jackson-decoded
// values: Map as {k=v, ...}, List as [a, b], numbers as written, null as
// null. The object case is pinned by the seed; null and numbers by AWS
// executions recorded in LocalStack's snapshot tests.
func TestFormatRendering(t *testing.T) {
	for _, tc := range []struct{ input, want string }{
		{`"text"`, "text"},
		{`null`, "null"},
		{`1`, "1"},
		{`1.1`, "1.1"},
		{`1.50`, "1.50"},
		{`true`, "true"},
		{`[]`, "[]"},
		{`{}`, "{}"},
		{`[1, "a", null, [true]]`, "[1, a, null, [true]]"},
		{`{"b": {"c": [1, 2]}, "a": "x y"}`, "{a=x y, b={c=[1, 2]}}"},
		{`"{\"Arg1\": 1, \"Arg2\": []}"`, `{"Arg1": 1, "Arg2": []}`},
	} {
		got, err := eval(t, "States.Format('Formatting argument {}.', $.v)", `{"v":`+tc.input+`}`)
		if err != nil {
			t.Fatal(err)
		}
		if want := "Formatting argument " + tc.want + "."; got != want {
			t.Errorf("Format of %s = %q, want %q", tc.input, got, want)
		}
	}
}

func TestEvalFailures(t *testing.T) {
	tests := []struct{ expr, input string }{
		{"States.Format('{} {}', 'one')", `{}`},
		{"States.Format('{}', 'one', 'two')", `{}`},
		{"States.Format($.t)", `{"t": 5}`},
		{"States.StringToJson($.s)", `{"s": 5}`},
		{"States.StringToJson('{bad')", `{}`},
		{"States.StringToJson('{} {}')", `{}`},
		{"States.StringToJson('')", `{}`},
		{"States.ArrayPartition($.s, 2)", `{"s": "abc"}`},
		{"States.ArrayPartition($.a, 0)", `{"a": [1]}`},
		{"States.ArrayPartition($.a, -1)", `{"a": [1]}`},
		{"States.ArrayPartition($.a, 1.5)", `{"a": [1]}`},
		{"States.ArrayContains($.a, 1)", `{"a": {"x": 1}}`},
		{"States.ArrayRange(1, 9, 0)", `{}`},
		{"States.ArrayRange(1.5, 9, 1)", `{}`},
		{"States.ArrayRange('1', 9, 1)", `{}`},
		{"States.ArrayRange(1, 1001, 1)", `{}`},
		{"States.ArrayRange(0, 2000000000, 1)", `{}`},
		{"States.ArrayGetItem($.a, 3)", `{"a": [1,2,3]}`},
		{"States.ArrayGetItem($.a, -1)", `{"a": [1,2,3]}`},
		{"States.ArrayGetItem($.a, 1.5)", `{"a": [1,2,3]}`},
		{"States.ArrayGetItem($.a, 0)", `{"a": "abc"}`},
		{"States.ArrayLength($.a)", `{"a": "abc"}`},
		{"States.ArrayUnique($.a)", `{"a": null}`},
		{"States.Base64Encode($.n)", `{"n": 5}`},
		{"States.Base64Decode('not base64!!!')", `{}`},
		{"States.Base64Decode('RGF0\nYQ==')", `{}`},
		{"States.Hash($.d, 'SHA256')", `{"d": "x"}`},
		{"States.Hash($.d, 'sha-256')", `{"d": "x"}`},
		{"States.Hash($.d, 'SHA-224')", `{"d": "x"}`},
		{"States.Hash($.d, 'MD5')", `{"d": 5}`},
		{"States.Hash('x', 5)", `{}`},
		{"States.JsonMerge($.a, $.b, true)", `{"a": {}, "b": {}}`},
		{"States.JsonMerge($.a, $.b, false)", `{"a": [], "b": {}}`},
		{"States.JsonMerge($.a, $.b, false)", `{"a": {}, "b": 1}`},
		{"States.JsonMerge($.a, $.b, 'false')", `{"a": {}, "b": {}}`},
		{"States.MathAdd('1', 2)", `{}`},
		{"States.MathAdd(2147483648, 0)", `{}`},
		{"States.MathAdd(1, null)", `{}`},
		{"States.MathRandom(5, 5)", `{}`},
		{"States.MathRandom(5, 1)", `{}`},
		{"States.MathRandom('a', 1)", `{}`},
		{"States.MathRandom(1, 5, 'seed')", `{}`},
		{"States.StringSplit($.n, ',')", `{"n": 1}`},
		{"States.StringSplit('a', $.n)", `{"n": 1}`},
	}
	for _, tc := range tests {
		_, err := eval(t, tc.expr, tc.input)
		var f *Failure
		if !errors.As(err, &f) {
			t.Errorf("%s on %s: error = %v, want *Failure", tc.expr, tc.input, err)
			continue
		}
		c, _ := Parse(tc.expr)
		if f.Function != c.Name || f.Cause == "" {
			t.Errorf("%s: Failure %+v does not name the function", tc.expr, f)
		}
	}
}

func TestEvalLimits(t *testing.T) {
	at := make([]byte, maxEncodingChars)
	for i := range at {
		at[i] = 'A'
	}
	okInput := `{"s":"` + string(at) + `"}`
	overInput := `{"s":"` + string(at) + `AAAA"}`
	for _, expr := range []string{"States.Base64Encode($.s)", "States.Base64Decode($.s)", "States.Hash($.s, 'MD5')"} {
		if _, err := eval(t, expr, okInput); err != nil {
			t.Errorf("%s at the limit: %v", expr, err)
		}
		var f *Failure
		if _, err := eval(t, expr, overInput); !errors.As(err, &f) {
			t.Errorf("%s over the limit: error = %v, want *Failure", expr, err)
		}
	}
}

// A path argument that matches nothing is not an intrinsic failure: the
// engine reports it as States.Runtime, naming the path.
func TestEvalPathNotFound(t *testing.T) {
	for _, expr := range []string{"States.Format('{}', $.missing)", "States.Array(States.Array($.x.y))", "States.MathAdd($nope, 1)"} {
		_, err := eval(t, expr, `{}`)
		var nf *jsonpath.NotFoundError
		if !errors.As(err, &nf) {
			t.Errorf("%s: error = %v, want *jsonpath.NotFoundError", expr, err)
		}
	}
}

func TestUUIDAndRandom(t *testing.T) {
	v4 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	a, err := eval(t, "States.UUID()", `{}`)
	if err != nil {
		t.Fatal(err)
	}
	if !v4.MatchString(a.(string)) {
		t.Errorf("UUID %q is not a v4 UUID", a)
	}
	b, _ := eval(t, "States.UUID()", `{}`)
	if a != b {
		t.Errorf("same random source gave %q and %q", a, b)
	}
	for range 100 {
		v, err := eval(t, "States.MathRandom($.start, $.end)", `{"start": 1, "end": 999}`)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := integer(v)
		if n < 1 || n >= 999 {
			t.Fatalf("MathRandom(1, 999) = %d", n)
		}
	}
	c, _ := Parse("States.UUID()")
	if _, err := c.Eval(&Env{}); err == nil {
		t.Error("UUID without a random source: want an error")
	}
}

// java.util.Random reference values: new Random(42).nextInt() is
// -1170105035 and new Random(42).nextInt(10) is 0.
func TestJavaRandom(t *testing.T) {
	if got := newJavaRandom(42).next(32); got != -1170105035 {
		t.Errorf("next(32) = %d, want -1170105035", got)
	}
	if got := newJavaRandom(42).nextInt(10); got != 0 {
		t.Errorf("nextInt(10) = %d, want 0", got)
	}
}
