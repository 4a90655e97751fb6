package awsproto

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/shoal-dev/shoal/internal/dispatch"
)

// Query is the AWS query protocol: Action, Version and the input as form
// fields (POST body or GET query string), answered in XML. SNS, IAM, STS and
// CloudWatch's older clients speak it.
type Query struct{}

var _ Codec = Query{}

func (Query) Protocol() string { return dispatch.Query }

// Error codes and statuses from AWS's Common Errors page (the same on every
// query service's API reference):
//
//	MalformedQueryString   the query string contains a syntax error: 404
//	InvalidParameterValue  an invalid or out-of-range value: 400
//
// 404 for a malformed query string looks odd but is what the page lists.
func malformedQuery(format string, args ...any) *dispatch.Error {
	return dispatch.Errorf(http.StatusNotFound, "MalformedQueryString", format, args...)
}

// invalidValue is a member whose text is not of the member's type. Specs
// that name a validation code (SNS's InvalidParameter) use it; otherwise
// the Common Errors page's InvalidParameterValue.
func invalidValue(spec *dispatch.Spec, err error) *dispatch.Error {
	code := "InvalidParameterValue"
	if spec != nil && spec.ValidationCode != "" {
		code = spec.ValidationCode
	}
	return dispatch.NewError(code, "%v", err)
}

// form reads the request's fields: the URL's query string and, for a POST,
// the form body. Both count, as on AWS.
func form(r *http.Request, body []byte) (url.Values, error) {
	body, err := inflate(r, body)
	if err != nil {
		return nil, malformedQuery("%v", err)
	}
	vals, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, malformedQuery("the query string is malformed: %v", err)
	}
	if len(body) > 0 {
		bv, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, malformedQuery("the form body is malformed: %v", err)
		}
		for k, v := range bv {
			vals[k] = append(vals[k], v...)
		}
	}
	return vals, nil
}

func (Query) Operation(r *http.Request, body []byte, spec *dispatch.Spec, ops []*dispatch.Op) (string, error) {
	vals, err := form(r, body)
	if err != nil {
		return "", err
	}
	action := vals.Get("Action")
	if action == "" {
		return "", dispatch.NewError("MissingAction", "the request must contain the parameter Action")
	}
	if !hasOp(ops, action) {
		return action, dispatch.NewError("InvalidAction", "The action %s is not valid for this web service.", action)
	}
	return action, nil
}

func (Query) Decode(r *http.Request, body []byte, spec *dispatch.Spec, _ *dispatch.Op, in any) error {
	v, s, ok := structValue(in)
	if !ok {
		return badInput(in)
	}
	vals, err := form(r, body)
	if err != nil {
		return err
	}
	root, err := formTree(vals)
	if err != nil {
		return err
	}
	if err := decodeXMLStruct(root, v, s, false); err != nil {
		return invalidValue(spec, err)
	}
	return nil
}

// formTree turns form fields into an element tree: A.member.2.B=x becomes
// A/member[2]/B with text x (see xml.go). Action, Version and the SigV4
// query parameters are the protocol's, not the input's.
func formTree(vals url.Values) (*elem, error) {
	type key struct {
		parent *elem
		name   string
		idx    int
	}
	root := &elem{}
	index := map[key]*elem{}
	for k, vs := range vals {
		if k == "Action" || k == "Version" || strings.HasPrefix(k, "X-Amz-") {
			continue
		}
		segs := strings.Split(k, ".")
		if len(segs) > maxXMLDepth {
			return nil, malformedQuery("the parameter %.64q... nests deeper than %d", k, maxXMLDepth)
		}
		cur := root
		for i := 0; i < len(segs); i++ {
			kk := key{parent: cur, name: segs[i]}
			if i+1 < len(segs) {
				if n, ok := listIndex(segs[i+1]); ok {
					kk.idx = n
					i++
				}
			}
			next, ok := index[kk]
			if !ok {
				next = &elem{name: kk.name, idx: kk.idx}
				cur.kids = append(cur.kids, next)
				index[kk] = next
			}
			cur = next
		}
		cur.text = vs[0]
	}
	sortedKids(root)
	return root, nil
}

// listIndex reads a list position (A.member.2); clients count from 1.
func listIndex(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// Encode writes <OpResponse><OpResult>members</OpResult><ResponseMetadata>.
// An output with no members has no Result element, as on AWS.
func (Query) Encode(w http.ResponseWriter, _ *http.Request, spec *dispatch.Spec, op *dispatch.Op, out any, requestID string) {
	name := "Operation"
	if op != nil {
		name = op.Name
	}
	var x xmlWriter
	x.WriteString(`<` + name + `Response xmlns="` + xmlNamespace(spec) + `">`)
	if v, s, ok := structValue(out); ok && len(s.members) > 0 {
		x.open(name + "Result")
		x.members(v, s, false)
		x.close(name + "Result")
	}
	x.open("ResponseMetadata")
	x.text("RequestId", requestID)
	x.close("ResponseMetadata")
	x.close(name + "Response")
	w.Header().Set(hdrRequestID, requestID)
	write(w, http.StatusOK, "text/xml", x.Bytes())
}

// EncodeError writes the query error document. The code is the error's
// QueryCode when it has one (awsQueryCompatible services such as
// CloudWatch name their errors differently in query).
func (Query) EncodeError(w http.ResponseWriter, _ *http.Request, spec *dispatch.Spec, _ *dispatch.Op, err *dispatch.Error, requestID string) {
	var x xmlWriter
	x.WriteString(`<ErrorResponse xmlns="` + xmlNamespace(spec) + `">`)
	x.open("Error")
	x.text("Type", err.Fault.String())
	x.text("Code", queryCode(err))
	x.text("Message", err.Message)
	writeErrorFields(&x, err.Fields)
	x.close("Error")
	x.text("RequestId", requestID)
	x.close("ErrorResponse")
	w.Header().Set(hdrRequestID, requestID)
	write(w, err.HTTPStatus(), "text/xml", x.Bytes())
}

func xmlNamespace(spec *dispatch.Spec) string {
	if spec == nil {
		return ""
	}
	return spec.XMLNamespace
}
