package asl

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

const glueDefinition = `{"StartAt":"Wait","States":{"Wait":{"Type":"Wait","Seconds":30,"Next":"StopGlueSession"},"StopGlueSession":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:glue:stopSession","Parameters":{"Id.$":"$.session_id"},"Next":"SNS Publish","Retry":[{"ErrorEquals":["States.ALL"],"IntervalSeconds":10,"MaxAttempts":3}]},"SNS Publish":{"Type":"Task","Resource":"arn:aws:states:::sns:publish","Parameters":{"TopicArn":"arn:aws:sns:eu-west-1:[REDACTED]:success-stepfunction","Message.$":"States.Format('Hi! AWS Step Functions has stopped this Glue session for you: {}', $)"},"End":true}},"Comment":"When given a Glue SessionID start a wait, stop the session and send an SNS message."}`

// The seed's verbatim cause, with the event id the engine passes in.
func TestSeedParameterPathCause(t *testing.T) {
	m := MustCompile(glueDefinition)
	env := &Env{Vars: NewVars(nil), EnteredEventID: 4}
	d, err := m.Enter("StopGlueSession", map[string]any{"sessionId": ""}, env)
	if err != nil {
		t.Fatal(err)
	}
	f, ok := d.(*Fail)
	if !ok {
		t.Fatalf("got %T, want *Fail (States.Runtime is not retried by States.ALL)", d)
	}
	want := "An error occurred while executing the state 'StopGlueSession' (entered at the event id #4). The JSONPath '$.session_id' specified for the field 'Id.$' could not be found in the input '{\n  \"sessionId\": \"\"\n}'"
	if f.Error != ErrRuntime || f.Cause != want {
		t.Fatalf("got %s %q", f.Error, f.Cause)
	}
}

func TestSeedFormatMessage(t *testing.T) {
	m := MustCompile(glueDefinition)
	d, _ := m.Enter("SNS Publish", map[string]any{"Id": "glue-studio-datapreview-3f905608-50f1-4b9e-80e2-f4071feb2282"}, &Env{})
	got := d.(*RunTask).Parameters.(map[string]any)["Message"]
	if got != "Hi! AWS Step Functions has stopped this Glue session for you: {Id=glue-studio-datapreview-3f905608-50f1-4b9e-80e2-f4071feb2282}" {
		t.Fatalf("got %q", got)
	}
}

