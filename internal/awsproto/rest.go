package awsproto

import (
	"bytes"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/shoal-dev/shoal/internal/dispatch"
)

// This file is what restJson1 and restXml share: finding the operation from
// the method and URI template, and the member bindings (uri, querystring,
// header, headers, payload, statusCode). They differ only in the body,
// which restBody describes.

// restBody is a REST protocol's body format.
type restBody struct {
	contentType string
	// decode fills struct v from a body; bodyOnly skips bound members.
	decode func(body []byte, v reflect.Value, s *shape, bodyOnly bool) error
	// encode writes struct v as a body; root and ns name and qualify an
	// XML root element.
	encode func(v reflect.Value, s *shape, bodyOnly bool, root, ns string) ([]byte, error)
	// badBody and badParam make the protocol's errors for a body that
	// cannot be read and a bound value of the wrong type.
	badBody, badParam func(error) *dispatch.Error
}

// route is a parsed request URI template such as "/{Bucket}/{Key+}?tagging".
type route struct {
	segs  []string    // literal segments, or "{Label}" / "{Label+}"
	query [][2]string // literal query parameters the template requires
	score [3]int      // specificity: literal query params, literal segments, non-greedy
}

var routes sync.Map // template → *route; fixed per template

func routeOf(template string) *route {
	if rt, ok := routes.Load(template); ok {
		return rt.(*route)
	}
	path, query, _ := strings.Cut(template, "?")
	rt := &route{segs: splitPath(path)}
	if query != "" {
		for _, kv := range strings.Split(query, "&") {
			k, v, _ := strings.Cut(kv, "=")
			rt.query = append(rt.query, [2]string{k, v})
		}
	}
	rt.score[0] = len(rt.query)
	rt.score[2] = 1
	for _, s := range rt.segs {
		switch {
		case strings.HasSuffix(s, "+}"):
			rt.score[2] = 0
		case !strings.HasPrefix(s, "{"):
			rt.score[1]++
		}
	}
	routes.Store(template, rt)
	return rt
}

// splitPath splits an escaped path into segments; "/" has none.
func splitPath(p string) []string {
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// match matches escaped path segments and the query against the template,
// returning the unescaped URI labels.
func (rt *route) match(segs []string, q url.Values) (map[string]string, bool) {
	for _, kv := range rt.query {
		vs, ok := q[kv[0]]
		if !ok || (kv[1] != "" && (len(vs) == 0 || vs[0] != kv[1])) {
			return nil, false
		}
	}
	labels, ok := rt.matchSegs(segs)
	if !ok && len(segs) > 0 && segs[len(segs)-1] == "" {
		// A trailing slash the template does not have ("/bucket/").
		labels, ok = rt.matchSegs(segs[:len(segs)-1])
	}
	return labels, ok
}

func (rt *route) matchSegs(segs []string) (map[string]string, bool) {
	labels := map[string]string{}
	j := 0
	for i, t := range rt.segs {
		if !strings.HasPrefix(t, "{") {
			if j >= len(segs) || segs[j] != t {
				return nil, false
			}
			j++
			continue
		}
		name := strings.TrimSuffix(strings.TrimPrefix(t, "{"), "}")
		if greedy, ok := strings.CutSuffix(name, "+"); ok {
			// A greedy label takes every segment the rest of the template
			// does not need, slashes included.
			end := len(segs) - (len(rt.segs) - i - 1)
			if end <= j {
				return nil, false
			}
			raw := strings.Join(segs[j:end], "/")
			val, err := url.PathUnescape(raw)
			if err != nil || val == "" {
				return nil, false
			}
			labels[greedy] = val
			j = end
			continue
		}
		if j >= len(segs) || segs[j] == "" {
			return nil, false
		}
		val, err := url.PathUnescape(segs[j])
		if err != nil {
			return nil, false
		}
		labels[name] = val
		j++
	}
	return labels, j == len(segs)
}

// restOperation finds the operation whose method and URI template match r,
// preferring the most specific template (S3's GET /{Bucket}?versioning over
// GET /{Bucket}).
func restOperation(r *http.Request, ops []*dispatch.Op) (*dispatch.Op, error) {
	segs := splitPath(r.URL.EscapedPath())
	q := r.URL.Query()
	var best *dispatch.Op
	var bestScore [3]int
	for _, op := range ops {
		if op.HTTP.Path == "" || !strings.EqualFold(op.HTTP.Method, r.Method) {
			continue
		}
		rt := routeOf(op.HTTP.Path)
		if _, ok := rt.match(segs, q); !ok {
			continue
		}
		if best == nil || greater(rt.score, bestScore) {
			best, bestScore = op, rt.score
		}
	}
	if best == nil {
		return nil, dispatch.Errorf(http.StatusNotFound, "UnknownOperationException", "no operation matches %s %s", r.Method, r.URL.Path)
	}
	return best, nil
}

func greater(a, b [3]int) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] > b[i]
		}
	}
	return false
}

