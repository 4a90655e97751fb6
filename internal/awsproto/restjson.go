package awsproto

import (
	"net/http"
	"reflect"

	"github.com/shoal-dev/shoal/internal/dispatch"
)

// RestJSON is restJson1 (Lambda, EventBridge Scheduler): the operation
// comes from the method and URI template, members are bound to the URI,
// query string and headers by their aws tags, and the rest is a JSON body.
type RestJSON struct{}

var _ Codec = RestJSON{}

var restJSONBody = &restBody{
	contentType: "application/json",
	decode: func(body []byte, v reflect.Value, s *shape, bodyOnly bool) error {
		var tree any
		if err := unmarshalJSON(body, &tree); err != nil {
			return err
		}
		return syntaxJSON.decodeStruct(tree, v, s, bodyOnly)
	},
	encode: func(v reflect.Value, s *shape, bodyOnly bool, _, _ string) ([]byte, error) {
		return marshalJSON(syntaxJSON.encodeStruct(v, s, bodyOnly))
	},
	badBody:  func(err error) *dispatch.Error { return serializationError("the request body cannot be read: %v", err) },
	badParam: func(err error) *dispatch.Error { return serializationError("%v", err) },
}

func (RestJSON) Protocol() string { return dispatch.RestJSON }

func (RestJSON) Operation(r *http.Request, _ []byte, _ *dispatch.Spec, ops []*dispatch.Op) (string, error) {
	op, err := restOperation(r, ops)
	if err != nil {
		return "", err
	}
	return op.Name, nil
}

func (RestJSON) Decode(r *http.Request, body []byte, _ *dispatch.Spec, op *dispatch.Op, in any) error {
	return decodeREST(r, body, op, in, restJSONBody)
}

func (c RestJSON) Encode(w http.ResponseWriter, r *http.Request, spec *dispatch.Spec, op *dispatch.Op, out any, requestID string) {
	w.Header().Set(hdrRequestID, requestID)
	if err := encodeREST(w, spec, op, out, restJSONBody); err != nil {
		w.Header().Del(hdrContentType)
		c.EncodeError(w, r, spec, op, internalError(err), requestID)
	}
}

// EncodeError writes x-amzn-ErrorType and a JSON body with the message and
// __type; botocore takes the code from the header, aws-sdk-go-v2 too.
func (RestJSON) EncodeError(w http.ResponseWriter, _ *http.Request, spec *dispatch.Spec, _ *dispatch.Op, err *dispatch.Error, requestID string) {
	body, merr := marshalJSON(errorMembers(err))
	if merr != nil {
		body, _ = marshalJSON(errorMembers(&dispatch.Error{Code: err.Code, Message: err.Message}))
	}
	setErrorHeaders(w, spec, err, requestID)
	write(w, err.HTTPStatus(), "application/json", body)
}
