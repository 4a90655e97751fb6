package pattern

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strconv"
	"unsafe"
)

// Flattening turns an event into its leaves: (field path, scalar value)
// pairs, where the path joins object keys with "." (so {"a.b": 1} and
// {"a": {"b": 1}} flatten alike, as in event-ruler) and arrays contribute one
// leaf per element. Only paths some pattern names are kept; objects no
// pattern reaches into are skipped unparsed. Each leaf records its array
// trail — which element of which array it sits in — so that a match never
// combines fields from different elements of one array (event-ruler's
// rulesForJSONEvent).

type valueKind uint8

const (
	kString valueKind = iota + 1
	kNumber
	kTrue
	kFalse
	kNull
)

type leaf struct {
	path   int32
	kind   valueKind
	numSt  uint8 // 0 unknown, 1 comparable, 2 not
	val    []byte
	num    int64
	next   int32 // next leaf of the same path, or -1
	tOff   int32 // array trail: pairs (array id, index) in run.trails
	tLen   int32
	folded []byte
}

func (l *leaf) micros() (int64, bool) {
	if l.numSt == 0 {
		n, ok := parseMicros(l.val)
		l.num = n
		l.numSt = 2
		if ok {
			l.numSt = 1
		}
	}
	return l.num, l.numSt == 1
}

// ErrNotObject is returned for an event that is not a JSON object.
var ErrNotObject = errors.New("event is not a JSON object")

// maxDepth bounds the nesting of an event, as encoding/json does.
const maxDepth = 10000

type flattener struct {
	r     *run
	src   []byte
	pos   int
	path  []byte
	trail []int32
	nArr  int32
	depth int
}

var errSyntax = errors.New("event is not valid JSON")

func (r *run) flattenJSON(event []byte) error {
	f := flattener{r: r, src: event, path: r.pathBuf[:0], trail: r.trailBuf[:0]}
	f.space()
	if f.pos >= len(f.src) || f.src[f.pos] != '{' {
		return ErrNotObject
	}
	err := f.object(0, true)
	if err == nil {
		f.space()
		if f.pos != len(f.src) {
			err = errSyntax
		}
	}
	r.pathBuf, r.trailBuf = f.path[:0], f.trail[:0]
	if err != nil {
		return errors.Join(ErrNotObject, err)
	}
	r.index()
	return nil
}

func (f *flattener) space() {
	for f.pos < len(f.src) {
		switch f.src[f.pos] {
		case ' ', '\t', '\n', '\r':
			f.pos++
		default:
			return
		}
	}
}

// object parses the object at f.pos; base is the length of the path prefix,
// which is joined to the keys with "." unless the object is the event itself.
func (f *flattener) object(base int, top bool) error {
	f.depth++
	if f.depth > maxDepth {
		return errSyntax
	}
	f.pos++ // '{'
	f.space()
	if f.pos < len(f.src) && f.src[f.pos] == '}' {
		f.pos++
		f.depth--
		return nil
	}
	for {
		f.space()
		if f.pos >= len(f.src) || f.src[f.pos] != '"' {
			return errSyntax
		}
		key, err := f.str()
		if err != nil {
			return err
		}
		f.path = f.path[:base]
		if !top {
			f.path = append(f.path, '.')
		}
		f.path = append(f.path, key...)
		f.space()
		if f.pos >= len(f.src) || f.src[f.pos] != ':' {
			return errSyntax
		}
		f.pos++
		f.space()
		if err := f.value(len(f.path), f.lookup(len(f.path))); err != nil {
			return err
		}
		f.space()
		if f.pos >= len(f.src) {
			return errSyntax
		}
		switch f.src[f.pos] {
		case ',':
			f.pos++
		case '}':
			f.pos++
			f.path = f.path[:base]
			f.depth--
			return nil
		default:
			return errSyntax
		}
	}
}

// pathInfo is what the automaton knows of one event path: its leaf id (or
// -1) and whether patterns reach below it. Array elements share their
// array's.
type pathInfo struct {
	id    int32
	inner bool
}

func (f *flattener) lookup(end int) pathInfo {
	a := f.r.a
	pi := pathInfo{id: -1}
	if id, ok := a.leafPaths[string(f.path[:end])]; ok {
		pi.id = id
	}
	_, pi.inner = a.innerPaths[string(f.path[:end])]
	return pi
}

