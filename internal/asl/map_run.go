package asl

import (
	"fmt"

	"github.com/shoal-dev/shoal/internal/asl/value"
)

// enterMap computes a Map state's iterations.
func (st *state) enterMap(input any, env *Env) (Decision, error) {
	ms := st.mapSpec
	run := &RunMap{Processor: ms.processor, Mode: ms.mode, ExecutionType: ms.executionType, Label: ms.label}
	doc := input
	states := map[string]any{"input": input}
	if st.ql == JSONPath {
		eff, err := applyPath(st.inputPath, input, env)
		if err != nil {
			return nil, err
		}
		doc = eff
	}
	var err error
	if run.MaxConcurrency, err = ms.maxConc.resolve(doc, states, env, 0); err != nil {
		return nil, err
	}
	if run.ToleratedFailureCount, err = ms.tolCount.resolve(doc, states, env, 0); err != nil {
		return nil, err
	}
	if run.ToleratedFailurePercentage, err = ms.tolPct.resolveFloat(doc, states, env); err != nil {
		return nil, err
	}
	if run.ToleratedFailurePercentage < 0 || run.ToleratedFailurePercentage > 100 {
		return nil, runtimeErrorf("The value for the field 'ToleratedFailurePercentage' must be between 0 and 100, but was %v", run.ToleratedFailurePercentage)
	}
	run.HasTolerance = ms.tolCount.set || ms.tolPct.set
	if ms.reader != nil {
		r := &ItemReader{Resource: ms.reader.resource, ReaderConfig: ms.reader.config}
		if ms.reader.params != nil {
			if r.Parameters, err = ms.reader.params.eval(doc, copyStates(states), env); err != nil {
				return nil, err
			}
		}
		run.ItemReader = r
	}
	if ms.batcher != nil {
		b := &ItemBatcher{}
		if b.MaxItemsPerBatch, err = ms.batcher.maxItems.resolve(doc, states, env, 1); err != nil {
			return nil, err
		}
		if b.MaxInputBytesPerBatch, err = ms.batcher.maxBytes.resolve(doc, states, env, 1); err != nil {
			return nil, err
		}
		if ms.batcher.input != nil {
			if b.BatchInput, err = ms.batcher.input.eval(doc, copyStates(states), env); err != nil {
				return nil, err
			}
		}
		run.ItemBatcher = b
	}
	if ms.writer != nil {
		w := &ResultWriter{Resource: ms.writer.resource, WriterConfig: ms.writer.config}
		if ms.writer.params != nil {
			if w.Parameters, err = ms.writer.params.eval(doc, copyStates(states), env); err != nil {
				return nil, err
			}
		}
		run.ResultWriter = w
	}
	if ms.reader != nil {
		return run, nil
	}
	items, err := st.mapItems(input, doc, env)
	if err != nil {
		return nil, err
	}
	run.Items = make([]any, len(items))
	for i, item := range items {
		if run.Items[i], err = st.selectItem(input, doc, i, item, env); err != nil {
			return nil, err
		}
	}
	return run, nil
}

// mapItems resolves ItemsPath (JSONPath) or Items (JSONata) to the array
// the Map iterates over.
func (st *state) mapItems(input, doc any, env *Env) ([]any, error) {
	ms := st.mapSpec
	if st.ql == JSONata {
		if ms.items == nil {
			a, ok := input.([]any)
			if !ok {
				return nil, &stepError{name: ErrQueryEvaluationError, detail: fmt.Sprintf("The Map state's input must be a JSON array when the field 'Items' is not specified, but was '%s'", value.Kind(input))}
			}
			return a, nil
		}
		a, err := ms.items.EvalArray(env.bindings(map[string]any{"input": input}))
		if err != nil {
			return nil, jsonataFailure(err)
		}
		return a, nil
	}
	v, err := applyPath(ms.itemsPath, doc, env)
	if err != nil {
		return nil, err
	}
	a, ok := v.([]any)
	if !ok {
		p := "$"
		if ms.itemsPath.path != nil {
			p = ms.itemsPath.path.Text()
		}
		return nil, runtimeErrorf("Invalid path '%s': The ItemsPath field must point to a JSON array, but was %s", p, value.Kind(v))
	}
	return a, nil
}

// selectItem applies ItemSelector to one item, with $$.Map.Item (or
// $states.context.Map.Item) describing it.
func (st *state) selectItem(input, doc any, index int, item any, env *Env) (any, error) {
	ms := st.mapSpec
	if ms.selector == nil && ms.selectorJ == nil {
		return item, nil
	}
	ctx := Context{}
	if env.Context != nil {
		ctx = *env.Context
	}
	ctx.Map = &MapContext{Index: index, Value: item, Source: "STATE_DATA"}
	itemEnv := *env
	itemEnv.Context = &ctx
	itemEnv.ctxValue = nil
	if ms.selectorJ != nil {
		v, err := ms.selectorJ.Eval(itemEnv.bindings(map[string]any{"input": input}))
		if err != nil {
			return nil, jsonataFailure(err)
		}
		return v, nil
	}
	return ms.selector.eval(doc, &itemEnv)
}

// SelectItem applies a Map state's ItemSelector to one item the engine read
// through an ItemReader. input is the Map state's raw input.
func (m *Machine) SelectItem(name string, input any, index int, item any, env *Env) (any, error) {
	st, err := m.lookup(name)
	if err != nil {
		return nil, err
	}
	if st.typ != TypeMap {
		return nil, fmt.Errorf("asl: state %q is not a Map state", name)
	}
	doc := input
	if st.ql == JSONPath {
		if doc, err = applyPath(st.inputPath, input, env); err != nil {
			return nil, err
		}
	}
	return st.selectItem(input, doc, index, item, env)
}
