package pattern

import "slices"

// anything-but (eb-create-pattern-operators "Anything-but matching") matches
// a field that has a value — of any JSON type — which its operand does not
// match: not one of the listed strings or numbers, not with the prefix or
// suffix, not equal ignoring case, not matching the wildcard. A field that is
// absent has no value and is not matched (event-ruler needs a value to make
// a transition; pinned in the tests).
//
// All anything-but matchers of a transition fire for a value except the
// ones whose operand it matches; those are found by a second value machine
// (abNeg) built from the operands, so the cost is one lookup plus the number
// of matchers that fire.

func (vm *valueMachine) addAnythingBut(m matcher, t int32) {
	i := int32(len(vm.anythingBut))
	vm.anythingBut = append(vm.anythingBut, t)
	if vm.abNeg == nil {
		vm.abNeg = &valueMachine{}
	}
	for _, n := range m.neg {
		vm.abNeg.add(n, i)
	}
}

func (vm *valueMachine) matchAnythingBut(v *leaf, r *run, out []int32) []int32 {
	excl := r.abBuf[:0]
	if v.kind == kString {
		excl = vm.abNeg.matchString(v, r, excl)
	} else if v.kind == kNumber {
		excl = vm.abNeg.matchNumber(v, r, excl)
	}
	if len(excl) > 1 {
		slices.Sort(excl)
	}
	for i, t := range vm.anythingBut {
		if len(excl) > 0 {
			if _, found := slices.BinarySearch(excl, int32(i)); found {
				continue
			}
		}
		out = append(out, t)
	}
	r.abBuf = excl[:0]
	return out
}
