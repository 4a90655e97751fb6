package asl

import "strings"

// The predefined error names of the Amazon States Language ("Handling errors
// in Step Functions workflows").
const (
	ErrAll                    = "States.ALL"
	ErrDataLimitExceeded      = "States.DataLimitExceeded"
	ErrExceedToleratedFailure = "States.ExceedToleratedFailureThreshold"
	ErrHeartbeatTimeout       = "States.HeartbeatTimeout"
	ErrIntrinsicFailure       = "States.IntrinsicFailure"
	ErrItemReaderFailed       = "States.ItemReaderFailed"
	ErrNoChoiceMatched        = "States.NoChoiceMatched"
	ErrParameterPathFailure   = "States.ParameterPathFailure"
	ErrPermissions            = "States.Permissions"
	ErrQueryEvaluationError   = "States.QueryEvaluationError"
	ErrResultPathMatchFailure = "States.ResultPathMatchFailure"
	ErrResultWriterFailed     = "States.ResultWriterFailed"
	ErrRuntime                = "States.Runtime"
	ErrTaskFailed             = "States.TaskFailed"
	ErrTimeout                = "States.Timeout"
	ErrBranchFailed           = "States.BranchFailed"
	ErrHTTPSocket             = "States.Http.Socket"
)

// predefinedErrors are the States.* names a Retrier or Catcher may list.
// Any other name starting with "States." is rejected by validation.
var predefinedErrors = map[string]bool{
	ErrAll: true, ErrDataLimitExceeded: true, ErrExceedToleratedFailure: true,
	ErrHeartbeatTimeout: true, ErrIntrinsicFailure: true, ErrItemReaderFailed: true,
	ErrNoChoiceMatched: true, ErrParameterPathFailure: true, ErrPermissions: true,
	ErrQueryEvaluationError: true, ErrResultPathMatchFailure: true,
	ErrResultWriterFailed: true, ErrRuntime: true, ErrTaskFailed: true,
	ErrTimeout: true, ErrBranchFailed: true, ErrHTTPSocket: true,
}

// httpStatusPrefix names the HTTP Task's failures by the answer's status
// code: States.Http.StatusCode.404, which Retriers and Catchers may list.
const httpStatusPrefix = "States.Http.StatusCode."

// predefinedError reports a States.* name a Retrier or Catcher may list.
func predefinedError(name string) bool {
	if code, ok := strings.CutPrefix(name, httpStatusPrefix); ok {
		return len(code) == 3 && strings.Trim(code, "0123456789") == ""
	}
	return predefinedErrors[name]
}

// Failure is an error a state raised: a task's failure the engine reports,
// or one this package detects (States.Runtime, States.NoChoiceMatched, ...).
// It is also the error output a Catcher passes on: {"Error": ..., "Cause": ...}.
type Failure struct {
	Error string
	Cause string
}

// Output is the error output AWS hands to a Catcher.
// A failure without a cause has no "Cause" member.
func (f Failure) Output() map[string]any {
	if f.Cause == "" {
		return map[string]any{"Error": f.Error}
	}
	return map[string]any{"Error": f.Error, "Cause": f.Cause}
}

// terminal reports errors no Retrier or Catcher takes, even one that names
// them: the guide says "A States.Runtime error isn't retriable, and will
// always cause the execution to fail".
func terminal(name string) bool { return name == ErrRuntime }

// matches reports whether an ErrorEquals entry matches an error name.
//
// States.ALL matches every error except States.DataLimitExceeded and
// States.Runtime (the guide: it "can't catch the States.DataLimitExceeded
// terminal error or Runtime error types"). States.TaskFailed matches any
// error except States.Timeout, as the guide describes it, and likewise not
// the two that States.ALL cannot catch.
func matches(pattern, name string) bool {
	switch pattern {
	case name:
		return true
	case ErrAll:
		return name != ErrDataLimitExceeded && name != ErrRuntime
	case ErrTaskFailed:
		return name != ErrTimeout && name != ErrDataLimitExceeded && name != ErrRuntime &&
			name != ErrHeartbeatTimeout
	}
	return false
}

// statesPrefixed reports a name in the reserved States. namespace.
func statesPrefixed(s string) bool { return strings.HasPrefix(s, "States.") }
