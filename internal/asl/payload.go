package asl

import (
	"errors"
	"maps"
	"slices"
	"strings"

	"github.com/shoal-dev/shoal/internal/asl/intrinsic"
	"github.com/shoal-dev/shoal/internal/asl/jsonata"
	"github.com/shoal-dev/shoal/internal/asl/jsonpath"
)

// payload is a compiled JSONPath payload template: Parameters,
// ResultSelector, ItemSelector, Credentials and JSONPath Assign. Keys ending
// in ".$" take a path ($, $$ or $name) or an intrinsic call; everything else
// is copied. Static subtrees are kept as one literal and shared between
// evaluations (values are never mutated), so a step allocates only the
// objects that hold dynamic members.
type payload struct {
	kind  payloadKind
	lit   any
	path  *jsonpath.Path
	call  *intrinsic.Call
	field string     // the key as written ("Id.$"), for messages
	keys  []string   // object: output keys, ".$" removed
	kids  []*payload // object members or array elements
}

type payloadKind uint8

const (
	payloadLiteral payloadKind = iota
	payloadPath
	payloadCall
	payloadObject
	payloadArray
)

// compilePayload compiles a payload template found at loc, reporting every
// bad member to ds.
func compilePayload(v any, loc string, ds *diagnostics) *payload {
	switch t := v.(type) {
	case map[string]any:
		p := &payload{kind: payloadObject}
		dynamic := false
		for _, k := range slices.Sorted(maps.Keys(t)) {
			kloc := pointer(loc, k)
			var kid *payload
			out := k
			if strings.HasSuffix(k, ".$") && len(k) > 2 {
				out = k[:len(k)-2]
				kid = compileDynamic(k, t[k], kloc, ds)
			} else {
				if s, ok := t[k].(string); ok && looksDynamic(s) {
					ds.warnf(CodeNoDollar, kloc, "The value for the field '%s' looks like a JSONPath or intrinsic function, but the field name does not end with '.$'", k)
				}
				kid = compilePayload(t[k], kloc, ds)
			}
			if kid == nil {
				continue
			}
			if kid.kind != payloadLiteral {
				dynamic = true
			}
			p.keys = append(p.keys, out)
			p.kids = append(p.kids, kid)
		}
		if !dynamic {
			return &payload{kind: payloadLiteral, lit: p.literal()}
		}
		return p
	case []any:
		p := &payload{kind: payloadArray}
		dynamic := false
		for i, x := range t {
			kid := compilePayload(x, pointer(loc, itoa(i)), ds)
			if kid == nil {
				kid = &payload{kind: payloadLiteral}
			}
			if kid.kind != payloadLiteral {
				dynamic = true
			}
			p.kids = append(p.kids, kid)
		}
		if !dynamic {
			return &payload{kind: payloadLiteral, lit: t}
		}
		return p
	default:
		return &payload{kind: payloadLiteral, lit: v}
	}
}

// literal rebuilds a static object from its compiled members (keys without
// ".$" duplicates resolved the same way evaluation would).
func (p *payload) literal() any {
	m := make(map[string]any, len(p.keys))
	for i, k := range p.keys {
		m[k] = p.kids[i].lit
	}
	return m
}

// compileDynamic compiles the value of a "key.$" member.
func compileDynamic(key string, v any, loc string, ds *diagnostics) *payload {
	s, ok := v.(string)
	if !ok {
		ds.schema(loc, "The value for the field '%s' must be a STRING that contains a JSONPath or an intrinsic function call", key)
		return nil
	}
	if intrinsic.IsCall(s) {
		c, err := intrinsic.Parse(s)
		if err != nil {
			ds.schema(loc, "The value for the field '%s' must be a valid JSONPath or a valid intrinsic function call", key)
			return nil
		}
		return &payload{kind: payloadCall, call: c, field: key}
	}
	p, err := jsonpath.Parse(s)
	if err != nil || jsonpath.IsValidPath(s) != nil {
		ds.schema(loc, "The value for the field '%s' must be a valid JSONPath or a valid intrinsic function call", key)
		return nil
	}
	return &payload{kind: payloadPath, path: p, field: key}
}

