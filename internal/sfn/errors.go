package sfn

import (
	"fmt"
	"net/http"

	"github.com/shoal-dev/shoal/internal/dispatch"
)

// The error catalogue: one constructor per error code the Step Functions
// operations list in botocore's model (all HTTP 400 sender faults). Messages
// follow AWS's "<Title>: '<subject>'" wording.

func newErr(code, format string, args ...any) *dispatch.Error {
	return &dispatch.Error{Code: code, Message: fmt.Sprintf(format, args...), Status: http.StatusBadRequest}
}

func errValidation(format string, args ...any) *dispatch.Error {
	return newErr("ValidationException", format, args...)
}

func errInvalidArn(arn string) *dispatch.Error {
	return newErr("InvalidArn", "Invalid Arn: '%s'", arn)
}

func errInvalidDefinition(msg string) *dispatch.Error {
	return newErr("InvalidDefinition", "%s", msg)
}

func errInvalidName(name string) *dispatch.Error {
	return newErr("InvalidName", "Invalid Name: '%s'", name)
}

func errInvalidLoggingConfiguration(msg string) *dispatch.Error {
	return newErr("InvalidLoggingConfiguration", "%s", msg)
}

func errInvalidExecutionInput(msg string) *dispatch.Error {
	return newErr("InvalidExecutionInput", "Invalid State Machine Execution Input: '%s'", msg)
}

func errInvalidToken() *dispatch.Error {
	return newErr("InvalidToken", "Invalid Token: 'Invalid token'")
}

func errStateMachineAlreadyExists(arn string) *dispatch.Error {
	return newErr("StateMachineAlreadyExists", "State Machine Already Exists: '%s'", arn)
}

func errStateMachineDoesNotExist(arn string) *dispatch.Error {
	return newErr("StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'", arn)
}

func errStateMachineDeleting(arn string) *dispatch.Error {
	return newErr("StateMachineDeleting", "State Machine is being deleted: '%s'", arn)
}

func errStateMachineTypeNotSupported(msg string) *dispatch.Error {
	return newErr("StateMachineTypeNotSupported", "%s", msg)
}

func errExecutionAlreadyExists(arn string) *dispatch.Error {
	return newErr("ExecutionAlreadyExists", "Execution Already Exists: '%s'", arn)
}

func errExecutionDoesNotExist(arn string) *dispatch.Error {
	return newErr("ExecutionDoesNotExist", "Execution Does Not Exist: '%s'", arn)
}

func errMissingRequiredParameter() *dispatch.Error {
	return newErr("MissingRequiredParameter", "Either the definition, the role ARN, the LoggingConfiguration, the EncryptionConfiguration or the TracingConfiguration must be specified")
}

func errResourceNotFound(arn string) *dispatch.Error {
	e := newErr("ResourceNotFound", "Resource not found: '%s'", arn)
	e.Fields = map[string]any{"resourceName": arn}
	return e
}

func errTooManyTags(arn string) *dispatch.Error {
	e := newErr("TooManyTags", "Too many tags are associated with the resource: '%s'. The maximum is 50.", arn)
	e.Fields = map[string]any{"resourceName": arn}
	return e
}

// errConflict: a concurrent request changed the resource first.
func errConflict(arn string) *dispatch.Error {
	return newErr("ConflictException", "The resource '%s' was changed by a concurrent request; try again.", arn)
}

// errConflictMsg is ConflictException with a message of its own (an alias
// still routing to a version, a stale revisionId).
func errConflictMsg(msg string) *dispatch.Error {
	return newErr("ConflictException", "%s", msg)
}

func errServiceQuotaExceeded(msg string) *dispatch.Error {
	return newErr("ServiceQuotaExceededException", "%s", msg)
}

// errValidationReason is ValidationException with the model's reason member
// (ValidationExceptionReason: API_DOES_NOT_SUPPORT_LABELED_ARNS,
// MISSING_REQUIRED_PARAMETER, CANNOT_UPDATE_COMPLETED_MAP_RUN,
// INVALID_ROUTING_CONFIGURATION).
func errValidationReason(reason, msg string) *dispatch.Error {
	e := newErr("ValidationException", "%s", msg)
	e.Fields = map[string]any{"reason": reason}
	return e
}

// errInvalidArnContext: a well-formed ARN of a resource type the operation
// does not take (an Express execution ARN given to DescribeExecution), in
// AWS's words.
func errInvalidArnContext(kind string) *dispatch.Error {
	return newErr("InvalidArn", "Invalid Arn: 'Resource type not valid in this context: %s'", kind)
}

// errExecutionNotRedrivable carries AWS's redriveStatusReason as message.
func errExecutionNotRedrivable(reason string) *dispatch.Error {
	return newErr("ExecutionNotRedrivable", "%s", reason)
}
