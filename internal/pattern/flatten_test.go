package pattern

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// Edges of the event scanner (flatten.go, scan.go, fields.go): escapes,
// dotted keys, numbers, arrays, white space.
func TestEventScanning(t *testing.T) {
	// wide names more fields under "d" than fieldMapMin: its node uses a map.
	var fields []string
	for i := range fieldMapMin + 1 {
		fields = append(fields, fmt.Sprintf(`{"k%d":{"x":["v%d"]}}`, i, i))
	}
	wide := `{"d":{"$or":[` + strings.Join(fields, ",") + `]}}`
	runCases(t, []matchCase{
		{"wide node", wide, `{"d":{"k3":{"x":"v3"}}}`, true},
		{"wide node dotted key", wide, `{"d.k16":{"x":"v16"}}`, true},
		{"wide node dotted key deeper", wide, `{"d":{"k16.x":"v16"}}`, true},
		{"wide node unknown dotted key", wide, `{"d":{"k17.x":"v16"}}`, false},
		{"wide node wrong value", wide, `{"d":{"k16":{"x":"v3"}}}`, false},
		{"escaped key", `{"detail":{"state":["x"]}}`, `{"de\u0074ail":{"st\u0061te":"x"}}`, true},
		{"escaped dot in key", `{"a":{"b":[1]}}`, `{"a\u002eb":1}`, true},
		{"escaped quote in key", `{"a\"b":[1]}`, `{"a\"b":1}`, true},
		{"key with backslash is not the plain key", `{"ab":[1]}`, `{"a\\b":1}`, false},
		{"escaped quote in value", `{"s":["x\"y"]}`, `{"s":"x\"y"}`, true},
		{"escaped backslash at end of value", `{"s":["x\\"]}`, `{"s":"x\\","t":"u"}`, true},
		{"escaped slash", `{"s":["a/b"]}`, `{"s":"a\/b"}`, true},
		{"surrogate pair", `{"s":["😀"]}`, `{"s":"\ud83d\ude00"}`, true},
		{"raw unicode", `{"s":[{"prefix":"é"}]}`, `{"s":"ecole"}`, false},
		{"raw unicode prefix", `{"s":[{"prefix":"é"}]}`, `{"s":"éte"}`, true},
		{"long value with escape past eight bytes", `{"s":["0123456789\tabcdef"]}`, `{"s":"0123456789\tabcdef"}`, true},
		{"quote at a word boundary", `{"s":["1234567"],"t":["x"]}`, `{"s":"1234567","t":"x"}`, true},
		{"dotted key at depth", `{"a":{"b":{"c":["x"]}}}`, `{"a":{"b.c":"x"}}`, true},
		{"dotted key splits three ways", `{"a":{"b":{"c":["x"]}}}`, `{"a.b.c":"x"}`, true},
		{"dotted key then object", `{"a":{"b":{"c":["x"]}}}`, `{"a.b":{"c":"x"}}`, true},
		{"dotted key wrong tail", `{"a":{"b":["x"]}}`, `{"a.bc":"x"}`, false},
		{"dotted key prefix only", `{"a":{"b":["x"]}}`, `{"ab":"x"}`, false},
		{"empty key", `{"":["x"]}`, `{"":"x"}`, true},
		{"nested empty key", `{"a":{"":["x"]}}`, `{"a.":"x"}`, true},
		{"many sibling keys", `{"k15":["x"],"k3":["y"]}`, `{"k0":1,"k1":1,"k2":1,"k3":"y","k4":1,"k5":1,"k6":1,"k7":1,"k8":1,"k9":1,"k10":1,"k11":1,"k12":1,"k13":1,"k14":1,"k15":"x"}`, true},
		{"3.0 is 3", `{"n":[3]}`, `{"n":3.0}`, true},
		{"3e0 is 3", `{"n":[3]}`, `{"n":3e0}`, true},
		{"30e-1 is 3", `{"n":[3]}`, `{"n":30e-1}`, true},
		{"3.0000001 is not 3", `{"n":[3]}`, `{"n":3.0000001}`, true}, // six decimals, as event-ruler
		{"3.000001 is not 3", `{"n":[3]}`, `{"n":3.000001}`, false},
		{"negative floor below six decimals", `{"n":[{"numeric":["<",-122.495]}]}`, `{"n":-122.4950001}`, true},
		{"negative at the bound", `{"n":[{"numeric":["<",-122.495]}]}`, `{"n":-122.495}`, false},
		{"negative above the bound", `{"n":[{"numeric":["<",-122.495]}]}`, `{"n":-122.49499999999999}`, false},
		{"long decimals in array", `{"c":[{"numeric":[">",37.75,"<",37.76]}]}`, `{"c":[[-122.41234567890123,37.75123456789012,0.0]]}`, true},
		{"long decimals in array none", `{"c":[{"numeric":[">",37.76]}]}`, `{"c":[[-122.41234567890123,37.75123456789012,0.0]]}`, false},
		{"array of numbers exact", `{"n":[2.5]}`, `{"n":[1,2.50,3e2]}`, true},
		{"array of numbers exact by literal", `{"n":[123456789012]}`, `{"n":[1,123456789012]}`, true},
		{"array of mixed scalars", `{"n":["x"]}`, `{"n":[1,null,true,"x"]}`, true},
		{"number beyond range by literal", `{"n":[{"numeric":[">",0]}]}`, `{"n":[12345678901]}`, false},
		{"exponent number in array", `{"n":[{"numeric":[">",100]}]}`, `{"n":[1,2e2]}`, true},
		{"numbers in array with sibling in element", `{"a":{"n":[{"numeric":[">",5]}],"s":["x"]}}`, `{"a":[{"n":[1,10],"s":"x"}]}`, true},
		{"numbers in array across elements", `{"a":{"n":[{"numeric":[">",5]}],"s":["x"]}}`, `{"a":[{"n":[1,2],"s":"x"},{"n":10,"s":"y"}]}`, false},
		{"null is a value", `{"a":[null]}`, `{"a":null}`, true},
		{"null is not absent", `{"a":[{"exists":false}]}`, `{"a":null}`, false},
		{"empty string exists", `{"a":[{"exists":true}]}`, `{"a":""}`, true},
		{"empty string is not null", `{"a":[null]}`, `{"a":""}`, false},
		{"absent is not empty string", `{"a":[""]}`, `{"b":""}`, false},
		{"white space everywhere", `{"a":{"b":["x"]},"n":[{"numeric":[">",1]}]}`, " {\n\t\"z\" : [ 1 , { \"q\" : null } ] ,\r\n \"a\" : { \"b\" : [ \"x\" ] } , \"n\" : [ 2 ] } \n", true},
		{"skipped subtree of every kind", `{"a":["x"]}`, `{"z":{"y":[1,-2.5e-3,true,false,null,"s\"\\",{"w":[]},{}],"v":{}},"a":"x"}`, true},
	})
}

