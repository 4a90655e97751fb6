package awsproto

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"sort"
	"strconv"
)

// Query forms and XML bodies are read through the same element tree: a
// query key A.member.2.B is the element path A/member[2]/B, which is exactly
// how the XML <A><member/><member><B/></member></A> reads. So one walk fills
// Go values from both, and one writer produces query and restXml responses.

// elem is an XML element, or the part of a query form under a key prefix.
type elem struct {
	name string
	text string
	kids []*elem
	idx  int // a query key's list index (A.member.2 → 2); 0 in XML
}

// find returns the first child named name.
func (e *elem) find(name string) *elem {
	for _, k := range e.kids {
		if k.name == name {
			return k
		}
	}
	return nil
}

// all returns every child named name, in order.
func (e *elem) all(name string) []*elem {
	var out []*elem
	for _, k := range e.kids {
		if k.name == name {
			out = append(out, k)
		}
	}
	return out
}

// maxXMLDepth bounds nesting in request bodies; AWS shapes are shallow.
const maxXMLDepth = 64

// parseXML reads an XML document into its root element.
func parseXML(body []byte) (*elem, error) {
	d := xml.NewDecoder(bytes.NewReader(body))
	var stack []*elem
	var root *elem
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root != nil && len(stack) == 0 {
				return nil, fmt.Errorf("more than one root element")
			}
			if len(stack) >= maxXMLDepth {
				return nil, fmt.Errorf("elements nested deeper than %d", maxXMLDepth)
			}
			e := &elem{name: t.Name.Local}
			if len(stack) > 0 {
				parent := stack[len(stack)-1]
				parent.kids = append(parent.kids, e)
			} else {
				root = e
			}
			stack = append(stack, e)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				top := stack[len(stack)-1]
				top.text += string(t)
			} else if len(bytes.TrimSpace(t)) > 0 {
				return nil, fmt.Errorf("text outside the root element")
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("no root element")
	}
	return root, nil
}

// decodeXMLStruct fills struct v from element e's children. bodyOnly skips
// members bound elsewhere (REST).
func decodeXMLStruct(e *elem, v reflect.Value, s *shape, bodyOnly bool) error {
	for i := range s.members {
		mb := &s.members[i]
		if bodyOnly && (mb.bound || mb.Tag.Location == "payload") {
			continue
		}
		var err error
		if mb.Tag.Flat && (mb.shape.kind == kindList || mb.shape.kind == kindMap) {
			items := e.all(mb.xmlName)
			if len(items) == 0 {
				continue
			}
			err = decodeXMLItems(items, v.Field(mb.Index), mb.shape, mb.names)
		} else {
			k := e.find(mb.xmlName)
			if k == nil {
				continue
			}
			err = decodeXML(k, v.Field(mb.Index), mb.shape, mb.names)
		}
		if err != nil {
			return at(mb.xmlName, err)
		}
	}
	return nil
}

// decodeXML fills v from element e; names apply if v is a list or map.
func decodeXML(e *elem, v reflect.Value, s *shape, names elemNames) error {
	switch s.kind {
	case kindStruct:
		return decodeXMLStruct(e, alloc(v), s, false)
	case kindList:
		// Clients name items after the model, so every child is an item
		// whatever its name. An empty element is an empty list.
		return decodeXMLItems(e.kids, v, s, names)
	case kindMap:
		return decodeXMLItems(e.all("entry"), v, s, names)
	}
	return setText(v, s, e.text)
}

// decodeXMLItems fills list or map v from its item elements: list members,
// or map entries holding <key> and <value>.
func decodeXMLItems(items []*elem, v reflect.Value, s *shape, names elemNames) error {
	v = alloc(v)
	if s.kind == kindList {
		list := reflect.MakeSlice(v.Type(), len(items), len(items))
		for i, it := range items {
			if err := decodeXML(it, list.Index(i), s.elem, defaultNames); err != nil {
				return at(strconv.Itoa(i+1), err)
			}
		}
		v.Set(list)
		return nil
	}
	m := reflect.MakeMapWithSize(v.Type(), len(items))
	for i, it := range items {
		k, val := it.find(names.key), it.find(names.value)
		if k == nil {
			return at(strconv.Itoa(i+1), fmt.Errorf("map entry has no key"))
		}
		ev := reflect.New(v.Type().Elem()).Elem()
		if val != nil {
			if err := decodeXML(val, ev, s.elem, defaultNames); err != nil {
				return at(k.text, err)
			}
		}
		m.SetMapIndex(reflect.ValueOf(k.text).Convert(v.Type().Key()), ev)
	}
	v.Set(m)
	return nil
}