// value handles the value at f.pos for the path f.path[:end].
func (f *flattener) value(end int, pi pathInfo) error {
	if f.pos >= len(f.src) {
		return errSyntax
	}
	switch f.src[f.pos] {
	case '{':
		if pi.inner {
			return f.object(end, false)
		}
		return f.skip()
	case '[':
		if pi.inner || pi.id >= 0 {
			return f.array(end, pi)
		}
		return f.skip()
	}
	if pi.id < 0 {
		return f.skip()
	}
	kind, val, err := f.scalar()
	if err != nil {
		return err
	}
	f.r.addLeaf(pi.id, kind, val, f.trail)
	return nil
}

func (f *flattener) array(end int, pi pathInfo) error {
	f.depth++
	if f.depth > maxDepth {
		return errSyntax
	}
	f.pos++ // '['
	id := f.nArr
	f.nArr++
	f.space()
	if f.pos < len(f.src) && f.src[f.pos] == ']' {
		f.pos++
		f.depth--
		return nil
	}
	for i := int32(0); ; i++ {
		f.space()
		f.trail = append(f.trail, id, i)
		f.path = f.path[:end]
		if err := f.value(end, pi); err != nil {
			return err
		}
		f.trail = f.trail[:len(f.trail)-2]
		f.space()
		if f.pos >= len(f.src) {
			return errSyntax
		}
		switch f.src[f.pos] {
		case ',':
			f.pos++
		case ']':
			f.pos++
			f.depth--
			return nil
		default:
			return errSyntax
		}
	}
}

// scalar parses a string, number or literal. val is nil when the value is
// the raw bytes scanned (numbers, literals, strings without escapes use the
// event's own bytes, except that strings drop their quotes).
func (f *flattener) scalar() (valueKind, []byte, error) {
	c := f.src[f.pos]
	switch {
	case c == '"':
		s, err := f.str()
		return kString, s, err
	case c == '-' || c >= '0' && c <= '9':
		start := f.pos
		end := scanNumber(f.src, start)
		if end < 0 {
			return 0, nil, errSyntax
		}
		f.pos = end
		return kNumber, f.src[start:end], nil
	}
	for _, lit := range [...]struct {
		text string
		kind valueKind
	}{{"true", kTrue}, {"false", kFalse}, {"null", kNull}} {
		if len(f.src)-f.pos >= len(lit.text) && string(f.src[f.pos:f.pos+len(lit.text)]) == lit.text {
			f.pos += len(lit.text)
			return lit.kind, f.src[f.pos-len(lit.text) : f.pos], nil
		}
	}
	return 0, nil, errSyntax
}

// str parses the string at f.pos and returns its content. The fast path
// looks for the closing quote with bytes.IndexByte and takes the bytes
// between as they are; only strings with escapes are decoded. Raw control
// characters inside strings are not rejected (encoding/json would): events
// reach the matcher after PutEvents has validated them.
func (f *flattener) str() ([]byte, error) {
	rest := f.src[f.pos+1:]
	q := bytes.IndexByte(rest, '"')
	if q < 0 {
		return nil, errSyntax
	}
	if bytes.IndexByte(rest[:q], '\\') < 0 {
		f.pos += q + 2
		return rest[:q], nil
	}
	s, n, reason := decodeString(f.src[f.pos:])
	if reason != "" {
		return nil, errSyntax
	}
	f.pos += n
	return s, nil
}

// skip passes over a value nobody matches on, checking its syntax.
func (f *flattener) skip() error {
	stack := f.r.skipStack[:0]
	defer func() { f.r.skipStack = stack[:0] }()
	for {
		// A value is expected.
		f.space()
		if f.pos >= len(f.src) {
			return errSyntax
		}
		switch c := f.src[f.pos]; c {
		case '{', '[':
			f.pos++
			f.space()
			if f.pos < len(f.src) && f.src[f.pos] == c+2 { // '}' is '{'+2, ']' is '['+2
				f.pos++
				break
			}
			stack = append(stack, c)
			if len(stack) > maxDepth {
				return errSyntax
			}
			if c == '{' {
				if err := f.skipKey(); err != nil {
					return err
				}
			}
			continue
		case '"':
			if _, err := f.str(); err != nil {
				return err
			}
		default:
			if _, _, err := f.scalar(); err != nil {
				return err
			}
		}
		// A value ended: close containers until one continues.
		for {
			if len(stack) == 0 {
				return nil
			}
			f.space()
			if f.pos >= len(f.src) {
				return errSyntax
			}
			top := stack[len(stack)-1]
			c := f.src[f.pos]
			if c == top+2 {
				f.pos++
				stack = stack[:len(stack)-1]
				continue
			}
			if c != ',' {
				return errSyntax
			}
			f.pos++
			if top == '{' {
				if err := f.skipKey(); err != nil {
					return err
				}
			}
			break
		}
	}
}

