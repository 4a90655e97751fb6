package dispatch

import (
	"errors"
	"fmt"
	"net/http"
)

// Fault says who is to blame for an error, as the protocols report it
// (query's <Type>Sender</Type>, the x-amzn-query-error suffix).
type Fault int

const (
	// Sender is a client error: bad input, missing resource, conflict.
	Sender Fault = iota
	// Receiver is a server-side error.
	Receiver
)

func (f Fault) String() string {
	if f == Receiver {
		return "Receiver"
	}
	return "Sender"
}

// Error is an AWS API error: the code and HTTP status botocore's service
// model lists for it, and a message a person can act on. Services build these
// in their errors.go; the gateway renders them in the service's protocol.
type Error struct {
	Code    string // e.g. "ParameterNotFound", "ValidationException"
	Message string
	Status  int // HTTP status; 400 when zero
	Fault   Fault
	// QueryCode is the awsQueryError code for awsQueryCompatible services
	// (CloudWatch, SQS), sent in the x-amzn-query-error header; Code when empty.
	QueryCode string
	// Fields are extra members the model declares on the error shape
	// (e.g. SNS's or Glue's error structures); rendered next to the message.
	Fields map[string]any
}

func (e *Error) Error() string {
	if e.Message == "" {
		return e.Code
	}
	return e.Code + ": " + e.Message
}

// HTTPStatus is the status the error is sent with.
func (e *Error) HTTPStatus() int {
	if e.Status == 0 {
		if e.Fault == Receiver {
			return http.StatusInternalServerError
		}
		return http.StatusBadRequest
	}
	return e.Status
}

// NewError returns a sender fault with HTTP 400.
func NewError(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Status: http.StatusBadRequest}
}

// Errorf returns an error with the given status; a 5xx status makes it a
// receiver fault.
func Errorf(status int, code, format string, args ...any) *Error {
	f := Sender
	if status >= 500 {
		f = Receiver
	}
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Status: status, Fault: f}
}

// AsError finds the *Error in err's chain. Any other error becomes an
// InternalFailure (HTTP 500) whose message does not leak internals; the
// second result reports whether err was an AWS error already.
func AsError(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return &Error{Code: "InternalFailure", Message: "The request processing has failed because of an unknown error, exception or failure.", Status: http.StatusInternalServerError, Fault: Receiver}, false
}
