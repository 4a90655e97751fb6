package awsproto

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// JSON and CBOR bodies share one walk between Go values and a tree of
// generic values (map[string]any, []any, strings, numbers, bools). The two
// differ only in leaves, which the syntax value decides:
//
//	           JSON                         CBOR
//	timestamp  epoch seconds (json.Number)  tag 1 around epoch seconds
//	blob       base64 string                byte string
//	document   inline JSON                  CBOR values
//	number     json.Number                  int64, uint64, float64
type syntax uint8

const (
	syntaxJSON syntax = iota
	syntaxCBOR
)

func (sx syntax) String() string {
	if sx == syntaxCBOR {
		return "CBOR"
	}
	return "JSON"
}

// encodeStruct turns struct v into a tree map. bodyOnly leaves out members
// bound to the URI, query string, headers or status (REST protocols).
func (sx syntax) encodeStruct(v reflect.Value, s *shape, bodyOnly bool) map[string]any {
	m := make(map[string]any, len(s.members))
	for i := range s.members {
		mb := &s.members[i]
		if bodyOnly && (mb.bound || mb.Tag.Location == "payload") {
			continue
		}
		fv := v.Field(mb.Index)
		if !present(fv, mb) {
			continue
		}
		if x, ok := sx.encode(fv, mb.shape); ok {
			m[mb.Name] = x
		}
	}
	return m
}

// encode returns v's tree form; ok is false for a nil pointer.
func (sx syntax) encode(v reflect.Value, s *shape) (any, bool) {
	v, ok := deref(v)
	if !ok {
		return nil, false
	}
	switch s.kind {
	case kindString:
		return v.String(), true
	case kindBool:
		return v.Bool(), true
	case kindInt:
		return v.Int(), true
	case kindUint:
		return v.Uint(), true
	case kindFloat:
		f := v.Float()
		if sx == syntaxJSON && (math.IsNaN(f) || math.IsInf(f, 0)) {
			return formatFloat(f, 64), true // JSON has no literal for them
		}
		return f, true
	case kindTime:
		t := v.Interface().(time.Time)
		if sx == syntaxCBOR {
			return cbor.Tag{Number: 1, Content: epochSeconds(t)}, true
		}
		return json.Number(formatEpoch(t)), true
	case kindBlob:
		if v.IsNil() {
			return []byte{}, true
		}
		return v.Bytes(), true
	case kindRaw:
		raw := v.Bytes()
		if len(raw) == 0 {
			return nil, false
		}
		if sx == syntaxJSON {
			return json.RawMessage(raw), true
		}
		var doc any
		if err := unmarshalJSON(raw, &doc); err != nil {
			return nil, false
		}
		return cborDocument(doc), true
	case kindDocument:
		if v.IsNil() {
			return nil, false
		}
		if sx == syntaxCBOR {
			return cborDocument(v.Interface()), true
		}
		return v.Interface(), true
	case kindStruct:
		return sx.encodeStruct(v, s, false), true
	case kindList:
		out := make([]any, v.Len())
		for i := range out {
			out[i], _ = sx.encode(v.Index(i), s.elem)
		}
		return out, true
	case kindMap:
		out := make(map[string]any, v.Len())
		iter := v.MapRange()
		for iter.Next() {
			if x, ok := sx.encode(iter.Value(), s.elem); ok {
				out[iter.Key().String()] = x
			}
		}
		return out, true
	}
	return nil, false
}

// cborDocument turns JSON-decoded document values into ones CBOR encodes
// as numbers (json.Number would otherwise become a text string).
func cborDocument(x any) any {
	switch x := x.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		if n, err := strconv.ParseUint(string(x), 10, 64); err == nil {
			return n
		}
		f, _ := x.Float64()
		return f
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, v := range x {
			out[k] = cborDocument(v)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, v := range x {
			out[i] = cborDocument(v)
		}
		return out
	}
	return x
}

