package awsproto

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/dispatch"
)

// kitchen uses every member type the codecs support.
type kitchen struct {
	Str        string               `json:"Str,omitempty"`
	StrPtr     *string              `json:"StrPtr,omitempty"`
	Enum       color                `json:"Enum,omitempty"`
	Bool       bool                 `json:"Bool,omitempty"`
	BoolPtr    *bool                `json:"BoolPtr,omitempty"`
	Int        int                  `json:"Int,omitempty"`
	Int32Ptr   *int32               `json:"Int32Ptr,omitempty"`
	Int64      int64                `json:"Int64,omitempty"`
	Float      float64              `json:"Float,omitempty"`
	Float32    *float32             `json:"Float32,omitempty"`
	Time       time.Time            `json:"Time,omitempty"`
	TimePtr    *time.Time           `json:"TimePtr,omitempty"`
	Blob       []byte               `json:"Blob,omitempty"`
	Nested     *nested              `json:"Nested,omitempty"`
	List       []string             `json:"List,omitempty"`
	Structs    []nested             `json:"Structs,omitempty"`
	StructPtrs []*nested            `json:"StructPtrs,omitempty"`
	Floats     []float64            `json:"Floats,omitempty"`
	Map        map[string]string    `json:"Map,omitempty"`
	MapStructs map[string]nested    `json:"MapStructs,omitempty"`
	Flat       []string             `json:"Flat,omitempty" aws:"flattened"`
	Renamed    []string             `json:"Renamed,omitempty" aws:"member=Item"`
	Doc        json.RawMessage      `json:"Doc,omitempty"`
	Any        any                  `json:"Any,omitempty"`
	Nested2    map[string][]nested2 `json:"Nested2,omitempty"`
	Ignored    string               `json:"-"`
	unexported string
}

type color string

type nested struct {
	Name  string     `json:"Name,omitempty"`
	Value *int64     `json:"Value,omitempty"`
	When  *time.Time `json:"When,omitempty"`
	Tags  []tag      `json:"Tags,omitempty"`
	Child *nested    `json:"Child,omitempty"` // recursive shapes
}

type nested2 struct {
	On bool `json:"On"`
}

type tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

var kitchenSpec = &dispatch.Spec{
	Name:         "kitchen",
	SigningName:  "kitchen",
	Protocols:    []string{dispatch.CBOR, dispatch.JSON, dispatch.Query},
	TargetPrefix: "Kitchen_20240101",
	JSONVersion:  "1.1",
	APIVersion:   "2024-01-01",
	XMLNamespace: "https://kitchen.example/doc/2024-01-01/",
}

func ptr[T any](v T) *T { return &v }

// fullKitchen is a kitchen with every member set.
func fullKitchen() *kitchen {
	when := time.Date(2024, 6, 11, 12, 23, 4, 586e6, time.UTC)
	return &kitchen{
		Str: "hello <&> \"world\"", StrPtr: ptr(""), Enum: "Red",
		Bool: true, BoolPtr: ptr(false),
		Int: -42, Int32Ptr: ptr(int32(7)), Int64: 1 << 60,
		Float: 1.5, Float32: ptr(float32(0.25)),
		Time: when, TimePtr: ptr(time.Unix(1718108584, 0).UTC()),
		Blob:   []byte{0, 1, 2, 0xff},
		Nested: &nested{Name: "n", Value: ptr(int64(3)), When: &when, Tags: []tag{{"k", "v"}}, Child: &nested{Name: "child"}},
		List:   []string{"a", "b", ""}, Structs: []nested{{Name: "s1"}, {Name: "s2"}},
		StructPtrs: []*nested{{Name: "p1"}},
		Floats:     []float64{0, -1.25, 1e300},
		Map:        map[string]string{"a": "1", "b": "2"},
		MapStructs: map[string]nested{"x": {Name: "X"}},
		Flat:       []string{"f1", "f2"},
		Renamed:    []string{"r1"},
		Doc:        json.RawMessage(`{"a":[1,2,{"b":null}],"c":"d"}`),
		Any:        "doc",
		Nested2:    map[string][]nested2{"k": {{On: true}, {On: false}}},
	}
}

// getParameterInput and getParameterOutput are SSM's GetParameter shapes,
// the size of message the benchmarks measure.
type getParameterInput struct {
	Name           string `json:"Name" aws:"required,min=1,max=2048"`
	WithDecryption *bool  `json:"WithDecryption,omitempty"`
}

