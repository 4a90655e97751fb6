package pattern

import "net/netip"

// Exact matching (eb-create-pattern "Matching event values"): a string
// matches the same string, true/false/null the same literal, and a number
// any number of the same value (3, 3.0 and 3e0 alike — event-ruler inserts a
// numeric-equality matcher beside the literal one) or the same literal text.

func (vm *valueMachine) addExact(m matcher, t int32) {
	if vm.exact == nil {
		vm.exact = map[string][]int32{}
	}
	vm.exact[m.s] = append(vm.exact[m.s], t)
	if m.isIP {
		if vm.ips == nil {
			vm.ips = map[netip.Addr][]int32{}
		}
		vm.ips[m.ip] = append(vm.ips[m.ip], t)
	}
}

func (vm *valueMachine) addNumber(m matcher, t int32) {
	if vm.numLits == nil {
		vm.numLits = map[string][]int32{}
	}
	vm.numLits[m.lit] = append(vm.numLits[m.lit], t)
	if m.numOK {
		if vm.nums == nil {
			vm.nums = map[int64][]int32{}
		}
		vm.nums[m.num] = append(vm.nums[m.num], t)
		vm.needNum = true
	}
}

// matchNumber covers exact numbers and numeric ranges.
func (vm *valueMachine) matchNumber(v *leaf, r *run, out []int32) []int32 {
	if vm.numLits != nil {
		out = append(out, vm.numLits[string(r.val(v))]...)
	}
	if !vm.needNum {
		return out
	}
	n, ok := r.micros(v)
	if !ok {
		return out
	}
	if vm.nums != nil {
		out = append(out, vm.nums[n]...)
	}
	if vm.ranges != nil {
		out = vm.ranges.find(n, out)
	}
	return out
}

// equals-ignore-case (eb-create-pattern-operators "Equals-ignore-case
// matching"): strings equal under Unicode simple case folding.
func (vm *valueMachine) addFold(m matcher, t int32) {
	if vm.fold == nil {
		vm.fold = map[string][]int32{}
	}
	vm.fold[m.s] = append(vm.fold[m.s], t)
	vm.needFold = true
}

// matchCIDR appends the targets of the cidr ranges holding ip. Few rules use
// cidr on one field, so a scan is enough.
func (vm *valueMachine) matchCIDR(ip netip.Addr, out []int32) []int32 {
	for _, c := range vm.cidrs {
		if c.r.contains(ip) {
			out = append(out, c.target)
		}
	}
	return out
}
