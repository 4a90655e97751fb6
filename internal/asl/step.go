package asl

import (
	"fmt"
)

// Enter runs a state on its raw input: it returns what the engine does next.
// Failures of the state itself come back as a decision (*Fail, *Retry,
// *Catch), never as the error, which reports misuse (an unknown state).
func (m *Machine) Enter(name string, input any, env *Env) (Decision, error) {
	st, err := m.lookup(name)
	if err != nil {
		return nil, err
	}
	var d Decision
	switch st.typ {
	case TypePass:
		d, err = st.pass(input, env)
	case TypeTask:
		d, err = st.enterTask(input, env)
	case TypeChoice:
		d, err = st.choose(input, env)
	case TypeWait:
		d, err = st.waitFor(input, env)
	case TypeSucceed:
		d, err = st.succeed(input, env)
	case TypeFail:
		d, err = st.failState(input, env)
	case TypeParallel:
		d, err = st.enterParallel(input, env)
	case TypeMap:
		d, err = st.enterMap(input, env)
	}
	if err != nil {
		return st.handle(input, asStepError(err).failure(st, env), env)
	}
	return d, nil
}

// TaskSucceeded completes a Task, Parallel or Map state whose work produced
// result (for Parallel and Map, the []any of branch or iteration outputs).
// input is the state's raw input, as given to Enter.
func (m *Machine) TaskSucceeded(name string, input, result any, env *Env) (Decision, error) {
	st, err := m.lookup(name)
	if err != nil {
		return nil, err
	}
	switch st.typ {
	case TypeTask, TypeParallel, TypeMap:
	default:
		return nil, fmt.Errorf("asl: state %q is a %s state and runs no work", name, st.typ)
	}
	d, err := st.complete(input, result, env)
	if err != nil {
		return st.handle(input, asStepError(err).failure(st, env), env)
	}
	return d, nil
}

// TaskFailed handles a failure of a Task, Parallel or Map state's work:
// a *Retry, a *Catch, or a *Fail when nothing takes the error. The retry
// counts of this state entry are env.RetryCounts.
func (m *Machine) TaskFailed(name string, input any, f Failure, env *Env) (Decision, error) {
	st, err := m.lookup(name)
	if err != nil {
		return nil, err
	}
	return st.handle(input, f, env)
}

func (m *Machine) lookup(name string) (*state, error) {
	st, ok := m.states[name]
	if !ok {
		return nil, fmt.Errorf("asl: no state named %q", name)
	}
	return st, nil
}

// then is where a state goes once its output is known.
func (st *state) then(output any, assigned map[string]any) Decision {
	if st.end || st.next == "" {
		return &Succeed{Output: output, Assigned: assigned}
	}
	return &Next{State: st.next, Output: output, Assigned: assigned}
}

// handle applies Retry then Catch to a failure. Only Task, Parallel and Map
// states have retriers and catchers; for the others it is a *Fail.
func (st *state) handle(input any, f Failure, env *Env) (Decision, error) {
	if terminal(f.Error) {
		return &Fail{Error: f.Error, Cause: f.Cause}, nil
	}
	for i, r := range st.retry {
		if !r.matches(f.Error) {
			continue
		}
		// Only the first matching retrier counts; once it is exhausted the
		// catchers apply, later retriers do not.
		attempts := 0
		if i < len(env.RetryCounts) {
			attempts = env.RetryCounts[i]
		}
		if int64(attempts) >= r.maxAttempts {
			break
		}
		counts := make([]int, len(st.retry))
		copy(counts, env.RetryCounts)
		counts[i] = attempts + 1
		return &Retry{After: r.delay(attempts, env.Rand), Retrier: i, Counts: counts, Failure: f}, nil
	}
	for i, c := range st.catch {
		if !c.matches(f.Error) {
			continue
		}
		d, err := st.catchWith(i, c, input, f, env)
		if err != nil {
			se := asStepError(err)
			return &Fail{Error: se.name, Cause: se.failure(st, env).Cause}, nil
		}
		return d, nil
	}
	return &Fail{Error: f.Error, Cause: f.Cause}, nil
}

func (st *state) catchWith(i int, c *catcher, input any, f Failure, env *Env) (Decision, error) {
	errOut := f.Output()
	if st.ql == JSONata {
		states := map[string]any{"input": input, "errorOutput": errOut}
		assigned, err := c.assign.eval(nil, states, env)
		if err != nil {
			return nil, err
		}
		out := any(errOut)
		if c.output != nil {
			states := map[string]any{"input": input, "errorOutput": errOut}
			if out, err = c.output.Eval(env.bindings(states)); err != nil {
				return nil, jsonataFailure(err)
			}
		}
		return &Catch{Next: c.next, Output: out, Assigned: assigned, Catcher: i, Failure: f}, nil
	}
	assigned, err := c.assign.eval(errOut, nil, env)
	if err != nil {
		return nil, err
	}
	out, err := applyResultPath(c.resultPath, input, errOut)
	if err != nil {
		return nil, err
	}
	return &Catch{Next: c.next, Output: out, Assigned: assigned, Catcher: i, Failure: f}, nil
}
