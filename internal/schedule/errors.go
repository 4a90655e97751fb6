package schedule

import "fmt"

// Error reports a schedule expression AWS rejects. Reason says why, for logs
// and people; AWS's own messages never do, so callers answer with
// RuleMessage or SchedulerMessage.
type Error struct {
	// Expr is the expression exactly as given.
	Expr   string
	Reason string
}

func (e *Error) Error() string {
	return fmt.Sprintf("invalid schedule expression %q: %s", e.Expr, e.Reason)
}

// RuleMessage is the ValidationException message of PutRule, the same for
// every invalid expression (AWS-validated by LocalStack's
// test_put_rule_with_invalid_schedule_rate).
func (e *Error) RuleMessage() string { return "Parameter ScheduleExpression is not valid." }

// SchedulerMessage is the ValidationException message of CreateSchedule and
// UpdateSchedule: the expression verbatim, leading spaces included, then a
// full stop (AWS snapshots in LocalStack's test_scheduler.snapshot.json, for
// example "Invalid Schedule Expression rate(10 seconds).").
func (e *Error) SchedulerMessage() string {
	return "Invalid Schedule Expression " + e.Expr + "."
}
