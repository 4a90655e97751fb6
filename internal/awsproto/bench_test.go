package awsproto

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/shoal-dev/shoal/internal/dispatch"
)

// The benchmarks measure one GetParameter-sized message per codec: the
// input {Name, WithDecryption} decoded, the output Parameter encoded.

type benchWriter struct{ h http.Header }

func (w *benchWriter) Header() http.Header         { return w.h }
func (w *benchWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *benchWriter) WriteHeader(int)             {}

type getParameterRESTInput struct {
	Name           string `json:"Name" aws:"location=uri,name=Name"`
	WithDecryption *bool  `json:"WithDecryption,omitempty" aws:"location=querystring,name=withDecryption"`
}

var (
	benchOp     = dispatch.Handle("GetParameter", func(context.Context, *getParameterInput) (*getParameterOutput, error) { return nil, nil })
	benchRESTOp = restOp[getParameterRESTInput, getParameterOutput]("GetParameter", "GET", "/parameters/{Name}", 0)
)

func benchDecode(b *testing.B, c Codec, r *http.Request, body []byte, op *dispatch.Op) {
	b.ReportAllocs()
	for b.Loop() {
		in := op.New()
		if err := c.Decode(r, body, kitchenSpec, op, in); err != nil {
			b.Fatal(err)
		}
	}
}

func benchEncode(b *testing.B, c Codec, op *dispatch.Op) {
	out := sampleParameter()
	w := &benchWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		c.Encode(w, nil, kitchenSpec, op, out, "0c5e4b1e-8f3a-4d0b-9f51-3c7e2a9d6b10")
	}
}

func BenchmarkJSONDecode(b *testing.B) {
	body := []byte(`{"Name": "/app/prod/db-password", "WithDecryption": true}`)
	benchDecode(b, JSON{}, jsonRequest("Kitchen_20240101.GetParameter", ""), body, &benchOp)
}

func BenchmarkJSONEncode(b *testing.B) { benchEncode(b, JSON{}, &benchOp) }

func BenchmarkQueryDecode(b *testing.B) {
	body := "Action=GetParameter&Version=2014-11-06&Name=%2Fapp%2Fprod%2Fdb-password&WithDecryption=true"
	benchDecode(b, Query{}, formRequest(body), []byte(body), &benchOp)
}

func BenchmarkQueryEncode(b *testing.B) { benchEncode(b, Query{}, &benchOp) }

func BenchmarkCBORDecode(b *testing.B) {
	body, err := cborEnc.Marshal(map[string]any{"Name": "/app/prod/db-password", "WithDecryption": true})
	if err != nil {
		b.Fatal(err)
	}
	benchDecode(b, CBOR{}, cborRequest("GetParameter", nil), body, &benchOp)
}

func BenchmarkCBOREncode(b *testing.B) { benchEncode(b, CBOR{}, &benchOp) }

func BenchmarkRestJSONDecode(b *testing.B) {
	r := httptest.NewRequest("GET", "/parameters/%2Fapp%2Fprod%2Fdb-password?withDecryption=true", strings.NewReader(""))
	benchDecode(b, RestJSON{}, r, nil, benchRESTOp)
}

func BenchmarkRestJSONEncode(b *testing.B) { benchEncode(b, RestJSON{}, benchRESTOp) }

func BenchmarkRestXMLEncode(b *testing.B) { benchEncode(b, RestXML{}, benchRESTOp) }

func BenchmarkRESTRouting(b *testing.B) {
	r := httptest.NewRequest("PUT", "/bucket/raw/2024/06/11/posts.json", nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := restOperation(r, s3Ops); err != nil {
			b.Fatal(err)
		}
	}
}
