package pattern

import (
	"math"
	"slices"
	"sync"
)

// run is the scratch state of one match: the flattened event and the
// traversal's buffers. Runs are pooled, so matching allocates nothing in the
// steady state but the result.
type run struct {
	a       *automaton
	src     []byte // the event, which leaves point into
	scratch []byte // decoded strings, and MatchValue's values
	leaves  []leaf
	trails  []int32

	keyBuf    []byte // the current key, when it had escapes
	trailBuf  []int32
	skipStack []byte

	chosen []int32 // leaves with array trails taken on the current path
	tbuf   []int32 // targets, used as a stack across recursion
	wcBuf  []int32
	abBuf  []int32
	fold   []byte
	out    []string

	head    []int32 // per path id: its last leaf, whose next chains the others; or -1
	touched []int32 // path ids with leaves

	seen []uint32 // per state: generation when reached with no array constraint
	gen  uint32
}

var runPool = sync.Pool{New: func() any { return &run{} }}

func getRun(a *automaton) *run {
	r := runPool.Get().(*run)
	r.a = a
	if len(r.seen) < a.nstates {
		r.seen = make([]uint32, a.nstates)
		r.gen = 0
	}
	if len(r.head) < a.npaths {
		r.head = make([]int32, a.npaths)
		for i := range r.head {
			r.head[i] = -1
		}
	}
	r.gen++
	if r.gen == 0 { // wrapped: forget every mark
		clear(r.seen)
		r.gen = 1
	}
	return r
}

func putRun(r *run) {
	for _, p := range r.touched {
		r.head[p] = -1
	}
	r.touched = r.touched[:0]
	r.leaves, r.trails = r.leaves[:0], r.trails[:0]
	r.chosen, r.tbuf, r.out = r.chosen[:0], r.tbuf[:0], r.out[:0]
	r.fold, r.scratch = r.fold[:0], r.scratch[:0]
	r.a, r.src = nil, nil
	if cap(r.leaves) > 4096 || cap(r.tbuf) > 1<<16 || cap(r.out) > 1<<16 || len(r.head) > 1<<16 || cap(r.scratch) > 1<<16 {
		return // do not pool a run grown by an outsized event
	}
	runPool.Put(r)
}

// val returns the bytes of a leaf's value.
func (r *run) val(l *leaf) []byte {
	if l.scratch {
		return r.scratch[l.off:l.end]
	}
	return r.src[l.off:l.end]
}

// micros returns a number leaf's value in micro-units, parsed once.
func (r *run) micros(l *leaf) (int64, bool) {
	if l.numSt == numUnknown {
		n, ok := parseMicros(r.val(l))
		l.num, l.numSt = n, numOutOfRange
		if ok {
			l.numSt = numComparable
		}
	}
	return l.num, l.numSt == numComparable
}

// folded returns the case-folded form of a string leaf, computed once.
func (r *run) folded(l *leaf) []byte {
	if !l.folded {
		start := len(r.fold)
		r.fold = appendFold(r.fold, r.val(l))
		l.num, l.folded = int64(start)<<32|int64(len(r.fold)), true
	}
	return r.fold[l.num>>32 : l.num&math.MaxUint32]
}

// matchAll walks the automaton and leaves the sorted, distinct ids in r.out.
func (r *run) matchAll() {
	r.walk(r.a.root)
	if len(r.out) > 1 {
		slices.Sort(r.out)
		r.out = slices.Compact(r.out)
	}
}

func (r *run) matchAny() bool {
	r.walk(r.a.root)
	return len(r.out) > 0
}

func (r *run) walk(s *state) {
	if len(r.chosen) == 0 {
		// With no array element chosen, what follows from s does not depend
		// on how s was reached: visit it once.
		if r.seen[s.id] == r.gen {
			return
		}
		r.seen[s.id] = r.gen
	}
	r.out = append(r.out, s.matches...)
	if len(s.trans) == 0 {
		return
	}
	if s.byPath != nil && len(s.trans) > 4*len(r.touched) {
		// Many transitions, few event paths: look the paths up.
		for _, p := range r.touched {
			if ft := s.byPath[p]; ft != nil {
				r.step(ft, r.head[p])
			}
		}
		for _, ft := range s.absent {
			if r.head[ft.path] < 0 {
				r.takeAbsent(ft)
			}
		}
		return
	}
	for _, ft := range s.trans {
		if h := r.head[ft.path]; h >= 0 {
			r.step(ft, h)
		} else if len(ft.absent) > 0 {
			r.takeAbsent(ft)
		}
	}
}

func (r *run) takeAbsent(ft *fieldTrans) {
	for _, t := range ft.absent {
		r.walk(ft.targets[t])
	}
}

// step follows ft for every value of its path, whose leaves chain from
// first.
func (r *run) step(ft *fieldTrans, first int32) {
	for li := first; li >= 0; li = r.leaves[li].next {
		v := &r.leaves[li]
		if ft.vm.kinds&(1<<v.kind) == 0 {
			continue
		}
		if ft.vm.rangesOnly {
			// Arrays of numbers (coordinates) against a numeric rule:
			// most values fall outside every range.
			if n, ok := r.micros(v); !ok || n < ft.vm.numLo || n > ft.vm.numHi {
				continue
			}
		}
		if v.trail != 0 && !r.consistent(v) {
			continue
		}
		start := len(r.tbuf)
		r.tbuf = ft.vm.match(v, r, r.tbuf)
		if len(r.tbuf) == start {
			continue
		}
		ts := r.tbuf[start:]
		if len(ts) > 1 {
			slices.Sort(ts)
			r.tbuf = r.tbuf[:start+len(slices.Compact(ts))]
		}
		if v.trail != 0 {
			r.chosen = append(r.chosen, li)
		}
		for i := start; i < len(r.tbuf); i++ {
			r.walk(ft.targets[r.tbuf[i]])
		}
		if v.trail != 0 {
			r.chosen = r.chosen[:len(r.chosen)-1]
		}
		r.tbuf = r.tbuf[:start]
	}
}

// consistent reports whether v lies in the same element as every chosen leaf
// of each array they share. Arrays nest, so shared arrays form a common
// prefix of the two trails.
func (r *run) consistent(v *leaf) bool {
	a := r.trailOf(v)
	for _, ci := range r.chosen {
		c := &r.leaves[ci]
		b := r.trailOf(c)
		for k := 0; k+1 < len(a) && k+1 < len(b); k += 2 {
			if a[k] != b[k] {
				break
			}
			if a[k+1] != b[k+1] {
				return false
			}
		}
	}
	return true
}

// trailOf returns the array trail of a leaf that has one.
func (r *run) trailOf(l *leaf) []int32 {
	n := r.trails[l.trail-1]
	return r.trails[l.trail : l.trail+n]
}
