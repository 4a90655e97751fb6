package events

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// guideEvent is the EC2 event of the user guide's "Input transformation
// examples".
const guideEvent = `{"version":"0","id":"7bf73129-1428-4cd3-a780-95db273d1602","detail-type":"EC2 Instance State-change Notification","source":"aws.ec2","account":"123456789012","time":"2015-11-11T21:29:54Z","region":"us-east-1","resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],"detail":{"instance-id":"i-0123456789","state":"RUNNING"}}`

// seedEvent is the seed's CreateSession record as it reaches the bus.
const seedEvent = `{"version":"0","id":"e","detail-type":"AWS API Call via CloudTrail","source":"aws.glue","account":"123456789012","time":"2024-06-11T12:23:04Z","region":"eu-west-1","resources":[],"detail":{"eventSource":"glue.amazonaws.com","eventName":"CreateSession","requestParameters":{"id":"glue-studio-datapreview-3f905608-50f1-4b9e-80e2-f4071feb2282","role":"arn:aws:iam::123456789012:role/service-role/AWSGlueServiceRole-wordpress_bronze","command":{"name":"glueetl","pythonVersion":"3"},"idleTimeout":30}}}`

func TestRenderGolden(t *testing.T) {
	guidePaths := map[string]string{"timestamp": "$.time", "instance": "$.detail.instance-id", "state": "$.detail.state"}
	tests := []struct {
		name     string
		event    string
		paths    map[string]string
		template string
		want     string
	}{
		{"seed", seedEvent, map[string]string{"id": "$.detail.requestParameters.id"}, `{"session_id": "<id>"}`,
			`{"session_id": "glue-studio-datapreview-3f905608-50f1-4b9e-80e2-f4071feb2282"}`},
		{"seed multi-line", seedEvent, map[string]string{"id": "$.detail.requestParameters.id"}, "{\n  \"session_id\": \"<id>\"\n}",
			"{\n  \"session_id\": \"glue-studio-datapreview-3f905608-50f1-4b9e-80e2-f4071feb2282\"\n}"},
		{"simple string", guideEvent, guidePaths, `"instance <instance> is in <state>"`, `"instance i-0123456789 is in RUNNING"`},
		{"string with escaped quotes", guideEvent, guidePaths, `"instance \"<instance>\" is in <state>"`, `"instance \"i-0123456789\" is in RUNNING"`},
		{"simple JSON", guideEvent, guidePaths, `{"instance" : <instance>, "state": <state>}`, `{"instance" : "i-0123456789", "state": "RUNNING"}`},
		{"JSON with strings and variables", guideEvent, guidePaths,
			`{"instance" : <instance>, "state": "<state>", "instanceStatus": "instance \"<instance>\" is in <state>"}`,
			`{"instance" : "i-0123456789", "state": "RUNNING", "instanceStatus": "instance \"i-0123456789\" is in RUNNING"}`},
		{"JSON with a mix of variables and static information", guideEvent, guidePaths,
			`{"instance" : <instance>, "state": [ 9, <state>, true ], "Transformed" : "Yes"}`,
			`{"instance" : "i-0123456789", "state": [ 9, "RUNNING", true ], "Transformed" : "Yes"}`},
		{"reserved variables in JSON", guideEvent, guidePaths,
			`{"ruleArn" : <aws.events.rule-arn>, "ruleName" : <aws.events.rule-name>, "originalEvent" : <aws.events.event>}`,
			`{"ruleArn" : "arn:aws:events:us-east-2:123456789012:rule/example", "ruleName" : "example", "originalEvent" : {"account":"123456789012","detail-type":"EC2 Instance State-change Notification","id":"7bf73129-1428-4cd3-a780-95db273d1602","region":"us-east-1","resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],"source":"aws.ec2","time":"2015-11-11T21:29:54Z","version":"0"}}`},
		{"reserved variables in a string", guideEvent, guidePaths, `"<aws.events.rule-name> triggered"`, `"example triggered"`},
		{"whole event", guideEvent, nil, `{"e": <aws.events.event.json>, "at": "<aws.events.event.ingestion-time>"}`,
			`{"e": ` + guideEvent + `, "at": "2015-11-11T21:29:55Z"}`},
		{"API reference plain text", guideEvent, guidePaths, `<instance> is in state <state>`, `i-0123456789 is in state RUNNING`},
		{"object inside a string is escaped", guideEvent, map[string]string{"d": "$.detail"}, `"detail: <d>"`,
			`"detail: {\"instance-id\":\"i-0123456789\",\"state\":\"RUNNING\"}"`},
		{"numbers stay numbers", `{"detail":{"n":3.50,"b":false,"z":null}}`, map[string]string{"n": "$.detail.n", "b": "$.detail.b", "z": "$.detail.z"},
			`{"n": <n>, "b": <b>, "z": <z>, "s": "<n>"}`, `{"n": 3.50, "b": false, "z": null, "s": "3.50"}`},
		{"missing path", guideEvent, map[string]string{"x": "$.detail.nope"}, `{"a": <x>, "b": "[<x>]"}`, `{"a": null, "b": "[]"}`},
		{"quotes in a value are escaped", `{"detail":{"q":"say \"hi\"\\"}}`, map[string]string{"q": "$.detail.q"}, `{"a": <q>, "b": "<q>"}`,
			`{"a": "say \"hi\"\\", "b": "say \"hi\"\\"}`},
		{"not a variable", guideEvent, nil, `"a <b> c"`, `"a <b> c"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := renderInput(&InputTransformer{InputPathsMap: tc.paths, InputTemplate: tc.template}, &transformContext{
				RuleArn: "arn:aws:events:us-east-2:123456789012:rule/example", RuleName: "example",
				IngestionTime: "2015-11-11T21:29:55Z", Event: []byte(tc.event)})
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			if strings.HasPrefix(tc.want, "{") && !json.Valid(got) {
				t.Errorf("output is not JSON: %s", got)
			}
		})
	}
}

// FuzzRender checks that a JSON template whose placeholders stand as
// values renders to valid JSON whatever the event holds.
func FuzzRender(f *testing.F) {
	f.Add(`glue-studio-datapreview-3f905608`, `{"session_id": "<id>"}`)
	f.Add(`say "hi"\`, `{"a": <id>, "b": "x <id> y", "c": [<id>, "<id>"]}`)
	f.Add("\u2028<>", `{"a": "<aws.events.rule-name> <id>", "e": <aws.events.event.json>}`)
	f.Fuzz(func(t *testing.T, val, template string) {
		if !utf8.ValidString(val) {
			return
		}
		event, _ := json.Marshal(map[string]any{"detail": map[string]any{"id": val, "n": 1.5}})
		tr := &InputTransformer{InputPathsMap: map[string]string{"id": "$.detail.id"}, InputTemplate: template}
		got, err := renderInput(tr, &transformContext{RuleName: val, RuleArn: "arn", Event: event})
		if err != nil {
			t.Fatal(err)
		}
		// The invariant holds for JSON templates (plain-text ones render
		// text): replacing every placeholder with null gives valid JSON, so
		// placeholders stand only where values go.
		if tt := strings.TrimSpace(template); tt == "" || !strings.ContainsRune("{[\"", rune(tt[0])) {
			return
		}
		probe := render(template, map[string]any{"id": nil, varRuleName: nil, varRuleArn: nil, varEvent: nil, varEventJSON: nil, varIngestionTime: nil})
		if !json.Valid(probe) {
			return
		}
		if !json.Valid(got) {
			t.Errorf("template %q with %q rendered invalid JSON %q", template, val, got)
		}
	})
}