func TestValidation(t *testing.T) {
	tests := []struct {
		name, def, code, loc, msg string
	}{
		{"unknown field", `{"StartAt":"X","States":{"X":{"Type":"Pass","End":true,"Foo":1}}}`, CodeSchema, "/States/X", `The field "Foo" is not supported by Step Functions`},
		{"missing next target", `{"StartAt":"X","States":{"X":{"Type":"Pass","Next":"Y"}}}`, CodeMissingTarget, "/States/X/Next", "Missing 'Next' target: Y"},
		{"missing next or end", `{"StartAt":"X","States":{"X":{"Type":"Pass"}}}`, CodeSchema, "/States/X", "Next"},
		{"unreachable", `{"StartAt":"X","States":{"X":{"Type":"Succeed"},"Y":{"Type":"Succeed"}}}`, CodeUnreachableState, "/States/Y", `State "Y" is not reachable.`},
		{"bad path", `{"StartAt":"X","States":{"X":{"Type":"Pass","InputPath":"foo","End":true}}}`, CodeSchema, "/States/X/InputPath", "valid JSONPath"},
		{"bad intrinsic", `{"StartAt":"X","States":{"X":{"Type":"Pass","Parameters":{"a.$":"States.Nope(1)"},"End":true}}}`, CodeSchema, "/States/X/Parameters/a.$", "valid intrinsic function call"},
		{"states.all not last", `{"StartAt":"X","States":{"X":{"Type":"Task","Resource":"arn:aws:lambda:x","Retry":[{"ErrorEquals":["States.ALL"]},{"ErrorEquals":["E"]}],"End":true}}}`, CodeSchema, "/States/X/Retry/0/ErrorEquals", "last"},
		{"reserved error name", `{"StartAt":"X","States":{"X":{"Type":"Task","Resource":"arn:aws:lambda:x","Retry":[{"ErrorEquals":["States.Foo"]}],"End":true}}}`, CodeSchema, "/States/X/Retry/0/ErrorEquals/0", "reserved"},
		{"bad HTTP status error name", `{"StartAt":"X","States":{"X":{"Type":"Task","Resource":"arn:aws:lambda:x","Retry":[{"ErrorEquals":["States.Http.StatusCode.4044"]}],"End":true}}}`, CodeSchema, "/States/X/Retry/0/ErrorEquals/0", "reserved"},
		{"jsonata field in jsonpath", `{"StartAt":"X","States":{"X":{"Type":"Pass","Output":{},"End":true}}}`, CodeSchema, "/States/X", "Output"},
		{"bad variable", `{"StartAt":"X","States":{"X":{"Type":"Pass","Assign":{"1a":1},"End":true}}}`, CodeSchema, "/States/X/Assign/1a", "1a"},
		{"name length", `{"StartAt":"` + strings.Repeat("a", 81) + `","States":{"` + strings.Repeat("a", 81) + `":{"Type":"Succeed"}}}`, CodeInvalidStateName, "/States/" + strings.Repeat("a", 81), "80"},
		{"duplicate state", `{"StartAt":"X","States":{"X":{"Type":"Succeed"},"X":{"Type":"Succeed"}}}`, CodeDuplicateStateName, "/States/X", "X"},
		{"bad resource", `{"StartAt":"X","States":{"X":{"Type":"Task","Resource":"nope","End":true}}}`, CodeInvalidResource, "/States/X/Resource", "nope"},
		{"heartbeat >= timeout", `{"StartAt":"X","States":{"X":{"Type":"Task","Resource":"arn:x","TimeoutSeconds":5,"HeartbeatSeconds":5,"End":true}}}`, CodeSchema, "/States/X/HeartbeatSeconds", "smaller"},
		{"invalid json", `{`, CodeInvalidJSON, "", "Invalid JSON"},
		{"empty", ``, CodeMissingDescription, "", "empty"},
		{"bad jitter", `{"StartAt":"X","States":{"X":{"Type":"Task","Resource":"arn:x","Retry":[{"ErrorEquals":["E"],"JitterStrategy":"HALF"}],"End":true}}}`, CodeSchema, "/States/X/Retry/0/JitterStrategy", "FULL"},
		{"bad label", `{"StartAt":"M","States":{"M":{"Type":"Map","Label":"a b","ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Succeed"}}},"End":true}}}`, CodeInvalidLabel, "/States/M/Label", "a b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, diags := Compile([]byte(tt.def))
			if m != nil {
				t.Fatalf("compiled")
			}
			for _, d := range diags {
				if d.Code == tt.code && d.Location == tt.loc && strings.Contains(d.Message, tt.msg) {
					return
				}
			}
			t.Fatalf("no %s at %s containing %q in %v", tt.code, tt.loc, tt.msg, diags)
		})
	}
}

func TestRetryDelay(t *testing.T) {
	r := &retrier{intervalSeconds: 3, backoffRate: 2, maxDelaySeconds: 10}
	for i, want := range []time.Duration{3 * time.Second, 6 * time.Second, 10 * time.Second} {
		if got := r.delay(i, nil); got != want {
			t.Errorf("attempt %d: %v, want %v", i, got, want)
		}
	}
	r.fullJitter = true
	rnd := rand.New(rand.NewPCG(1, 1))
	for i := 0; i < 100; i++ {
		if d := r.delay(1, rnd); d < 0 || d > 6*time.Second {
			t.Fatalf("jitter out of range: %v", d)
		}
	}
}

