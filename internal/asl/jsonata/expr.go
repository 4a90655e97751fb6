package jsonata

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"

	lib "github.com/blues/jsonata-go"
	"github.com/blues/jsonata-go/jtypes"
)

// Bindings is what an expression can see. AWS evaluates with no context item:
// data comes only from $states and from workflow variables.
type Bindings struct {
	// States is $states. Put only the members AWS makes available where the
	// expression is evaluated: "input", "result", "errorOutput", "context".
	States map[string]any
	// Vars are the workflow variables in scope, by name without the '$'.
	Vars map[string]any
	// Now is the instant $now() and $millis() report; the engine passes its
	// clock's time so evaluation stays pure and replayable.
	Now time.Time
	// Rand feeds $random() (without a seed), $uuid() and $shuffle(). A nil
	// Rand makes those functions fail.
	Rand Rand
}

// Rand is a source of uniformly distributed 64-bit values. *math/rand/v2.Rand
// satisfies it; tests pass a seeded one so $uuid() and $random() repeat.
type Rand interface {
	Uint64() uint64
}

// Expr is a compiled JSONata expression. It is safe for concurrent use.
type Expr struct {
	src   string
	prog  *lib.Expr // registry left empty: each evaluation registers its own
	names []string  // the $names the source mentions: all it can look up
}

// Compile compiles a bare JSONata expression (no {% %}).
func Compile(expr string) (*Expr, error) {
	return compile(expr, "")
}

func compile(expr, field string) (e *Expr, err error) {
	// The parser is third-party code fed user input: never let a panic escape.
	defer func() {
		if r := recover(); r != nil {
			e, err = nil, syntaxError(expr, field, fmt.Errorf("%v", r))
		}
	}()
	if strings.TrimSpace(expr) == "" {
		return nil, syntaxError(expr, field, errors.New("empty expression"))
	}
	prog, err := lib.Compile(quotePathSteps(expr))
	if err != nil {
		return nil, syntaxError(expr, field, err)
	}
	return &Expr{src: expr, prog: prog, names: variableNames(expr)}, nil
}

// variableNames lists the distinct $names in expr. A function or variable
// can only be reached by spelling its name, so registering just these keeps
// each evaluation's registry small.
func variableNames(expr string) []string {
	seen := map[string]bool{}
	var names []string
	for _, t := range scan(expr) {
		if t.kind == tokValue && len(t.text) > 1 && t.text[0] == '$' && t.text != "$$" {
			if n := t.text[1:]; !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
	}
	return names
}

// String returns the expression as written.
func (e *Expr) String() string { return e.src }

// Eval evaluates the expression. An undefined result is an *EvalError, as on
// AWS, since JSON cannot carry undefined.
func (e *Expr) Eval(b *Bindings) (any, error) {
	sc, err := newScope(b)
	if err != nil {
		return nil, err
	}
	return e.eval(sc, "")
}

// eval runs the expression in a scope and converts the result.
func (e *Expr) eval(sc *scope, field string) (result any, err error) {
	v, err := e.evalLib(sc)
	if err != nil {
		return nil, evalFailure(e.src, field, err)
	}
	if v == undefinedResult {
		return nil, undefinedError(e.src, field)
	}
	out, err := fromLib(v)
	if err != nil {
		return nil, unsupportedError(e.src, field)
	}
	return out, nil
}

// undefinedResult marks "no value" in evalLib's result.
var undefinedResult = &struct{ byte }{}

func (e *Expr) evalLib(sc *scope) (v any, err error) {
	defer func() {
		if r := recover(); r != nil {
			v, err = nil, fmt.Errorf("evaluation failed: %v", r)
		}
	}()
	reg := make(map[string]any, len(e.names))
	for _, name := range e.names {
		if v, ok := sc.lookup(name); ok {
			reg[name] = v
		}
	}
	// A copy of the compiled program has an empty registry of its own, so
	// concurrent evaluations never share the map RegisterVars writes.
	p := *e.prog
	if err := p.RegisterVars(reg); err != nil {
		return nil, err
	}
	v, err = p.Eval(nil)
	if err == lib.ErrUndefined {
		return undefinedResult, nil
	}
	return v, err
}

// scope is one evaluation's bindings in the library's model: $states, the
// workflow variables, and private instances of every function, made on first
// use and shared by the expressions of one Template evaluation.
type scope struct {
	b      *Bindings
	states map[string]any
	cache  map[string]any
}

func newScope(b *Bindings) (*scope, error) {
	if b == nil {
		b = &Bindings{}
	}
	for name := range b.Vars {
		if !validVarName(name) {
			return nil, fmt.Errorf("jsonata: invalid variable name %q", name)
		}
	}
	states := make(map[string]any, len(b.States))
	for k, v := range b.States {
		states[k] = toLib(v)
	}
	return &scope{b: b, states: states, cache: map[string]any{}}, nil
}

// lookup resolves a $name: $states (reserved), then workflow variables (which
// shadow functions, as jsonata-js bindings do), then AWS's and this package's
// functions, then the library's built-ins.
func (sc *scope) lookup(name string) (any, bool) {
	if name == "states" {
		return sc.states, true
	}
	if v, ok := sc.cache[name]; ok {
		return v, true
	}
	var v any
	if x, ok := sc.b.Vars[name]; ok {
		v = toLib(x)
	} else if mk, ok := functions[name]; ok {
		v = mk(sc)
	} else if c, ok := builtins().clone(name); ok {
		v = c
	} else {
		return nil, false
	}
	sc.cache[name] = v
	return v, true
}

func validVarName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r > 127) {
			return false
		}
	}
	return true
}