// decodeStruct fills struct v from tree map n. Unknown members are
// ignored, as AWS does; null members are absent.
func (sx syntax) decodeStruct(n any, v reflect.Value, s *shape, bodyOnly bool) error {
	obj, ok := n.(map[string]any)
	if !ok {
		return fmt.Errorf("expected a structure, got %s", describe(n))
	}
	for i := range s.members {
		mb := &s.members[i]
		if bodyOnly && (mb.bound || mb.Tag.Location == "payload") {
			continue
		}
		x, ok := obj[mb.Name]
		if !ok || x == nil {
			continue
		}
		if err := sx.decode(x, v.Field(mb.Index), mb.shape); err != nil {
			return at(mb.Name, err)
		}
	}
	return nil
}

// decode fills v (any settable value, pointers allocated) from tree node n.
func (sx syntax) decode(n any, v reflect.Value, s *shape) error {
	if n == nil {
		return nil
	}
	switch s.kind {
	case kindStruct:
		return sx.decodeStruct(n, alloc(v), s, false)
	case kindList:
		items, ok := n.([]any)
		if !ok {
			return fmt.Errorf("expected a list, got %s", describe(n))
		}
		v = alloc(v)
		list := reflect.MakeSlice(v.Type(), len(items), len(items))
		for i, item := range items {
			if err := sx.decode(item, list.Index(i), s.elem); err != nil {
				return at(strconv.Itoa(i), err)
			}
		}
		v.Set(list)
		return nil
	case kindMap:
		obj, ok := n.(map[string]any)
		if !ok {
			return fmt.Errorf("expected a map, got %s", describe(n))
		}
		v = alloc(v)
		m := reflect.MakeMapWithSize(v.Type(), len(obj))
		for k, x := range obj {
			if x == nil {
				continue
			}
			ev := reflect.New(v.Type().Elem()).Elem()
			if err := sx.decode(x, ev, s.elem); err != nil {
				return at(k, err)
			}
			m.SetMapIndex(reflect.ValueOf(k).Convert(v.Type().Key()), ev)
		}
		v.Set(m)
		return nil
	}
	return sx.decodeScalar(n, alloc(v), s)
}

func (sx syntax) decodeScalar(n any, v reflect.Value, s *shape) error {
	switch s.kind {
	case kindString:
		str, ok := n.(string)
		if !ok {
			return fmt.Errorf("expected a string, got %s", describe(n))
		}
		v.SetString(str)
	case kindBool:
		b, ok := n.(bool)
		if !ok {
			return fmt.Errorf("expected a boolean, got %s", describe(n))
		}
		v.SetBool(b)
	case kindInt, kindUint:
		i, u, neg, ok := integer(n)
		if !ok {
			return fmt.Errorf("expected an integer, got %s", describe(n))
		}
		if s.kind == kindUint {
			if neg {
				return fmt.Errorf("expected a non-negative integer, got %d", i)
			}
			return setUint(v, u)
		}
		if !neg && u > math.MaxInt64 {
			return fmt.Errorf("%d is out of range for %s", u, v.Type())
		}
		return setInt(v, i)
	case kindFloat:
		f, ok := float(n)
		if !ok {
			return fmt.Errorf("expected a number, got %s", describe(n))
		}
		return setFloat(v, f)
	case kindTime:
		t, err := sx.timestamp(n)
		if err != nil {
			return err
		}
		v.Set(reflect.ValueOf(t))
	case kindBlob:
		switch b := n.(type) {
		case []byte:
			v.SetBytes(bytes.Clone(b))
		case string:
			if sx == syntaxCBOR {
				return fmt.Errorf("expected a byte string, got a text string")
			}
			raw, err := decodeBlob(b)
			if err != nil {
				return err
			}
			v.SetBytes(raw)
		default:
			return fmt.Errorf("expected a blob, got %s", describe(n))
		}
	case kindRaw, kindDocument:
		doc, err := sx.document(n)
		if err != nil {
			return err
		}
		if s.kind == kindDocument {
			v.Set(reflect.ValueOf(&doc).Elem())
			return nil
		}
		raw, err := json.Marshal(jsonDocument(doc))
		if err != nil {
			return fmt.Errorf("document cannot be represented as JSON: %v", err)
		}
		v.SetBytes(raw)
	default:
		return fmt.Errorf("unsupported member type %s", s.typ)
	}
	return nil
}

