package pattern

import (
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// The automaton compiles every pattern of a Matcher into one machine in the
// manner of event-ruler and quamina. Each pattern branch is a sequence of
// steps (field path, value matchers); branches are threaded through a trie of
// states, so branches that begin alike share states. A state has one field
// transition per path, and a transition holds a value machine: hash maps,
// tries and interval trees that find, for one event value, every matcher it
// satisfies in time independent of how many matchers there are. Matching an
// event walks the states, looking each transition's path up in the
// flattened event. The automaton is immutable once built.

type automaton struct {
	leafPaths  map[string]int32    // field path → id, for every path a pattern names
	innerPaths map[string]struct{} // every dot-prefix of those paths: objects worth descending into
	root       *state
	nstates    int
}

type state struct {
	id      int32
	trans   []*fieldTrans         // sorted by path id
	byPath  map[int32]*fieldTrans // for states with many transitions
	absent  []*fieldTrans         // transitions with exists:false targets
	matches []string              // pattern ids whose branch ends here
}

type fieldTrans struct {
	path    int32
	vm      valueMachine
	targets []*state
	absent  []int32 // targets reached when the path has no value (exists:false)

	byKey map[string]int32 // build only: step key → target
}

// valueMachine finds the targets whose matchers a single value satisfies.
// Targets are indices chosen by its owner.
type valueMachine struct {
	exact   map[string][]int32     // exact strings
	ips     map[netip.Addr][]int32 // exact strings that are IP literals
	nums    map[int64][]int32      // exact numbers, by value
	numLits map[string][]int32     // exact numbers, by literal text
	lits    [3][]int32             // true, false, null
	fold    map[string][]int32     // equals-ignore-case, folded

	prefix, suffix, prefixFold, suffixFold trie

	ranges    *rangeTree
	rangeList []rangeEntry
	cidrs     []cidrEntry

	wcs      []wildcardEntry
	wcPrefix trie    // wildcard indices by literal prefix
	wcSuffix trie    // ... by literal suffix, when the pattern starts with *
	wcAny    []int32 // ... with * at both ends

	exists []int32 // exists:true

	anythingBut []int32       // targets of anything-but matchers
	abNeg       *valueMachine // finds which anything-but matchers a value excludes (indices into anythingBut)

	needNum, needFold, needIP bool
}

type cidrEntry struct {
	r      ipRange
	target int32
}

type wildcardEntry struct {
	w      wildcard
	target int32
}

// build compiles patterns (id → pattern) into an automaton.
func build(patterns map[string]*Pattern) *automaton {
	a := &automaton{leafPaths: map[string]int32{}, innerPaths: map[string]struct{}{}}
	a.root = a.newState()
	ids := make([]string, 0, len(patterns))
	for id := range patterns {
		ids = append(ids, id)
	}
	sort.Strings(ids) // deterministic state numbering
	for _, id := range ids {
		for _, b := range patterns[id].branches {
			s := a.root
			for _, st := range b {
				s = a.addStep(s, st)
			}
			if !slices.Contains(s.matches, id) {
				s.matches = append(s.matches, id)
			}
		}
	}
	a.freeze(a.root)
	return a
}

func (a *automaton) newState() *state {
	s := &state{id: int32(a.nstates)}
	a.nstates++
	return s
}

func (a *automaton) pathID(p string) int32 {
	if id, ok := a.leafPaths[p]; ok {
		return id
	}
	id := int32(len(a.leafPaths))
	a.leafPaths[p] = id
	for i := range len(p) {
		if p[i] == '.' {
			a.innerPaths[p[:i]] = struct{}{}
		}
	}
	return id
}

func (a *automaton) addStep(s *state, st step) *state {
	pid := a.pathID(st.path)
	var ft *fieldTrans
	for _, t := range s.trans {
		if t.path == pid {
			ft = t
			break
		}
	}
	if ft == nil {
		ft = &fieldTrans{path: pid, byKey: map[string]int32{}}
		s.trans = append(s.trans, ft)
	}
	key := stepKey(st.ms)
	if t, ok := ft.byKey[key]; ok {
		return ft.targets[t]
	}
	t := int32(len(ft.targets))
	next := a.newState()
	ft.targets = append(ft.targets, next)
	ft.byKey[key] = t
	for _, m := range st.ms {
		if m.kind == opExists && !m.exists {
			ft.absent = append(ft.absent, t)
			continue
		}
		ft.vm.add(m, t)
	}
	return next
}

// stepKey identifies a step's matchers, so that equal steps share a state.
func stepKey(ms []matcher) string {
	var b strings.Builder
	for _, m := range ms {
		writeKey(&b, m)
		b.WriteByte(0)
	}
	return b.String()
}

func writeKey(b *strings.Builder, m matcher) {
	b.WriteString(strconv.Itoa(int(m.kind)))
	b.WriteByte(':')
	switch m.kind {
	case opNumeric:
		b.WriteString(strconv.FormatInt(m.rng.lo, 10) + "," + strconv.FormatInt(m.rng.hi, 10) +
			strconv.FormatBool(m.rng.loOpen) + strconv.FormatBool(m.rng.hiOpen))
	case opCIDR:
		b.WriteString(m.cidr.lo.String() + "-" + m.cidr.hi.String())
	case opExists:
		b.WriteString(strconv.FormatBool(m.exists))
	case opAnythingBut:
		b.WriteByte('[')
		for _, n := range m.neg {
			writeKey(b, n)
			b.WriteByte(1)
		}
		b.WriteByte(']')
	case opExactNumber, opLiteral:
		b.WriteString(m.lit)
	default:
		b.WriteString(strconv.Quote(m.s))
	}
}

func (a *automaton) freeze(s *state) {
	slices.SortFunc(s.trans, func(x, y *fieldTrans) int { return int(x.path - y.path) })
	if len(s.trans) > 8 {
		s.byPath = make(map[int32]*fieldTrans, len(s.trans))
	}
	for _, ft := range s.trans {
		ft.byKey = nil
		ft.vm.freeze()
		if s.byPath != nil {
			s.byPath[ft.path] = ft
		}
		if len(ft.absent) > 0 {
			s.absent = append(s.absent, ft)
		}
		for _, t := range ft.targets {
			a.freeze(t)
		}
	}
}

func (vm *valueMachine) add(m matcher, t int32) {
	switch m.kind {
	case opExactString:
		vm.addExact(m, t)
	case opExactNumber:
		vm.addNumber(m, t)
	case opLiteral:
		vm.lits[literalIndex(m.lit)] = append(vm.lits[literalIndex(m.lit)], t)
	case opPrefix:
		vm.prefix.insert([]byte(m.s), false, t)
	case opSuffix:
		vm.suffix.insert([]byte(m.s), true, t)
	case opPrefixFold:
		vm.prefixFold.insert([]byte(m.s), false, t)
		vm.needFold = true
	case opSuffixFold:
		vm.suffixFold.insert([]byte(m.s), true, t)
		vm.needFold = true
	case opFold:
		vm.addFold(m, t)
	case opWildcard:
		vm.addWildcard(m, t)
	case opNumeric:
		vm.rangeList = append(vm.rangeList, rangeEntry{r: m.rng, target: t})
		vm.needNum = true
	case opCIDR:
		vm.cidrs = append(vm.cidrs, cidrEntry{r: m.cidr, target: t})
		vm.needIP = true
	case opExists:
		vm.exists = append(vm.exists, t)
	case opAnythingBut:
		vm.addAnythingBut(m, t)
	}
}

func literalIndex(lit string) int {
	switch lit {
	case "true":
		return 0
	case "false":
		return 1
	}
	return 2
}

func (vm *valueMachine) freeze() {
	vm.prefix.root.freeze()
	vm.suffix.root.freeze()
	vm.prefixFold.root.freeze()
	vm.suffixFold.root.freeze()
	vm.wcPrefix.root.freeze()
	vm.wcSuffix.root.freeze()
	vm.ranges = buildRangeTree(vm.rangeList)
	vm.rangeList = nil
	if vm.abNeg != nil {
		vm.abNeg.freeze()
		vm.needNum = vm.needNum || vm.abNeg.needNum
		vm.needFold = vm.needFold || vm.abNeg.needFold
	}
}

// match appends to out the targets whose matchers v satisfies.
func (vm *valueMachine) match(v *leaf, r *run, out []int32) []int32 {
	switch v.kind {
	case kString:
		out = vm.matchString(v, r, out)
	case kNumber:
		out = vm.matchNumber(v, out)
	case kTrue:
		out = append(out, vm.lits[0]...)
	case kFalse:
		out = append(out, vm.lits[1]...)
	case kNull:
		out = append(out, vm.lits[2]...)
	}
	out = append(out, vm.exists...)
	if len(vm.anythingBut) > 0 {
		out = vm.matchAnythingBut(v, r, out)
	}
	return out
}

func (vm *valueMachine) matchString(v *leaf, r *run, out []int32) []int32 {
	s := v.val
	if vm.exact != nil {
		out = append(out, vm.exact[string(s)]...)
	}
	if vm.ips != nil || vm.cidrs != nil {
		if ip, ok := parseIP(s); ok {
			out = append(out, vm.ips[ip]...)
			out = vm.matchCIDR(ip, out)
		}
	}
	out = vm.prefix.walk(s, false, out)
	out = vm.suffix.walk(s, true, out)
	if vm.needFold {
		f := r.folded(v)
		if vm.fold != nil {
			out = append(out, vm.fold[string(f)]...)
		}
		out = vm.prefixFold.walk(f, false, out)
		out = vm.suffixFold.walk(f, true, out)
	}
	if len(vm.wcs) > 0 {
		out = vm.matchWildcard(s, r, out)
	}
	return out
}
