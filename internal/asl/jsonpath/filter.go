package jsonpath

import (
	"encoding/json"
	"strings"

	"github.com/shoal-dev/shoal/internal/asl/value"
)

// expr is a filter expression, the part inside [?( )].
type expr interface {
	match(w *walker, cur any) bool
	write(b *strings.Builder)
}

type logicalExpr struct {
	and  bool // && when true, || otherwise
	l, r expr
}

type notExpr struct{ x expr }

// existsExpr is a bare operand: [?(@.x)] keeps nodes where @.x exists.
type existsExpr struct{ o operand }

type cmpExpr struct {
	op   string // == != < <= > >=
	l, r operand
}

// operand is a path relative to the current node (@) or to the document
// root ($), or a literal.
type operand struct {
	isPath   bool
	fromRoot bool
	segs     []segment
	lit      any // string, json.Number, bool or nil
}

func (e *logicalExpr) match(w *walker, cur any) bool {
	if e.and {
		return e.l.match(w, cur) && e.r.match(w, cur)
	}
	return e.l.match(w, cur) || e.r.match(w, cur)
}

func (e *notExpr) match(w *walker, cur any) bool { return !e.x.match(w, cur) }

func (e *existsExpr) match(w *walker, cur any) bool {
	if !e.o.isPath {
		b, _ := e.o.lit.(bool)
		return b
	}
	_, ok := e.o.value(w, cur)
	return ok
}

func (e *cmpExpr) match(w *walker, cur any) bool {
	l, lok := e.l.value(w, cur)
	r, rok := e.r.value(w, cur)
	if e.op == "!=" {
		// Jayway defines != as the negation of ==, so a missing operand
		// makes != true.
		return !(lok && rok && value.Equal(l, r))
	}
	if !lok || !rok {
		return false
	}
	if e.op == "==" {
		return value.Equal(l, r)
	}
	c, ok := compareOrdered(l, r)
	if !ok {
		return false
	}
	switch e.op {
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	default:
		return c >= 0
	}
}

// compareOrdered orders two numbers or two strings; other pairs do not
// compare (Jayway's relational operators are false for them).
func compareOrdered(l, r any) (int, bool) {
	if ln, ok := value.Number(l); ok {
		if rn, ok := value.Number(r); ok {
			return value.CompareNumbers(ln, rn), true
		}
		return 0, false
	}
	ls, lok := l.(string)
	rs, rok := r.(string)
	if lok && rok {
		return strings.Compare(ls, rs), true
	}
	return 0, false
}

// value evaluates the operand; ok is false when a path matches nothing.
func (o *operand) value(w *walker, cur any) (any, bool) {
	if !o.isPath {
		return o.lit, true
	}
	doc := cur
	if o.fromRoot {
		doc = w.root
	}
	if len(o.segs) == 0 {
		return doc, true
	}
	if allDefinite(o.segs) {
		return evalDefinite(doc, o.segs)
	}
	sub := walker{root: w.root, segs: o.segs, firstIndef: firstIndefinite(o.segs)}
	sub.out = []any{}
	if err := sub.walk(doc, 0); err != nil || len(sub.out) == 0 {
		return nil, false
	}
	return sub.out, true
}

func (e *logicalExpr) write(b *strings.Builder) {
	writeChild(b, e.l)
	if e.and {
		b.WriteString(" && ")
	} else {
		b.WriteString(" || ")
	}
	writeChild(b, e.r)
}

// writeChild parenthesises nested logical expressions so the rendering
// re-parses to the same tree whatever the precedence.
func writeChild(b *strings.Builder, e expr) {
	if _, ok := e.(*logicalExpr); ok {
		b.WriteByte('(')
		e.write(b)
		b.WriteByte(')')
		return
	}
	e.write(b)
}

func (e *notExpr) write(b *strings.Builder) {
	b.WriteString("!(")
	e.x.write(b)
	b.WriteByte(')')
}

func (e *existsExpr) write(b *strings.Builder) { e.o.write(b) }

func (e *cmpExpr) write(b *strings.Builder) {
	e.l.write(b)
	b.WriteByte(' ')
	b.WriteString(e.op)
	b.WriteByte(' ')
	e.r.write(b)
}

