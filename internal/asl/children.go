package asl

import "strings"

// The engine persists where each Parallel branch and Map iteration stands
// and, after a restart, needs the machines they run without entering the
// state again (entering renders the input anew, with a new time and random
// source). These accessors return them by the state's name.

// Branch returns branch i of the named Parallel state, nil if there is none.
func (m *Machine) Branch(name string, i int) *Machine {
	st, ok := m.states[name]
	if !ok || st.typ != TypeParallel || i < 0 || i >= len(st.branches) {
		return nil
	}
	return st.branches[i]
}

// Processor returns the item processor of the named Map state, nil if it is
// not a Map state.
func (m *Machine) Processor(name string) *Machine {
	st, ok := m.states[name]
	if !ok || st.typ != TypeMap || st.mapSpec == nil {
		return nil
	}
	return st.mapSpec.processor
}

// WaitsForTaskToken reports whether the named Task state's Resource (when it
// is not a JSONata expression) uses the .waitForTaskToken integration
// pattern or names an activity: the engine then makes a task token before
// entering the state, so $$.Task.Token can be rendered into its Parameters.
func (m *Machine) WaitsForTaskToken(name string) bool {
	st, ok := m.states[name]
	if !ok || st.typ != TypeTask {
		return false
	}
	return strings.HasSuffix(st.resource, ".waitForTaskToken") || strings.Contains(st.resource, ":activity:")
}
