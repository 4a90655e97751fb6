package jsonpath

import (
	"errors"
	"fmt"
)

// ErrNullInput is returned when a path other than "$" is applied to a null
// document. AWS reports it as States.Runtime with the cause "Unable to apply
// Path transformation to null or empty input.".
var ErrNullInput = errors.New("unable to apply path transformation to null or empty input")

// SyntaxError reports a path that cannot be parsed.
type SyntaxError struct {
	Path   string // the text as written in the definition
	Offset int    // byte offset of the problem in Path
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSONPath %q at offset %d: %s", e.Path, e.Offset, e.Msg)
}

// NotFoundError reports a path that matched nothing. The caller adds the field
// name and input to build AWS's message, e.g. "The JSONPath '$.session_id'
// specified for the field 'Id.$' could not be found in the input '...'".
type NotFoundError struct {
	Path string // the path as written in the definition
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("the JSONPath '%s' could not be found in the input", e.Path)
}

// MatchFailureError is Set's failure: the reference path crosses a value that
// is not an object (or an array index that does not exist). AWS fails the
// state with States.ResultPathMatchFailure.
type MatchFailureError struct {
	Path   string // the reference path as written
	Reason string // what was found where an object or array element was needed
}

func (e *MatchFailureError) Error() string {
	return fmt.Sprintf("unable to apply ReferencePath %s to input: %s", e.Path, e.Reason)
}
