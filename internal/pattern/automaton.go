package pattern

import (
	"math"
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
	fields  *fieldNode // the field paths patterns name, with their ids
	npaths  int
	trails  []bool       // per path id: whether its leaves need their array trails
	values  []pathValues // per path id: which values can lead anywhere
	root    *state
	nstates int
}

// pathValues sums up every transition on one path, so that flattening can
// leave out a value that none of them could take (a string where only
// numbers are matched, a coordinate outside every numeric range). A path
// with an exists:false transition keeps all its values: there, having a
// value matters by itself.
type pathValues struct {
	kinds        uint8 // valueKind bits some transition takes
	rangesOnly   bool  // numbers are matched by numeric ranges only, within [numLo, numHi]
	numLo, numHi int64
}

// keeps reports whether a leaf of kind, and for a number its value st, v
// (scanNumber), can take some transition of the path.
func (pv *pathValues) keeps(kind valueKind, v int64, st uint8) bool {
	if pv.kinds&(1<<kind) == 0 {
		return false
	}
	if kind != kNumber || !pv.rangesOnly || st == numUnknown {
		return true
	}
	return st == numComparable && pv.numLo <= v && v <= pv.numHi
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

	kinds uint8 // bit 1<<k for each valueKind k that can yield targets

	// When the machine holds numeric ranges and nothing else, a number
	// outside [numLo, numHi] (the hull of the ranges) has no target.
	rangesOnly   bool
	numLo, numHi int64
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
	a := &automaton{fields: newFieldNode()}
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
			a.markTrails(b)
		}
	}
	a.values = make([]pathValues, a.npaths)
	for i := range a.values {
		a.values[i] = pathValues{rangesOnly: true, numLo: math.MaxInt64, numHi: math.MinInt64}
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
	n := a.fields.insert(p)
	if n.id < 0 {
		n.id = int32(a.npaths)
		a.npaths++
		a.trails = append(a.trails, false)
	}
	return n.id
}

// markTrails notes the paths of b whose leaves must keep their array
// trails. Two leaves can lie in one array only if their paths run through
// the array's field, so they share at least their first segment; a path that
// shares it with no other path of any branch never needs a consistency check
// (run.consistent), and its leaves are recorded without trails. That keeps
// arrays of numbers, such as GeoJSON coordinates, cheap.
func (a *automaton) markTrails(b branch) {
	for i := range b {
		for j := i + 1; j < len(b); j++ {
			if firstSegment(b[i].path) == firstSegment(b[j].path) {
				a.trails[a.pathID(b[i].path)] = true
				a.trails[a.pathID(b[j].path)] = true
			}
		}
	}
}

func firstSegment(path string) string {
	seg, _, _ := strings.Cut(path, ".")
	return seg
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
		pv := &a.values[ft.path]
		pv.kinds |= ft.vm.kinds
		if len(ft.absent) > 0 {
			pv.kinds = 0xff
		}
		pv.rangesOnly = pv.rangesOnly && ft.vm.rangesOnly && len(ft.absent) == 0
		pv.numLo, pv.numHi = min(pv.numLo, ft.vm.numLo), max(pv.numHi, ft.vm.numHi)
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
	vm.numLo, vm.numHi = math.MaxInt64, math.MinInt64
	for _, e := range vm.rangeList {
		vm.numLo, vm.numHi = min(vm.numLo, e.r.lo), max(vm.numHi, e.r.hi)
	}
	vm.rangeList = nil
	if vm.abNeg != nil {
		vm.abNeg.freeze()
		vm.needNum = vm.needNum || vm.abNeg.needNum
		vm.needFold = vm.needFold || vm.abNeg.needFold
	}
	if vm.exact != nil || vm.ips != nil || vm.fold != nil || vm.cidrs != nil || len(vm.wcs) > 0 ||
		vm.prefix.root != nil || vm.suffix.root != nil || vm.prefixFold.root != nil || vm.suffixFold.root != nil {
		vm.kinds |= 1 << kString
	}
	if vm.numLits != nil || vm.nums != nil || vm.ranges != nil {
		vm.kinds |= 1 << kNumber
	}
	for i, k := range [...]valueKind{kTrue, kFalse, kNull} {
		if len(vm.lits[i]) > 0 {
			vm.kinds |= 1 << k
		}
	}
	if len(vm.exists) > 0 || len(vm.anythingBut) > 0 {
		vm.kinds = 0xff
	}
	vm.rangesOnly = vm.kinds == 1<<kNumber && vm.numLits == nil && vm.nums == nil
}

// match appends to out the targets whose matchers v satisfies.
func (vm *valueMachine) match(v *leaf, r *run, out []int32) []int32 {
	switch v.kind {
	case kString:
		out = vm.matchString(v, r, out)
	case kNumber:
		out = vm.matchNumber(v, r, out)
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
	s := r.val(v)
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
