package asl

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"unicode"
	"unicode/utf8"
)

// Limits on workflow variables ("Passing data between states with
// variables"): one variable's value and the values one Assign field sets
// may each be at most 256 KiB of serialized JSON.
const (
	MaxVariableSize = 256 * 1024
	MaxAssignSize   = 256 * 1024
	// MaxVariableNameLength bounds a variable name as it does a state name.
	MaxVariableNameLength = 80
)

// Vars is one scope of workflow variables. The top-level workflow has a
// scope without parent; each Parallel branch and Map iteration runs in a
// child scope that reads its parent's variables but assigns only its own.
// The engine owns Vars: it applies each Decision's Assigned with Assign.
type Vars struct {
	parent *Vars
	values map[string]any
}

// NewVars returns a top-level scope holding values (which it takes over).
func NewVars(values map[string]any) *Vars {
	if values == nil {
		values = map[string]any{}
	}
	return &Vars{values: values}
}

// Child returns a new scope for a Parallel branch or Map iteration.
func (v *Vars) Child() *Vars { return &Vars{parent: v, values: map[string]any{}} }

// Parent returns the enclosing scope, nil at the top level.
func (v *Vars) Parent() *Vars { return v.parent }

// Lookup finds a variable in this scope or an enclosing one.
func (v *Vars) Lookup(name string) (any, bool) {
	for s := v; s != nil; s = s.parent {
		if x, ok := s.values[name]; ok {
			return x, true
		}
	}
	return nil, false
}

// Assign sets variables in this scope.
func (v *Vars) Assign(values map[string]any) {
	for k, x := range values {
		v.values[k] = x
	}
}

// Local returns this scope's own variables (not the enclosing ones), for the
// engine to persist. The map must not be modified.
func (v *Vars) Local() map[string]any { return v.values }

// all flattens the scopes into one map for JSONata, inner names shadowing
// outer ones.
func (v *Vars) all() map[string]any {
	if v == nil {
		return nil
	}
	if v.parent == nil {
		return v.values
	}
	m := v.parent.all()
	out := make(map[string]any, len(m)+len(v.values))
	for k, x := range m {
		out[k] = x
	}
	for k, x := range v.values {
		out[k] = x
	}
	return out
}

// validVariableName applies the naming rule: a letter or underscore, then
// letters, digits and underscores (Unicode letters and digits count), at most
// 80 characters. "states" is reserved for $states.
func validVariableName(name string) error {
	if name == "" {
		return fmt.Errorf("variable name must not be empty")
	}
	if utf8.RuneCountInString(name) > MaxVariableNameLength {
		return fmt.Errorf("variable name %q is longer than %d characters", name, MaxVariableNameLength)
	}
	if name == "states" {
		return fmt.Errorf("variable name %q is reserved", name)
	}
	for i, r := range name {
		ok := r == '_' || unicode.IsLetter(r) || (i > 0 && unicode.IsDigit(r))
		if !ok {
			return fmt.Errorf("variable name %q is not valid: it must start with a letter or '_' and contain only letters, digits and '_'", name)
		}
	}
	return nil
}

// checkAssignSize enforces the size limits on what one Assign produced.
func checkAssignSize(assigned map[string]any) error {
	total := 0
	for name, v := range assigned {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if len(b) > MaxVariableSize {
			return fmt.Errorf("The variable '%s' exceeds the maximum size of %d bytes.", name, MaxVariableSize)
		}
		total += len(b)
	}
	if total > MaxAssignSize {
		return fmt.Errorf("The total size of the variables assigned by the state exceeds the maximum size of %d bytes.", MaxAssignSize)
	}
	return nil
}

// assignedNames lists the variables a machine's own states assign (state,
// Choice rule and Catcher Assign fields), each with the state's location.
func assignedNames(m *Machine) map[string]string {
	out := map[string]string{}
	add := func(a *assigner, loc string) {
		if a == nil {
			return
		}
		for _, n := range a.names {
			if _, ok := out[n]; !ok {
				out[n] = loc
			}
		}
	}
	for _, name := range m.names {
		st := m.states[name]
		if st == nil {
			continue
		}
		add(st.assign, st.loc)
		for _, r := range st.choices {
			add(r.assign, st.loc)
		}
		for _, c := range st.catch {
			add(c.assign, st.loc)
		}
	}
	return out
}

// checkScopes enforces variable scoping: a Parallel branch or Map
// iteration may read the variables of its enclosing scopes but not assign a
// variable any enclosing scope assigns (the guide: "if the top-level scope
// assigns a value to a variable called myVariable, then no other scope
// (inside a Map, Parallel) can assign to myVariable as well").
func checkScopes(m *Machine, outer map[string]bool, ds *diagnostics) {
	own := assignedNames(m)
	for _, n := range slices.Sorted(maps.Keys(own)) {
		if outer[n] {
			ds.schema(own[n], "The variable '%s' is assigned in an outer scope and cannot be assigned inside a Parallel branch or Map iteration", n)
		}
	}
	inner := map[string]bool{}
	for n := range outer {
		inner[n] = true
	}
	for n := range own {
		inner[n] = true
	}
	for _, name := range m.names {
		st := m.states[name]
		if st == nil {
			continue
		}
		for _, b := range st.branches {
			if b != nil {
				checkScopes(b, inner, ds)
			}
		}
		if st.mapSpec != nil && st.mapSpec.processor != nil {
			checkScopes(st.mapSpec.processor, inner, ds)
		}
	}
}
