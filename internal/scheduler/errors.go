package scheduler

import (
	"net/http"

	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/schedule"
)

// The error catalogue: one constructor per error code the Scheduler
// operations list in botocore's model, with the model's HTTP statuses
// (ValidationException 400, ResourceNotFoundException 404,
// ConflictException 409, ServiceQuotaExceededException 402,
// ThrottlingException 429, InternalServerException 500). Every error shape
// has a required Message. AWS's wording is kept where it is known
// (schedule expressions, from AWS snapshots in LocalStack's tests; not
// found and conflict, as moto mirrors them); elsewhere the message says
// what to change.

func newErr(status int, code, format string, args ...any) *dispatch.Error {
	return dispatch.Errorf(status, code, format, args...)
}

func errValidation(format string, args ...any) *dispatch.Error {
	return newErr(http.StatusBadRequest, "ValidationException", format, args...)
}

// errConstraint is the registry's "1 validation error detected" message
// for constraints the aws struct tag cannot carry (patterns).
func errConstraint(value, path, constraint string) *dispatch.Error {
	return errValidation("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", value, path, constraint)
}

func errExpression(e *schedule.Error) *dispatch.Error {
	return errValidation("%s", e.SchedulerMessage())
}

func errScheduleNotFound(name string) *dispatch.Error {
	return newErr(http.StatusNotFound, "ResourceNotFoundException", "Schedule %s does not exist.", name)
}

func errGroupNotFound(name string) *dispatch.Error {
	return newErr(http.StatusNotFound, "ResourceNotFoundException", "Schedule group %s does not exist.", name)
}

func errScheduleExists(name string) *dispatch.Error {
	return newErr(http.StatusConflict, "ConflictException", "Schedule %s already exists.", name)
}

func errGroupExists(name string) *dispatch.Error {
	return newErr(http.StatusConflict, "ConflictException", "Schedule group %s already exists.", name)
}

// errConflict is a write that lost a race with another writer of the same
// schedule; retrying the request is safe.
func errConflict(what string) *dispatch.Error {
	return newErr(http.StatusConflict, "ConflictException", "%s was modified by a concurrent request. Retry the request.", what)
}

func errInvalidNextToken() *dispatch.Error {
	return errValidation("The NextToken is not valid. Pass the NextToken of the previous response unchanged, or omit it to start over.")
}

func errQuota(format string, args ...any) *dispatch.Error {
	return newErr(http.StatusPaymentRequired, "ServiceQuotaExceededException", format, args...)
}
