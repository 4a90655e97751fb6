package pattern

import (
	"strconv"
	"strings"
)

// Error is an invalid event pattern or filter policy. EventBridge returns it
// as InvalidEventPatternException, SNS as InvalidParameter; Error renders the
// message each service sends.
type Error struct {
	// Reason is AWS's reason text, e.g. `"source" must be an object or an
	// array` or "Empty objects are not allowed" (the strings of aws/event-ruler,
	// the matcher EventBridge runs).
	Reason string

	// Line and Column locate the JSON token at which the problem was seen, as
	// the Jackson parser inside event-ruler reports it (1-based; 0 when the
	// reason carries no location, as CIDR errors do on AWS).
	Line, Column int

	source string // the pattern text, quoted in the location
	sns    bool   // render as an SNS FilterPolicy message
}

// Error returns the message AWS sends, e.g.
//
//	Event pattern is not valid. Reason: Empty objects are not allowed
//	 at [Source: (String)"{"detail": {}}"; line: 1, column: 14]
//
// or, for SNS filter policies, "Invalid parameter: FilterPolicy: <reason>".
func (e *Error) Error() string {
	if e.sns {
		return "Invalid parameter: FilterPolicy: " + e.Reason
	}
	var b strings.Builder
	b.WriteString("Event pattern is not valid. Reason: ")
	b.WriteString(e.Reason)
	if e.Line > 0 {
		// Jackson's JsonParseException.getMessage(): message, newline, location.
		b.WriteString("\n at [Source: (String)\"")
		src := e.source
		if n := len([]rune(src)); n > maxSourceQuote {
			src = string([]rune(src)[:maxSourceQuote])
			b.WriteString(src)
			b.WriteString("\"[truncated ")
			b.WriteString(strconv.Itoa(n - maxSourceQuote))
			b.WriteString(" chars]")
		} else {
			b.WriteString(src)
			b.WriteString("\"")
		}
		b.WriteString("; line: ")
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteString(", column: ")
		b.WriteString(strconv.Itoa(e.Column))
		b.WriteString("]")
	}
	return b.String()
}

// maxSourceQuote is how much of the document Jackson quotes in a location.
const maxSourceQuote = 500
