package pattern

import (
	"slices"
	"sync"
)

// run is the scratch state of one match: the flattened event and the
// traversal's buffers. Runs are pooled, so matching allocates nothing in the
// steady state but the result.
type run struct {
	a      *automaton
	leaves []leaf
	runs   []pathRun
	trails []int32

	pathBuf   []byte
	trailBuf  []int32
	skipStack []byte

	chosen []int32 // leaves with array trails taken on the current path
	tbuf   []int32 // targets, used as a stack across recursion
	wcBuf  []int32
	abBuf  []int32
	fold   []byte
	out    []string

	head    []int32 // per path id: last leaf added, or -1
	touched []int32 // path ids with leaves

	seen []uint32 // per state: generation when reached with no array constraint
	gen  uint32
}

type pathRun struct {
	path  int32
	first int32 // first leaf; leaves chain through leaf.next
}

var runPool = sync.Pool{New: func() any { return &run{} }}

func getRun(a *automaton) *run {
	r := runPool.Get().(*run)
	r.a = a
	if len(r.seen) < a.nstates {
		r.seen = make([]uint32, a.nstates)
		r.gen = 0
	}
	if len(r.head) < len(a.leafPaths) {
		r.head = make([]int32, len(a.leafPaths))
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
	for i := range r.leaves {
		r.leaves[i] = leaf{}
	}
	for _, p := range r.touched {
		r.head[p] = -1
	}
	r.touched = r.touched[:0]
	r.leaves, r.runs, r.trails = r.leaves[:0], r.runs[:0], r.trails[:0]
	r.chosen, r.tbuf, r.out = r.chosen[:0], r.tbuf[:0], r.out[:0]
	r.fold = r.fold[:0]
	r.a = nil
	if cap(r.leaves) > 4096 || cap(r.tbuf) > 1<<16 || cap(r.out) > 1<<16 || len(r.head) > 1<<16 {
		return // do not pool a run grown by an outsized event
	}
	runPool.Put(r)
}

// folded returns the case-folded form of a string leaf, computed once.
func (r *run) folded(v *leaf) []byte {
	if v.folded == nil {
		start := len(r.fold)
		r.fold = appendFold(r.fold, v.val)
		v.folded = r.fold[start:len(r.fold):len(r.fold)]
		if len(v.folded) == 0 {
			v.folded = []byte{}
		}
	}
	return v.folded
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
	if s.byPath != nil && len(s.trans) > 4*len(r.runs) {
		for i := range r.runs {
			if ft := s.byPath[r.runs[i].path]; ft != nil {
				r.step(ft, &r.runs[i])
			}
		}
		for _, ft := range s.absent {
			if r.find(ft.path) == nil {
				r.takeAbsent(ft)
			}
		}
		return
	}
	// Merge the state's transitions with the event's paths; both are sorted.
	j := 0
	for _, ft := range s.trans {
		for j < len(r.runs) && r.runs[j].path < ft.path {
			j++
		}
		if j < len(r.runs) && r.runs[j].path == ft.path {
			r.step(ft, &r.runs[j])
		} else if len(ft.absent) > 0 {
			r.takeAbsent(ft)
		}
	}
}

func (r *run) find(path int32) *pathRun {
	i, ok := slices.BinarySearchFunc(r.runs, path, func(p pathRun, t int32) int { return int(p.path - t) })
	if !ok {
		return nil
	}
	return &r.runs[i]
}

func (r *run) takeAbsent(ft *fieldTrans) {
	for _, t := range ft.absent {
		r.walk(ft.targets[t])
	}
}

// step follows ft for every value of its path.
func (r *run) step(ft *fieldTrans, pr *pathRun) {
	for li := pr.first; li >= 0; li = r.leaves[li].next {
		v := &r.leaves[li]
		if v.tLen > 0 && !r.consistent(v) {
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
		if v.tLen > 0 {
			r.chosen = append(r.chosen, li)
		}
		for i := start; i < len(r.tbuf); i++ {
			r.walk(ft.targets[r.tbuf[i]])
		}
		if v.tLen > 0 {
			r.chosen = r.chosen[:len(r.chosen)-1]
		}
		r.tbuf = r.tbuf[:start]
	}
}

// consistent reports whether v lies in the same element as every chosen leaf
// of each array they share. Arrays nest, so shared arrays form a common
// prefix of the two trails.
func (r *run) consistent(v *leaf) bool {
	a := r.trails[v.tOff : v.tOff+v.tLen]
	for _, ci := range r.chosen {
		c := &r.leaves[ci]
		b := r.trails[c.tOff : c.tOff+c.tLen]
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