func (o *operand) write(b *strings.Builder) {
	if o.isPath {
		if o.fromRoot {
			b.WriteByte('$')
		} else {
			b.WriteByte('@')
		}
		writeSegments(b, o.segs)
		return
	}
	switch v := o.lit.(type) {
	case string:
		writeQuoted(b, v)
	case json.Number:
		b.WriteString(string(v))
	case bool:
		if v {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	default:
		b.WriteString("null")
	}
}

// Filter grammar (Jayway's, restricted to what Step Functions users write):
//
//	or      = and { "||" and }
//	and     = unary { "&&" unary }
//	unary   = "!" unary | "(" or ")" | operand [ op operand ]
//	operand = "@" segments | "$" segments | 'str' | "str" | number | true | false | null
func (p *parser) parseOr() (expr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxFilterDepth {
		return nil, p.fail("filter is nested too deeply")
	}
	l, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for {
		p.skipSpace()
		if !strings.HasPrefix(p.src[p.pos:], "||") {
			return l, nil
		}
		p.pos += 2
		r, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		l = &logicalExpr{l: l, r: r}
	}
}

func (p *parser) parseAnd() (expr, error) {
	l, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	for {
		p.skipSpace()
		if !strings.HasPrefix(p.src[p.pos:], "&&") {
			return l, nil
		}
		p.pos += 2
		r, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		l = &logicalExpr{and: true, l: l, r: r}
	}
}

func (p *parser) parseUnary() (expr, error) {
	p.skipSpace()
	switch p.peek() {
	case '!':
		if !strings.HasPrefix(p.src[p.pos:], "!=") {
			p.pos++
			p.depth++
			defer func() { p.depth-- }()
			if p.depth > maxFilterDepth {
				return nil, p.fail("filter is nested too deeply")
			}
			x, err := p.parseUnary()
			if err != nil {
				return nil, err
			}
			return &notExpr{x: x}, nil
		}
	case '(':
		p.pos++
		e, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.peek() != ')' {
			return nil, p.fail("expected ')'")
		}
		p.pos++
		return e, nil
	}
	l, err := p.parseOperand()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	for _, op := range [...]string{"==", "!=", "<=", ">=", "<", ">"} {
		if strings.HasPrefix(p.src[p.pos:], op) {
			p.pos += len(op)
			p.skipSpace()
			r, err := p.parseOperand()
			if err != nil {
				return nil, err
			}
			return &cmpExpr{op: op, l: l, r: r}, nil
		}
	}
	if !l.isPath {
		if _, ok := l.lit.(bool); !ok {
			return nil, p.fail("a literal alone is not a condition")
		}
	}
	return &existsExpr{o: l}, nil
}

func (p *parser) parseOperand() (operand, error) {
	p.skipSpace()
	c := p.peek()
	switch {
	case c == '@' || c == '$':
		p.pos++
		if c == '$' && (p.peek() == '$' || p.peek() == '_' || (!p.eof() && isLetterAt(p.src, p.pos))) {
			return operand{}, p.fail("only @ and $ paths may appear in a filter")
		}
		segs, err := p.parseSegments(true)
		if err != nil {
			return operand{}, err
		}
		return operand{isPath: true, fromRoot: c == '$', segs: segs}, nil
	case c == '\'' || c == '"':
		s, err := p.parseQuoted()
		if err != nil {
			return operand{}, err
		}
		return operand{lit: s}, nil
	case c == '-' || (c >= '0' && c <= '9'):
		n, ok := p.parseNumber()
		if !ok {
			return operand{}, p.fail("invalid number")
		}
		return operand{lit: n}, nil
	}
	for _, kw := range [...]struct {
		text string
		v    any
	}{{"true", true}, {"false", false}, {"null", nil}} {
		if strings.HasPrefix(p.src[p.pos:], kw.text) {
			p.pos += len(kw.text)
			return operand{lit: kw.v}, nil
		}
	}
	return operand{}, p.fail("expected @, $, a string, a number, true, false or null")
}
