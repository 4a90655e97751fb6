package asl

import (
	"fmt"
	"sort"
	"strings"
)

// Severity is a diagnostic's severity as ValidateStateMachineDefinition
// reports it: an ERROR stops CreateStateMachine, a WARNING does not.
type Severity string

// The two severities AWS uses.
const (
	SeverityError   Severity = "ERROR"
	SeverityWarning Severity = "WARNING"
)

// Diagnostic codes, from the ValidateStateMachineDefinitionDiagnostic shape in
// the Step Functions API model, plus UNREACHABLE_STATE, which CreateStateMachine
// reports although the model's list omits it.
const (
	CodeInvalidJSON        = "INVALID_JSON_DESCRIPTION"
	CodeMissingDescription = "MISSING_DESCRIPTION"
	CodeSchema             = "SCHEMA_VALIDATION_FAILED"
	CodeInvalidResource    = "INVALID_RESOURCE"
	CodeMissingEndState    = "MISSING_END_STATE"
	CodeDuplicateStateName = "DUPLICATE_STATE_NAME"
	CodeInvalidStateName   = "INVALID_STATE_NAME"
	CodeMissingTarget      = "MISSING_TRANSITION_TARGET"
	CodeTooDeeplyNested    = "TOO_DEEPLY_NESTED"
	CodeUnreachableState   = "UNREACHABLE_STATE"
	CodeDuplicateLabel     = "DUPLICATE_LABEL_NAME"
	CodeInvalidLabel       = "INVALID_LABEL_NAME"
	CodeInvalidJSONata     = "INVALID_JSONATA_EXPRESSION"
	CodeNoDollar           = "NO_DOLLAR"
	CodeNoPath             = "NO_PATH"
	CodePassResultIsStatic = "PASS_RESULT_IS_STATIC"
)

// Diagnostic is one finding of validation, shaped like the API's
// ValidateStateMachineDefinitionDiagnostic.
type Diagnostic struct {
	Severity Severity
	Code     string
	Message  string
	Location string // JSON pointer into the definition, e.g. "/States/Wait/Next"; "" when none applies
}

func (d Diagnostic) String() string {
	if d.Location == "" {
		return d.Code + ": " + d.Message
	}
	return d.Code + ": " + d.Message + " at " + d.Location
}

// HasErrors reports whether any diagnostic is an ERROR, which is what makes
// ValidateStateMachineDefinition return result FAIL.
func HasErrors(diags []Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Result is ValidateStateMachineDefinition's result field: "OK" or "FAIL".
func Result(diags []Diagnostic) string {
	if HasErrors(diags) {
		return "FAIL"
	}
	return "OK"
}

// InvalidDefinitionMessage renders the ERROR diagnostics as the message of the
// InvalidDefinition error CreateStateMachine and UpdateStateMachine return,
// e.g. "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: The field
// "Foo" is not supported by Step Functions at /States/X'". Several errors are
// joined with ", " inside the quotes, as AWS does. It returns "" when there is
// no error.
func InvalidDefinitionMessage(diags []Diagnostic) string {
	var parts []string
	for _, d := range diags {
		if d.Severity == SeverityError {
			parts = append(parts, d.String())
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "Invalid State Machine Definition: '" + strings.Join(parts, ", ") + "'"
}

// diagnostics collects findings while a definition is compiled.
type diagnostics struct {
	list []Diagnostic
}

func (ds *diagnostics) errorf(code, loc, format string, args ...any) {
	ds.list = append(ds.list, Diagnostic{Severity: SeverityError, Code: code, Message: fmt.Sprintf(format, args...), Location: loc})
}

func (ds *diagnostics) warnf(code, loc, format string, args ...any) {
	ds.list = append(ds.list, Diagnostic{Severity: SeverityWarning, Code: code, Message: fmt.Sprintf(format, args...), Location: loc})
}

// schema reports the common SCHEMA_VALIDATION_FAILED finding.
func (ds *diagnostics) schema(loc, format string, args ...any) {
	ds.errorf(CodeSchema, loc, format, args...)
}

// sorted orders findings by location then code, so that a definition always
// yields the same list although Go maps have no order.
func (ds *diagnostics) sorted() []Diagnostic {
	sort.SliceStable(ds.list, func(i, j int) bool {
		a, b := ds.list[i], ds.list[j]
		if a.Severity != b.Severity {
			return a.Severity == SeverityError
		}
		if a.Location != b.Location {
			return a.Location < b.Location
		}
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		return a.Message < b.Message
	})
	return ds.list
}

// pointer appends a JSON-pointer token, escaping '~' and '/' as RFC 6901 asks.
func pointer(base string, token string) string {
	token = strings.ReplaceAll(token, "~", "~0")
	token = strings.ReplaceAll(token, "/", "~1")
	return base + "/" + token
}
