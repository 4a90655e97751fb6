package jsonpath

import (
	"errors"
	"testing"
)

func TestParseCanonical(t *testing.T) {
	tests := []struct {
		in, want string
		root     Root
		variable string
		definite bool
	}{
		{"$", "$", RootInput, "", true},
		{"$$", "$$", RootContext, "", true},
		{"$.a.b", "$.a.b", RootInput, "", true},
		{"$.abc.['def ghi']", "$.abc['def ghi']", RootInput, "", true}, // the AWS guide's form
		{"$['a']['b c']", "$.a['b c']", RootInput, "", true},
		{`$["it's"]`, `$['it\'s']`, RootInput, "", true},
		{"$.a[0][-1]", "$.a[0][-1]", RootInput, "", true},
		{"$$.Execution.Input.x", "$$.Execution.Input.x", RootContext, "", true},
		{"$$.Map.Item.Value", "$$.Map.Item.Value", RootContext, "", true},
		{"$productName", "$productName", RootVariable, "productName", true},
		{"$order.numItems", "$order.numItems", RootVariable, "order", true},
		{"$_x1[2]", "$_x1[2]", RootVariable, "_x1", true},
		{"$.a.*", "$.a[*]", RootInput, "", false},
		{"$.a[ * ]", "$.a[*]", RootInput, "", false},
		{"$.a[1:3]", "$.a[1:3]", RootInput, "", false},
		{"$.a[:]", "$.a[:]", RootInput, "", false},
		{"$.a[::-1]", "$.a[::-1]", RootInput, "", false},
		{"$.a[0, 2]", "$.a[0,2]", RootInput, "", false},
		{"$['a', \"b\"]", "$['a','b']", RootInput, "", false},
		{"$..a", "$..a", RootInput, "", false},
		{"$..['a b']", "$..['a b']", RootInput, "", false},
		{"$..*", "$..*", RootInput, "", false},
		{"$..[0]", "$..[0]", RootInput, "", false},
		{"$.a[?(@.x>1)]", "$.a[?(@.x > 1)]", RootInput, "", false},
		{"$.a[?(@.x)]", "$.a[?(@.x)]", RootInput, "", false},
		{"$.a[?(@.x == 'q' && @.y != \"r\" || !@.z)]", "$.a[?((@.x == 'q' && @.y != 'r') || !(@.z))]", RootInput, "", false},
		{"$.a[?(@.x <= $.max)]", "$.a[?(@.x <= $.max)]", RootInput, "", false},
		{"$.a[?(@['k k'] >= -1.5e3)]", "$.a[?(@['k k'] >= -1.5e3)]", RootInput, "", false},
		{"$.a[?(@.b[?(@.c == null)])]", "$.a[?(@.b[?(@.c == null)])]", RootInput, "", false},
		{"$.a.sum()", "$.a['sum()']", RootInput, "", true},
	}
	for _, tc := range tests {
		p, err := Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if got := p.String(); got != tc.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tc.in, got, tc.want)
		}
		if p.Root() != tc.root || p.Variable() != tc.variable || p.IsDefinite() != tc.definite {
			t.Errorf("Parse(%q): root %v var %q definite %v, want %v %q %v", tc.in, p.Root(), p.Variable(), p.IsDefinite(), tc.root, tc.variable, tc.definite)
		}
		if p.Text() != tc.in {
			t.Errorf("Text() = %q, want %q", p.Text(), tc.in)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{
		"", "a", ".a", "$.", "$..", "$a b", "$.a b", "$[", "$[0", "$['a", "$['a'", "$[]",
		"$[-]", "$[1:2:0]", "$[?(@.a)", "$[?@.a]", "$[?(@.a ==)]", "$[?(1)]", "$[?($$.a)]",
		"$.a]", "$1", "$.a'", "$[99999999999]", "$.a..", "\xff",
	} {
		_, err := Parse(in)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q) error = %v, want *SyntaxError", in, err)
		}
	}
}

func TestParseReference(t *testing.T) {
	for _, ok := range []string{"$", "$.a", "$['a b'].c[0]", "$$.Execution.Input", "$var.x", "$.a[-1]"} {
		if err := IsValidReferencePath(ok); err != nil {
			t.Errorf("IsValidReferencePath(%q) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{"$.a[*]", "$..a", "$.a[0:1]", "$.a[0,1]", "$['a','b']", "$.a[?(@.b)]", "$.a.*", "nope"} {
		if err := IsValidReferencePath(bad); err == nil {
			t.Errorf("IsValidReferencePath(%q) = nil, want an error", bad)
		}
		if bad != "nope" {
			if err := IsValidPath(bad); err != nil {
				t.Errorf("IsValidPath(%q) = %v, want nil", bad, err)
			}
		}
	}
}