// xmlWriter writes XML elements for query and restXml responses.
type xmlWriter struct {
	bytes.Buffer
}

func (w *xmlWriter) open(name string) {
	w.WriteByte('<')
	w.WriteString(name)
	w.WriteByte('>')
}

func (w *xmlWriter) close(name string) {
	w.WriteString("</")
	w.WriteString(name)
	w.WriteByte('>')
}

// text writes an element with escaped character data.
func (w *xmlWriter) text(name, s string) {
	w.open(name)
	xml.EscapeText(w, []byte(s)) //nolint:errcheck // bytes.Buffer does not fail
	w.close(name)
}

// members writes struct v's present members; bodyOnly skips REST bindings.
func (w *xmlWriter) members(v reflect.Value, s *shape, bodyOnly bool) {
	for i := range s.members {
		mb := &s.members[i]
		if bodyOnly && (mb.bound || mb.Tag.Location == "payload") {
			continue
		}
		fv := v.Field(mb.Index)
		if present(fv, mb) {
			w.member(mb, fv)
		}
	}
}

// member writes one struct member, honouring flattened lists and maps.
func (w *xmlWriter) member(mb *member, v reflect.Value) {
	v, ok := deref(v)
	if !ok {
		return
	}
	switch mb.shape.kind {
	case kindList:
		if mb.Tag.Flat {
			for i := 0; i < v.Len(); i++ {
				w.value(mb.xmlName, v.Index(i), mb.shape.elem)
			}
			return
		}
		w.open(mb.xmlName)
		for i := 0; i < v.Len(); i++ {
			w.value(mb.names.item, v.Index(i), mb.shape.elem)
		}
		w.close(mb.xmlName)
	case kindMap:
		if !mb.Tag.Flat {
			w.open(mb.xmlName)
		}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		for _, k := range keys {
			entry := "entry"
			if mb.Tag.Flat {
				entry = mb.xmlName
			}
			w.open(entry)
			w.text(mb.names.key, k.String())
			w.value(mb.names.value, v.MapIndex(k), mb.shape.elem)
			w.close(entry)
		}
		if !mb.Tag.Flat {
			w.close(mb.xmlName)
		}
	default:
		w.value(mb.xmlName, v, mb.shape)
	}
}

// value writes v as element name.
func (w *xmlWriter) value(name string, v reflect.Value, s *shape) {
	v, ok := deref(v)
	if !ok {
		// A nil list item still holds its place, as an empty element.
		w.open(name)
		w.close(name)
		return
	}
	switch s.kind {
	case kindStruct:
		w.open(name)
		w.members(v, s, false)
		w.close(name)
	case kindList, kindMap:
		// A list or map directly inside a list: wrapped, with default names.
		w.member(&member{shape: s, xmlName: name, names: defaultNames}, v)
	default:
		w.text(name, formatText(v, s, isoFormat))
	}
}

// sortedKids orders a query form's elements by list index, keeping the
// order keys arrived in otherwise; readers then see A.member.1 before .2.
func sortedKids(e *elem) {
	slices.SortStableFunc(e.kids, func(a, b *elem) int { return cmp.Compare(a.idx, b.idx) })
	for _, k := range e.kids {
		sortedKids(k)
	}
}

// writeErrorFields writes an error's extra members next to Code and
// Message, sorted so the document is repeatable.
func writeErrorFields(x *xmlWriter, fields map[string]any) {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		switch k {
		case "Type", "Code", "Message", "RequestId", "HostId":
			continue // the protocol's own elements win
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		x.text(k, fmt.Sprint(fields[k]))
	}
}
