package asl

import "github.com/shoal-dev/shoal/internal/asl/jsonata"

// assigner is a compiled Assign field: a payload in JSONPath states (keys
// ending in ".$" evaluated), a template in JSONata states.
type assigner struct {
	names []string // the variables it assigns
	p     *payload
	j     *jsonata.Template
}

// eval computes the variables. Every expression sees the variables as they
// were before this state assigned any ("all assignments in a state are
// evaluated against the values before the state's assignments"), which holds
// because the result goes back to the engine and is applied only afterwards.
// In JSONPath states "$" is doc (the result after ResultSelector for Task,
// Parallel and Map, the effective input for the others, the error output in a
// Catcher); in JSONata states $states carries the same data.
func (a *assigner) eval(doc any, states map[string]any, env *Env) (map[string]any, error) {
	if a == nil {
		return nil, nil
	}
	var v any
	var err error
	if a.j != nil {
		v, err = a.j.Eval(env.bindings(states))
		if err != nil {
			return nil, jsonataFailure(err)
		}
	} else {
		v, err = a.p.eval(doc, env)
		if err != nil {
			return nil, err
		}
	}
	m, _ := v.(map[string]any)
	if err := checkAssignSize(m); err != nil {
		return nil, runtimeErrorf("%s", err.Error())
	}
	return m, nil
}