type getParameterOutput struct {
	Parameter *parameter `json:"Parameter,omitempty"`
}

type parameter struct {
	ARN              *string    `json:"ARN,omitempty"`
	DataType         *string    `json:"DataType,omitempty"`
	LastModifiedDate *time.Time `json:"LastModifiedDate,omitempty"`
	Name             *string    `json:"Name,omitempty"`
	Selector         *string    `json:"Selector,omitempty"`
	SourceResult     *string    `json:"SourceResult,omitempty"`
	Type             string     `json:"Type,omitempty"`
	Value            *string    `json:"Value,omitempty"`
	Version          int64      `json:"Version,omitempty"`
}

func sampleParameter() *getParameterOutput {
	return &getParameterOutput{Parameter: &parameter{
		ARN:              ptr("arn:aws:ssm:us-east-1:000000000000:parameter/app/prod/db-password"),
		DataType:         ptr("text"),
		LastModifiedDate: ptr(time.UnixMilli(1718108584586).UTC()),
		Name:             ptr("/app/prod/db-password"),
		Type:             "SecureString",
		Value:            ptr("correct horse battery staple"),
		Version:          3,
	}}
}

// serve runs a minimal gateway for spec's ops: pick the codec, find the
// operation, decode, call, encode. It is what internal/gateway does, less
// signing and hooks.
func serve(t testing.TB, spec *dispatch.Spec, ops ...dispatch.Op) *httptest.Server {
	t.Helper()
	var list []*dispatch.Op
	for i := range ops {
		ops[i].Service = spec.Name
		list = append(list, &ops[i])
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handle(w, r, spec, list)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func handle(w http.ResponseWriter, r *http.Request, spec *dispatch.Spec, ops []*dispatch.Op) {
	const requestID = "req-0001"
	codec, err := For(r, spec)
	if err != nil {
		codec.EncodeError(w, r, spec, nil, asError(err), requestID)
		return
	}
	body, _ := io.ReadAll(r.Body)
	name, err := codec.Operation(r, body, spec, ops)
	if err != nil {
		codec.EncodeError(w, r, spec, nil, asError(err), requestID)
		return
	}
	var op *dispatch.Op
	for _, o := range ops {
		if o.Name == name {
			op = o
		}
	}
	in := op.New()
	if err := codec.Decode(r, body, spec, op, in); err != nil {
		codec.EncodeError(w, r, spec, op, asError(err), requestID)
		return
	}
	if err := dispatch.Validate(spec, in); err != nil {
		codec.EncodeError(w, r, spec, op, asError(err), requestID)
		return
	}
	out, err := op.Call(context.Background(), in)
	if err != nil {
		codec.EncodeError(w, r, spec, op, asError(err), requestID)
		return
	}
	codec.Encode(w, r, spec, op, out, requestID)
}

func asError(err error) *dispatch.Error {
	e, _ := dispatch.AsError(err)
	return e
}

// checkDecodeError asserts err is a client error of the protocol.
func checkDecodeError(t testing.TB, err error, codes ...string) {
	t.Helper()
	var e *dispatch.Error
	if !errors.As(err, &e) {
		t.Fatalf("decode error %v (%T) is not a *dispatch.Error", err, err)
	}
	if s := e.HTTPStatus(); s < 400 || s > 499 {
		t.Fatalf("decode error %v has status %d, want 4xx", e, s)
	}
	if len(codes) > 0 {
		for _, c := range codes {
			if e.Code == c {
				return
			}
		}
		t.Fatalf("decode error code %q (%v), want one of %v", e.Code, e, codes)
	}
}

// same is reflect.DeepEqual for wire values: NaN equals NaN, and only
// wire members count.
func same(a, b reflect.Value) bool {
	if a.IsValid() != b.IsValid() {
		return false
	}
	if !a.IsValid() {
		return true
	}
	if a.Type() != b.Type() {
		return false
	}
	switch a.Kind() {
	case reflect.Float32, reflect.Float64:
		x, y := a.Float(), b.Float()
		return x == y || (math.IsNaN(x) && math.IsNaN(y))
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return same(a.Elem(), b.Elem())
	case reflect.Slice:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return false
		}
		if a.Type().Elem().Kind() == reflect.Uint8 {
			return bytes.Equal(a.Bytes(), b.Bytes())
		}
		for i := 0; i < a.Len(); i++ {
			if !same(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Map:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return false
		}
		iter := a.MapRange()
		for iter.Next() {
			bv := b.MapIndex(iter.Key())
			if !bv.IsValid() || !same(iter.Value(), bv) {
				return false
			}
		}
		return true
	case reflect.Struct:
		if a.Type() == timeType {
			return a.Interface().(time.Time).Equal(b.Interface().(time.Time))
		}
		// Compare wire members as the wire sees them: under omitempty an
		// empty value and an absent one are the same.
		s := shapeOf(a.Type())
		for i := range s.members {
			mb := &s.members[i]
			x, y := a.Field(mb.Index), b.Field(mb.Index)
			if !present(x, mb) && !present(y, mb) {
				continue
			}
			if !same(x, y) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a.Interface(), b.Interface())
}

func mustSame(t testing.TB, got, want any) {
	t.Helper()
	if !same(reflect.ValueOf(got), reflect.ValueOf(want)) {
		g, _ := json.MarshalIndent(got, "", "  ")
		w, _ := json.MarshalIndent(want, "", "  ")
		t.Fatalf("values differ\n got: %s\nwant: %s", g, w)
	}
}

func nan() float64         { return math.NaN() }
func inf(sign int) float64 { return math.Inf(sign) }

// CloudWatch's shapes, as much of them as the tests use.
type dimension struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

type dimensionFilter struct {
	Name  string  `json:"Name"`
	Value *string `json:"Value,omitempty"`
}

type metricDatum struct {
	MetricName        string      `json:"MetricName" aws:"required"`
	Dimensions        []dimension `json:"Dimensions,omitempty"`
	Timestamp         *time.Time  `json:"Timestamp,omitempty"`
	Value             *float64    `json:"Value,omitempty"`
	Values            []float64   `json:"Values,omitempty"`
	Counts            []float64   `json:"Counts,omitempty"`
	Unit              string      `json:"Unit,omitempty"`
	StorageResolution *int32      `json:"StorageResolution,omitempty"`
}

type putMetricDataInput struct {
	Namespace  string        `json:"Namespace" aws:"required"`
	MetricData []metricDatum `json:"MetricData,omitempty"`
}

type putMetricDataOutput struct{}

type listMetricsInput struct {
	Namespace      *string           `json:"Namespace,omitempty"`
	MetricName     *string           `json:"MetricName,omitempty"`
	Dimensions     []dimensionFilter `json:"Dimensions,omitempty"`
	NextToken      *string           `json:"NextToken,omitempty"`
	RecentlyActive *string           `json:"RecentlyActive,omitempty"`
}

type metric struct {
	Namespace  *string     `json:"Namespace,omitempty"`
	MetricName *string     `json:"MetricName,omitempty"`
	Dimensions []dimension `json:"Dimensions,omitempty"`
}

type listMetricsOutput struct {
	Metrics   []metric `json:"Metrics,omitempty"`
	NextToken *string  `json:"NextToken,omitempty"`
}

type getMetricStatisticsInput struct {
	Namespace  string     `json:"Namespace"`
	MetricName string     `json:"MetricName"`
	StartTime  *time.Time `json:"StartTime"`
	EndTime    *time.Time `json:"EndTime"`
	Period     *int32     `json:"Period"`
	Statistics []string   `json:"Statistics,omitempty"`
}

type datapoint struct {
	Timestamp *time.Time `json:"Timestamp,omitempty"`
	Sum       *float64   `json:"Sum,omitempty"`
	Unit      string     `json:"Unit,omitempty"`
}

type getMetricStatisticsOutput struct {
	Label      *string     `json:"Label,omitempty"`
	Datapoints []datapoint `json:"Datapoints,omitempty"`
}

var cloudwatchSpec = &dispatch.Spec{
	Name:            "cloudwatch",
	SigningName:     "monitoring",
	Protocols:       []string{dispatch.CBOR, dispatch.JSON, dispatch.Query},
	TargetPrefix:    "GraniteServiceVersion20100801",
	JSONVersion:     "1.0",
	APIVersion:      "2010-08-01",
	XMLNamespace:    "http://monitoring.amazonaws.com/doc/2010-08-01/",
	QueryCompatible: true,
}

func readAll(r *http.Request) []byte {
	b, _ := io.ReadAll(r.Body)
	return b
}

func withFields(e *dispatch.Error, f map[string]any) *dispatch.Error {
	e.Fields = f
	return e
}
