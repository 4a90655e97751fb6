package schedule

import (
	"errors"
	"testing"
)

// Expressions AWS rejects. The rate, at and first cron cases are AWS's own
// answers as recorded by LocalStack's AWS-validated tests
// (test_events_schedule.py, test_scheduler.snapshot.json); the rest follow
// the field table of "Cron expressions".
func TestParseInvalid(t *testing.T) {
	both := []string{
		"", "daily", "cron", "cron()", "rate()", "rate(10)", "at()",
		"cron(0 1 * * * *)", // day-of-month and day-of-week both set
		"cron(7 20 * * 1-7 *)",
		"cron(7 20 * * NOT *)", "cron(INVALID)", "cron(0 dummy ? * MON-FRI *)",
		"cron(71 8 1 * ? *)",
		"rate(10 seconds)", "rate(10 years)", "rate(10 minutess)", "rate(foo minutes)",
		"rate(-10 minutes)", "rate(+10 minutes)", "rate(1.5 hours)", "rate(0 minutes)",
		"rate( 10 minutes )", " rate(10 minutes)", "rate(10 minutes) ", "rate(10  minutes)",
		"rate(99999999999999999999 minutes)", "rate(9223372036854775807 days)",
		"Rate(5 minutes)", "rate(5 minutes", "rate 5 minutes",
		"cron( 0 10 * * ? *)", "cron(0 10 * * ? * )",
		"cron(0 10 ? * ? *)", // both ?
		"cron(0 0 L * 2 *)",  // both set
		"cron(? 10 * * ? *)", // ? outside the day fields
		"cron(0 ? * * ? *)",
		"cron(0 10 * ? ? *)",
		"cron(0 10 * * ? ?)",
		"cron(60 10 * * ? *)", "cron(0 24 * * ? *)", "cron(0 0 0 * ? *)", "cron(0 0 32 * ? *)",
		"cron(0 0 1 0 ? *)", "cron(0 0 1 13 ? *)", "cron(0 0 ? * 0 *)", "cron(0 0 ? * 8 *)",
		"cron(0 0 1 * ? 1969)", "cron(0 0 1 * ? 2200)", "cron(0 0 1 * ? 2030-2020)",
		"cron(0/0 * * * ? *)", "cron(0/60 * * * ? *)", "cron(*/ * * * ? *)", "cron(/5 * * * ? *)",
		"cron(1,,2 * * * ? *)", "cron(1- * * * ? *)", "cron(-1 * * * ? *)", "cron(1-2-3 * * * ? *)",
		"cron(0 0 ? * 3#1,6#3 *)", // one # expression only
		"cron(0 0 ? * 2#6 *)", "cron(0 0 ? * 2#0 *)", "cron(0 0 ? * 8#1 *)", "cron(0 0 ? * #1 *)",
		"cron(0 0 ? * 1/2 *)", // no "/" in day-of-week
		"cron(0 0 ? * 2L,3 *)", "cron(0 0 ? * LL *)", "cron(0 0 ? * W *)",
		"cron(0 0 W * ? *)", "cron(0 0 0W * ? *)", "cron(0 0 32W * ? *)", "cron(0 0 1W,15 * ? *)",
		"cron(0 0 1,15W * ? *)", "cron(0 0 L-31 * ? *)", "cron(0 0 L-x * ? *)", "cron(0 0 L,1 * ? *)",
		"cron(0 0 1 L ? *)", "cron(L 0 1 * ? *)", "cron(0 0 # * ? *)",
		"cron(0 0 1 * ? * *)", "cron(0 0 1 * ? * * *)", "cron(0 0 1)",
		"cron(0 10 * * ? *)x", "cron(0 10 * * ? *", "cron 0 10 * * ? *",
		"at(2021-12-31T23:59:59Z)", "at(2021-12-31)",
	}
	for _, expr := range both {
		_, err := ParseRule(expr)
		checkInvalid(t, "ParseRule", expr, err)
		_, err = Parse(expr)
		checkInvalid(t, "Parse", expr, err)
	}

	ruleOnly := []string{
		// PutRule's singular-with-1, plural-otherwise rule, and lower case.
		"rate(1 minutes)", "rate(1 hours)", "rate(1 days)",
		"rate(10 minute)", "rate(10 hour)", "rate(10 day)", "rate(10 MINUTES)",
		// Six required fields; no at().
		"cron(0 10 * * ?)", "at(2022-12-31T23:59:59)",
	}
	for _, expr := range ruleOnly {
		_, err := ParseRule(expr)
		checkInvalid(t, "ParseRule", expr, err)
		if _, err := Parse(expr); err != nil {
			t.Errorf("Parse(%q) = %v; Scheduler accepts it", expr, err)
		}
	}

	schedulerInvalid := []string{
		"at(2022-02-29T00:00:00)", "at(2022-13-01T00:00:00)", "at(2022-12-31T24:00:00)",
		"at(2022-12-31T23:60:00)", "at(2022-12-31T23:59:60)", "at(2022-12-31T23:59:59.5)",
		"at(2022-12-31 23:59:59)", "at(22-12-31T23:59:59)", "at( 2022-12-31T23:59:59)",
		"at(2022-1-31T23:59:59)", "at(+022-12-31T23:59:59)",
	}
	for _, expr := range schedulerInvalid {
		_, err := Parse(expr)
		checkInvalid(t, "Parse", expr, err)
	}
}

