package jsonpath

import (
	"errors"
	"fmt"

	"github.com/shoal-dev/shoal/internal/asl/value"
)

// Set returns data with value placed at ref, as ResultPath does: "$"
// replaces the whole document, a missing field is created (with any missing
// intermediate objects), an existing field is replaced. Crossing a value that
// is not an object, or an array index that does not exist, is a
// *MatchFailureError (States.ResultPathMatchFailure).
//
// data is never modified: the objects and arrays along the path are copied
// and everything else is shared with the result.
func Set(data any, ref *Path, value any) (any, error) {
	if ref.root != RootInput {
		return nil, errors.New("a result path must start with '$', not '$$' or a variable")
	}
	if !ref.definite {
		return nil, fmt.Errorf("%s is not a reference path", ref.text)
	}
	return setAt(data, true, ref, 0, value)
}

// setAt returns v (present says whether it exists) with segment i onward set.
func setAt(v any, present bool, ref *Path, i int, val any) (any, error) {
	if i == len(ref.segs) {
		return val, nil
	}
	s := &ref.segs[i]
	switch s.kind {
	case segField:
		if !present {
			child, err := setAt(nil, false, ref, i+1, val)
			if err != nil {
				return nil, err
			}
			return map[string]any{s.name: child}, nil
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, &MatchFailureError{Path: ref.text, Reason: fmt.Sprintf("expected an object to hold %q but found %s", s.name, value.Describe(v))}
		}
		old, had := m[s.name]
		child, err := setAt(old, had, ref, i+1, val)
		if err != nil {
			return nil, err
		}
		out := make(map[string]any, len(m)+1)
		for k, x := range m {
			out[k] = x
		}
		out[s.name] = child
		return out, nil
	case segIndex:
		a, ok := v.([]any)
		if !present || !ok {
			return nil, &MatchFailureError{Path: ref.text, Reason: fmt.Sprintf("expected an array for index %d but found %s", s.index, kindOfPresent(v, present))}
		}
		idx := s.index
		if idx < 0 {
			idx += len(a)
		}
		if idx < 0 || idx >= len(a) {
			return nil, &MatchFailureError{Path: ref.text, Reason: fmt.Sprintf("index %d is out of bounds for an array of %d elements", s.index, len(a))}
		}
		child, err := setAt(a[idx], true, ref, i+1, val)
		if err != nil {
			return nil, err
		}
		out := make([]any, len(a))
		copy(out, a)
		out[idx] = child
		return out, nil
	}
	return nil, fmt.Errorf("%s is not a reference path", ref.text)
}

func kindOfPresent(v any, present bool) string {
	if !present {
		return "nothing"
	}
	return value.Describe(v)
}
