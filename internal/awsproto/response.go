package awsproto

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/shoal-dev/shoal/internal/dispatch"
)

// Headers every codec sets. Go canonicalises names on Set; clients compare
// them case-insensitively.
const (
	hdrRequestID   = "X-Amzn-Requestid"
	hdrErrorType   = "X-Amzn-Errortype"
	hdrQueryError  = "X-Amzn-Query-Error"
	hdrContentType = "Content-Type"
)

// write sends a complete response.
func write(w http.ResponseWriter, status int, contentType string, body []byte) {
	h := w.Header()
	if contentType != "" {
		h.Set(hdrContentType, contentType)
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body) //nolint:errcheck // the client went away; nothing to do
}

// errorMembers is the body of an error in the JSON-shaped protocols (awsJson,
// restJson, rpcv2Cbor): the model's extra members, the code and the message.
//
// The message goes out as both "message" and "Message": error shapes declare
// one or the other (SSM's ParameterNotFound has "message", most of SSM's and
// Glue's errors "Message"), aws-sdk-go-v2 fills its typed error only from the
// declared spelling, and the codec does not know the model. botocore reads
// either, and every client ignores the member it does not know.
func errorMembers(err *dispatch.Error) map[string]any {
	m := make(map[string]any, len(err.Fields)+3)
	for k, v := range err.Fields {
		m[k] = v
	}
	m["__type"] = err.Code
	m["message"] = err.Message
	m["Message"] = err.Message
	return m
}

// setErrorHeaders sets x-amzn-ErrorType and, for awsQueryCompatible
// services, x-amzn-query-error: "<query code>;<Sender|Receiver>". botocore
// and aws-sdk-go-v2 both split that header on ';' and use the first part as
// the error code (the typed error's ErrorCode()), the second as the fault.
func setErrorHeaders(w http.ResponseWriter, spec *dispatch.Spec, err *dispatch.Error, requestID string) {
	h := w.Header()
	h.Set(hdrRequestID, requestID)
	h.Set(hdrErrorType, err.Code)
	if spec != nil && spec.QueryCompatible {
		h.Set(hdrQueryError, queryCode(err)+";"+err.Fault.String())
	}
}

// queryCode is the code a query-protocol client sees.
func queryCode(err *dispatch.Error) string {
	if err.QueryCode != "" {
		return err.QueryCode
	}
	return err.Code
}

// internalError stands for a response the codec could not encode (an
// output holding invalid JSON text, say); the client gets a 500.
func internalError(cause error) *dispatch.Error {
	return dispatch.Errorf(http.StatusInternalServerError, "InternalFailure", "the response could not be encoded: %v", cause)
}

func serializationError(format string, args ...any) *dispatch.Error {
	return dispatch.NewError("SerializationException", format, args...)
}

func unknownOperation(format string, args ...any) *dispatch.Error {
	return dispatch.NewError("UnknownOperationException", format, args...)
}

// badInput is the error for an input that is not a pointer to a struct:
// a wiring mistake, not the client's, so it is not a *dispatch.Error.
func badInput(in any) error {
	return fmt.Errorf("awsproto: input is %T, want a pointer to a struct", in)
}

// hasOp reports whether ops names an operation; nil ops accepts any name
// (the caller looks it up itself).
func hasOp(ops []*dispatch.Op, name string) bool {
	if ops == nil {
		return true
	}
	for _, op := range ops {
		if op.Name == name {
			return true
		}
	}
	return false
}
