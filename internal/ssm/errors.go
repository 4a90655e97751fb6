package ssm

import (
	"fmt"
	"net/http"

	"github.com/shoal-dev/shoal/internal/dispatch"
)

// The error catalogue: one constructor per AWS error code the Parameter Store
// operations list in botocore's model (all of them HTTP 400 sender faults).
// Messages keep AWS's wording where it is known; elsewhere they say what to
// change.

func newErr(code, format string, args ...any) *dispatch.Error {
	return &dispatch.Error{Code: code, Message: fmt.Sprintf(format, args...), Status: http.StatusBadRequest}
}

func errValidation(format string, args ...any) *dispatch.Error {
	return newErr("ValidationException", format, args...)
}

// errConstraint is the registry's "1 validation error detected" message for
// constraints the aws struct tag cannot carry (patterns, list elements).
func errConstraint(value, path, constraint string) *dispatch.Error {
	return errValidation("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", value, path, constraint)
}

// errInvalidName is AWS's message for any malformed parameter name,
// including ones with spaces or characters outside a-zA-Z0-9_.-/.
func errInvalidName() *dispatch.Error {
	return errValidation(`Parameter name: can't be prefixed with "ssm" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_`)
}

func errReservedName() *dispatch.Error {
	return errValidation(`Parameter name: can't be prefixed with "aws" or "ssm" (case-insensitive).`)
}

func errNotFullyQualified() *dispatch.Error {
	return errValidation("Parameter name must be a fully qualified name.")
}

// errInvalidPath is AWS's message for a bad GetParametersByPath path or Path
// filter value.
func errInvalidPath() *dispatch.Error {
	return errValidation(`The parameter doesn't meet the parameter name requirements. The parameter name must begin with a forward slash "/". It can't be prefixed with "aws" or "ssm" (case-insensitive). It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). Special characters are not allowed. All sub-paths, if specified, must use the forward slash symbol "/". Valid example: /get/parameters2-/by1./path0_.`)
}

// errAccessDeniedReserved: AWS answers a write under /aws/ with
// AccessDeniedException rather than a validation error.
func errAccessDeniedReserved(name string) *dispatch.Error {
	return newErr("AccessDeniedException", "No access to reserved parameter name: %s.", name)
}

func errParameterNotFound(name string) *dispatch.Error {
	return newErr("ParameterNotFound", "Parameter %s not found.", name)
}

func errParameterAlreadyExists() *dispatch.Error {
	return newErr("ParameterAlreadyExists", "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.")
}

func errParameterVersionNotFound(name, version string) *dispatch.Error {
	return newErr("ParameterVersionNotFound", "Systems Manager could not find version %s of %s. Verify the version and try again.", version, name)
}

func errParameterMaxVersionLimitExceeded(name string, oldest int64) *dispatch.Error {
	return newErr("ParameterMaxVersionLimitExceeded", "You attempted to create a new version of %s by calling the PutParameter API with the overwrite flag. Version %d, the oldest version, can't be deleted because it has a label associated with it. Move the label to another version of the parameter, and try again.", name, oldest)
}

func errHierarchyLevelLimitExceeded(levels int) *dispatch.Error {
	return newErr("HierarchyLevelLimitExceededException", "A hierarchy can have a maximum of %d levels; this name has %d. Shorten the path and try again.", maxHierarchyLevels, levels)
}

func errParameterPatternMismatch(pattern string) *dispatch.Error {
	return newErr("ParameterPatternMismatchException", "Parameter value, cannot be validated against allowedPattern: %s", pattern)
}

func errInvalidAllowedPattern(err error) *dispatch.Error {
	return newErr("InvalidAllowedPatternException", "The request doesn't meet the regular expression requirement: %v", err)
}

func errInvalidKeyID(format string, args ...any) *dispatch.Error {
	return newErr("InvalidKeyId", format, args...)
}

func errInvalidFilterKey(format string, args ...any) *dispatch.Error {
	return newErr("InvalidFilterKey", format, args...)
}

func errInvalidFilterOption(option, valid string) *dispatch.Error {
	return newErr("InvalidFilterOption", "The following filter option is not valid: %s. Valid options include: [%s].", option, valid)
}

func errInvalidFilterValue(format string, args ...any) *dispatch.Error {
	return newErr("InvalidFilterValue", format, args...)
}

func errInvalidNextToken() *dispatch.Error {
	return newErr("InvalidNextToken", "The specified token isn't valid. Pass the NextToken of the previous response unchanged, or omit it to start over.")
}

func errInvalidResourceID(id string) *dispatch.Error {
	return newErr("InvalidResourceId", "The resource ID isn't valid. Verify that you entered the correct ID and try again. No parameter named %s exists.", id)
}

func errParameterVersionLabelLimitExceeded() *dispatch.Error {
	return newErr("ParameterVersionLabelLimitExceeded", "A parameter version can have maximum %d labels. Move one or more labels to another version and try again.", maxLabelsPerVersion)
}

func errTooManyTags(n int) *dispatch.Error {
	return newErr("TooManyTagsError", "A parameter can have at most %d tags; this request would leave it with %d. Remove one or more tags and try again.", maxTags, n)
}

func errTooManyUpdates() *dispatch.Error {
	return newErr("TooManyUpdates", "There are concurrent updates for a resource that supports one update at a time. Retry the request.")
}

func errPoliciesLimitExceeded(n int) *dispatch.Error {
	return newErr("PoliciesLimitExceededException", "You specified %d policies; the maximum is %d.", n, maxPolicies)
}

func errInvalidPolicyType(t string) *dispatch.Error {
	return newErr("InvalidPolicyTypeException", "The policy type %q isn't supported. Parameter Store supports the following policy types: Expiration, ExpirationNotification, and NoChangeNotification.", t)
}

func errInvalidPolicyAttribute(format string, args ...any) *dispatch.Error {
	return newErr("InvalidPolicyAttributeException", format, args...)
}

func errIncompatiblePolicy(t string) *dispatch.Error {
	return newErr("IncompatiblePolicyException", "There is a conflict in the policies specified for this parameter: more than one %s policy. Review your policies, and try again.", t)
}
