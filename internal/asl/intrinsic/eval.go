package intrinsic

import (
	"errors"
	"fmt"
)

// Random is the caller's random source, so that States.MathRandom (unseeded)
// and States.UUID are deterministic under test. *math/rand/v2.Rand
// satisfies it.
type Random interface {
	Int64N(n int64) int64
	Uint64() uint64
}

// Env is what a call is evaluated against.
type Env struct {
	Input    any                           // the document $ paths read
	Context  any                           // the context object $$ paths read
	Variable func(name string) (any, bool) // workflow variables, for $name paths
	Random   Random
}

// errNoRandom is a wiring bug in the caller, not a user-visible failure.
var errNoRandom = errors.New("intrinsic: Env.Random is nil")

// Eval evaluates the call. See the package comment for the error types.
func Eval(c *Call, env *Env) (any, error) { return c.Eval(env) }

// Eval evaluates the call against env.
func (c *Call) Eval(env *Env) (any, error) {
	args := make([]any, len(c.Args))
	for i := range c.Args {
		a := &c.Args[i]
		switch a.Kind {
		case ArgPath:
			v, err := a.Path.Select(env.Input, env.Context, env.Variable)
			if err != nil {
				return nil, fmt.Errorf("%s argument %d: %w", c.Name, i+1, err)
			}
			args[i] = v
		case ArgCall:
			v, err := a.Call.Eval(env)
			if err != nil {
				return nil, err
			}
			args[i] = v
		default:
			args[i] = a.Value
		}
	}
	return c.fn.eval(c, args, env)
}