// TestDuplicateKeys pins what the scanner does with a key given twice in an
// event (the events service passes PutEvents entries through unchanged):
// both values are the field's values, as for an array.
func TestDuplicateKeys(t *testing.T) {
	for _, c := range []struct {
		pattern, event string
		want           bool
	}{
		{`{"a":[1]}`, `{"a":1,"a":2}`, true},
		{`{"a":[2]}`, `{"a":1,"a":2}`, true},
		{`{"a":{"b":["x"],"c":["y"]}}`, `{"a":{"b":"x"},"a":{"c":"y"}}`, true},
		{`{"a":[{"exists":false}]}`, `{"a":1,"a":2}`, false},
	} {
		got, err := mustCompile(t, c.pattern).Match([]byte(c.event))
		if err != nil || got != c.want {
			t.Errorf("Match(%s, %s) = %v, %v; want %v", c.pattern, c.event, got, err, c.want)
		}
	}
}

// TestInvalidEvents: an event that is not valid JSON is refused wherever the
// fault lies, in a field a pattern names or in one the scanner skips.
func TestInvalidEvents(t *testing.T) {
	m := NewMatcher()
	m.Add("p", mustCompile(t, `{"a":{"b":["x"],"n":[{"numeric":[">",1]}]},"c":[1]}`))
	for _, bad := range []string{
		`{"a":{"b":"x"}`, `{"a":{"b":"x"}}}`, `{"a":{"b":"x",}}`, `{"a":{"b" "x"}}`,
		`{"c":01}`, `{"c":1.}`, `{"c":1e}`, `{"c":-}`, `{"c":1.5.5}`, `{"c":[1 2]}`, `{"c":[1,]}`,
		`{"c":tru}`, `{"c":nul}`, `{"c":"\x"}`, `{"c":"abc`, `{"c":"\u12"}`,
		`{"z":01}`, `{"z":[1,]}`, `{"z":{"y":}}`, `{"z":"\q"}`, `{"z":{"y" 1}}`, `{"z":[{"y":1},]}`,
		`{"a":{"z":[1,2,}}}`, `{"a":{"b":["x",]}}`, `{"a":{"n":[1,2e]}}`, `{"a":{"n":-01}}`,
		`{"a\q":1}`, `{"z":1,}`, `{,}`, `{"z"}`, `{"z":1 "y":2}`,
		strings.Repeat(`{"z":`, maxDepth+2) + "1" + strings.Repeat("}", maxDepth+2),
		`{"z":` + strings.Repeat("[", maxDepth+2) + strings.Repeat("]", maxDepth+2) + `}`,
		`{"c":` + strings.Repeat("[", maxDepth+2) + strings.Repeat("]", maxDepth+2) + `}`,
	} {
		if ids, err := m.Match([]byte(bad)); !errors.Is(err, ErrNotObject) {
			t.Errorf("Match(%.60q) = %v, %v; want ErrNotObject", bad, ids, err)
		}
	}
	for _, good := range []string{
		`{"a":{"b":"x","n":2},"c":1}`, `{"z":1e5,"c":[0,-0,0.5,1E+2,1e-2]}`, `{"z":"\u00e9\"\\\/\b\f\n\r\t","a":{"b":"x"}}`,
	} {
		if _, err := m.Match([]byte(good)); err != nil {
			t.Errorf("Match(%s): %v", good, err)
		}
	}
	if ids, _ := m.Match([]byte(`{"a":{"b":"x","n":2},"c":1}`)); !slices.Equal(ids, []string{"p"}) {
		t.Errorf("ids = %v", ids)
	}
}
