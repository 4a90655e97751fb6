package intrinsic

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/shoal-dev/shoal/internal/asl/jsonpath"
	"github.com/shoal-dev/shoal/internal/asl/value"
)

// MaxNesting is how many intrinsic calls may be nested in one field: the AWS
// guide says "You can nest up to 10 intrinsic functions within a field". The
// outermost call counts as level 1.
const MaxNesting = 10

// IsCall reports whether s looks like an intrinsic call rather than a path,
// which is how a "key.$" value is told apart.
func IsCall(s string) bool { return strings.HasPrefix(s, "States.") }

// Parse parses an intrinsic function call such as
// "States.Format('Hi! {}', $)".
func Parse(expr string) (*Call, error) {
	p := parser{src: expr}
	if !utf8.ValidString(expr) {
		return nil, p.fail("not valid UTF-8")
	}
	c, err := p.parseCall(1)
	if err != nil {
		return nil, err
	}
	if !p.eof() {
		return nil, p.fail("unexpected text after the call")
	}
	return c, nil
}

type parser struct {
	src string
	pos int
}

func (p *parser) fail(msg string) error {
	return &SyntaxError{Expr: p.src, Offset: p.pos, Msg: msg}
}

func (p *parser) eof() bool { return p.pos >= len(p.src) }

func (p *parser) peek() byte {
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

func (p *parser) skipSpace() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t' || p.src[p.pos] == '\n' || p.src[p.pos] == '\r') {
		p.pos++
	}
}

func (p *parser) parseCall(depth int) (*Call, error) {
	if depth > MaxNesting {
		return nil, p.fail("intrinsic functions may be nested at most 10 deep")
	}
	start := p.pos
	for p.pos < len(p.src) && (isIdent(p.src[p.pos]) || p.src[p.pos] == '.') {
		p.pos++
	}
	name := p.src[start:p.pos]
	fn, ok := functions[name]
	if !ok {
		p.pos = start
		if name == "" {
			return nil, p.fail("expected an intrinsic function name such as States.Format")
		}
		return nil, p.fail("unknown intrinsic function " + name)
	}
	if p.peek() != '(' {
		return nil, p.fail("expected '(' after " + name)
	}
	p.pos++
	c := &Call{Name: name, fn: fn}
	p.skipSpace()
	if p.peek() == ')' {
		p.pos++
	} else {
		for {
			p.skipSpace()
			a, err := p.parseArg(depth)
			if err != nil {
				return nil, err
			}
			c.Args = append(c.Args, a)
			p.skipSpace()
			if p.peek() == ',' {
				p.pos++
				continue
			}
			if p.peek() == ')' {
				p.pos++
				break
			}
			return nil, p.fail("expected ',' or ')'")
		}
	}
	if n := len(c.Args); n < fn.minArgs || (fn.maxArgs >= 0 && n > fn.maxArgs) {
		p.pos = start
		return nil, p.fail(name + " takes " + fn.arity() + " but was given " + strconv.Itoa(n))
	}
	return c, nil
}

func isIdent(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

func (p *parser) parseArg(depth int) (Arg, error) {
	switch c := p.peek(); {
	case c == '\'':
		return p.parseString()
	case c == '$':
		return p.parsePath()
	case c == '-' || (c >= '0' && c <= '9'):
		n, ok := p.parseNumber()
		if !ok {
			return Arg{}, p.fail("invalid number")
		}
		return Arg{Kind: ArgNumber, Value: n}, nil
	case strings.HasPrefix(p.src[p.pos:], "States."):
		c, err := p.parseCall(depth + 1)
		if err != nil {
			return Arg{}, err
		}
		return Arg{Kind: ArgCall, Call: c}, nil
	}
	for _, kw := range [...]struct {
		text string
		arg  Arg
	}{{"true", Arg{Kind: ArgBool, Value: true}}, {"false", Arg{Kind: ArgBool, Value: false}}, {"null", Arg{Kind: ArgNull}}} {
		if strings.HasPrefix(p.src[p.pos:], kw.text) && (p.pos+len(kw.text) == len(p.src) || !isIdent(p.src[p.pos+len(kw.text)])) {
			p.pos += len(kw.text)
			return kw.arg, nil
		}
	}
	return Arg{}, p.fail("expected a string, number, true, false, null, path or intrinsic call")
}

// parseString reads a '...' literal. Only \' \{ \} and \\ are escapes; the
// guide says any other backslash is an error.
func (p *parser) parseString() (Arg, error) {
	p.pos++
	start := p.pos
	var b strings.Builder
	for {
		if p.eof() {
			return Arg{}, p.fail("unterminated string literal")
		}
		c := p.src[p.pos]
		switch c {
		case '\'':
			raw := p.src[start:p.pos]
			p.pos++
			return Arg{Kind: ArgString, Value: b.String(), Raw: raw}, nil
		case '\\':
			if p.pos+1 >= len(p.src) || strings.IndexByte(`'{}\`, p.src[p.pos+1]) < 0 {
				return Arg{}, p.fail(`a backslash must escape one of ' { } \`)
			}
			b.WriteByte(p.src[p.pos+1])
			p.pos += 2
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
}

// parsePath reads a JSONPath argument: it runs to the first ',' or ')' or
// space outside brackets and quotes, so "$.a['x, y']" stays whole.
func (p *parser) parsePath() (Arg, error) {
	start := p.pos
	depth := 0
	var quote byte
scan:
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case quote != 0:
			if c == '\\' {
				p.pos++
			} else if c == quote {
				quote = 0
			}
		case depth > 0 && (c == '\'' || c == '"'):
			quote = c
		case c == '[':
			depth++
		case c == ']':
			depth--
		case depth <= 0 && (c == ',' || c == ')' || c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			break scan
		}
		p.pos++
	}
	if p.pos > len(p.src) {
		p.pos = len(p.src)
	}
	text := p.src[start:p.pos]
	path, err := jsonpath.Parse(text)
	if err != nil {
		var se *jsonpath.SyntaxError
		if errors.As(err, &se) {
			return Arg{}, &SyntaxError{Expr: p.src, Offset: start + se.Offset, Msg: "invalid path " + text + ": " + se.Msg}
		}
		return Arg{}, p.fail(err.Error())
	}
	return Arg{Kind: ArgPath, Path: path}, nil
}

func (p *parser) parseNumber() (json.Number, bool) {
	n, ok := value.ScanNumber(p.src[p.pos:])
	p.pos += len(n)
	return n, ok
}
