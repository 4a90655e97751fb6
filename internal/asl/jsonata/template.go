package jsonata

import (
	"encoding/json"
	"errors"
	"sort"
	"strconv"
	"strings"

	"github.com/shoal-dev/shoal/internal/asl/value"
)

// ParseTemplate reports whether s is a JSONata template and returns the
// expression inside it. In Step Functions a string is JSONata exactly when it
// starts with "{%" and ends with "%}" (no whitespace outside; any inside);
// every other string is a literal.
func ParseTemplate(s string) (expr string, ok bool) {
	if len(s) < 4 || !strings.HasPrefix(s, "{%") || !strings.HasSuffix(s, "%}") {
		return "", false
	}
	return strings.TrimSpace(s[2 : len(s)-2]), true
}

// Template is a compiled field value (Arguments, Output, Assign, Items,
// Condition, ...): JSON whose "{% %}" strings, at any depth, are JSONata.
// It is safe for concurrent use.
type Template struct {
	field string
	root  node
}

type node interface {
	eval(sc *scope) (any, error)
}

// CompileValue compiles a field's JSON value. field names the field relative
// to the state ("Output", "Arguments", "Choices[0]/Condition"); AWS's causes
// name it, extended with "/key" and "[i]" for nested values. A syntax error
// anywhere is a *SyntaxError (several are joined with errors.Join).
func CompileValue(field string, v any) (*Template, error) {
	var errs []error
	root := compileNode(field, v, &errs)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &Template{field: field, root: root}, nil
}

func compileNode(field string, v any, errs *[]error) node {
	switch t := v.(type) {
	case string:
		src, ok := ParseTemplate(t)
		if !ok {
			return literal{t}
		}
		e, err := compile(src, field)
		if err != nil {
			*errs = append(*errs, err)
			return nil
		}
		return exprNode{e: e, field: field}
	case map[string]any:
		o := objectNode{keys: make([]string, 0, len(t))}
		dynamic := false
		for k := range t {
			o.keys = append(o.keys, k)
		}
		// A fixed order makes evaluation repeatable: the same Rand yields the
		// same $uuid()s, and the same failing field is reported.
		sort.Strings(o.keys)
		for _, k := range o.keys {
			n := compileNode(field+"/"+k, t[k], errs)
			if _, ok := n.(literal); !ok {
				dynamic = true
			}
			o.vals = append(o.vals, n)
		}
		if !dynamic {
			return literal{t}
		}
		return o
	case []any:
		a := arrayNode{}
		dynamic := false
		for i, x := range t {
			n := compileNode(field+"["+strconv.Itoa(i)+"]", x, errs)
			if _, ok := n.(literal); !ok {
				dynamic = true
			}
			a.elems = append(a.elems, n)
		}
		if !dynamic {
			return literal{t}
		}
		return a
	}
	return literal{v}
}

// Eval evaluates every expression in the template against b and returns the
// resulting JSON value. Object members are evaluated in key order; the first
// failing expression ends evaluation with its *EvalError.
func (t *Template) Eval(b *Bindings) (any, error) {
	if l, ok := t.root.(literal); ok {
		return deepCopy(l.v), nil
	}
	sc, err := newScope(b)
	if err != nil {
		return nil, err
	}
	return t.root.eval(sc)
}

// Expr returns the expression when the whole value is one "{% %}" string.
func (t *Template) Expr() (*Expr, bool) {
	e, ok := t.root.(exprNode)
	return e.e, ok
}

type literal struct{ v any }

func (l literal) eval(*scope) (any, error) { return deepCopy(l.v), nil }

type exprNode struct {
	e     *Expr
	field string
}

func (n exprNode) eval(sc *scope) (any, error) { return n.e.eval(sc, n.field) }

type objectNode struct {
	keys []string
	vals []node
}

func (o objectNode) eval(sc *scope) (any, error) {
	m := make(map[string]any, len(o.keys))
	for i, k := range o.keys {
		v, err := o.vals[i].eval(sc)
		if err != nil {
			return nil, err
		}
		m[k] = v
	}
	return m, nil
}

type arrayNode struct{ elems []node }

func (a arrayNode) eval(sc *scope) (any, error) {
	s := make([]any, len(a.elems))
	for i, n := range a.elems {
		v, err := n.eval(sc)
		if err != nil {
			return nil, err
		}
		s[i] = v
	}
	return s, nil
}

// deepCopy keeps callers from mutating the compiled definition through a
// result. Literal numbers parsed as float64 come out as json.Number.
func deepCopy(v any) any {
	return value.Map(v, func(x any) any {
		if f, ok := x.(float64); ok {
			return json.Number(formatNumber(f))
		}
		return x
	})
}
