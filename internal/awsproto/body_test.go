package awsproto

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"net/http/httptest"
	"testing"
)

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b) //nolint:errcheck // bytes.Buffer
	zw.Close()  //nolint:errcheck
	return buf.Bytes()
}

// SDKs gzip requestCompression operations (CloudWatch PutMetricData).
func TestGzipRequestBodies(t *testing.T) {
	jsonBody := gzipBytes([]byte(`{"Str":"zipped"}`))
	r := jsonRequest("Kitchen_20240101.Cook", "")
	r.Header.Set("Content-Encoding", "gzip")
	var k kitchen
	if err := (JSON{}).Decode(r, jsonBody, kitchenSpec, &kitchenOp, &k); err != nil || k.Str != "zipped" {
		t.Fatalf("json: %v %+v", err, k)
	}
	checkDecodeError(t, JSON{}.Decode(r, []byte("not gzip"), kitchenSpec, &kitchenOp, new(kitchen)), "SerializationException")

	cborBody, _ := cborEnc.Marshal(map[string]any{"Str": "zipped"})
	r = cborRequest("Cook", nil)
	r.Header.Set("Content-Encoding", "gzip")
	k = kitchen{}
	if err := (CBOR{}).Decode(r, gzipBytes(cborBody), kitchenSpec, &kitchenOp, &k); err != nil || k.Str != "zipped" {
		t.Fatalf("cbor: %v %+v", err, k)
	}

	form := gzipBytes([]byte("Action=Cook&Str=zipped"))
	r = formRequest("")
	r.Header.Set("Content-Encoding", "gzip")
	if name, err := (Query{}).Operation(r, form, kitchenSpec, nil); err != nil || name != "Cook" {
		t.Fatalf("query operation: %q %v", name, err)
	}
	k = kitchen{}
	if err := (Query{}).Decode(r, form, kitchenSpec, &kitchenOp, &k); err != nil || k.Str != "zipped" {
		t.Fatalf("query: %v %+v", err, k)
	}
	checkDecodeError(t, Query{}.Decode(r, gzipBytes([]byte("x"))[:5], kitchenSpec, &kitchenOp, new(kitchen)), "MalformedQueryString")
}

// An output the codec cannot encode (invalid JSON in a document) is a 500
// in the protocol's error format, not a broken body.
func TestEncodeFailureIsInternalError(t *testing.T) {
	for _, c := range []Codec{JSON{}, CBOR{}} {
		w := httptest.NewRecorder()
		c.Encode(w, nil, kitchenSpec, &kitchenOp, &kitchen{Doc: json.RawMessage(`{bad`)}, "rid")
		if c.Protocol() == "json" && (w.Code != 500 || w.Header().Get("X-Amzn-ErrorType") != "InternalFailure") {
			t.Errorf("%s: got %d %v %s", c.Protocol(), w.Code, w.Header(), w.Body)
		}
		// CBOR turns the document into values first, and leaves out one
		// that is not JSON.
		if c.Protocol() != "json" && w.Code != 200 {
			t.Errorf("%s: got %d %s", c.Protocol(), w.Code, w.Body)
		}
	}
}
