package asl

import (
	"github.com/shoal-dev/shoal/internal/asl/jsonata"
	"github.com/shoal-dev/shoal/internal/asl/value"
)

// evalOutput is a JSONata state's output: Output evaluated, or def when the
// state has none.
func evalOutput(t *jsonata.Template, states map[string]any, def any, env *Env) (any, error) {
	if t == nil {
		return def, nil
	}
	v, err := t.Eval(env.bindings(states))
	if err != nil {
		return nil, jsonataFailure(err)
	}
	return v, nil
}

// effectiveInput is InputPath then Parameters, for JSONPath states.
func (st *state) effectiveInput(input any, env *Env) (any, error) {
	eff, err := applyPath(st.inputPath, input, env)
	if err != nil {
		return nil, err
	}
	if st.parameters != nil {
		return st.parameters.eval(eff, env)
	}
	return eff, nil
}

func (st *state) pass(input any, env *Env) (Decision, error) {
	if st.ql == JSONata {
		states := map[string]any{"input": input}
		assigned, err := st.assign.eval(nil, states, env)
		if err != nil {
			return nil, err
		}
		out, err := evalOutput(st.output, map[string]any{"input": input}, input, env)
		if err != nil {
			return nil, err
		}
		return st.then(out, assigned), nil
	}
	var result any
	if st.hasResult {
		// Result replaces the effective input; InputPath still has to
		// resolve (AWS applies it first).
		if _, err := applyPath(st.inputPath, input, env); err != nil {
			return nil, err
		}
		result = st.result
	} else {
		var err error
		if result, err = st.effectiveInput(input, env); err != nil {
			return nil, err
		}
	}
	assigned, err := st.assign.eval(result, nil, env)
	if err != nil {
		return nil, err
	}
	out, err := applyResultPath(st.resultPath, input, result)
	if err != nil {
		return nil, err
	}
	if out, err = applyPath(st.outputPath, out, env); err != nil {
		return nil, err
	}
	return st.then(out, assigned), nil
}

