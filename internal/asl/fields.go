package asl

import (
	"encoding/json"
	"math"
	"strings"

	"github.com/shoal-dev/shoal/internal/asl/jsonata"
	"github.com/shoal-dev/shoal/internal/asl/jsonpath"
)

// object is a JSON object of the definition being compiled, with the
// location its diagnostics point at.
type object struct {
	m   map[string]any
	loc string
	ds  *diagnostics
}

func (o *object) has(name string) bool { _, ok := o.m[name]; return ok }

func (o *object) at(name string) string { return pointer(o.loc, name) }

func (o *object) typeError(name, want string) {
	o.ds.schema(o.at(name), "The value for the field '%s' must be %s", name, want)
}

// str reads a string field.
func (o *object) str(name string, required bool) (string, bool) {
	v, ok := o.m[name]
	if !ok {
		if required {
			o.ds.schema(o.loc, "These fields are required: [%s]", name)
		}
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		o.typeError(name, "a STRING")
		return "", false
	}
	return s, true
}

// boolean reads a boolean field.
func (o *object) boolean(name string) (bool, bool) {
	v, ok := o.m[name]
	if !ok {
		return false, false
	}
	b, ok := v.(bool)
	if !ok {
		o.typeError(name, "a BOOLEAN")
		return false, false
	}
	return b, true
}

// integer reads an integer field within [lo, hi].
func (o *object) integer(name string, lo, hi int64) (int64, bool) {
	v, ok := o.m[name]
	if !ok {
		return 0, false
	}
	n, ok := asInteger(v)
	if !ok || n < lo || n > hi {
		o.ds.schema(o.at(name), "The value for the field '%s' must be an INTEGER between %d and %d", name, lo, hi)
		return 0, false
	}
	return n, true
}

// number reads a numeric field within [lo, hi].
func (o *object) number(name string, lo, hi float64) (float64, bool) {
	v, ok := o.m[name]
	if !ok {
		return 0, false
	}
	num, ok := v.(json.Number)
	f, err := num.Float64()
	if !ok || err != nil || f < lo || f > hi {
		o.ds.schema(o.at(name), "The value for the field '%s' must be a NUMBER between %g and %g", name, lo, hi)
		return 0, false
	}
	return f, true
}

// asInteger accepts a JSON number with an integral value (1 and 1.0 alike).
func asInteger(v any) (int64, bool) {
	num, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	if n, err := num.Int64(); err == nil {
		return n, true
	}
	f, err := num.Float64()
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<62 {
		return 0, false
	}
	return int64(f), true
}

// refPath reads a reference-path field (ResultPath, ItemsPath, ...Path).
// null is accepted only where nullable says so.
func (o *object) refPath(name string, nullable, inputOnly bool) (optPath, bool) {
	v, ok := o.m[name]
	if !ok {
		return optPath{}, false
	}
	if v == nil {
		if nullable {
			return optPath{null: true}, true
		}
		o.typeError(name, "a STRING")
		return optPath{}, false
	}
	s, ok := v.(string)
	if !ok {
		o.typeError(name, "a STRING")
		return optPath{}, false
	}
	if jsonpath.IsValidReferencePath(s) != nil {
		o.ds.schema(o.at(name), "The value for the field '%s' must be a valid ReferencePath", name)
		return optPath{}, false
	}
	p, err := jsonpath.ParseReference(s)
	if err != nil {
		o.ds.schema(o.at(name), "The value for the field '%s' must be a valid ReferencePath", name)
		return optPath{}, false
	}
	if inputOnly && p.Root() != jsonpath.RootInput {
		o.ds.schema(o.at(name), "The value for the field '%s' must be a valid ReferencePath", name)
		return optPath{}, false
	}
	return optPath{path: p}, true
}

// path reads InputPath or OutputPath: a JSONPath (possibly indefinite) or null.
func (o *object) path(name string) optPath {
	v, ok := o.m[name]
	if !ok {
		return optPath{}
	}
	if v == nil {
		return optPath{null: true}
	}
	s, ok := v.(string)
	if !ok {
		o.typeError(name, "a STRING")
		return optPath{}
	}
	p, err := jsonpath.Parse(s)
	if err != nil || jsonpath.IsValidPath(s) != nil {
		o.ds.schema(o.at(name), "The value for the field '%s' must be a valid JSONPath", name)
		return optPath{}
	}
	return optPath{path: p}
}

// jsonataValue compiles a JSONata-state field whose value may hold "{% %}"
// expressions at any depth.
func (o *object) jsonataValue(name, field string) *jsonata.Template {
	v, ok := o.m[name]
	if !ok {
		return nil
	}
	t, err := jsonata.CompileValue(field, v)
	if err != nil {
		o.ds.errorf(CodeInvalidJSONata, o.at(name), "%s", jsonataSyntaxMessage(err))
		return nil
	}
	return t
}

func jsonataSyntaxMessage(err error) string {
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return msg
}

// isExpression reports a "{% %}" string.
func isExpression(v any) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	_, ok = jsonata.ParseTemplate(s)
	return ok
}

// numberField reads a field that is a constant integer, its "...Path"
// sibling (JSONPath) or an expression (JSONata).
func (o *object) numberField(name string, ql QueryLanguage, lo, hi int64, allowPath bool) numberField {
	nf := numberField{name: name}
	pathName := name + "Path"
	if ql == JSONata {
		if v, ok := o.m[name]; ok && isExpression(v) {
			nf.expr = o.jsonataValue(name, name)
			nf.set = nf.expr != nil
			return nf
		}
	}
	if o.has(name) && allowPath && o.has(pathName) {
		o.ds.schema(o.loc, "The fields '%s' and '%s' cannot be used together", name, pathName)
	}
	if n, ok := o.integer(name, lo, hi); ok {
		nf.set, nf.n, nf.f = true, n, float64(n)
	}
	if allowPath {
		if p, ok := o.refPath(pathName, false, false); ok {
			nf.set, nf.path, nf.name = true, p.path, pathName
		}
	}
	return nf
}

// floatField is numberField for a percentage.
func (o *object) floatField(name string, ql QueryLanguage, lo, hi float64) numberField {
	nf := numberField{name: name}
	pathName := name + "Path"
	if ql == JSONata {
		if v, ok := o.m[name]; ok && isExpression(v) {
			nf.expr = o.jsonataValue(name, name)
			nf.set = nf.expr != nil
			return nf
		}
	}
	if o.has(name) && o.has(pathName) {
		o.ds.schema(o.loc, "The fields '%s' and '%s' cannot be used together", name, pathName)
	}
	if f, ok := o.number(name, lo, hi); ok {
		nf.set, nf.f, nf.n = true, f, int64(f)
	}
	if ql == JSONPath {
		if p, ok := o.refPath(pathName, false, false); ok {
			nf.set, nf.path, nf.name = true, p.path, pathName
		}
	}
	return nf
}