// timestamp reads a timestamp leaf: epoch seconds in JSON, tag 1 in CBOR
// (which the CBOR decoder has already turned into a time.Time). ISO 8601
// text is accepted too, as some hand-written clients send it.
func (sx syntax) timestamp(n any) (time.Time, error) {
	switch x := n.(type) {
	case time.Time:
		return checkTime(x)
	case string:
		if sx == syntaxJSON {
			return parseTimeText(x)
		}
	case cbor.Tag:
		return time.Time{}, fmt.Errorf("expected a timestamp (tag 1), got tag %d", x.Number)
	}
	if f, ok := float(n); ok {
		return timeFromEpoch(f)
	}
	return time.Time{}, fmt.Errorf("expected a timestamp, got %s", describe(n))
}

// integer reads an integral tree number as (signed, unsigned, negative).
func integer(n any) (int64, uint64, bool, bool) {
	switch x := n.(type) {
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return i, uint64(i), i < 0, true
		}
		if u, err := strconv.ParseUint(string(x), 10, 64); err == nil {
			return 0, u, false, true
		}
		// 1.0 and 1e3 are integers written as JSON numbers.
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
			return 0, 0, false, false
		}
		return int64(f), uint64(int64(f)), f < 0, true
	case int64:
		return x, uint64(x), x < 0, true
	case uint64:
		return int64(x), x, false, true
	}
	return 0, 0, false, false
}

func float(n any) (float64, bool) {
	switch x := n.(type) {
	case json.Number:
		f, err := parseFloat(string(x))
		return f, err == nil
	case string: // JSON's spelling of NaN and the infinities
		switch x {
		case "NaN", "Infinity", "-Infinity":
			f, _ := strconv.ParseFloat(x, 64)
			return f, true
		}
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint64:
		return float64(x), true
	}
	return 0, false
}

// document checks a document member: Smithy documents hold only JSON's
// kinds of values, so CBOR tags, byte strings and big numbers are refused.
func (sx syntax) document(n any) (any, error) {
	if sx == syntaxJSON {
		return n, nil // the JSON decoder only makes JSON's kinds
	}
	switch x := n.(type) {
	case nil, string, bool, int64, uint64, float64:
		return x, nil
	case float32:
		return float64(x), nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, v := range x {
			d, err := sx.document(v)
			if err != nil {
				return nil, at(k, err)
			}
			out[k] = d
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, v := range x {
			d, err := sx.document(v)
			if err != nil {
				return nil, at(strconv.Itoa(i), err)
			}
			out[i] = d
		}
		return out, nil
	}
	return nil, fmt.Errorf("a document cannot hold %s", describe(n))
}

// jsonDocument makes CBOR-decoded document values JSON-encodable.
func jsonDocument(x any) any {
	switch x := x.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return formatFloat(x, 64)
		}
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, v := range x {
			out[k] = jsonDocument(v)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, v := range x {
			out[i] = jsonDocument(v)
		}
		return out
	}
	return x
}

// describe names a tree value's type for error messages.
func describe(n any) string {
	switch n.(type) {
	case map[string]any:
		return "a structure"
	case []any:
		return "a list"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number, int64, uint64, float64, float32:
		return "a number"
	case []byte:
		return "a byte string"
	case time.Time:
		return "a timestamp"
	case nil:
		return "null"
	}
	return fmt.Sprintf("a %T", n)
}

// unmarshalJSON decodes one JSON value with numbers kept exact, and
// refuses trailing data.
func unmarshalJSON(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return err
	}
	if rest := bytes.TrimLeft(data[d.InputOffset():], " \t\r\n"); len(rest) > 0 {
		return fmt.Errorf("unexpected data after the JSON value")
	}
	return nil
}

func jsonValid(s string) bool { return json.Valid([]byte(s)) }

// marshalJSON encodes a tree without HTML escaping (AWS does not escape
// <, > and & in JSON bodies).
func marshalJSON(x any) ([]byte, error) {
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	if err := e.Encode(x); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
