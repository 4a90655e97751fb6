package awsproto

import (
	"encoding/base64"
	"net/http"
	"reflect"

	"github.com/shoal-dev/shoal/internal/dispatch"
)

// RestXML is restXml (S3): REST routing and bindings as in restJson1 (see
// rest.go), with XML bodies in the service's namespace.
type RestXML struct{}

var _ Codec = RestXML{}

const xmlDecl = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

var restXMLBody = &restBody{
	contentType: "application/xml",
	decode: func(body []byte, v reflect.Value, s *shape, bodyOnly bool) error {
		root, err := parseXML(body)
		if err != nil {
			return err
		}
		return decodeXMLStruct(root, v, s, bodyOnly)
	},
	encode: func(v reflect.Value, s *shape, bodyOnly bool, root, ns string) ([]byte, error) {
		var x xmlWriter
		x.WriteString(xmlDecl)
		x.WriteString("<" + root)
		if ns != "" {
			x.WriteString(` xmlns="` + ns + `"`)
		}
		x.WriteByte('>')
		x.members(v, s, bodyOnly)
		x.close(root)
		return x.Bytes(), nil
	},
	// S3's codes for these: MalformedXML ("The XML you provided was not
	// well-formed or did not validate against our published schema") and
	// InvalidArgument for a header or parameter it cannot read.
	badBody:  func(err error) *dispatch.Error { return dispatch.NewError("MalformedXML", "%v", err) },
	badParam: func(err error) *dispatch.Error { return dispatch.NewError("InvalidArgument", "%v", err) },
}

func (RestXML) Protocol() string { return dispatch.RestXML }

func (RestXML) Operation(r *http.Request, _ []byte, _ *dispatch.Spec, ops []*dispatch.Op) (string, error) {
	op, err := restOperation(r, ops)
	if err != nil {
		return "", err
	}
	return op.Name, nil
}

func (RestXML) Decode(r *http.Request, body []byte, _ *dispatch.Spec, op *dispatch.Op, in any) error {
	return decodeREST(r, body, op, in, restXMLBody)
}

func (c RestXML) Encode(w http.ResponseWriter, r *http.Request, spec *dispatch.Spec, op *dispatch.Op, out any, requestID string) {
	setS3IDs(w, requestID)
	if err := encodeREST(w, spec, op, out, restXMLBody); err != nil {
		c.EncodeError(w, r, spec, op, internalError(err), requestID)
	}
}

// EncodeError writes S3's error document. botocore recognises it by the
// root <Error> and takes RequestId and HostId from the headers.
func (RestXML) EncodeError(w http.ResponseWriter, _ *http.Request, _ *dispatch.Spec, _ *dispatch.Op, err *dispatch.Error, requestID string) {
	var x xmlWriter
	x.WriteString(xmlDecl)
	x.open("Error")
	x.text("Code", err.Code)
	x.text("Message", err.Message)
	writeErrorFields(&x, err.Fields)
	x.text("RequestId", requestID)
	x.text("HostId", hostID(requestID))
	x.close("Error")
	setS3IDs(w, requestID)
	write(w, err.HTTPStatus(), "application/xml", x.Bytes())
}

// setS3IDs sets S3's request id headers instead of x-amzn-RequestId.
func setS3IDs(w http.ResponseWriter, requestID string) {
	h := w.Header()
	h.Set("X-Amz-Request-Id", requestID)
	h.Set("X-Amz-Id-2", hostID(requestID))
}

// hostID stands in for S3's opaque extended request id.
func hostID(requestID string) string {
	return base64.StdEncoding.EncodeToString([]byte(requestID))
}
