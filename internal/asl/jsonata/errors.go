package jsonata

import (
	"errors"
	"fmt"
	"regexp"

	lib "github.com/blues/jsonata-go"
	"github.com/blues/jsonata-go/jparse"

	"github.com/shoal-dev/shoal/internal/asl/value"
)

// QueryEvaluationError is the error name AWS gives every JSONata evaluation
// failure; a Retry or Catch matches on it.
const QueryEvaluationError = "States.QueryEvaluationError"

// EvalError is a failed evaluation. Name is always QueryEvaluationError;
// Cause is the text AWS puts in the execution's failure cause (without the
// "An error occurred while executing the state ..." prefix, which the engine
// adds because only it knows the state and event id).
type EvalError struct {
	Expr  string // the expression, without {% %}
	Field string // the field path relative to the state, e.g. "Output/a[0]"; "" for a bare Expr
	Cause string
	err   error
}

// Name is the AWS error name.
func (e *EvalError) Name() string { return QueryEvaluationError }

func (e *EvalError) Error() string { return QueryEvaluationError + ": " + e.Cause }

func (e *EvalError) Unwrap() error { return e.err }

// sentence is the opening AWS uses for every evaluation failure.
func sentence(expr, field string) string {
	if field == "" {
		return fmt.Sprintf("The JSONata expression '%s'", expr)
	}
	return fmt.Sprintf("The JSONata expression '%s' specified for the field '%s'", expr, field)
}

// undefinedError is AWS's failure for an expression that yields nothing;
// JSON has no undefined, so AWS fails the state rather than drop the field.
func undefinedError(expr, field string) *EvalError {
	return &EvalError{Expr: expr, Field: field,
		Cause: sentence(expr, field) + " returned nothing (undefined)."}
}

// unsupportedError is AWS's failure for a result JSON cannot hold (a function).
func unsupportedError(expr, field string) *EvalError {
	return &EvalError{Expr: expr, Field: field,
		Cause: sentence(expr, field) + " returned an unsupported result type."}
}

// typeError is AWS's failure for a field that needs one type and got another,
// as AWS words it for Map's Items; the other typed fields use the same shape.
func typeError(expr, field, want string, got any) *EvalError {
	return &EvalError{Expr: expr, Field: field, Cause: fmt.Sprintf(
		"%s returned an unexpected result type. Expected '%s', but was '%s' for value: %s",
		sentence(expr, field), want, value.Kind(got), value.Show(got))}
}

// valueError is a failure for a value of the right type but out of range.
func valueError(expr, field, msg string, got any) *EvalError {
	return &EvalError{Expr: expr, Field: field, Cause: fmt.Sprintf(
		"%s returned an invalid value. %s, but was: %s", sentence(expr, field), msg, value.Show(got))}
}

// evalFailure wraps an error thrown during evaluation. AWS joins a coded
// JSONata error with ". " ("... threw an error during evaluation. T0410: ...")
// and an uncoded one with ": ".
func evalFailure(expr, field string, err error) *EvalError {
	msg := ": " + err.Error()
	var ce *codedError
	if errors.As(err, &ce) {
		msg = ". " + ce.Error()
	} else if c, m, ok := libErrorText(err); ok {
		msg = ". " + c + ": " + m
	}
	return &EvalError{Expr: expr, Field: field, err: err,
		Cause: sentence(expr, field) + " threw an error during evaluation" + msg}
}

// codedError is an error raised by this package's functions, carrying the
// JSONata error code jsonata-js (and so AWS) would report.
type codedError struct {
	Code string
	Msg  string
}

func (e *codedError) Error() string { return e.Code + ": " + e.Msg }

func coded(code, format string, args ...any) error {
	return &codedError{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// libErrorText renders the library's typed errors with jsonata-js's codes and
// wording, which is what AWS's causes carry.
func libErrorText(err error) (code, msg string, ok bool) {
	var ee *lib.EvalError
	if errors.As(err, &ee) {
		op := ee.Value
		switch ee.Type {
		case lib.ErrNonNumberLHS:
			return "T2001", fmt.Sprintf("The left side of the %q operator must evaluate to a number", op), true
		case lib.ErrNonNumberRHS:
			return "T2002", fmt.Sprintf("The right side of the %q operator must evaluate to a number", op), true
		case lib.ErrNonComparableLHS, lib.ErrNonComparableRHS:
			return "T2010", fmt.Sprintf("The expressions either side of operator %q must evaluate to numeric or string values", op), true
		case lib.ErrTypeMismatch:
			return "T2009", fmt.Sprintf("The values either side of operator %q must be of the same data type", op), true
		case lib.ErrNonCallable, lib.ErrNonCallableApply, lib.ErrNonCallablePartial:
			return "T1006", "Attempted to invoke a non-function", true
		case lib.ErrNumberInf, lib.ErrNumberNaN:
			return "D1001", "Number out of range", true
		case lib.ErrMaxRangeItems:
			return "D2014", "The size of the sequence allocated by the range operator (..) must not exceed 1e7", true
		case lib.ErrIllegalKey:
			return "T1003", "Key in object structure must evaluate to a string", true
		case lib.ErrDuplicateKey:
			return "D1009", fmt.Sprintf("Multiple key definitions evaluate to same key: %q", op), true
		}
		return "", "", false
	}
	if m := nonNumberArray.FindStringSubmatch(err.Error()); m != nil {
		return "T0412", fmt.Sprintf("Argument 1 of function %q must be an array of \"numbers\"", m[1]), true
	}
	var ae *lib.ArgTypeError
	if errors.As(err, &ae) {
		return "T0410", fmt.Sprintf("Argument %d of function %q does not match function signature", ae.Which, ae.Func), true
	}
	var ac *lib.ArgCountError
	if errors.As(err, &ac) {
		return "T0410", fmt.Sprintf("Argument %d of function %q does not match function signature", ac.Received, ac.Func), true
	}
	return "", "", false
}

// nonNumberArray matches the library's plain error for $sum(['a']) and kin.
var nonNumberArray = regexp.MustCompile(`^cannot call (\w+) on an array with non-number types$`)

// SyntaxError is a JSONata expression that does not parse. The definition
// validator reports it as AWS does: INVALID_JSONATA_EXPRESSION at the field.
type SyntaxError struct {
	Expr     string
	Field    string // field path relative to the state, "" for a bare expression
	Message  string // the parser's own message
	Position int    // byte offset in Expr, -1 if unknown
	err      error
}

func (e *SyntaxError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("invalid jsonata expression %q: %s", e.Expr, e.Message)
	}
	return fmt.Sprintf("invalid jsonata expression %q in field %s: %s", e.Expr, e.Field, e.Message)
}

func (e *SyntaxError) Unwrap() error { return e.err }

func syntaxError(expr, field string, err error) *SyntaxError {
	se := &SyntaxError{Expr: expr, Field: field, Message: err.Error(), Position: -1, err: err}
	var pe *jparse.Error
	if errors.As(err, &pe) {
		se.Position = pe.Position
	}
	return se
}