// decodeREST fills in from r: URI labels, query parameters, headers, then
// the payload member or the body members.
func decodeREST(r *http.Request, body []byte, op *dispatch.Op, in any, b *restBody) error {
	v, s, ok := structValue(in)
	if !ok {
		return badInput(in)
	}
	rt := routeOf(op.HTTP.Path)
	labels, _ := rt.match(splitPath(r.URL.EscapedPath()), r.URL.Query())
	q := r.URL.Query()
	claimed := map[string]bool{} // query keys other members or the template own
	for _, kv := range rt.query {
		claimed[kv[0]] = true
	}
	for i := range s.members {
		if mb := &s.members[i]; mb.Tag.Location == "querystring" && mb.shape.kind != kindMap {
			claimed[bindingName(mb)] = true
		}
	}
	hasBody := false
	for i := range s.members {
		mb := &s.members[i]
		fv := v.Field(mb.Index)
		var err error
		switch mb.Tag.Location {
		case "uri":
			if val, ok := labels[bindingName(mb)]; ok {
				err = setText(fv, mb.shape, val)
			}
		case "querystring":
			err = decodeQueryParam(q, claimed, fv, mb)
		case "header":
			if vals := r.Header.Values(bindingName(mb)); len(vals) > 0 {
				err = decodeHeader(strings.Join(vals, ","), fv, mb.shape)
			}
		case "headers":
			err = decodeHeaderMap(r.Header, fv, mb)
		case "statusCode":
			// output only
		case "payload":
			if len(body) == 0 {
				continue
			}
			switch mb.shape.kind {
			case kindStruct:
				if derr := b.decode(body, alloc(fv), mb.shape, false); derr != nil {
					return b.badBody(derr)
				}
			case kindBlob:
				alloc(fv).SetBytes(bytes.Clone(body))
			case kindString:
				alloc(fv).SetString(string(body))
			default:
				if derr := setText(fv, mb.shape, string(body)); derr != nil {
					return b.badBody(derr)
				}
			}
		default:
			hasBody = true
		}
		if err != nil {
			return b.badParam(at(bindingName(mb), err))
		}
	}
	if hasBody && len(bytes.TrimSpace(body)) > 0 {
		if err := b.decode(body, v, s, true); err != nil {
			return b.badBody(err)
		}
	}
	return nil
}

// bindingName is the name a member is bound under (label, query key,
// header or header prefix).
func bindingName(mb *member) string {
	if mb.Tag.Name != "" {
		return mb.Tag.Name
	}
	return mb.Name
}

func decodeQueryParam(q url.Values, claimed map[string]bool, fv reflect.Value, mb *member) error {
	switch mb.shape.kind {
	case kindMap:
		// A map takes the parameters no other member binds.
		fv = alloc(fv)
		m := reflect.MakeMap(fv.Type())
		for k, vs := range q {
			if claimed[k] || len(vs) == 0 {
				continue
			}
			ev := reflect.New(fv.Type().Elem()).Elem()
			var err error
			if mb.shape.elem.kind == kindList {
				err = decodeTextList(vs, ev, mb.shape.elem)
			} else {
				err = setText(ev, mb.shape.elem, vs[0])
			}
			if err != nil {
				return at(k, err)
			}
			m.SetMapIndex(reflect.ValueOf(k).Convert(fv.Type().Key()), ev)
		}
		if m.Len() > 0 {
			fv.Set(m)
		}
		return nil
	case kindList:
		if vs, ok := q[bindingName(mb)]; ok {
			return decodeTextList(vs, fv, mb.shape)
		}
	default:
		if vs, ok := q[bindingName(mb)]; ok && len(vs) > 0 {
			return setText(fv, mb.shape, vs[0])
		}
	}
	return nil
}

func decodeTextList(vs []string, fv reflect.Value, s *shape) error {
	fv = alloc(fv)
	list := reflect.MakeSlice(fv.Type(), len(vs), len(vs))
	for i, x := range vs {
		if err := setText(list.Index(i), s.elem, x); err != nil {
			return at(strconv.Itoa(i), err)
		}
	}
	fv.Set(list)
	return nil
}

// decodeHeader reads a header value; a list header is comma-separated.
// HTTP-dates contain a comma, so timestamp lists are not split.
func decodeHeader(val string, fv reflect.Value, s *shape) error {
	if s.kind == kindList {
		parts := strings.Split(val, ",")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		return decodeTextList(parts, fv, s)
	}
	return setText(fv, s, strings.TrimSpace(val))
}

