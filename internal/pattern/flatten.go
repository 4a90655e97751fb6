package pattern

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"unsafe"
)

// Flattening turns an event into its leaves: (field path, scalar value)
// pairs, where the path joins object keys with "." (so {"a.b": 1} and
// {"a": {"b": 1}} flatten alike, as in event-ruler) and arrays contribute one
// leaf per element. The scanner walks the field trie (fields.go) alongside
// the event: it decodes only the keys of objects some pattern reaches into
// and the values of paths some pattern names, and passes over everything
// else checking its syntax but decoding nothing. Strings without a backslash
// are used in place. A leaf records its array trail — which element of which
// array it sits in — so that a match never combines fields from different
// elements of one array (event-ruler's rulesForJSONEvent); only leaves whose
// path some branch pairs with a path of the same first segment need one
// (automaton.markTrails), so arrays of numbers cost no trail.

type valueKind uint8

const (
	kString valueKind = iota + 1
	kNumber
	kTrue
	kFalse
	kNull
)

// leaf is one scalar of the event, in 32 bytes. It holds no pointers, so
// that recording and recycling leaves costs no write barriers: its bytes are
// run.src[off:end] (the event's own) or, for a decoded string,
// run.scratch[off:end].
type leaf struct {
	path    int32
	kind    valueKind
	numSt   uint8 // numUnknown, numComparable or numOutOfRange
	scratch bool  // the value lies in run.scratch
	folded  bool  // num holds where run.fold has its case-folded form
	off     int32
	end     int32
	next    int32 // next leaf of the same path, or -1
	trail   int32 // array trail: 0, or 1 + the index in run.trails of its length, which its (array id, index) pairs follow
	num     int64 // a number's value in micro-units (numSt); a string's folded form (folded)
}

// ErrNotObject is returned for an event that is not a JSON object.
var ErrNotObject = errors.New("event is not a JSON object")

// maxDepth bounds the nesting of an event, as encoding/json does.
const maxDepth = 10000

// flattener scans one event. Its methods take the index of the value they
// scan and return the index after it, or -1 when the event is not valid
// JSON there, so that the position stays in a register.
type flattener struct {
	r     *run
	src   []byte
	trail []int32
	nArr  int32
	depth int
}

var errSyntax = errors.New("event is not valid JSON")

func (r *run) flattenJSON(event []byte) error {
	r.src = event
	f := flattener{r: r, src: event, trail: r.trailBuf[:0]}
	i := skipSpace(event, 0)
	if i >= len(event) || event[i] != '{' {
		return ErrNotObject
	}
	i = f.object(r.a.fields, i)
	r.trailBuf = f.trail[:0]
	if i < 0 || skipSpace(event, i) != len(event) {
		return errors.Join(ErrNotObject, errSyntax)
	}
	return nil
}

// object scans the object at src[i], whose keys lead on from field node n.
func (f *flattener) object(n *fieldNode, i int) int {
	src := f.src
	if f.depth++; f.depth > maxDepth {
		return -1
	}
	if i = skipSpace(src, i+1); i < len(src) && src[i] == '}' {
		f.depth--
		return i + 1
	}
	for {
		i = skipSpace(src, i)
		if i >= len(src) || src[i] != '"' {
			return -1
		}
		end, esc := stringEnd(src, i+1)
		if end < 0 {
			return -1
		}
		key := src[i+1 : end]
		if esc {
			k, _, reason := appendUnquoted(f.r.keyBuf[:0], src[i:])
			if reason != "" {
				return -1
			}
			f.r.keyBuf, key = k, k
		}
		if i = skipSpace(src, end+1); i >= len(src) || src[i] != ':' {
			return -1
		}
		i = skipSpace(src, i+1)
		if c := n.child(key); c != nil {
			i = f.value(c, i)
		} else {
			i = f.skip(i)
		}
		if i < 0 {
			return -1
		}
		if i = skipSpace(src, i); i >= len(src) {
			return -1
		}
		switch src[i] {
		case ',':
			i++
		case '}':
			f.depth--
			return i + 1
		default:
			return -1
		}
	}
}

// value scans the value at src[i] for field node n.
func (f *flattener) value(n *fieldNode, i int) int {
	src := f.src
	if i >= len(src) {
		return -1
	}
	c := src[i]
	switch {
	case c == '{':
		if n.inner() {
			return f.object(n, i)
		}
		return f.skip(i)
	case c == '[':
		if n.inner() || n.id >= 0 {
			return f.array(n, i)
		}
		return f.skip(i)
	case n.id < 0:
		return f.skip(i)
	case c == '"':
		if f.r.a.values[n.id].kinds&(1<<kString) == 0 {
			return f.skipString(i) // checked, not kept
		}
		end, esc := stringEnd(src, i+1)
		if end < 0 {
			return -1
		}
		if !esc {
			f.r.addLeaf(n.id, kString, false, i+1, end, f.trail)
			return end + 1
		}
		off := len(f.r.scratch)
		s, _, reason := appendUnquoted(f.r.scratch, src[i:])
		if reason != "" {
			return -1
		}
		f.r.scratch = s
		f.r.addLeaf(n.id, kString, true, off, len(s), f.trail)
		return end + 1
	case c == '-' || c >= '0' && c <= '9':
		// The number's value is computed while its syntax is checked.
		end, v, st := scanNumber(src, i)
		if end < 0 {
			return -1
		}
		if f.r.a.values[n.id].keeps(kNumber, v, st) {
			l := f.r.addLeaf(n.id, kNumber, false, i, end, f.trail)
			l.num, l.numSt = v, st
		}
		return end
	}
	kind, end := scanLiteral(src, i)
	if end >= 0 && f.r.a.values[n.id].keeps(kind, 0, 0) {
		f.r.addLeaf(n.id, kind, false, i, end, f.trail)
	}
	return end
}