func (f *flattener) skipKey() error {
	f.space()
	if f.pos >= len(f.src) || f.src[f.pos] != '"' {
		return errSyntax
	}
	if _, err := f.str(); err != nil {
		return err
	}
	f.space()
	if f.pos >= len(f.src) || f.src[f.pos] != ':' {
		return errSyntax
	}
	f.pos++
	return nil
}

// scanNumber returns the end of the JSON number at b[i:], or -1.
func scanNumber(b []byte, i int) int {
	if i < len(b) && b[i] == '-' {
		i++
	}
	if i >= len(b) {
		return -1
	}
	if b[i] == '0' {
		i++
	} else if b[i] >= '1' && b[i] <= '9' {
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	} else {
		return -1
	}
	if i < len(b) && b[i] == '.' {
		i++
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			return -1
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			return -1
		}
	}
	if i < len(b) && (b[i] >= '0' && b[i] <= '9' || b[i] == '.' || b[i] == 'e' || b[i] == 'E' || b[i] == '-' || b[i] == '+') {
		return -1
	}
	return i
}

// flattenValue flattens an event decoded by encoding/json.
func (r *run) flattenValue(event map[string]any) {
	path := r.pathBuf[:0]
	trail := r.trailBuf[:0]
	var nArr int32
	var walk func(v any, end int, top bool)
	walk = func(v any, end int, top bool) {
		a := r.a
		switch v := v.(type) {
		case map[string]any:
			if !top {
				if _, ok := a.innerPaths[string(path[:end])]; !ok {
					return
				}
			}
			for k, e := range v {
				path = path[:end]
				if !top {
					path = append(path, '.')
				}
				path = append(path, k...)
				walk(e, len(path), false)
			}
		case []any:
			_, leafOK := a.leafPaths[string(path[:end])]
			_, innerOK := a.innerPaths[string(path[:end])]
			if !leafOK && !innerOK {
				return
			}
			id := nArr
			nArr++
			for i, e := range v {
				trail = append(trail, id, int32(i))
				walk(e, end, false)
				trail = trail[:len(trail)-2]
			}
		default:
			pid, ok := a.leafPaths[string(path[:end])]
			if !ok {
				return
			}
			kind, val := scalarOf(v)
			if kind != 0 {
				r.addLeaf(pid, kind, val, trail)
			}
		}
	}
	walk(event, 0, true)
	r.pathBuf, r.trailBuf = path[:0], trail[:0]
	r.index()
}

func scalarOf(v any) (valueKind, []byte) {
	switch v := v.(type) {
	case string:
		return kString, bytesOf(v)
	case json.Number:
		return kNumber, bytesOf(string(v))
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, nil
		}
		return kNumber, strconv.AppendFloat(nil, v, 'g', -1, 64)
	case int:
		return kNumber, strconv.AppendInt(nil, int64(v), 10)
	case int64:
		return kNumber, strconv.AppendInt(nil, v, 10)
	case bool:
		if v {
			return kTrue, []byte("true")
		}
		return kFalse, []byte("false")
	case nil:
		return kNull, []byte("null")
	}
	return 0, nil
}

// bytesOf views a string's bytes without copying; matching only reads them.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

func (r *run) addLeaf(path int32, kind valueKind, val []byte, trail []int32) {
	l := leaf{path: path, kind: kind, val: val, next: -1}
	if len(trail) > 0 {
		l.tOff = int32(len(r.trails))
		l.tLen = int32(len(trail))
		r.trails = append(r.trails, trail...)
	}
	i := int32(len(r.leaves))
	if h := r.head[path]; h < 0 {
		r.touched = append(r.touched, path)
	} else {
		l.next = h
	}
	r.head[path] = i
	r.leaves = append(r.leaves, l)
}

// index lists the paths the event has, in path order, each with its chain of
// leaves (no sorting of leaves: they are chained per path as they come).
func (r *run) index() {
	slices.Sort(r.touched)
	for _, p := range r.touched {
		r.runs = append(r.runs, pathRun{path: p, first: r.head[p]})
	}
}
