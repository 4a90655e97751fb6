package awsproto

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/shoal-dev/shoal/internal/dispatch"
)

// JSON is awsJson1_0 and awsJson1_1 (the version comes from
// Spec.JSONVersion): POST with X-Amz-Target "<TargetPrefix>.<Operation>"
// and the input as a JSON object; the output is a JSON object.
type JSON struct{}

var _ Codec = JSON{}

func (JSON) Protocol() string { return dispatch.JSON }

func (JSON) Operation(r *http.Request, _ []byte, spec *dispatch.Spec, ops []*dispatch.Op) (string, error) {
	target := r.Header.Get("X-Amz-Target")
	i := strings.LastIndexByte(target, '.')
	if i < 0 || i == len(target)-1 {
		return "", unknownOperation("the X-Amz-Target header %q does not name an operation", target)
	}
	prefix, name := target[:i], target[i+1:]
	if spec.TargetPrefix != "" && prefix != spec.TargetPrefix {
		return name, unknownOperation("the X-Amz-Target %q is not for %s (want %s.<Operation>)", target, spec.Name, spec.TargetPrefix)
	}
	if !hasOp(ops, name) {
		return name, unknownOperation("%s does not support the operation %s", spec.Name, name)
	}
	return name, nil
}

func (JSON) Decode(r *http.Request, body []byte, _ *dispatch.Spec, _ *dispatch.Op, in any) error {
	body, err := inflate(r, body)
	if err != nil {
		return serializationError("%v", err)
	}
	return decodeJSONBody(body, in, false)
}

// decodeJSONBody fills in from a JSON object body; an empty body is {}.
// restJson shares it, with bodyOnly set.
func decodeJSONBody(body []byte, in any, bodyOnly bool) error {
	v, s, ok := structValue(in)
	if !ok {
		return badInput(in)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	var tree any
	if err := unmarshalJSON(body, &tree); err != nil {
		return serializationError("the request body is not valid JSON: %v", err)
	}
	if err := syntaxJSON.decodeStruct(tree, v, s, bodyOnly); err != nil {
		return serializationError("%v", err)
	}
	return nil
}

func (c JSON) Encode(w http.ResponseWriter, r *http.Request, spec *dispatch.Spec, op *dispatch.Op, out any, requestID string) {
	body, err := encodeJSONBody(out, false)
	if err != nil {
		c.EncodeError(w, r, spec, op, internalError(err), requestID)
		return
	}
	w.Header().Set(hdrRequestID, requestID)
	write(w, http.StatusOK, jsonContentType(spec), body)
}

// encodeJSONBody writes out as a JSON object; nil out is {}.
func encodeJSONBody(out any, bodyOnly bool) ([]byte, error) {
	tree := map[string]any{}
	if v, s, ok := structValue(out); ok {
		tree = syntaxJSON.encodeStruct(v, s, bodyOnly)
	}
	return marshalJSON(tree)
}

func (JSON) EncodeError(w http.ResponseWriter, _ *http.Request, spec *dispatch.Spec, _ *dispatch.Op, err *dispatch.Error, requestID string) {
	body, merr := marshalJSON(errorMembers(err))
	if merr != nil {
		// A Fields value JSON cannot hold; the code and message still go out.
		body, _ = marshalJSON(errorMembers(&dispatch.Error{Code: err.Code, Message: err.Message}))
	}
	setErrorHeaders(w, spec, err, requestID)
	write(w, err.HTTPStatus(), jsonContentType(spec), body)
}

func jsonContentType(spec *dispatch.Spec) string {
	if spec != nil && spec.JSONVersion == "1.0" {
		return "application/x-amz-json-1.0"
	}
	return "application/x-amz-json-1.1"
}
