package scheduler

import (
	"errors"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/shoal-dev/shoal/internal/schedule"
)

// Patterns of botocore's model that the aws struct tag cannot carry. The
// model writes them for Java's regex engine; these are the same languages
// in RE2.
var (
	namePattern     = regexp.MustCompile(`^[0-9a-zA-Z\-_.]+$`)
	tokenPattern    = regexp.MustCompile(`^[a-zA-Z0-9\-_]+$`)
	roleARNPattern  = regexp.MustCompile(`^arn:aws(-[a-z]+)?:iam::\d{12}:role/[\w+=,.@/-]+$`)
	dlqARNPattern   = regexp.MustCompile(`^arn:aws(-[a-z]+)?:sqs:[a-z0-9\-]+:\d{12}:[a-zA-Z0-9\-_]+$`)
	kmsARNPattern   = regexp.MustCompile(`^arn:aws(-[a-z]+)?:kms:[a-z0-9\-]+:\d{12}:(key|alias)/[0-9a-zA-Z-_]*$`)
	groupARNPattern = regexp.MustCompile(`^arn:aws(-[a-z]+)?:scheduler:[a-z0-9\-]+:\d{12}:schedule-group/[0-9a-zA-Z\-_.]+$`)
)

const (
	namePatternText     = `^[0-9a-zA-Z-_.]+$`
	tokenPatternText    = `^[a-zA-Z0-9-_]+$`
	roleARNPatternText  = `^arn:aws(-[a-z]+)?:iam::\d{12}:role\/[\w+=,.@\/-]+$`
	dlqARNPatternText   = `^arn:aws(-[a-z]+)?:sqs:[a-z0-9\-]+:\d{12}:[a-zA-Z0-9\-_]+$`
	kmsARNPatternText   = `^arn:aws(-[a-z]+)?:kms:[a-z0-9\-]+:\d{12}:(key|alias)\/[0-9a-zA-Z-_]*$`
	groupARNPatternText = `^arn:aws(-[a-z]+)?:scheduler:[a-z0-9\-]+:\d{12}:schedule-group\/[0-9a-zA-Z-_.]+$`
)

func checkPattern(re *regexp.Regexp, text, value, path string) error {
	if value == "" || re.MatchString(value) {
		return nil
	}
	return errConstraint(value, path, "Member must satisfy regular expression pattern: "+text)
}

func checkName(value, path string) error {
	return checkPattern(namePattern, namePatternText, value, path)
}

// startDateSlack is how far in the past a recurring schedule's StartDate
// may lie: AWS answers "The StartDate you specify cannot be earlier than 5
// minutes ago." (moto copies the message from AWS).
const startDateSlack = 5 * time.Minute