// decodeHeaderMap collects the headers under a prefix (x-amz-meta-) into a
// map keyed by the lowercased rest of the name, as S3 reports metadata.
func decodeHeaderMap(h http.Header, fv reflect.Value, mb *member) error {
	if mb.shape.kind != kindMap {
		return nil
	}
	prefix := strings.ToLower(bindingName(mb))
	m := reflect.MakeMap(alloc(fv).Type())
	for name, vals := range h {
		lower := strings.ToLower(name)
		if !strings.HasPrefix(lower, prefix) || len(vals) == 0 {
			continue
		}
		ev := reflect.New(m.Type().Elem()).Elem()
		if err := setText(ev, mb.shape.elem, strings.Join(vals, ",")); err != nil {
			return at(name, err)
		}
		m.SetMapIndex(reflect.ValueOf(lower[len(prefix):]).Convert(m.Type().Key()), ev)
	}
	if m.Len() > 0 {
		alloc(fv).Set(m)
	}
	return nil
}

// encodeREST writes a REST response: bound headers and status, then the
// payload member or the body members. An output with no body members and
// no payload has an empty body.
func encodeREST(w http.ResponseWriter, spec *dispatch.Spec, op *dispatch.Op, out any, b *restBody) error {
	status := op.HTTP.Status
	if status == 0 {
		status = http.StatusOK
	}
	v, s, ok := structValue(out)
	if !ok {
		write(w, status, "", nil)
		return nil
	}
	h := w.Header()
	var payload *member
	hasBody := false
	for i := range s.members {
		mb := &s.members[i]
		fv := v.Field(mb.Index)
		switch mb.Tag.Location {
		case "header":
			if present(fv, mb) {
				if text, ok := headerText(fv, mb.shape); ok {
					h.Set(bindingName(mb), text)
				}
			}
		case "headers":
			if e, ok := deref(fv); ok && mb.shape.kind == kindMap {
				iter := e.MapRange()
				for iter.Next() {
					if ev, ok := deref(iter.Value()); ok {
						h.Set(bindingName(mb)+iter.Key().String(), formatText(ev, mb.shape.elem, httpDateFormat))
					}
				}
			}
		case "statusCode":
			if e, ok := deref(fv); ok && e.CanInt() && e.Int() >= 100 && e.Int() <= 999 {
				status = int(e.Int())
			}
		case "payload":
			payload = mb
		case "uri", "querystring":
			// request only
		default:
			hasBody = true
		}
	}
	contentType := h.Get(hdrContentType)
	var body []byte
	switch {
	case payload != nil:
		fv, ok := deref(v.Field(payload.Index))
		if !ok || !present(v.Field(payload.Index), payload) {
			break
		}
		switch payload.shape.kind {
		case kindStruct:
			name := payload.shape.xmlRoot
			if name == "" {
				name = payload.xmlName
			}
			var err error
			if body, err = b.encode(fv, payload.shape, false, name, xmlNamespace(spec)); err != nil {
				return err
			}
			if contentType == "" {
				contentType = b.contentType
			}
		case kindBlob:
			body = fv.Bytes()
			if contentType == "" {
				contentType = "application/octet-stream"
			}
		default:
			body = []byte(formatText(fv, payload.shape, isoFormat))
		}
	case hasBody:
		var err error
		if body, err = b.encode(v, s, true, outputRoot(s), xmlNamespace(spec)); err != nil {
			return err
		}
		if contentType == "" {
			contentType = b.contentType
		}
	}
	write(w, status, contentType, body)
	return nil
}

// headerText formats a header member; lists are comma-joined. Documents
// have no header form.
func headerText(v reflect.Value, s *shape) (string, bool) {
	v, ok := deref(v)
	if !ok {
		return "", false
	}
	switch s.kind {
	case kindStruct, kindMap, kindDocument, kindRaw:
		return "", false
	case kindList:
		parts := make([]string, 0, v.Len())
		for i := 0; i < v.Len(); i++ {
			if e, ok := deref(v.Index(i)); ok {
				parts = append(parts, formatText(e, s.elem, httpDateFormat))
			}
		}
		return strings.Join(parts, ", "), true
	}
	return formatText(v, s, httpDateFormat), true
}

// outputRoot names the XML root of an output without a payload member: the
// struct's XMLName, else GetThingOutput → GetThingResult. botocore and the
// SDKs do not check it; S3's own names (ListBucketResult) come from XMLName.
func outputRoot(s *shape) string {
	if s.xmlRoot != "" {
		return s.xmlRoot
	}
	return strings.TrimSuffix(s.typ.Name(), "Output") + "Result"
}