// builtinNames are the library's built-in functions. Every evaluation gets
// private copies: the library stores the call context and name on the
// function value at each call, so sharing one across goroutines would race.
var builtinNames = []string{
	"string", "length", "substring", "substringBefore", "substringAfter", "uppercase",
	"lowercase", "pad", "trim", "contains", "split", "join", "match", "replace",
	"formatNumber", "formatBase", "base64encode", "base64decode", "decodeUrl",
	"decodeUrlComponent", "encodeUrl", "encodeUrlComponent", "number", "abs", "floor",
	"ceil", "round", "power", "sqrt", "random", "sum", "max", "min", "average", "boolean",
	"not", "exists", "distinct", "count", "reverse", "sort", "shuffle", "zip", "append",
	"map", "filter", "reduce", "single", "each", "sift", "keys", "lookup", "spread",
	"merge", "fromMillis", "toMillis", "type", "error",
}

type builtinSet struct {
	fns map[string]reflect.Value // pointers to the library's function values, never called
}

// builtins reads the library's function values once; they are only ever
// copied, never called, so the table stays read-only.
var builtins = sync.OnceValue(func() *builtinSet {
	list := "[$" + strings.Join(builtinNames, ", $") + "]"
	res, err := lib.MustCompile(list).Eval(nil)
	if err != nil {
		panic(fmt.Sprintf("jsonata: reading built-in functions: %v", err))
	}
	vals := res.([]any)
	set := &builtinSet{fns: make(map[string]reflect.Value, len(vals))}
	for i, v := range vals {
		rv := reflect.ValueOf(v)
		if rv.Kind() != reflect.Pointer || rv.IsNil() {
			panic(fmt.Sprintf("jsonata: built-in $%s is not a function value", builtinNames[i]))
		}
		set.fns[builtinNames[i]] = rv
	}
	return set
})

// clone returns a private copy of a built-in function value.
func (s *builtinSet) clone(name string) (any, bool) {
	rv, ok := s.fns[name]
	if !ok {
		return nil, false
	}
	c := reflect.New(rv.Type().Elem())
	c.Elem().Set(rv.Elem())
	return c.Interface(), true
}

// contextSetter is the library's (unexported) hook that hands a function the
// current context item when it is called with too few arguments.
type contextSetter interface {
	SetContext(reflect.Value)
}

func isCallable(v reflect.Value) bool { return jtypes.IsCallable(v) }