// checkSchedule validates what the model's constraints cannot say about a
// CreateSchedule or UpdateSchedule request, and returns the parsed
// expression. now is the request's time.
func (s *Service) checkSchedule(in *CreateScheduleInput, now time.Time) (schedule.Expression, *time.Location, error) {
	if err := checkName(in.Name, "name"); err != nil {
		return nil, nil, err
	}
	if err := checkName(in.GroupName, "groupName"); err != nil {
		return nil, nil, err
	}
	if err := checkPattern(tokenPattern, tokenPatternText, in.ClientToken, "clientToken"); err != nil {
		return nil, nil, err
	}
	if err := checkPattern(kmsARNPattern, kmsARNPatternText, in.KmsKeyArn, "kmsKeyArn"); err != nil {
		return nil, nil, err
	}
	if err := checkPattern(roleARNPattern, roleARNPatternText, in.Target.RoleArn, "target.roleArn"); err != nil {
		return nil, nil, err
	}
	if dl := in.Target.DeadLetterConfig; dl != nil {
		if err := checkPattern(dlqARNPattern, dlqARNPatternText, dl.Arn, "target.deadLetterConfig.arn"); err != nil {
			return nil, nil, err
		}
	}
	expr, err := schedule.Parse(in.ScheduleExpression)
	if err != nil {
		var se *schedule.Error
		if errors.As(err, &se) {
			return nil, nil, errExpression(se)
		}
		return nil, nil, errValidation("Invalid Schedule Expression %s.", in.ScheduleExpression)
	}
	loc, err := s.location(in.ScheduleExpressionTimezone)
	if err != nil {
		return nil, nil, err
	}
	if err := checkWindow(in.FlexibleTimeWindow); err != nil {
		return nil, nil, err
	}
	// StartDate and EndDate bound recurring schedules only; a one-time
	// schedule ignores both ("EventBridge Scheduler ignores StartDate for
	// one-time schedules").
	if _, oneTime := expr.(schedule.At); !oneTime {
		if in.StartDate != nil && in.StartDate.Before(now.Add(-startDateSlack)) {
			return nil, nil, errValidation("The StartDate you specify cannot be earlier than 5 minutes ago.")
		}
		if in.EndDate != nil {
			// AWS's wording for these two is not known; the messages say
			// what to change.
			if !in.EndDate.After(now) {
				return nil, nil, errValidation("The EndDate you specify cannot be earlier than the current time.")
			}
			if in.StartDate != nil && !in.EndDate.After(*in.StartDate) {
				return nil, nil, errValidation("The EndDate you specify must be after the StartDate.")
			}
		}
	}
	if err := checkTarget(in.Target); err != nil {
		return nil, nil, err
	}
	return expr, loc, nil
}

// checkWindow: a FLEXIBLE window needs its size and an OFF one must not
// have one.
func checkWindow(w *FlexibleTimeWindow) error {
	switch {
	case w.Mode == ModeFlexible && w.MaximumWindowInMinutes == nil:
		return errValidation("MaximumWindowInMinutes is required when FlexibleTimeWindow Mode is FLEXIBLE.")
	case w.Mode == ModeOff && w.MaximumWindowInMinutes != nil:
		return errValidation("MaximumWindowInMinutes must not be set when FlexibleTimeWindow Mode is OFF.")
	}
	return nil
}

// checkTarget checks the target's form; whether shoal has the target's
// service is found out when the schedule fires, as AWS finds out about a
// missing resource only then.
func checkTarget(t *Target) error {
	if !strings.HasPrefix(t.Arn, "arn:") || strings.Count(t.Arn, ":") < 5 {
		return errValidation("Invalid target ARN %s: a target is a resource ARN or arn:aws:scheduler:::aws-sdk:<service>:<apiAction>.", t.Arn)
	}
	tk, err := parseTarget(t.Arn)
	if err != nil {
		return err
	}
	switch tk.kind {
	case targetUniversal:
		// The Input of a universal target is the API's request parameters.
		if t.Input != nil && !isJSONObject(*t.Input) {
			return errValidation("The Input of a universal target (%s) must be a JSON object of the %s:%s request parameters.", t.Arn, tk.sdkService, tk.action)
		}
	case targetEvents:
		if t.EventBridgeParameters == nil {
			return errValidation("EventBridgeParameters (DetailType and Source) are required for the EventBridge target %s.", t.Arn)
		}
	}
	return nil
}

// locations caches time zones: time.LoadLocation reads the zone database
// from disk on every call, and firing resolves a zone every time.
type locations struct{ m sync.Map } // name → *time.Location

// location resolves a ScheduleExpressionTimezone ("" is UTC). "Local" is
// Go's, not IANA's, so it is refused with the names LoadLocation refuses.
func (s *Service) location(name string) (*time.Location, error) {
	if name == "" || name == DefaultTZ {
		return time.UTC, nil
	}
	if l, ok := s.locs.m.Load(name); ok {
		return l.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "Local" {
		// AWS's wording is not known; the message names the member.
		return nil, errValidation("Invalid ScheduleExpressionTimezone %s: use an IANA time zone name such as Europe/London or America/New_York.", name)
	}
	s.locs.m.Store(name, loc)
	return loc, nil
}