func (st *state) enterTask(input any, env *Env) (Decision, error) {
	t := &RunTask{Resource: st.resource}
	var doc any
	states := map[string]any{"input": input}
	if st.ql == JSONata {
		t.Parameters = input
		if st.arguments != nil {
			v, err := st.arguments.Eval(env.bindings(states))
			if err != nil {
				return nil, jsonataFailure(err)
			}
			t.Parameters = v
		}
		doc = input
	} else {
		eff, err := applyPath(st.inputPath, input, env)
		if err != nil {
			return nil, err
		}
		doc = eff
		t.Parameters = eff
		if st.parameters != nil {
			if t.Parameters, err = st.parameters.eval(eff, env); err != nil {
				return nil, err
			}
		}
	}
	var err error
	if t.TimeoutSeconds, err = st.timeout.resolve(doc, states, env, 1); err != nil {
		return nil, err
	}
	if t.HeartbeatSeconds, err = st.heartbeat.resolve(doc, states, env, 1); err != nil {
		return nil, err
	}
	if st.credentials != nil {
		if t.Credentials, err = st.credentials.eval(doc, map[string]any{"input": input}, env); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// resolve evaluates a numberField to an integer of at least min.
func (nf *numberField) resolve(doc any, states map[string]any, env *Env, min int64) (int64, error) {
	f, err := nf.resolveFloat(doc, states, env)
	if err != nil {
		return 0, err
	}
	n := int64(f)
	if nf.set && (float64(n) != f || n < min) {
		return 0, runtimeErrorf("The value of the field '%s' must be an integer of at least %d, but was %v", nf.name, min, f)
	}
	return n, nil
}

func (nf *numberField) resolveFloat(doc any, states map[string]any, env *Env) (float64, error) {
	switch {
	case !nf.set:
		return 0, nil
	case nf.expr != nil:
		f, err := nf.expr.EvalNumber(env.bindings(copyStates(states)))
		if err != nil {
			return 0, jsonataFailure(err)
		}
		return f, nil
	case nf.path != nil:
		v, err := selectPath(nf.path, doc, env)
		if err != nil {
			return 0, runtimeErrorf("Invalid path '%s' : No results for path: %s", nf.path.Text(), bracketPath(nf.path.Text()))
		}
		num, ok := v.(interface{ Float64() (float64, error) })
		if !ok {
			return 0, runtimeErrorf("The value for the field '%s' must be a number, but was %s", nf.name, value.Show(v))
		}
		return num.Float64()
	default:
		return nf.f, nil
	}
}

func copyStates(states map[string]any) map[string]any {
	out := make(map[string]any, len(states)+1)
	for k, v := range states {
		out[k] = v
	}
	return out
}

// complete finishes a Task, Parallel or Map state with its result.
func (st *state) complete(input, result any, env *Env) (Decision, error) {
	if st.ql == JSONata {
		states := map[string]any{"input": input, "result": result}
		assigned, err := st.assign.eval(nil, states, env)
		if err != nil {
			return nil, err
		}
		out, err := evalOutput(st.output, map[string]any{"input": input, "result": result}, result, env)
		if err != nil {
			return nil, err
		}
		return st.then(out, assigned), nil
	}
	sel := result
	if st.resultSelector != nil {
		var err error
		if sel, err = st.resultSelector.eval(result, env); err != nil {
			return nil, err
		}
	}
	assigned, err := st.assign.eval(sel, nil, env)
	if err != nil {
		return nil, err
	}
	out, err := applyResultPath(st.resultPath, input, sel)
	if err != nil {
		return nil, err
	}
	if out, err = applyPath(st.outputPath, out, env); err != nil {
		return nil, err
	}
	return st.then(out, assigned), nil
}

func (st *state) choose(input any, env *Env) (Decision, error) {
	if st.ql == JSONata {
		for _, r := range st.choices {
			states := map[string]any{"input": input}
			ok, err := r.condition.EvalBool(env.bindings(states))
			if err != nil {
				return nil, jsonataFailure(err)
			}
			if !ok {
				continue
			}
			return st.chosen(r.next, r.assign, r.output, input, input, env)
		}
		if st.defaultNext == "" {
			return nil, noChoice()
		}
		return st.chosen(st.defaultNext, st.assign, st.output, input, input, env)
	}
	eff, err := applyPath(st.inputPath, input, env)
	if err != nil {
		return nil, err
	}
	for _, r := range st.choices {
		ok, err := r.cond.eval(eff, env)
		if err != nil {
			return nil, err
		}
		if ok {
			return st.chosen(r.next, r.assign, nil, input, eff, env)
		}
	}
	if st.defaultNext == "" {
		return nil, noChoice()
	}
	return st.chosen(st.defaultNext, st.assign, nil, input, eff, env)
}

func noChoice() *stepError {
	return &stepError{name: ErrNoChoiceMatched, detail: "No Choice Rule matched and no Default was specified."}
}

// chosen completes a Choice state with the rule (or Default) that applies.
// A rule's Assign and Output win; the state's own apply with Default.
func (st *state) chosen(next string, a *assigner, out *jsonata.Template, input, eff any, env *Env) (Decision, error) {
	if st.ql == JSONata {
		if a == nil {
			a = st.assign
		}
		if out == nil {
			out = st.output
		}
		assigned, err := a.eval(nil, map[string]any{"input": input}, env)
		if err != nil {
			return nil, err
		}
		o, err := evalOutput(out, map[string]any{"input": input}, input, env)
		if err != nil {
			return nil, err
		}
		return &Next{State: next, Output: o, Assigned: assigned}, nil
	}
	if a == nil {
		a = st.assign
	}
	assigned, err := a.eval(eff, nil, env)
	if err != nil {
		return nil, err
	}
	o, err := applyPath(st.outputPath, eff, env)
	if err != nil {
		return nil, err
	}
	return &Next{State: next, Output: o, Assigned: assigned}, nil
}

func (st *state) waitFor(input any, env *Env) (Decision, error) {
	states := map[string]any{"input": input}
	if st.ql == JSONata {
		until, err := st.wait.until(input, states, env)
		if err != nil {
			return nil, err
		}
		assigned, err := st.assign.eval(nil, map[string]any{"input": input}, env)
		if err != nil {
			return nil, err
		}
		out, err := evalOutput(st.output, map[string]any{"input": input}, input, env)
		if err != nil {
			return nil, err
		}
		return &Wait{Until: until, Then: st.then(out, assigned)}, nil
	}
	eff, err := applyPath(st.inputPath, input, env)
	if err != nil {
		return nil, err
	}
	until, err := st.wait.until(eff, nil, env)
	if err != nil {
		return nil, err
	}
	assigned, err := st.assign.eval(eff, nil, env)
	if err != nil {
		return nil, err
	}
	out, err := applyPath(st.outputPath, eff, env)
	if err != nil {
		return nil, err
	}
	return &Wait{Until: until, Then: st.then(out, assigned)}, nil
}

func (st *state) succeed(input any, env *Env) (Decision, error) {
	if st.ql == JSONata {
		out, err := evalOutput(st.output, map[string]any{"input": input}, input, env)
		if err != nil {
			return nil, err
		}
		return &Succeed{Output: out}, nil
	}
	eff, err := applyPath(st.inputPath, input, env)
	if err != nil {
		return nil, err
	}
	out, err := applyPath(st.outputPath, eff, env)
	if err != nil {
		return nil, err
	}
	return &Succeed{Output: out}, nil
}

func (st *state) failState(input any, env *Env) (Decision, error) {
	e, err := st.errorField.eval(input, env)
	if err != nil {
		return nil, err
	}
	c, err := st.causeField.eval(input, env)
	if err != nil {
		return nil, err
	}
	return &Fail{Error: e, Cause: c}, nil
}

// eval renders a Fail state's Error or Cause. A path or expression must
// yield a string.
func (f *stringField) eval(input any, env *Env) (string, error) {
	if f == nil {
		return "", nil
	}
	var v any
	var err error
	switch {
	case f.expr != nil:
		v, err = f.expr.Eval(env.bindings(map[string]any{"input": input}))
		if err != nil {
			return "", jsonataFailure(err)
		}
	case f.path != nil:
		if v, err = selectPath(f.path, input, env); err != nil {
			return "", pathFailure(err, f.path, f.field, input, env)
		}
	case f.call != nil:
		if v, err = f.call.Eval(env.intrinsicEnv(input)); err != nil {
			return "", intrinsicFailure(err, f.call, f.field, input, env)
		}
	default:
		return f.lit, nil
	}
	s, ok := v.(string)
	if !ok {
		if f.expr != nil {
			return "", &stepError{name: ErrQueryEvaluationError, detail: "The JSONata expression specified for the field '" + f.field + "' returned an unexpected result type. Expected 'string', but was '" + value.Kind(v) + "' for value: " + value.Show(v)}
		}
		return "", runtimeErrorf("The value for the field '%s' must be a STRING, but was %s", f.field, value.Show(v))
	}
	return s, nil
}

func (st *state) enterParallel(input any, env *Env) (Decision, error) {
	if st.ql == JSONata {
		in := input
		if st.arguments != nil {
			v, err := st.arguments.Eval(env.bindings(map[string]any{"input": input}))
			if err != nil {
				return nil, jsonataFailure(err)
			}
			in = v
		}
		return &RunBranches{Branches: st.branches, Input: in}, nil
	}
	eff, err := st.effectiveInput(input, env)
	if err != nil {
		return nil, err
	}
	return &RunBranches{Branches: st.branches, Input: eff}, nil
}
