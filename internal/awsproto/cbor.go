package awsproto

import (
	"net/http"
	"reflect"
	"strings"

	"github.com/fxamacker/cbor/v2"
	"github.com/shoal-dev/shoal/internal/dispatch"
)

// CBOR is smithy-rpc-v2-cbor: POST /service/<TargetPrefix>/operation/<Op>
// with the header smithy-protocol: rpc-v2-cbor and the input as a CBOR map.
// botocore 1.43 and aws-sdk-go-v2's CloudWatch client speak it.
type CBOR struct{}

var _ Codec = CBOR{}

const cborContentType = "application/cbor"

// The CBOR modes are built once and never change.
var (
	cborDec = mustDecMode(cbor.DecOptions{
		DefaultMapType:  reflect.TypeFor[map[string]any](),
		MaxNestedLevels: maxXMLDepth,
	})
	// Sorted keys make responses byte-for-byte repeatable; timestamps in
	// documents and error fields go out as tag 1 like every other timestamp.
	cborEnc = mustEncMode(cbor.EncOptions{
		Sort:    cbor.SortBytewiseLexical,
		Time:    cbor.TimeUnixDynamic,
		TimeTag: cbor.EncTagRequired,
	})
)

func mustDecMode(o cbor.DecOptions) cbor.DecMode {
	m, err := o.DecMode()
	if err != nil {
		panic("awsproto: cbor decode options: " + err.Error())
	}
	return m
}

func mustEncMode(o cbor.EncOptions) cbor.EncMode {
	m, err := o.EncMode()
	if err != nil {
		panic("awsproto: cbor encode options: " + err.Error())
	}
	return m
}

func (CBOR) Protocol() string { return dispatch.CBOR }

func (CBOR) Operation(r *http.Request, _ []byte, spec *dispatch.Spec, ops []*dispatch.Op) (string, error) {
	// The path may sit under a prefix (a custom endpoint's base path); the
	// protocol fixes only its end.
	i := strings.LastIndex(r.URL.Path, "/service/")
	if i < 0 {
		return "", unknownOperation("the path %q is not /service/<service>/operation/<operation>", r.URL.Path)
	}
	parts := strings.Split(r.URL.Path[i+len("/service/"):], "/")
	if len(parts) != 3 || parts[1] != "operation" || parts[2] == "" {
		return "", unknownOperation("the path %q is not /service/<service>/operation/<operation>", r.URL.Path)
	}
	service, name := parts[0], parts[2]
	if spec.TargetPrefix != "" && service != spec.TargetPrefix {
		return name, unknownOperation("the service %q in the path is not %s (want %s)", service, spec.Name, spec.TargetPrefix)
	}
	if !hasOp(ops, name) {
		return name, unknownOperation("%s does not support the operation %s", spec.Name, name)
	}
	return name, nil
}

func (CBOR) Decode(r *http.Request, body []byte, _ *dispatch.Spec, _ *dispatch.Op, in any) error {
	v, s, ok := structValue(in)
	if !ok {
		return badInput(in)
	}
	body, err := inflate(r, body)
	if err != nil {
		return serializationError("%v", err)
	}
	if len(body) == 0 {
		return nil // an input with no members may have no body
	}
	var tree any
	if err := cborDec.Unmarshal(body, &tree); err != nil {
		return serializationError("the request body is not valid CBOR: %v", err)
	}
	if err := syntaxCBOR.decodeStruct(tree, v, s, false); err != nil {
		return serializationError("%v", err)
	}
	return nil
}

func (c CBOR) Encode(w http.ResponseWriter, r *http.Request, spec *dispatch.Spec, op *dispatch.Op, out any, requestID string) {
	tree := map[string]any{}
	if v, s, ok := structValue(out); ok {
		tree = syntaxCBOR.encodeStruct(v, s, false)
	}
	body, err := cborEnc.Marshal(tree)
	if err != nil {
		c.EncodeError(w, r, spec, op, internalError(err), requestID)
		return
	}
	h := w.Header()
	h.Set("Smithy-Protocol", "rpc-v2-cbor")
	h.Set(hdrRequestID, requestID)
	write(w, http.StatusOK, cborContentType, body)
}

// EncodeError writes the error as a CBOR map. __type carries the bare code:
// the Smithy spec allows a shape id, but both botocore and aws-sdk-go-v2
// strip everything up to '#' before looking the code up.
func (CBOR) EncodeError(w http.ResponseWriter, _ *http.Request, spec *dispatch.Spec, _ *dispatch.Op, err *dispatch.Error, requestID string) {
	body, merr := cborEnc.Marshal(errorMembers(err))
	if merr != nil {
		body, _ = cborEnc.Marshal(errorMembers(&dispatch.Error{Code: err.Code, Message: err.Message}))
	}
	setErrorHeaders(w, spec, err, requestID)
	w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
	write(w, err.HTTPStatus(), cborContentType, body)
}
