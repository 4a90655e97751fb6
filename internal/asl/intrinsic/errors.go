package intrinsic

import "fmt"

// ErrorName is the ASL error a *Failure is reported as.
const ErrorName = "States.IntrinsicFailure"

// Failure is an intrinsic function failing at run time. The engine reports
// it with error ErrorName and Cause as the cause.
type Failure struct {
	Function string // e.g. "States.ArrayGetItem"
	Cause    string
}

func (f *Failure) Error() string { return f.Cause }

func failf(fn, format string, args ...any) error {
	return &Failure{Function: fn, Cause: fn + ": " + fmt.Sprintf(format, args...)}
}

// SyntaxError is an intrinsic call Step Functions would reject when the
// state machine is created or updated.
type SyntaxError struct {
	Expr   string
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid intrinsic function call %q at offset %d: %s", e.Expr, e.Offset, e.Msg)
}
