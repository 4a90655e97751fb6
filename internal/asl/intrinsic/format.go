package intrinsic

import (
	"maps"
	"slices"
	"strings"

	"github.com/shoal-dev/shoal/internal/asl/value"
)

// evalFormat is States.Format(template, args...): each {} in the template is
// replaced by the next argument. In a literal template \{ and \} are literal
// braces; a template read from a path is used as it is.
func evalFormat(c *Call, args []any, _ *Env) (any, error) {
	var tmpl string
	escapes := false
	if c.Args[0].Kind == ArgString {
		tmpl, escapes = c.Args[0].Raw, true
	} else {
		s, ok := args[0].(string)
		if !ok {
			return nil, failf(c.Name, "the first argument must be a string, but was %s", value.Describe(args[0]))
		}
		tmpl = s
	}
	values := args[1:]
	if n := countPlaceholders(tmpl, escapes); n != len(values) {
		return nil, failf(c.Name, "the format string has %s but %s followed it", plural(n, "placeholder"), plural(len(values), "argument"))
	}
	var b strings.Builder
	next := 0
	for i := 0; i < len(tmpl); i++ {
		switch {
		case escapes && tmpl[i] == '\\' && i+1 < len(tmpl):
			i++
			b.WriteByte(tmpl[i])
		case tmpl[i] == '{' && i+1 < len(tmpl) && tmpl[i+1] == '}':
			writeJava(&b, values[next])
			next++
			i++
		default:
			b.WriteByte(tmpl[i])
		}
	}
	return b.String(), nil
}

func countPlaceholders(tmpl string, escapes bool) int {
	n := 0
	for i := 0; i < len(tmpl); i++ {
		switch {
		case escapes && tmpl[i] == '\\':
			i++
		case tmpl[i] == '{' && i+1 < len(tmpl) && tmpl[i+1] == '}':
			n++
			i++
		}
	}
	return n
}

// writeJava renders a value the way Step Functions' Java runtime does when
// it formats one into a string: strings bare, objects as {k=v, k2=v2} and
// arrays as [a, b] (java.util.Map and List toString), numbers as written,
// and null as null. The seed pins the object form:
// {"Id": "glue-..."} renders as {Id=glue-...}. Object members come out in
// sorted key order; AWS keeps document order, which Go maps cannot.
func writeJava(b *strings.Builder, v any) {
	switch x := v.(type) {
	case string:
		b.WriteString(x)
	case nil:
		b.WriteString("null")
	case bool:
		if x {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJava(b, e)
		}
		b.WriteByte(']')
	case map[string]any:
		b.WriteByte('{')
		for i, k := range slices.Sorted(maps.Keys(x)) {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(k)
			b.WriteByte('=')
			writeJava(b, x[k])
		}
		b.WriteByte('}')
	default:
		if n, ok := value.Number(v); ok {
			b.WriteString(string(n))
			return
		}
		b.WriteString("null")
	}
}
