package jsonpath

import (
	"maps"
	"slices"
)

// Eval applies the path to data, the document its Root names. A definite
// path returns the value it names; an indefinite one returns a []any (empty
// when nothing matches below a wildcard, filter or scan). When nothing is
// found where Jayway requires a result, the error is a *NotFoundError.
// Applying any path but the root to null returns ErrNullInput.
func (p *Path) Eval(data any) (any, error) {
	if len(p.segs) == 0 {
		return data, nil
	}
	if data == nil {
		return nil, ErrNullInput
	}
	if p.definite {
		v, ok := evalDefinite(data, p.segs)
		if !ok {
			return nil, &NotFoundError{Path: p.text}
		}
		return v, nil
	}
	w := walker{root: data, segs: p.segs, firstIndef: firstIndefinite(p.segs), out: []any{}}
	if err := w.walk(data, 0); err != nil {
		return nil, &NotFoundError{Path: p.text}
	}
	return w.out, nil
}

// Select evaluates the path against the document its root names: input for
// $, context for $$, and the variable looked up by name for $name. An
// undefined variable is a *NotFoundError.
func (p *Path) Select(input, context any, variable func(name string) (any, bool)) (any, error) {
	switch p.root {
	case RootContext:
		return p.Eval(context)
	case RootVariable:
		if variable == nil {
			return nil, &NotFoundError{Path: p.text}
		}
		v, ok := variable(p.variable)
		if !ok {
			return nil, &NotFoundError{Path: p.text}
		}
		return p.Eval(v)
	default:
		return p.Eval(input)
	}
}

// evalDefinite follows fields and indexes without allocating.
func evalDefinite(v any, segs []segment) (any, bool) {
	for i := range segs {
		s := &segs[i]
		switch s.kind {
		case segField:
			m, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			if v, ok = m[s.name]; !ok {
				return nil, false
			}
		case segIndex:
			a, ok := v.([]any)
			if !ok {
				return nil, false
			}
			idx := s.index
			if idx < 0 {
				idx += len(a)
			}
			if idx < 0 || idx >= len(a) {
				return nil, false
			}
			v = a[idx]
		default:
			return nil, false
		}
	}
	return v, true
}

func allDefinite(segs []segment) bool { return firstIndefinite(segs) == len(segs) }

func firstIndefinite(segs []segment) int {
	for i := range segs {
		if !segs[i].isDefinite() {
			return i
		}
	}
	return len(segs)
}

// errMissing is internal: the walk hit a gap where Jayway throws
// PathNotFoundException rather than skipping the branch.
type errMissing struct{}

func (errMissing) Error() string { return "path not found" }

// walker evaluates an indefinite path, collecting matches in document order.
type walker struct {
	root       any
	segs       []segment
	firstIndef int // segments before it are all definite
	out        []any
}

// gap decides what a missing field, bad index or wrong type at segment i
// means: while everything up to and including i is definite (Jayway's
// "upstream definite"), the path fails; below a wildcard, slice, filter or
// scan the branch is skipped.
func (w *walker) gap(i int) error {
	if i <= w.firstIndef {
		return errMissing{}
	}
	return nil
}

func (w *walker) walk(v any, i int) error {
	if i == len(w.segs) {
		w.out = append(w.out, v)
		return nil
	}
	s := &w.segs[i]
	switch s.kind {
	case segField:
		m, ok := v.(map[string]any)
		if !ok {
			return w.gap(i)
		}
		c, ok := m[s.name]
		if !ok {
			return w.gap(i)
		}
		return w.walk(c, i+1)
	case segIndex:
		a, ok := v.([]any)
		if !ok {
			return w.gap(i)
		}
		idx := s.index
		if idx < 0 {
			idx += len(a)
		}
		if idx < 0 || idx >= len(a) {
			return w.gap(i)
		}
		return w.walk(a[idx], i+1)
	case segWildcard:
		return w.children(v, i+1)
	case segNames:
		m, ok := v.(map[string]any)
		if !ok {
			return w.gap(i)
		}
		if i == len(w.segs)-1 {
			// Jayway returns one object holding the named properties.
			sub := make(map[string]any, len(s.names))
			for _, n := range s.names {
				if c, ok := m[n]; ok {
					sub[n] = c
				}
			}
			w.out = append(w.out, sub)
			return nil
		}
		for _, n := range s.names {
			if c, ok := m[n]; ok {
				if err := w.walk(c, i+1); err != nil {
					return err
				}
			}
		}
		return nil
	case segIndexes:
		a, ok := v.([]any)
		if !ok {
			return w.gap(i)
		}
		for _, idx := range s.indexes {
			if idx < 0 {
				idx += len(a)
			}
			if idx >= 0 && idx < len(a) {
				if err := w.walk(a[idx], i+1); err != nil {
					return err
				}
			}
		}
		return nil
	case segSlice:
		a, ok := v.([]any)
		if !ok {
			return w.gap(i)
		}
		start, end, step := s.slice.bounds(len(a))
		if step > 0 {
			for j := start; j < end; j += step {
				if err := w.walk(a[j], i+1); err != nil {
					return err
				}
			}
		} else {
			for j := start; j > end; j += step {
				if err := w.walk(a[j], i+1); err != nil {
					return err
				}
			}
		}
		return nil
	case segFilter:
		switch c := v.(type) {
		case []any:
			for _, e := range c {
				if s.filter.match(w, e) {
					if err := w.walk(e, i+1); err != nil {
						return err
					}
				}
			}
			return nil
		case map[string]any:
			// Jayway applies a filter on an object to the object itself.
			if s.filter.match(w, c) {
				return w.walk(c, i+1)
			}
			return nil
		}
		return w.gap(i)
	case segDescend:
		return w.descend(v, i)
	}
	return nil
}

// children walks every member of an object (in sorted key order) or element
// of an array.
func (w *walker) children(v any, next int) error {
	switch c := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(c)) {
			if err := w.walk(c[k], next); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range c {
			if err := w.walk(e, next); err != nil {
				return err
			}
		}
	}
	return nil
}

// descend applies the rest of the path to v and then to every node below
// it, parents before children (Jayway's scan order).
func (w *walker) descend(v any, i int) error {
	if err := w.walk(v, i+1); err != nil {
		return err
	}
	switch c := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(c)) {
			if err := w.descend(c[k], i); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range c {
			if err := w.descend(e, i); err != nil {
				return err
			}
		}
	}
	return nil
}

// bounds resolves a slice against an array length the way Python and Jayway
// do: negative positions count from the end, and positions are clamped.
func (s sliceSpec) bounds(n int) (start, end, step int) {
	step = 1
	if s.hasStep {
		step = s.step
	}
	clamp := func(x, lo, hi int) int {
		if x < lo {
			return lo
		}
		if x > hi {
			return hi
		}
		return x
	}
	norm := func(x int) int {
		if x < 0 {
			return x + n
		}
		return x
	}
	if step > 0 {
		start, end = 0, n
		if s.hasStart {
			start = clamp(norm(s.start), 0, n)
		}
		if s.hasEnd {
			end = clamp(norm(s.end), 0, n)
		}
		return start, end, step
	}
	start, end = n-1, -1
	if s.hasStart {
		start = clamp(norm(s.start), -1, n-1)
	}
	if s.hasEnd {
		end = clamp(norm(s.end), -1, n-1)
	}
	return start, end, step
}
