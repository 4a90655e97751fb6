package pattern

import (
	"bytes"
	"strconv"
)

// wildcard is a compiled {"wildcard": "..."} operand: literal segments
// separated by "*", each of which matches any run of characters, including
// none. In the pattern, \* is a literal asterisk and \\ a literal backslash;
// any other escape, and two consecutive wildcards, are invalid
// (eb-create-pattern-operators "Matching using wildcards").
type wildcard struct {
	segs      [][]byte // literal segments; len(segs) = stars+1
	leadStar  bool     // pattern starts with *
	trailStar bool     // pattern ends with *
}

// parseWildcard compiles s, or returns event-ruler's reason. Positions in the
// reasons count bytes from the opening quote of the JSON string, as
// event-ruler's WildcardParser does.
func parseWildcard(s string) (wildcard, string) {
	var w wildcard
	cur := []byte{}
	b := []byte(s)
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '*':
			if i+1 < len(b) && b[i+1] == '*' {
				return w, "Consecutive wildcard characters at pos " + strconv.Itoa(i+1)
			}
			if i == 0 {
				w.leadStar = true
			}
			if i == len(b)-1 {
				w.trailStar = true
			}
			w.segs = append(w.segs, cur)
			cur = []byte{}
		case '\\':
			if i+1 < len(b) && (b[i+1] == '*' || b[i+1] == '\\') {
				cur = append(cur, b[i+1])
				i++
				continue
			}
			return w, "Invalid escape character at pos " + strconv.Itoa(i+1)
		default:
			cur = append(cur, b[i])
		}
	}
	w.segs = append(w.segs, cur)
	return w, ""
}

// match reports whether v matches the whole wildcard pattern.
func (w *wildcard) match(v []byte) bool {
	first := w.segs[0]
	if !bytes.HasPrefix(v, first) {
		return false
	}
	if len(w.segs) == 1 {
		return len(v) == len(first)
	}
	last := w.segs[len(w.segs)-1]
	if len(v) < len(first)+len(last) || !bytes.HasSuffix(v, last) {
		return false
	}
	// Middle segments, leftmost-first, between the fixed ends: greedy
	// leftmost placement is optimal for "*"-only globs.
	rest := v[len(first) : len(v)-len(last)]
	for _, seg := range w.segs[1 : len(w.segs)-1] {
		j := bytes.Index(rest, seg)
		if j < 0 {
			return false
		}
		rest = rest[j+len(seg):]
	}
	return true
}

// literalPrefix and literalSuffix are the fixed text before the first and
// after the last wildcard; the matcher indexes wildcard patterns by them.
func (w *wildcard) literalPrefix() []byte { return w.segs[0] }
func (w *wildcard) literalSuffix() []byte { return w.segs[len(w.segs)-1] }

// addWildcard indexes a wildcard pattern by its literal prefix (or, for a
// pattern starting with *, its literal suffix), so that an event value is
// checked only against patterns whose fixed end it carries.
func (vm *valueMachine) addWildcard(m matcher, t int32) {
	i := int32(len(vm.wcs))
	vm.wcs = append(vm.wcs, wildcardEntry{w: m.wc, target: t})
	switch {
	case len(m.wc.literalPrefix()) > 0:
		vm.wcPrefix.insert(m.wc.literalPrefix(), false, i)
	case len(m.wc.literalSuffix()) > 0:
		vm.wcSuffix.insert(m.wc.literalSuffix(), true, i)
	default:
		vm.wcAny = append(vm.wcAny, i)
	}
}

func (vm *valueMachine) matchWildcard(s []byte, r *run, out []int32) []int32 {
	cand := r.wcBuf[:0]
	cand = vm.wcPrefix.walk(s, false, cand)
	cand = vm.wcSuffix.walk(s, true, cand)
	cand = append(cand, vm.wcAny...)
	for _, i := range cand {
		if e := &vm.wcs[i]; e.w.match(s) {
			out = append(out, e.target)
		}
	}
	r.wcBuf = cand[:0]
	return out
}