func (f *flattener) array(n *fieldNode, i int) int {
	src := f.src
	if f.depth++; f.depth > maxDepth {
		return -1
	}
	id := f.nArr
	f.nArr++
	if i = skipSpace(src, i+1); i < len(src) && src[i] == ']' {
		f.depth--
		return i + 1
	}
	// Element indices matter only to leaves that keep their trails. A
	// field with no fields below it (so n.id >= 0) whose leaves keep none —
	// an array of numbers, such as GeoJSON coordinates — is not tracked, and
	// its numbers are taken here, without value's dispatch.
	track := n.inner() || f.r.a.trails[n.id]
	var pv *pathValues
	if !track {
		pv = &f.r.a.values[n.id]
	}
	for k := int32(0); ; k++ {
		if i = skipSpace(src, i); !track && i < len(src) && (src[i] == '-' || src[i] >= '0' && src[i] <= '9') {
			end, v, st := scanNumber(src, i)
			if end < 0 {
				return -1
			}
			if pv.keeps(kNumber, v, st) {
				l := f.r.addLeaf(n.id, kNumber, false, i, end, nil)
				l.num, l.numSt = v, st
			}
			i = end
		} else if track {
			f.trail = append(f.trail, id, k)
			i = f.value(n, i)
			f.trail = f.trail[:len(f.trail)-2]
		} else {
			i = f.value(n, i)
		}
		if i < 0 {
			return -1
		}
		if i = skipSpace(src, i); i >= len(src) {
			return -1
		}
		switch src[i] {
		case ',':
			i++
		case ']':
			f.depth--
			return i + 1
		default:
			return -1
		}
	}
}

// flattenValue flattens an event decoded by encoding/json. Values are
// copied into the run's scratch space, so that leaves never point into the
// caller's memory.
func (r *run) flattenValue(event map[string]any) {
	r.src = nil
	trail := r.trailBuf[:0]
	var nArr int32
	var walk func(v any, n *fieldNode)
	walk = func(v any, n *fieldNode) {
		switch v := v.(type) {
		case map[string]any:
			if !n.inner() {
				return
			}
			for k, e := range v {
				if c := n.child(bytesOf(k)); c != nil {
					walk(e, c)
				}
			}
		case []any:
			if !n.inner() && n.id < 0 {
				return
			}
			id := nArr
			nArr++
			for i, e := range v {
				trail = append(trail, id, int32(i))
				walk(e, n)
				trail = trail[:len(trail)-2]
			}
		default:
			if n.id < 0 {
				return
			}
			off := len(r.scratch)
			kind := r.appendScalar(v)
			if kind != 0 {
				r.addLeaf(n.id, kind, true, off, len(r.scratch), trail)
			}
		}
	}
	walk(event, r.a.fields)
	r.trailBuf = trail[:0]
}

// appendScalar appends the text of a scalar to r.scratch and returns its
// kind, or 0 for a value that is not one.
func (r *run) appendScalar(v any) valueKind {
	switch v := v.(type) {
	case string:
		r.scratch = append(r.scratch, v...)
		return kString
	case json.Number:
		r.scratch = append(r.scratch, v...)
		return kNumber
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0
		}
		r.scratch = strconv.AppendFloat(r.scratch, v, 'g', -1, 64)
		return kNumber
	case int:
		r.scratch = strconv.AppendInt(r.scratch, int64(v), 10)
		return kNumber
	case int64:
		r.scratch = strconv.AppendInt(r.scratch, v, 10)
		return kNumber
	case bool:
		if v {
			r.scratch = append(r.scratch, "true"...)
			return kTrue
		}
		r.scratch = append(r.scratch, "false"...)
		return kFalse
	case nil:
		r.scratch = append(r.scratch, "null"...)
		return kNull
	}
	return 0
}

// addLeaf records a leaf and returns it, valid until the next addLeaf.
func (r *run) addLeaf(path int32, kind valueKind, scratch bool, off, end int, trail []int32) *leaf {
	i := int32(len(r.leaves))
	// Fields are stored into the slice one by one: a leaf built on the
	// stack and copied in stalls on store forwarding.
	r.leaves = append(r.leaves, leaf{})
	l := &r.leaves[i]
	l.path, l.kind, l.scratch, l.off, l.end = path, kind, scratch, int32(off), int32(end)
	if len(trail) > 0 && r.a.trails[path] {
		l.trail = int32(len(r.trails)) + 1
		r.trails = append(r.trails, int32(len(trail)))
		r.trails = append(r.trails, trail...)
	}
	l.next = r.head[path]
	if l.next < 0 {
		r.touched = append(r.touched, path)
	}
	r.head[path] = i
	return l
}

// bytesOf views a string's bytes without copying; the field trie only reads
// them.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }
