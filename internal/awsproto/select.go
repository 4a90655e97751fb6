package awsproto

import (
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/shoal-dev/shoal/internal/dispatch"
)

// ForProtocol returns the codec of a dispatch protocol name, or false.
func ForProtocol(protocol string) (Codec, bool) {
	switch protocol {
	case dispatch.JSON:
		return JSON{}, true
	case dispatch.Query:
		return Query{}, true
	case dispatch.CBOR:
		return CBOR{}, true
	case dispatch.RestJSON:
		return RestJSON{}, true
	case dispatch.RestXML:
		return RestXML{}, true
	}
	return nil, false
}

// For picks the codec for r among the protocols spec accepts, from the
// request's own signals, strongest first:
//
//	smithy-protocol: rpc-v2-cbor, or a CBOR path       → smithy-rpc-v2-cbor
//	X-Amz-Target                                        → awsJson
//	a form body, or an Action parameter in the URL      → query
//	anything else                                       → the spec's REST protocol
//
// (CloudWatch accepts all of CBOR, JSON and query: botocore 1.43 and
// aws-sdk-go-v2 send CBOR, older CLIs query.) The codec is never nil: when
// the request is in a protocol the service does not accept, For returns the
// codec of the service's first protocol with an error in that protocol's
// words, so the caller can render it.
func For(r *http.Request, spec *dispatch.Spec) (Codec, error) {
	first := dispatch.JSON
	if len(spec.Protocols) > 0 {
		first = spec.Protocols[0]
	}
	firstCodec, ok := ForProtocol(first)
	if !ok {
		firstCodec = JSON{}
	}
	accepts := func(p string) bool { return slices.Contains(spec.Protocols, p) }
	rest := ""
	for _, p := range spec.Protocols {
		if p == dispatch.RestJSON || p == dispatch.RestXML {
			rest = p
			break
		}
	}

	var p string
	switch {
	case strings.EqualFold(r.Header.Get("Smithy-Protocol"), "rpc-v2-cbor") || (accepts(dispatch.CBOR) && isCBORPath(r.URL.Path)):
		// The path alone decides only for services that speak CBOR: an S3
		// bucket may well be called "service".
		p = dispatch.CBOR
	case r.Header.Get("X-Amz-Target") != "":
		p = dispatch.JSON
	case isForm(r) && (accepts(dispatch.Query) || rest == ""):
		// A REST service can receive a form-encoded body (an S3 object
		// uploaded with that Content-Type), so the form only decides for
		// services that could be speaking query.
		p = dispatch.Query
	case rest != "":
		p = rest
	default:
		// No signal: let the service's own protocol report what is missing
		// (UnknownOperationException, MissingAction).
		return firstCodec, nil
	}
	if !accepts(p) {
		return firstCodec, unsupported(firstCodec.Protocol(), spec, p)
	}
	c, _ := ForProtocol(p)
	return c, nil
}

// isCBORPath reports a path of the form /service/<name>/operation/<op>.
func isCBORPath(p string) bool {
	rest, ok := strings.CutPrefix(p, "/service/")
	if !ok {
		return false
	}
	parts := strings.Split(rest, "/")
	return len(parts) == 3 && parts[0] != "" && parts[1] == "operation" && parts[2] != ""
}

// isForm reports the query protocol's marks: a form body or ?Action=.
func isForm(r *http.Request) bool {
	if mt, _, err := mime.ParseMediaType(r.Header.Get(hdrContentType)); err == nil && mt == "application/x-www-form-urlencoded" {
		return true
	}
	return r.URL.Query().Has("Action")
}

// unsupported is the error for a request in a protocol the service does
// not speak, worded for the protocol the answer goes out in.
func unsupported(answer string, spec *dispatch.Spec, asked string) *dispatch.Error {
	if answer == dispatch.Query {
		return dispatch.NewError("InvalidAction", "%s does not accept %s requests", spec.Name, asked)
	}
	return unknownOperation("%s does not accept %s requests", spec.Name, asked)
}
