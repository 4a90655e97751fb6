package intrinsic

import (
	"encoding/json"
	"strings"

	"github.com/shoal-dev/shoal/internal/asl/jsonpath"
)

// Call is a parsed intrinsic function call. It is immutable and safe for
// concurrent use.
type Call struct {
	Name string // "States.Format"
	Args []Arg
	fn   *function
}

// ArgKind says what an argument is.
type ArgKind uint8

const (
	ArgString ArgKind = iota // 'text'
	ArgNumber                // 42, -1.5
	ArgBool                  // true, false
	ArgNull                  // null
	ArgPath                  // $.x, $$.Execution.Id, $var.x
	ArgCall                  // a nested intrinsic call
)

// Arg is one argument of a Call.
type Arg struct {
	Kind  ArgKind
	Value any            // string, json.Number or bool for literals; nil for null
	Raw   string         // a string literal as written between the quotes, escapes intact
	Path  *jsonpath.Path // ArgPath
	Call  *Call          // ArgCall
}

// String renders the call canonically; Parse(c.String()) renders the same.
func (c *Call) String() string {
	var b strings.Builder
	c.write(&b)
	return b.String()
}

func (c *Call) write(b *strings.Builder) {
	b.WriteString(c.Name)
	b.WriteByte('(')
	for i := range c.Args {
		if i > 0 {
			b.WriteString(", ")
		}
		a := &c.Args[i]
		switch a.Kind {
		case ArgString:
			b.WriteByte('\'')
			b.WriteString(a.Raw)
			b.WriteByte('\'')
		case ArgNumber:
			b.WriteString(string(a.Value.(json.Number)))
		case ArgBool:
			if a.Value.(bool) {
				b.WriteString("true")
			} else {
				b.WriteString("false")
			}
		case ArgNull:
			b.WriteString("null")
		case ArgPath:
			b.WriteString(a.Path.String())
		case ArgCall:
			a.Call.write(b)
		}
	}
	b.WriteByte(')')
}
