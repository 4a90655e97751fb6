package dispatch

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

type convertInner struct {
	Key   string `json:"Key"`
	Count int32  `json:"count,omitempty"`
}

type convertInput struct {
	StateMachineArn string            `json:"stateMachineArn"`
	Payload         []byte            `json:"Payload,omitempty"`
	At              *time.Time        `json:"at,omitempty"`
	Tags            []convertInner    `json:"tags,omitempty"`
	Attrs           map[string]string `json:"attrs,omitempty"`
	Limit           *int32            `json:"limit,omitempty"`
	Raw             json.RawMessage   `json:"raw,omitempty"`
}

func decodeTree(t *testing.T, s string) any {
	t.Helper()
	x, err := DecodeJSON([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// Member names match without regard to case, in either option set.
func TestInputFromJSONNames(t *testing.T) {
	for _, opts := range []DecodeOptions{{}, {Strict: true, TextBlobs: true}} {
		var in convertInput
		err := InputFromJSON(decodeTree(t, `{"StateMachineArn":"arn:sm","Tags":[{"key":"k","Count":2}],"Attrs":{"a":"b"},"Limit":5,"At":"2024-06-11T07:00:00Z","Raw":{"b":1,"a":[2]}}`), &in, opts)
		if err != nil {
			t.Fatalf("%+v: %v", opts, err)
		}
		want := convertInput{StateMachineArn: "arn:sm", Tags: []convertInner{{Key: "k", Count: 2}}, Attrs: map[string]string{"a": "b"}}
		if in.Limit == nil || *in.Limit != 5 || in.At == nil || !in.At.Equal(time.Date(2024, 6, 11, 7, 0, 0, 0, time.UTC)) || string(in.Raw) != `{"a":[2],"b":1}` {
			t.Errorf("%+v: limit %v at %v raw %s", opts, in.Limit, in.At, in.Raw)
		}
		in.Limit, in.At, in.Raw = nil, nil, nil
		if !reflect.DeepEqual(in, want) {
			t.Errorf("%+v: got %+v", opts, in)
		}
	}
}

// Strict refuses a member the input lacks, naming it; the default ignores it.
func TestInputFromJSONStrict(t *testing.T) {
	x := decodeTree(t, `{"stateMachineArn":"arn:sm","Tags":[{"Key":"k","Colour":"red"}]}`)
	var in convertInput
	if err := InputFromJSON(x, &in, DecodeOptions{}); err != nil || in.StateMachineArn != "arn:sm" || len(in.Tags) != 1 {
		t.Errorf("lenient: %+v, %v", in, err)
	}
	err := InputFromJSON(x, &convertInput{}, DecodeOptions{Strict: true})
	if err == nil || err.Error() != "the field tags[0].Colour is not supported" {
		t.Errorf("strict: %v", err)
	}
}

// Blobs are base64 by default and text (or serialized JSON) with TextBlobs.
func TestInputFromJSONBlobs(t *testing.T) {
	for _, tc := range []struct {
		opts    DecodeOptions
		payload string
		want    string
		err     string
	}{
		{DecodeOptions{}, `"aGk="`, "hi", ""},
		{DecodeOptions{}, `"not base64!"`, "", "Payload: expected a base64 string"},
		{DecodeOptions{}, `{"a":1}`, "", "Payload: expected a base64 string"},
		{DecodeOptions{TextBlobs: true}, `"aGk="`, "aGk=", ""},
		{DecodeOptions{TextBlobs: true}, `{"a":1}`, `{"a":1}`, ""},
	} {
		var in convertInput
		err := InputFromJSON(decodeTree(t, `{"Payload":`+tc.payload+`}`), &in, tc.opts)
		if tc.err != "" {
			if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
				t.Errorf("%+v %s: err %v, want %s", tc.opts, tc.payload, err, tc.err)
			}
			continue
		}
		if err != nil || string(in.Payload) != tc.want {
			t.Errorf("%+v %s: %q, %v", tc.opts, tc.payload, in.Payload, err)
		}
	}
}

// Wrong types and out-of-range numbers are errors naming the member.
func TestInputFromJSONTypes(t *testing.T) {
	for doc, want := range map[string]string{
		`[1]`:                       "input: expected an object",
		`{"limit":"5"}`:             "limit: expected an integer",
		`{"limit":4294967296}`:      "limit: expected an integer",
		`{"tags":[{"count":1.5}]}`:  "tags[0].count: expected an integer",
		`{"at":"yesterday"}`:        `at: "yesterday" is not a timestamp`,
		`{"attrs":{"a":1}}`:         "attrs.a: expected a string",
		`{"stateMachineArn":["x"]}`: "stateMachineArn: expected a string",
	} {
		err := InputFromJSON(decodeTree(t, doc), &convertInput{}, DecodeOptions{})
		if err == nil || err.Error() != want {
			t.Errorf("%s: %v, want %s", doc, err, want)
		}
	}
}

// Output is the SDKs' JSON: PascalCase names, ISO 8601 timestamps, blobs
// as text, empty omitempty members left out.
func TestOutputToJSON(t *testing.T) {
	at := time.Date(2024, 6, 11, 7, 0, 0, 0, time.UTC)
	got, _ := json.Marshal(OutputToJSON(&convertInput{StateMachineArn: "arn:sm", Payload: []byte(`{"ok":true}`), At: &at, Tags: []convertInner{{Key: "k"}}}))
	want := `{"At":"2024-06-11T07:00:00.000Z","Payload":"{\"ok\":true}","StateMachineArn":"arn:sm","Tags":[{"Key":"k"}]}`
	if string(got) != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	if got := OutputToJSON((*convertInput)(nil)); !reflect.DeepEqual(got, map[string]any{}) {
		t.Errorf("nil output = %#v", got)
	}
}

func TestSDKService(t *testing.T) {
	for name, want := range map[string][2]string{
		"sfn":            {"states", "Sfn"},
		"eventbridge":    {"events", "EventBridge"},
		"cloudwatch":     {"monitoring", "CloudWatch"}, // the registry name Step Functions telemetry calls
		"cloudwatchlogs": {"logs", "CloudWatchLogs"},
		"acmpca":         {"acmpca", "AcmPca"},
		"ssm":            {"ssm", "Ssm"},
		"scheduler":      {"scheduler", "Scheduler"},
	} {
		if s, p := SDKService(name); s != want[0] || p != want[1] {
			t.Errorf("SDKService(%q) = %q, %q; want %q", name, s, p, want)
		}
	}
}
