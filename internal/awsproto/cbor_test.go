package awsproto

import (
	"bytes"
	"context"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/shoal-dev/shoal/internal/dispatch"
)

// Request bodies botocore 1.43 serialises for CloudWatch (rpcv2Cbor).
const (
	botocorePutMetricData = "a2694e616d6573706163656a53686f616c2f546573746a4d65747269634461746181a66a4d65747269634e616d65674c6174656e63796a44696d656e73696f6e7381a2644e616d6567536572766963656556616c7565636170696954696d657374616d70c11a666841a86556616c7565fb402900000000000064556e69746c4d696c6c697365636f6e64737153746f726167655265736f6c7574696f6e183c"
	botocoreListMetrics   = "a2694e616d6573706163656a4157532f5374617465736a44696d656e73696f6e7381a1644e616d656f53746174654d616368696e6541726e"
)

func unhex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func cborRequest(op string, body []byte) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/service/GraniteServiceVersion20100801/operation/"+op, bytes.NewReader(body))
	r.Header.Set("Smithy-Protocol", "rpc-v2-cbor")
	r.Header.Set("Content-Type", "application/cbor")
	r.Header.Set("Accept", "application/cbor")
	return r
}

func TestCBOROperation(t *testing.T) {
	ops := []*dispatch.Op{{Name: "ListMetrics"}}
	tests := []struct{ path, want, err string }{
		{path: "/service/GraniteServiceVersion20100801/operation/ListMetrics", want: "ListMetrics"},
		{path: "/base/service/GraniteServiceVersion20100801/operation/ListMetrics", want: "ListMetrics"},
		{path: "/service/GraniteServiceVersion20100801/operation/Nope", err: "UnknownOperationException"},
		{path: "/service/Other/operation/ListMetrics", err: "UnknownOperationException"},
		{path: "/service/GraniteServiceVersion20100801/ListMetrics", err: "UnknownOperationException"},
		{path: "/service/GraniteServiceVersion20100801/operation/", err: "UnknownOperationException"},
		{path: "/", err: "UnknownOperationException"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, tt.path, nil)
			got, err := CBOR{}.Operation(r, nil, cloudwatchSpec, ops)
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

func TestCBORDecodeBotocore(t *testing.T) {
	var put putMetricDataInput
	op := dispatch.Handle("PutMetricData", func(_ context.Context, in *putMetricDataInput) (*putMetricDataOutput, error) { return nil, nil })
	if err := (CBOR{}).Decode(cborRequest("PutMetricData", nil), unhex(botocorePutMetricData), cloudwatchSpec, &op, &put); err != nil {
		t.Fatal(err)
	}
	mustSame(t, &put, &putMetricDataInput{Namespace: "Shoal/Test", MetricData: []metricDatum{{
		MetricName: "Latency", Dimensions: []dimension{{"Service", "api"}},
		// botocore sends whole seconds in CBOR.
		Timestamp: ptr(time.Unix(1718108584, 0).UTC()), Value: ptr(12.5), Unit: "Milliseconds", StorageResolution: ptr(int32(60)),
	}}})

	var list listMetricsInput
	if err := (CBOR{}).Decode(cborRequest("ListMetrics", nil), unhex(botocoreListMetrics), cloudwatchSpec, &op, &list); err != nil {
		t.Fatal(err)
	}
	mustSame(t, &list, &listMetricsInput{Namespace: ptr("AWS/States"), Dimensions: []dimensionFilter{{Name: "StateMachineArn"}}})

	for _, body := range [][]byte{nil, unhex("a0"), unhex("bfff")} {
		var empty listMetricsInput
		if err := (CBOR{}).Decode(cborRequest("ListMetrics", nil), body, cloudwatchSpec, &op, &empty); err != nil {
			t.Fatalf("%x: %v", body, err)
		}
		mustSame(t, &empty, &listMetricsInput{})
	}
}

func TestCBORDecodeErrors(t *testing.T) {
	enc := func(v any) []byte {
		b, err := cbor.Marshal(v)
		if err != nil {
			panic(err)
		}
		return b
	}
	tests := []struct {
		name string
		body []byte
		msg  string
	}{
		{"garbage", []byte{0xff, 0x00}, "not valid CBOR"},
		{"truncated", unhex(botocorePutMetricData)[:40], "not valid CBOR"},
		{"array at top", enc([]int{1}), "expected a structure"},
		{"integer keys", enc(map[int]string{1: "x"}), "not valid CBOR"},
		{"text for integer", enc(map[string]any{"Int": "1"}), "Int: expected an integer"},
		{"float for integer", enc(map[string]any{"Int": 1.0}), "expected an integer"},
		{"text for blob", enc(map[string]any{"Blob": "AAE="}), "byte string"},
		{"text for timestamp", enc(map[string]any{"Time": "2024-01-01T00:00:00Z"}), "not valid CBOR|expected a timestamp"},
		{"wrong tag for timestamp", enc(map[string]any{"Time": cbor.Tag{Number: 2, Content: []byte{1}}}), "timestamp"},
		{"tag in document", enc(map[string]any{"Any": cbor.Tag{Number: 99, Content: 1}}), "document"},
		{"bytes in document", enc(map[string]any{"Doc": []byte{1}}), "document"},
		{"uint64 overflows int64", unhex("a163496e741bffffffffffffffff"), "out of range"},
		{"deep nesting", bytes.Repeat([]byte{0x81}, 200), "not valid CBOR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CBOR{}.Decode(cborRequest("Cook", nil), tt.body, kitchenSpec, &kitchenOp, new(kitchen))
			checkDecodeError(t, err, "SerializationException")
			ok := false
			for _, m := range strings.Split(tt.msg, "|") {
				ok = ok || strings.Contains(err.Error(), m)
			}
			if !ok {
				t.Fatalf("error %q does not mention %q", err, tt.msg)
			}
		})
	}
}

func TestCBORRoundTrip(t *testing.T) {
	in := fullKitchen()
	w := httptest.NewRecorder()
	CBOR{}.Encode(w, nil, kitchenSpec, &kitchenOp, in, "req-1")
	for h, want := range map[string]string{"Content-Type": "application/cbor", "Smithy-Protocol": "rpc-v2-cbor", "X-Amzn-RequestId": "req-1"} {
		if got := w.Header().Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	// The timestamp is tag 1 around a double: c1 fb <8 bytes>.
	if !bytes.Contains(w.Body.Bytes(), append([]byte("Time"), 0xc1, 0xfb)) {
		t.Errorf("Time is not tag 1 + float64 in %x", w.Body.Bytes())
	}
	var generic map[string]any
	if err := cbor.Unmarshal(w.Body.Bytes(), &generic); err != nil {
		t.Fatal(err)
	}
	if _, ok := generic["Blob"].([]byte); !ok {
		t.Errorf("Blob is %T, want a byte string", generic["Blob"])
	}
	got := new(kitchen)
	if err := (CBOR{}).Decode(cborRequest("Cook", nil), w.Body.Bytes(), kitchenSpec, &kitchenOp, got); err != nil {
		t.Fatal(err)
	}
	// Documents come back as CBOR's kinds of values.
	in.Any = "doc"
	mustSame(t, got, in)

	w = httptest.NewRecorder()
	CBOR{}.Encode(w, nil, kitchenSpec, &kitchenOp, &putMetricDataOutput{}, "r")
	if got := hex.EncodeToString(w.Body.Bytes()); got != "a0" {
		t.Errorf("empty output is %s, want a0 (an empty map)", got)
	}
}

func TestCBOREncodeError(t *testing.T) {
	w := httptest.NewRecorder()
	e := &dispatch.Error{Code: "InvalidParameterValueException", QueryCode: "InvalidParameterValue", Message: "bad value", Status: 400, Fields: map[string]any{"Extra": 1}}
	CBOR{}.EncodeError(w, nil, cloudwatchSpec, nil, e, "rid")
	if w.Code != 400 {
		t.Fatalf("status %d", w.Code)
	}
	for h, want := range map[string]string{"Content-Type": "application/cbor", "Smithy-Protocol": "rpc-v2-cbor", "X-Amzn-RequestId": "rid", "X-Amzn-Query-Error": "InvalidParameterValue;Sender", "X-Amzn-ErrorType": "InvalidParameterValueException"} {
		if got := w.Header().Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	var body map[string]any
	if err := cbor.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if body["__type"] != "InvalidParameterValueException" || body["message"] != "bad value" || body["Extra"] != uint64(1) {
		t.Fatalf("body %v", body)
	}
}
