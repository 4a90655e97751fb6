package value

import (
	"encoding/json"
	"errors"
	"testing"
)

func decode(t *testing.T, s string) any {
	t.Helper()
	v, err := Decode([]byte(s))
	if err != nil {
		t.Fatalf("bad test JSON %q: %v", s, err)
	}
	return v
}

func TestEqual(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{`1`, `1.0`, true},
		{`1e2`, `100`, true},
		{`12345678901234567890`, `12345678901234567891`, false},
		{`"1"`, `1`, false},
		{`{"a":[1,{"b":null}]}`, `{"a":[1.0,{"b":null}]}`, true},
		{`{"a":1}`, `{"a":1,"b":2}`, false},
		{`[1,2]`, `[2,1]`, false},
		{`null`, `false`, false},
	} {
		if got := Equal(decode(t, tc.a), decode(t, tc.b)); got != tc.want {
			t.Errorf("Equal(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestCompareNumbers(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"1", "2", -1},
		{"2", "1.5", 1},
		{"1e2", "100.0", 0},
		{"12345678901234567890", "12345678901234567891", -1},
		{"0.30000000000000000001", "0.3", 1},
		{"-0", "0", 0},
	} {
		if got := CompareNumbers(json.Number(tc.a), json.Number(tc.b)); got != tc.want {
			t.Errorf("CompareNumbers(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestScanNumber(t *testing.T) {
	for in, want := range map[string]string{
		"12)": "12", "-1.5e+3,": "-1.5e+3", "0.25": "0.25", "7E2x": "7E2",
		"-": "", "1.": "", "1e": "", "1e+": "", ".5": "", "x1": "",
	} {
		n, ok := ScanNumber(in)
		if string(n) != want || ok != (want != "") {
			t.Errorf("ScanNumber(%q) = %q, %v; want %q", in, n, ok, want)
		}
	}
}

func TestDecode(t *testing.T) {
	v, err := Decode([]byte(` {"n": 1.50} `))
	if err != nil || !Equal(v, map[string]any{"n": json.Number("1.5")}) {
		t.Fatalf("Decode = %v, %v", v, err)
	}
	if _, err := Decode([]byte(`1 2`)); !errors.Is(err, ErrTrailingData) {
		t.Fatalf("Decode(1 2): got %v, want ErrTrailingData", err)
	}
	if _, err := Decode([]byte(`{`)); err == nil || errors.Is(err, ErrTrailingData) {
		t.Fatalf("Decode({): got %v, want a syntax error", err)
	}
}

func TestDescribe(t *testing.T) {
	for v, want := range map[any]string{
		nil: "null", true: "a boolean", "s": "a string", json.Number("1"): "a number", 2.5: "a number",
	} {
		if got := Describe(v); got != want {
			t.Errorf("Describe(%v) = %q, want %q", v, got, want)
		}
	}
	if got := Describe([]any{}); got != "an array" {
		t.Errorf("Describe([]) = %q", got)
	}
	if got := Describe(map[string]any{}); got != "an object" {
		t.Errorf("Describe({}) = %q", got)
	}
}