func TestMaxAttemptsZero(t *testing.T) {
	m := MustCompile(`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:x","Retry":[{"ErrorEquals":["E"],"MaxAttempts":0}],"End":true}}}`)
	d, _ := m.TaskFailed("T", nil, Failure{Error: "E"}, &Env{})
	if _, ok := d.(*Fail); !ok {
		t.Fatalf("got %T, want *Fail", d)
	}
}

func TestErrorMatching(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{ErrAll, "Custom", true},
		{ErrAll, ErrTimeout, true},
		{ErrAll, ErrRuntime, false},
		{ErrAll, ErrDataLimitExceeded, false},
		{ErrTaskFailed, "Lambda.Unknown", true},
		{ErrTaskFailed, ErrTimeout, false},
		{ErrDataLimitExceeded, ErrDataLimitExceeded, true},
		{"A", "B", false},
	}
	for _, tt := range tests {
		if got := matches(tt.pattern, tt.name); got != tt.want {
			t.Errorf("matches(%s, %s) = %v", tt.pattern, tt.name, got)
		}
	}
}

func TestStringMatches(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"log-*.txt", "log-2024.txt", true},
		{"log-*.txt", "log-2024.csv", false},
		{"*", "", true},
		{`a\*b`, "a*b", true},
		{`a\*b`, "axb", false},
		{`a\\*`, `a\zz`, true},
		{"a?b", "a?b", true},
		{"*.log", "x.log.gz", false},
		{"*a", "ba", true},
		{"a*", "abc", true},
		{"a*b*c", "abxbc", true},
		{"a*b", "ab", true},
		{"a*b", "abab", true},
		{"a*b", "abac", false},
		{"*ab", "aab", true},
		{"x", "xy", false},
		{"", "", true},
		{"*x*", "yyy", false},
	}
	for _, tt := range tests {
		if got := matchPattern(compileMatch(tt.pattern), tt.s); got != tt.want {
			t.Errorf("%q ~ %q = %v", tt.pattern, tt.s, got)
		}
	}
}

func TestTimestamps(t *testing.T) {
	for s, ok := range map[string]bool{
		"2016-03-14T01:59:00Z":      true,
		"2016-03-14T01:59:00.123Z":  true,
		"2016-03-14T01:59:00+01:00": true,
		"2016-03-14t01:59:00Z":      false,
		"2016-03-14T01:59:00z":      false,
		"2016-03-14 01:59:00Z":      false,
		"2016-03-14":                false,
	} {
		if _, got := parseTimestamp(s); got != ok {
			t.Errorf("%s: %v", s, got)
		}
	}
}

func TestVariablesScope(t *testing.T) {
	top := NewVars(map[string]any{"a": "outer"})
	child := top.Child()
	child.Assign(map[string]any{"b": "inner"})
	if v, _ := child.Lookup("a"); v != "outer" {
		t.Fatal("child cannot read outer")
	}
	if _, ok := top.Lookup("b"); ok {
		t.Fatal("inner assignment leaked out")
	}
}

func TestAssignSizeLimit(t *testing.T) {
	big := strings.Repeat("x", MaxVariableSize)
	m := MustCompile(`{"StartAt":"P","States":{"P":{"Type":"Pass","Assign":{"v.$":"$.big"},"End":true}}}`)
	d, _ := m.Enter("P", map[string]any{"big": big}, &Env{})
	if f, ok := d.(*Fail); !ok || f.Error != ErrRuntime {
		t.Fatalf("got %#v", d)
	}
}

// The HTTP Task's failures are named by status code, and Retriers and
// Catchers may list them.
func TestHTTPStatusErrorNames(t *testing.T) {
	def := `{"StartAt":"X","States":{"X":{"Type":"Task","Resource":"arn:aws:states:::http:invoke","Retry":[{"ErrorEquals":["States.Http.StatusCode.429","States.Http.Socket"]}],
		"Catch":[{"ErrorEquals":["States.Http.StatusCode.404"],"Next":"Y"}],"End":true},"Y":{"Type":"Succeed"}}}`
	if m, diags := Compile([]byte(def)); m == nil {
		t.Fatal(diags)
	}
}
