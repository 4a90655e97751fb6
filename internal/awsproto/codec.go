// Package awsproto holds the AWS wire protocols, one codec a file:
// awsJson1_0/1_1 (json.go), query (query.go), restJson1 (restjson.go),
// restXml (restxml.go) and smithy-rpc-v2-cbor (cbor.go). A codec finds the
// operation a request names, decodes the request into the operation's input
// struct, and encodes the output or an error exactly as botocore and
// aws-sdk-go-v2 parse them. Only this package and internal/gateway know the
// wire formats.
//
// Input and output structs follow dispatch's conventions: the json tag names
// the member, the aws tag carries constraints and REST bindings. Supported
// member types: string, bool, int, int32, int64, float64 (and pointers to
// them), time.Time and *time.Time (timestamps), []byte (blobs), slices, maps
// with string keys, nested structs and pointers to structs, and
// json.RawMessage / any for document types.
package awsproto

import (
	"net/http"

	"github.com/shoal-dev/shoal/internal/dispatch"
)

// Codec is one protocol.
type Codec interface {
	// Protocol is the dispatch protocol name it implements (dispatch.JSON, ...).
	Protocol() string
	// Operation returns the name of the operation r asks for, read from the
	// protocol's place for it (X-Amz-Target, the Action field, the CBOR path,
	// the REST method and path). body is the whole request body. An unknown
	// or missing operation is a *dispatch.Error (UnknownOperationException,
	// InvalidAction, ...) in the protocol's words. For REST protocols ops
	// lists the service's operations to match against.
	Operation(r *http.Request, body []byte, spec *dispatch.Spec, ops []*dispatch.Op) (string, error)
	// Decode fills in (from op.New) from the request. A body that cannot be
	// parsed is a *dispatch.Error (SerializationException,
	// MalformedQueryString, ...), never a panic.
	Decode(r *http.Request, body []byte, spec *dispatch.Spec, op *dispatch.Op, in any) error
	// Encode writes a successful response carrying out.
	Encode(w http.ResponseWriter, r *http.Request, spec *dispatch.Spec, op *dispatch.Op, out any, requestID string)
	// EncodeError writes err as the protocol's error response; op is nil
	// when the operation could not be identified.
	EncodeError(w http.ResponseWriter, r *http.Request, spec *dispatch.Spec, op *dispatch.Op, err *dispatch.Error, requestID string)
}
