package awsproto

import (
	"encoding/json"
	"encoding/xml"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/shoal-dev/shoal/internal/dispatch"
)

// kind is what a Go type is on the wire, the same for every protocol.
type kind uint8

const (
	kindUnsupported kind = iota
	kindString
	kindBool
	kindInt
	kindUint
	kindFloat
	kindTime     // time.Time: a timestamp
	kindBlob     // []byte
	kindRaw      // json.RawMessage: a document kept as JSON text
	kindDocument // any: a document as decoded values
	kindStruct
	kindList
	kindMap // string keys only
)

// shape is the wire view of a Go type, built once per type so the codecs
// walk values without re-reading struct tags. Pointers are stripped: a shape
// describes the pointed-to type and the walkers allocate or skip pointers.
type shape struct {
	kind    kind
	typ     reflect.Type
	elem    *shape   // list element or map value
	members []member // struct members in declaration order
	// xmlRoot is the root element name an output struct asks for with an
	// `XMLName xml.Name `xml:"Name"`` field (restXml); empty when absent.
	xmlRoot string
}

// member is one wire member of a struct.
type member struct {
	dispatch.Field
	shape *shape
	// xmlName is the member's element name in query and XML bodies.
	xmlName string
	// names are the element names of list items and map entries in query
	// and XML, from the aws tag's member=, key= and value= (S3's TagSet
	// items are <Tag>, SNS's MessageAttributes keys <Name>).
	names elemNames
	// bound is true when the member lives outside the body in the REST
	// protocols (uri, querystring, header, headers, statusCode).
	bound bool
}

var (
	timeType    = reflect.TypeFor[time.Time]()
	rawType     = reflect.TypeFor[json.RawMessage]()
	xmlNameType = reflect.TypeFor[xml.Name]()
)

// shapes caches shapeOf; it only ever grows with the program's types.
var shapes sync.Map // reflect.Type → *shape

// shapeOf returns the shape of t (pointers stripped).
func shapeOf(t reflect.Type) *shape {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if s, ok := shapes.Load(t); ok {
		return s.(*shape)
	}
	// Build the whole graph privately first: recursive types refer to
	// shapes still being filled in, which must not be visible to others.
	building := map[reflect.Type]*shape{}
	s := buildShape(t, building)
	for bt, bs := range building {
		shapes.LoadOrStore(bt, bs)
	}
	return s
}

func buildShape(t reflect.Type, building map[reflect.Type]*shape) *shape {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if s, ok := shapes.Load(t); ok {
		return s.(*shape)
	}
	if s, ok := building[t]; ok {
		return s
	}
	s := &shape{typ: t}
	building[t] = s
	switch {
	case t == timeType:
		s.kind = kindTime
	case t == rawType:
		s.kind = kindRaw
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		s.kind = kindBlob
	default:
		switch t.Kind() {
		case reflect.String:
			s.kind = kindString
		case reflect.Bool:
			s.kind = kindBool
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			s.kind = kindInt
		case reflect.Uint, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			s.kind = kindUint
		case reflect.Float32, reflect.Float64:
			s.kind = kindFloat
		case reflect.Interface:
			if t.NumMethod() == 0 {
				s.kind = kindDocument
			}
		case reflect.Slice:
			s.kind = kindList
			s.elem = buildShape(t.Elem(), building)
		case reflect.Map:
			if t.Key().Kind() == reflect.String {
				s.kind = kindMap
				s.elem = buildShape(t.Elem(), building)
			}
		case reflect.Struct:
			s.kind = kindStruct
			buildMembers(s, building)
		}
	}
	return s
}

func buildMembers(s *shape, building map[reflect.Type]*shape) {
	for _, f := range dispatch.Fields(s.typ) {
		if f.Type == xmlNameType {
			// encoding/xml's convention for naming the root element.
			if name, _, _ := strings.Cut(s.typ.Field(f.Index).Tag.Get("xml"), ","); name != "" {
				_, s.xmlRoot, _ = strings.Cut(name, " ") // "ns Name" or "Name"
				if s.xmlRoot == "" {
					s.xmlRoot = name
				}
			}
			continue
		}
		m := member{Field: f, shape: buildShape(f.Type, building), xmlName: f.Name, names: defaultNames}
		if f.Tag.XMLName != "" {
			m.xmlName = f.Tag.XMLName
		}
		for _, n := range []struct {
			from string
			to   *string
		}{{f.Tag.Member, &m.names.item}, {f.Tag.Key, &m.names.key}, {f.Tag.Value, &m.names.value}} {
			if n.from != "" {
				*n.to = n.from
			}
		}
		switch f.Tag.Location {
		case "uri", "querystring", "header", "headers", "statusCode":
			m.bound = true
		}
		if m.shape.kind == kindUnsupported {
			continue // not representable on the wire; never sent nor read
		}
		s.members = append(s.members, m)
	}
}

// elemNames name the elements of list items and map entries.
type elemNames struct{ item, key, value string }

var defaultNames = elemNames{item: "member", key: "key", value: "value"}

// present reports whether member value v goes on the wire: nil pointers,
// slices, maps and interfaces never do, and omitempty drops zero values.
func present(v reflect.Value, m *member) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Map:
		if v.IsNil() {
			return false
		}
		if m.OmitEmpty && v.Kind() != reflect.Pointer && v.Kind() != reflect.Interface && v.Len() == 0 {
			return false
		}
		return true
	}
	return !m.OmitEmpty || !v.IsZero()
}

// deref follows pointers for reading; ok is false at a nil pointer.
func deref(v reflect.Value) (reflect.Value, bool) {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return v, false
		}
		v = v.Elem()
	}
	return v, true
}

// alloc follows pointers for writing, allocating nil ones.
func alloc(v reflect.Value) reflect.Value {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		v = v.Elem()
	}
	return v
}

// structValue returns the struct a codec reads from or writes into; ok is
// false when x is nil or not a struct.
func structValue(x any) (reflect.Value, *shape, bool) {
	if x == nil {
		return reflect.Value{}, nil, false
	}
	v, ok := deref(reflect.ValueOf(x))
	if !ok || v.Kind() != reflect.Struct {
		return reflect.Value{}, nil, false
	}
	return v, shapeOf(v.Type()), true
}