// looksDynamic is the NO_DOLLAR heuristic: a plain string that reads as a
// path or an intrinsic call.
func looksDynamic(s string) bool {
	return strings.HasPrefix(s, "$.") || strings.HasPrefix(s, "$$.") || s == "$" ||
		(strings.HasPrefix(s, "States.") && strings.HasSuffix(s, ")") && strings.Contains(s, "("))
}

// eval renders the template against input (the document "$" reads).
func (p *payload) eval(input any, env *Env) (any, error) {
	switch p.kind {
	case payloadLiteral:
		return p.lit, nil
	case payloadPath:
		v, err := selectPath(p.path, input, env)
		if err != nil {
			return nil, pathFailure(err, p.path, p.field, input, env)
		}
		return v, nil
	case payloadCall:
		v, err := p.call.Eval(env.intrinsicEnv(input))
		if err != nil {
			return nil, intrinsicFailure(err, p.call, p.field, input, env)
		}
		return v, nil
	case payloadObject:
		m := make(map[string]any, len(p.keys))
		for i, k := range p.keys {
			v, err := p.kids[i].eval(input, env)
			if err != nil {
				return nil, err
			}
			m[k] = v
		}
		return m, nil
	default:
		a := make([]any, len(p.kids))
		for i, kid := range p.kids {
			v, err := kid.eval(input, env)
			if err != nil {
				return nil, err
			}
			a[i] = v
		}
		return a, nil
	}
}

// selectPath evaluates a path against the document its root names. The
// context object is built only when a path reads it.
func selectPath(p *jsonpath.Path, input any, env *Env) (any, error) {
	switch p.Root() {
	case jsonpath.RootContext:
		return p.Eval(env.context())
	case jsonpath.RootVariable:
		return p.Select(nil, nil, env.lookup)
	default:
		return p.Eval(input)
	}
}

// pathFailure turns a failed "key.$" path into AWS's States.Runtime cause.
func pathFailure(err error, p *jsonpath.Path, field string, input any, env *Env) *stepError {
	doc := input
	switch p.Root() {
	case jsonpath.RootContext:
		doc = env.context()
	case jsonpath.RootVariable:
		if v, ok := env.lookup(p.Variable()); ok {
			doc = v
		} else {
			return runtimeErrorf("The JSONPath '%s' specified for the field '%s' could not be found: the variable '%s' is not defined", p.Text(), field, p.Variable())
		}
	}
	if errors.Is(err, jsonpath.ErrNullInput) {
		return runtimeErrorf("The JSONPath '%s' specified for the field '%s' could not be found in the input '%s'", p.Text(), field, prettyJSON(doc))
	}
	return runtimeErrorf("The JSONPath '%s' specified for the field '%s' could not be found in the input '%s'", p.Text(), field, prettyJSON(doc))
}

// intrinsicFailure maps an intrinsic call's failure to its ASL error.
func intrinsicFailure(err error, c *intrinsic.Call, field string, input any, env *Env) *stepError {
	var f *intrinsic.Failure
	if errors.As(err, &f) {
		return &stepError{name: intrinsic.ErrorName, detail: f.Cause}
	}
	var nf *jsonpath.NotFoundError
	if errors.As(err, &nf) {
		return runtimeErrorf("The JSONPath '%s' specified for the field '%s' could not be found in the input '%s'", nf.Path, field, prettyJSON(input))
	}
	if errors.Is(err, jsonpath.ErrNullInput) {
		return runtimeErrorf("Unable to apply Path transformation to null or empty input.")
	}
	return &stepError{name: intrinsic.ErrorName, detail: err.Error()}
}

// template is a field that takes a payload in JSONPath states and a JSONata
// template in JSONata states (Credentials).
type template struct {
	p *payload
	j *jsonata.Template
}

func (t *template) eval(input any, states map[string]any, env *Env) (any, error) {
	if t.j != nil {
		v, err := t.j.Eval(env.bindings(states))
		if err != nil {
			return nil, jsonataFailure(err)
		}
		return v, nil
	}
	return t.p.eval(input, env)
}
