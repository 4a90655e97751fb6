package jsonata

import (
	"math"
	"reflect"

	"github.com/blues/jsonata-go/jtypes"
)

// fn is a function this package adds to JSONata. Instances are made per
// evaluation (they hold the call context), so they are never shared.
type fn struct {
	name   string
	params int
	call   func(ctx reflect.Value, args []reflect.Value) (reflect.Value, error)
	ctx    reflect.Value
}

var _ jtypes.Callable = (*fn)(nil)
var _ contextSetter = (*fn)(nil)

func (f *fn) Name() string                 { return f.name }
func (f *fn) ParamCount() int              { return f.params }
func (f *fn) SetContext(ctx reflect.Value) { f.ctx = ctx }
func (f *fn) Call(args []reflect.Value) (reflect.Value, error) {
	return f.call(f.ctx, args)
}

// undefined is the library's "no value".
var undefined reflect.Value

func arg(args []reflect.Value, i int) reflect.Value {
	if i < len(args) {
		return jtypes.Resolve(args[i])
	}
	return undefined
}

func isNull(v reflect.Value) bool {
	return v.IsValid() && (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) && v.IsNil()
}

func signatureError(f string, i int) error {
	return coded("T0410", "Argument %d of function %q does not match function signature", i, f)
}

func numberArg(f string, args []reflect.Value, i int) (float64, bool, error) {
	v := arg(args, i)
	if !v.IsValid() {
		return 0, false, nil
	}
	n, ok := jtypes.AsNumber(v)
	if !ok {
		return 0, false, signatureError(f, i+1)
	}
	return n, true, nil
}

func stringArg(f string, args []reflect.Value, i int) (string, bool, error) {
	v := arg(args, i)
	if !v.IsValid() {
		return "", false, nil
	}
	s, ok := jtypes.AsString(v)
	if !ok {
		return "", false, signatureError(f, i+1)
	}
	return s, true, nil
}

// arrayArg reads an array argument; a single value counts as a one-element
// array, as JSONata's array signatures do.
func arrayArg(args []reflect.Value, i int) ([]any, bool) {
	v := arg(args, i)
	if !v.IsValid() {
		return nil, false
	}
	if jtypes.IsArray(v) {
		out := make([]any, v.Len())
		for j := range out {
			out[j] = v.Index(j).Interface()
		}
		return out, true
	}
	return []any{v.Interface()}, true
}

// truncInt rounds towards zero, as AWS does for its functions' integer
// arguments ($range(-1.7, 2, 1) starts at -1).
func truncInt(f float64) int64 {
	if math.IsNaN(f) {
		return 0
	}
	if f > math.MaxInt64/2 {
		return math.MaxInt64 / 2
	}
	if f < math.MinInt64/2 {
		return math.MinInt64 / 2
	}
	return int64(math.Trunc(f))
}

// unwrapSequence applies jsonata-js's rule for function results built as
// sequences ($map, $filter, $each, $spread): empty is undefined and a single
// item stands alone. The library returns plain arrays instead, which would
// make $filter(...) with one match an array where AWS gives the item.
func unwrapSequence(v reflect.Value) reflect.Value {
	r := jtypes.Resolve(v)
	if !r.IsValid() || !jtypes.IsArray(r) {
		return v
	}
	switch r.Len() {
	case 0:
		return undefined
	case 1:
		return r.Index(0)
	}
	return v
}

// sequenceOf wraps a library built-in so its result follows unwrapSequence.
func sequenceOf(inner jtypes.Callable) *fn {
	f := &fn{name: inner.Name(), params: inner.ParamCount()}
	f.call = func(ctx reflect.Value, args []reflect.Value) (reflect.Value, error) {
		if cs, ok := inner.(contextSetter); ok {
			cs.SetContext(ctx)
		}
		v, err := inner.Call(args)
		if err != nil {
			return undefined, err
		}
		return unwrapSequence(v), nil
	}
	return f
}