func checkInvalid(t *testing.T, fn, expr string, err error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Errorf("%s(%q) = %v; want *Error", fn, expr, err)
		return
	}
	if e.Expr != expr || e.Reason == "" {
		t.Errorf("%s(%q): Error{%q, %q}", fn, expr, e.Expr, e.Reason)
	}
}

func TestParseValid(t *testing.T) {
	for _, expr := range []string{
		"rate(1 minute)", "rate(5 minutes)", "rate(1 hour)", "rate(12 hours)", "rate(1 day)", "rate(7 days)",
		"rate(05 minutes)", "cron(0  10 * * ? *)", "cron(0 10 * * ? *)", "cron(0 10 * * ? 2199)",
		"cron(0 0 ? * mon-fri *)", "cron(0 0 1 jan,jul ? *)", "cron(0 0 lw * ? *)", "cron(0 0 ? * 5l *)",
		"cron(0 0 L-0 * ? *)", "cron(0 0 L-30 * ? *)", "cron(0 0 ? * 7#5 *)", "cron(0 0 ? * SUN-SAT *)",
		"cron(0/59 0/23 1/31 1/12 ? 1970/229)", "cron(0 0 * * ? 1970-2199)", "cron(0 0 ? * FRI-MON *)",
		"cron(*/5 * * * ? *)", "cron(0,30 */2 * * ? *)", "cron(0 0 30 2 ? *)",
	} {
		if _, err := ParseRule(expr); err != nil {
			t.Errorf("ParseRule(%q): %v", expr, err)
		}
		if _, err := Parse(expr); err != nil {
			t.Errorf("Parse(%q): %v", expr, err)
		}
	}
	// Past one-time schedules are valid: AWS accepted at(2022-12-31T23:59:59)
	// in 2025.
	for _, expr := range []string{"at(2022-12-31T23:59:59)", "at(2024-02-29T00:00:00)", "at(2022-11-20T13:00:00)"} {
		if _, err := Parse(expr); err != nil {
			t.Errorf("Parse(%q): %v", expr, err)
		}
	}
}

func TestErrorMessages(t *testing.T) {
	_, err := ParseRule("rate(3 minute)")
	var e *Error
	if !errors.As(err, &e) {
		t.Fatal(err)
	}
	if got := e.RuleMessage(); got != "Parameter ScheduleExpression is not valid." {
		t.Errorf("RuleMessage = %q", got)
	}
	_, err = Parse(" rate(10 minutes)")
	if !errors.As(err, &e) {
		t.Fatal(err)
	}
	if got := e.SchedulerMessage(); got != "Invalid Schedule Expression  rate(10 minutes)." {
		t.Errorf("SchedulerMessage = %q", got)
	}
	if got := err.Error(); got != `invalid schedule expression " rate(10 minutes)": want at(...), rate(...) or cron(...)` {
		t.Errorf("Error() = %q", got)
	}
}

func TestString(t *testing.T) {
	for _, expr := range []string{"cron(0 0 ? * mon-fri *)", "rate(5 minutes)", "at(2022-11-20T13:00:00)"} {
		e, err := Parse(expr)
		if err != nil {
			t.Fatal(err)
		}
		if e.String() != expr {
			t.Errorf("String() = %q, want %q", e.String(), expr)
		}
	}
}
