package awsproto

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/dispatch"
)

var kitchenOp = dispatch.Handle("Cook", func(_ context.Context, in *kitchen) (*kitchen, error) { return in, nil })

// jsonRequest builds a request as botocore and aws-sdk-go-v2 send awsJson.
func jsonRequest(target, body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	r.Header.Set("X-Amz-Target", target)
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	return r
}

func TestJSONOperation(t *testing.T) {
	ops := []*dispatch.Op{&kitchenOp}
	tests := []struct {
		target, want, err string
	}{
		{target: "Kitchen_20240101.Cook", want: "Cook"},
		{target: "Kitchen_20240101.Bake", err: "UnknownOperationException"},
		{target: "Other.Cook", err: "UnknownOperationException"},
		{target: "Kitchen_20240101.", err: "UnknownOperationException"},
		{target: "", err: "UnknownOperationException"},
		{target: "Cook", err: "UnknownOperationException"},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			got, err := JSON{}.Operation(jsonRequest(tt.target, ""), nil, kitchenSpec, ops)
			if tt.err != "" {
				checkDecodeError(t, err, tt.err)
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Operation = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestJSONDecode(t *testing.T) {
	when := time.Date(2024, 6, 11, 12, 23, 4, 586e6, time.UTC)
	tests := []struct {
		name string
		body string
		want *kitchen
	}{
		{name: "empty body is {}", body: "", want: &kitchen{}},
		{name: "whitespace body", body: " \n", want: &kitchen{}},
		{name: "empty object", body: "{}", want: &kitchen{}},
		{
			// botocore's json.dumps spacing; timestamps as epoch numbers.
			name: "scalars",
			body: `{"Str": "s", "StrPtr": "", "Enum": "Red", "Bool": true, "BoolPtr": false, "Int": -3, "Int32Ptr": 7, "Int64": 1152921504606846976, "Float": 1.5, "Float32": 0.25, "Time": 1718108584.586, "TimePtr": 1718108584, "Blob": "AAEC/w=="}`,
			want: &kitchen{Str: "s", StrPtr: ptr(""), Enum: "Red", Bool: true, BoolPtr: ptr(false), Int: -3, Int32Ptr: ptr(int32(7)), Int64: 1 << 60, Float: 1.5, Float32: ptr(float32(0.25)), Time: when, TimePtr: ptr(time.Unix(1718108584, 0).UTC()), Blob: []byte{0, 1, 2, 0xff}},
		},
		{
			name: "nested, lists and maps",
			body: `{"Nested": {"Name": "n", "Tags": [{"Key": "k", "Value": "v"}], "Child": {"Name": "c"}}, "List": ["a", "b"], "Structs": [{"Name": "s"}], "StructPtrs": [{"Name": "p"}, null], "Map": {"a": "1"}, "MapStructs": {"x": {"Value": 2}}, "Nested2": {"k": [{"On": true}]}}`,
			want: &kitchen{Nested: &nested{Name: "n", Tags: []tag{{"k", "v"}}, Child: &nested{Name: "c"}}, List: []string{"a", "b"}, Structs: []nested{{Name: "s"}}, StructPtrs: []*nested{{Name: "p"}, nil}, Map: map[string]string{"a": "1"}, MapStructs: map[string]nested{"x": {Value: ptr(int64(2))}}, Nested2: map[string][]nested2{"k": {{On: true}}}},
		},
		{
			name: "documents",
			body: `{"Doc": {"b": [1, 2.5], "a": null}, "Any": {"x": 1}}`,
			want: &kitchen{Doc: json.RawMessage(`{"a":null,"b":[1,2.5]}`), Any: map[string]any{"x": json.Number("1")}},
		},
		{name: "unknown members and nulls are ignored", body: `{"Nope": {"deep": [1]}, "Str": null, "List": null}`, want: &kitchen{}},
		{name: "integral JSON numbers", body: `{"Int": 1e3, "Int64": 2.0}`, want: &kitchen{Int: 1000, Int64: 2}},
		{name: "non-finite doubles", body: `{"Float": "NaN", "Floats": ["Infinity", "-Infinity"]}`, want: &kitchen{Float: nan(), Floats: []float64{inf(1), inf(-1)}}},
		{name: "ISO timestamps are accepted", body: `{"Time": "2024-06-11T12:23:04.586Z"}`, want: &kitchen{Time: when}},
		{name: "empty list stays empty, not absent", body: `{"List": []}`, want: &kitchen{List: []string{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := new(kitchen)
			if err := (JSON{}).Decode(jsonRequest("Kitchen_20240101.Cook", tt.body), []byte(tt.body), kitchenSpec, &kitchenOp, got); err != nil {
				t.Fatal(err)
			}
			mustSame(t, got, tt.want)
		})
	}
}

func TestJSONDecodeErrors(t *testing.T) {
	tests := []struct{ name, body, msg string }{
		{"truncated", `{"Str": "x"`, "not valid JSON"},
		{"not an object", `[1]`, "expected a structure"},
		{"trailing data", `{} {}`, "not valid JSON"},
		{"string for integer", `{"Int": "3"}`, "Int: expected an integer, got a string"},
		{"fraction for integer", `{"Int": 1.5}`, "expected an integer"},
		{"int32 overflow", `{"Int32Ptr": 3000000000}`, "out of range"},
		{"number for string", `{"Str": 1}`, "Str: expected a string, got a number"},
		{"bool for string", `{"Str": true}`, "expected a string"},
		{"object for list", `{"List": {}}`, "expected a list"},
		{"nested type error has a path", `{"Structs": [{}, {"Tags": [{"Key": 1}]}]}`, "Structs.1.Tags.0.Key"},
		{"bad timestamp", `{"Time": "yesterday"}`, "not a timestamp"},
		{"timestamp out of range", `{"Time": 1e300}`, "out of range"},
		{"bad base64", `{"Blob": "!!!"}`, "base64"},
		{"map of wrong values", `{"Map": {"a": 1}}`, "Map.a"},
		{"invalid UTF-8 is still JSON's problem", "{\"Str\": \"\xff\"", "not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := JSON{}.Decode(jsonRequest("Kitchen_20240101.Cook", tt.body), []byte(tt.body), kitchenSpec, &kitchenOp, new(kitchen))
			checkDecodeError(t, err, "SerializationException")
			if !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("error %q does not mention %q", err, tt.msg)
			}
		})
	}
}

func TestJSONRoundTrip(t *testing.T) {
	in := fullKitchen()
	w := httptest.NewRecorder()
	JSON{}.Encode(w, nil, kitchenSpec, &kitchenOp, in, "req-1")
	if w.Code != 200 {
		t.Fatalf("status %d", w.Code)
	}
	for h, want := range map[string]string{"Content-Type": "application/x-amz-json-1.1", "X-Amzn-RequestId": "req-1"} {
		if got := w.Header().Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	var raw map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	if raw["Time"] != 1718108584.586 {
		t.Errorf("Time encoded as %v, want 1718108584.586", raw["Time"])
	}
	if raw["Blob"] != "AAEC/w==" {
		t.Errorf("Blob encoded as %v", raw["Blob"])
	}
	if _, ok := raw["Ignored"]; ok {
		t.Error("json:\"-\" member was encoded")
	}
	got := new(kitchen)
	if err := (JSON{}).Decode(jsonRequest("Kitchen_20240101.Cook", ""), w.Body.Bytes(), kitchenSpec, &kitchenOp, got); err != nil {
		t.Fatal(err)
	}
	mustSame(t, got, in)
}

func TestJSONEncodeOmitsAbsentMembers(t *testing.T) {
	w := httptest.NewRecorder()
	type plain struct {
		Empty []string          `json:"Empty"`
		Nil   []string          `json:"Nil"`
		M     map[string]string `json:"M"`
		P     *string           `json:"P"`
		S     string            `json:"S"`
		OE    string            `json:"OE,omitempty"`
	}
	JSON{}.Encode(w, nil, kitchenSpec, &kitchenOp, &plain{Empty: []string{}}, "r")
	if got, want := w.Body.String(), `{"Empty":[],"S":""}`; got != want {
		t.Fatalf("body %s, want %s", got, want)
	}
	w = httptest.NewRecorder()
	JSON{}.Encode(w, nil, kitchenSpec, &kitchenOp, sampleParameter(), "r")
	want := `{"Parameter":{"ARN":"arn:aws:ssm:us-east-1:000000000000:parameter/app/prod/db-password","DataType":"text","LastModifiedDate":1718108584.586,"Name":"/app/prod/db-password","Type":"SecureString","Value":"correct horse battery staple","Version":3}}`
	if got := w.Body.String(); got != want {
		t.Fatalf("body\n%s\nwant\n%s", got, want)
	}
}

func TestJSONEncodeError(t *testing.T) {
	tests := []struct {
		name      string
		spec      *dispatch.Spec
		err       *dispatch.Error
		status    int
		body      string
		queryHdr  string
		typeHdr   string
		contentTy string
	}{
		{
			name: "plain", spec: &dispatch.Spec{Name: "ssm", JSONVersion: "1.1"},
			err:    dispatch.NewError("ParameterNotFound", "Parameter /x not found."),
			status: 400, typeHdr: "ParameterNotFound", contentTy: "application/x-amz-json-1.1",
			body: `{"Message":"Parameter /x not found.","__type":"ParameterNotFound","message":"Parameter /x not found."}`,
		},
		{
			name: "fields and json 1.0", spec: &dispatch.Spec{Name: "states", JSONVersion: "1.0"},
			err:    &dispatch.Error{Code: "ExecutionDoesNotExist", Message: "m", Fields: map[string]any{"resourceName": "arn"}},
			status: 400, typeHdr: "ExecutionDoesNotExist", contentTy: "application/x-amz-json-1.0",
			body: `{"Message":"m","__type":"ExecutionDoesNotExist","message":"m","resourceName":"arn"}`,
		},
		{
			name: "query compatible", spec: &dispatch.Spec{Name: "sqs", JSONVersion: "1.0", QueryCompatible: true},
			err:    &dispatch.Error{Code: "QueueDoesNotExist", QueryCode: "AWS.SimpleQueueService.NonExistentQueue", Message: "m"},
			status: 400, typeHdr: "QueueDoesNotExist", queryHdr: "AWS.SimpleQueueService.NonExistentQueue;Sender", contentTy: "application/x-amz-json-1.0",
			body: `{"Message":"m","__type":"QueueDoesNotExist","message":"m"}`,
		},
		{
			name: "receiver fault", spec: &dispatch.Spec{Name: "x", QueryCompatible: true},
			err:    dispatch.Errorf(503, "ServiceUnavailable", "later"),
			status: 503, typeHdr: "ServiceUnavailable", queryHdr: "ServiceUnavailable;Receiver", contentTy: "application/x-amz-json-1.1",
			body: `{"Message":"later","__type":"ServiceUnavailable","message":"later"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			JSON{}.EncodeError(w, nil, tt.spec, nil, tt.err, "rid")
			if w.Code != tt.status || w.Body.String() != tt.body {
				t.Fatalf("got %d %s\nwant %d %s", w.Code, w.Body, tt.status, tt.body)
			}
			for h, want := range map[string]string{"x-amzn-ErrorType": tt.typeHdr, "x-amzn-query-error": tt.queryHdr, "x-amzn-RequestId": "rid", "Content-Type": tt.contentTy} {
				if got := w.Header().Get(h); got != want {
					t.Errorf("%s = %q, want %q", h, got, want)
				}
			}
		})
	}
}
