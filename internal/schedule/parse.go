package schedule

import (
	"errors"
	"strings"
	"time"
)

// Expression is a parsed schedule expression: a Cron, a Rate or an At.
type Expression interface {
	// Next returns the first firing strictly after after, in loc (nil means
	// UTC), and false when there is none: an at() already past, or a cron
	// whose years are over.
	Next(after time.Time, loc *time.Location) (time.Time, bool)
	// String returns the expression as it was written.
	String() string
}

var (
	_ Expression = Cron{}
	_ Expression = Rate{}
	_ Expression = At{}
)

// dialect is the API whose grammar an expression is checked against. The
// two differ in small ways the docs and AWS's answers show: Scheduler alone
// has at(), lets cron omit the year, and is lenient about rate units.
type dialect int

const (
	scheduler dialect = iota
	rule
)

// Parse parses an EventBridge Scheduler ScheduleExpression, as
// CreateSchedule and UpdateSchedule validate it: at(), rate() or cron().
func Parse(expr string) (Expression, error) { return parse(expr, scheduler) }

// ParseRule parses the ScheduleExpression of an EventBridge rule, as
// PutRule validates it: rate() or cron(), never at().
func ParseRule(expr string) (Expression, error) { return parse(expr, rule) }

func parse(expr string, d dialect) (Expression, error) {
	e, err := parseBody(expr, d)
	if err != nil {
		return nil, &Error{Expr: expr, Reason: err.Error()}
	}
	return e, nil
}

func parseBody(expr string, d dialect) (Expression, error) {
	kind, body, ok := strings.Cut(expr, "(")
	if !ok || !strings.HasSuffix(body, ")") {
		return nil, errors.New("want at(...), rate(...) or cron(...)")
	}
	body = body[:len(body)-1]
	// AWS rejects " rate(10 minutes)" and "rate( 10 minutes )" (LocalStack's
	// AWS-validated cases), so no space is trimmed anywhere.
	switch kind {
	case "cron":
		return parseCron(expr, body, d)
	case "rate":
		return parseRate(expr, body, d)
	case "at":
		if d == rule {
			return nil, errors.New("at() is an EventBridge Scheduler expression, not a rule schedule")
		}
		return parseAt(expr, body)
	}
	return nil, errors.New("want at(...), rate(...) or cron(...)")
}
