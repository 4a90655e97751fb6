package events

import (
	"fmt"
	"net/http"

	"github.com/shoal-dev/shoal/internal/dispatch"
)

// The error catalogue: one constructor per error code botocore's model
// lists for the operations shoal implements (all HTTP 400 sender faults
// except InternalException). Messages are AWS's where known.

func newErr(code, format string, args ...any) *dispatch.Error {
	return &dispatch.Error{Code: code, Message: fmt.Sprintf(format, args...), Status: http.StatusBadRequest}
}

func errValidation(format string, args ...any) *dispatch.Error {
	return newErr("ValidationException", format, args...)
}

// errConstraint is the registry's "1 validation error detected" message for
// constraints the aws struct tag cannot carry (member patterns).
func errConstraint(value, path, constraint string) *dispatch.Error {
	return errValidation("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", value, path, constraint)
}

func errInvalidEventPattern(msg string) *dispatch.Error {
	return newErr("InvalidEventPatternException", "%s", msg)
}

// errLimitExceeded is AWS's message for every EventBridge quota, e.g. a
// sixth target on a rule or a 301st rule on a bus.
func errLimitExceeded() *dispatch.Error {
	return newErr("LimitExceededException", "The requested resource exceeds the maximum number allowed.")
}

func errRuleNotFound(rule, bus string) *dispatch.Error {
	return newErr("ResourceNotFoundException", "Rule %s does not exist on EventBus %s.", rule, bus)
}

func errBusNotFound(bus string) *dispatch.Error {
	return newErr("ResourceNotFoundException", "Event bus %s does not exist.", bus)
}

func errResourceNotFound(arn string) *dispatch.Error {
	return newErr("ResourceNotFoundException", "Resource %s does not exist.", arn)
}

func errBusExists(bus string) *dispatch.Error {
	return newErr("ResourceAlreadyExistsException", "Event bus %s already exists.", bus)
}

func errConcurrentModification() *dispatch.Error {
	return newErr("ConcurrentModificationException", "Another request modified the resource at the same time; retry the request.")
}

func errManagedRule(rule string) *dispatch.Error {
	return newErr("ManagedRuleException", "Rule %s is managed by an AWS service; use Force to change it.", rule)
}

func errInternal(format string, args ...any) *dispatch.Error {
	return &dispatch.Error{Code: "InternalException", Message: fmt.Sprintf(format, args...), Status: http.StatusInternalServerError, Fault: dispatch.Receiver}
}

func errInvalidNextToken() *dispatch.Error {
	return errValidation("The NextToken provided is invalid.")
}

// errConnectionNotAuthorized: a delivery or an HTTP Task through a
// connection that is not AUTHORIZED (not an API error of the model: it
// names the failure of the invocation).
func errConnectionNotAuthorized(c *connectionRecord) *dispatch.Error {
	return dispatch.NewError("ConnectionNotAuthorized", "connection %s is %s: %s", c.Name, c.State, c.StateReason)
}

func errConnectionNotFound(name string) *dispatch.Error {
	return newErr("ResourceNotFoundException", "Connection '%s' does not exist.", name)
}

func errConnectionExists(name string) *dispatch.Error {
	return newErr("ResourceAlreadyExistsException", "Connection %s already exists.", name)
}

func errAPIDestinationNotFound(name string) *dispatch.Error {
	return newErr("ResourceNotFoundException", "Failed to describe the api-destination(s). An api-destination '%s' does not exist.", name)
}

func errAPIDestinationExists(name string) *dispatch.Error {
	return newErr("ResourceAlreadyExistsException", "An api-destination '%s' already exists.", name)
}
