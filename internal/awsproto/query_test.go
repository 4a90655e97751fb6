package awsproto

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/dispatch"
)

// queryForm serialises v as botocore's QuerySerializer does: A.B for
// nested members, A.member.N (A.N flattened) for lists, A.entry.N.key and
// .value for maps, "A=" for an empty list, ISO 8601 timestamps.
func queryForm(action string, v any) url.Values {
	vals := url.Values{"Action": {action}, "Version": {"2024-01-01"}}
	if sv, s, ok := structValue(v); ok {
		queryStruct(vals, "", sv, s)
	}
	return vals
}

func queryStruct(vals url.Values, prefix string, v reflect.Value, s *shape) {
	for i := range s.members {
		mb := &s.members[i]
		fv := v.Field(mb.Index)
		if !present(fv, mb) {
			continue
		}
		queryMember(vals, prefix+mb.xmlName, fv, mb.shape, mb.Tag.Flat, mb.names)
	}
}

func queryMember(vals url.Values, key string, v reflect.Value, s *shape, flat bool, names elemNames) {
	v, ok := deref(v)
	if !ok {
		return
	}
	switch s.kind {
	case kindStruct:
		// botocore sends nothing for an empty structure; "Key=" keeps it
		// (the decoder reads it as one), so round trips are exact.
		n := len(vals)
		queryStruct(vals, key+".", v, s)
		if len(vals) == n {
			vals.Set(key, "")
		}
	case kindList:
		if v.Len() == 0 {
			vals.Set(key, "")
		}
		for i := 0; i < v.Len(); i++ {
			k := key + "." + names.item + "." + strconv.Itoa(i+1)
			if flat {
				k = key + "." + strconv.Itoa(i+1)
			}
			queryMember(vals, k, v.Index(i), s.elem, false, defaultNames)
		}
	case kindMap:
		if v.Len() == 0 {
			vals.Set(key, "")
		}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		for i, k := range keys {
			p := key + ".entry." + strconv.Itoa(i+1)
			if flat {
				p = key + "." + strconv.Itoa(i+1)
			}
			vals.Set(p+"."+names.key, k.String())
			queryMember(vals, p+"."+names.value, v.MapIndex(k), s.elem, false, defaultNames)
		}
	default:
		vals.Set(key, formatText(v, s, isoFormat))
	}
}

func formRequest(body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	return r
}

// snsPublishInput has SNS's map with renamed key and value elements.
type snsPublishInput struct {
	TopicArn          *string                          `json:"TopicArn,omitempty"`
	Message           string                           `json:"Message" aws:"required"`
	MessageAttributes map[string]messageAttributeValue `json:"MessageAttributes,omitempty" aws:"key=Name,value=Value"`
}

type messageAttributeValue struct {
	DataType    string  `json:"DataType"`
	StringValue *string `json:"StringValue,omitempty"`
}

func TestQueryOperation(t *testing.T) {
	ops := []*dispatch.Op{{Name: "Publish"}}
	tests := []struct {
		name, method, target, body, want, err string
	}{
		{name: "POST form", method: "POST", target: "/", body: "Action=Publish&Version=2010-03-31", want: "Publish"},
		{name: "GET query string", method: "GET", target: "/?Action=Publish&Version=2010-03-31", want: "Publish"},
		{name: "unknown", method: "POST", target: "/", body: "Action=Nope", err: "InvalidAction"},
		{name: "missing", method: "POST", target: "/", body: "Version=2010-03-31", err: "MissingAction"},
		{name: "malformed", method: "POST", target: "/", body: "Action=%zz", err: "MalformedQueryString"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
			got, err := Query{}.Operation(r, []byte(tt.body), kitchenSpec, ops)
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

func TestQueryDecode(t *testing.T) {
	op := dispatch.Op{Name: "X"}
	tests := []struct {
		name string
		body string // as botocore sends it
		in   any
		want any
	}{
		{
			name: "sns publish with renamed map entries",
			body: "Action=Publish&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A000000000000%3Aalerts&Message=hi&MessageAttributes.entry.1.Name=k&MessageAttributes.entry.1.Value.DataType=String&MessageAttributes.entry.1.Value.StringValue=v",
			in:   new(snsPublishInput),
			want: &snsPublishInput{TopicArn: ptr("arn:aws:sns:us-east-1:000000000000:alerts"), Message: "hi", MessageAttributes: map[string]messageAttributeValue{"k": {DataType: "String", StringValue: ptr("v")}}},
		},
		{
			name: "cloudwatch put metric data",
			body: "Action=PutMetricData&Version=2010-08-01&Namespace=Shoal%2FTest&MetricData.member.1.MetricName=Latency&MetricData.member.1.Dimensions.member.1.Name=Service&MetricData.member.1.Dimensions.member.1.Value=api&MetricData.member.1.Timestamp=2024-06-11T12%3A23%3A04.586000Z&MetricData.member.1.Value=12.5&MetricData.member.1.Unit=Milliseconds&MetricData.member.1.StorageResolution=60",
			in:   new(putMetricDataInput),
			want: &putMetricDataInput{Namespace: "Shoal/Test", MetricData: []metricDatum{{MetricName: "Latency", Dimensions: []dimension{{"Service", "api"}}, Timestamp: ptr(time.UnixMilli(1718108584586).UTC()), Value: ptr(12.5), Unit: "Milliseconds", StorageResolution: ptr(int32(60))}}},
		},
		{
			name: "list order follows the index, not the body",
			body: "Action=Cook&List.member.10=j&List.member.2=b&List.member.1=a&Flat.2=y&Flat.1=x",
			in:   new(kitchen),
			want: &kitchen{List: []string{"a", "b", "j"}, Flat: []string{"x", "y"}},
		},
		{
			name: "empty list, maps, blobs, bools",
			body: "Action=Cook&List=&Map.entry.1.key=a&Map.entry.1.value=1&Blob=AAEC%2Fw%3D%3D&Bool=true&BoolPtr=false&Renamed.Item.1=r&Nested.Child.Name=c",
			in:   new(kitchen),
			want: &kitchen{List: []string{}, Map: map[string]string{"a": "1"}, Blob: []byte{0, 1, 2, 0xff}, Bool: true, BoolPtr: ptr(false), Renamed: []string{"r"}, Nested: &nested{Child: &nested{Name: "c"}}},
		},
		{
			name: "unknown parameters are ignored",
			body: "Action=Cook&Version=2024-01-01&Nope=1&Str.member.1=x&X-Amz-Date=20240101T000000Z",
			in:   new(kitchen),
			want: &kitchen{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := (Query{}).Decode(formRequest(tt.body), []byte(tt.body), kitchenSpec, &op, tt.in); err != nil {
				t.Fatal(err)
			}
			mustSame(t, tt.in, tt.want)
		})
	}
}

func TestQueryDecodeErrors(t *testing.T) {
	sns := &dispatch.Spec{Name: "sns", Protocols: []string{dispatch.Query}, ValidationCode: "InvalidParameter"}
	tests := []struct {
		name, body string
		spec       *dispatch.Spec
		code       string
		status     int
	}{
		{"bad escape", "Action=Cook&Str=%zz", kitchenSpec, "MalformedQueryString", 404},
		{"not an integer", "Action=Cook&Int=abc", kitchenSpec, "InvalidParameterValue", 400},
		{"service's validation code", "Action=Cook&Int=abc", sns, "InvalidParameter", 400},
		{"not a boolean", "Action=Cook&Bool=yes", kitchenSpec, "InvalidParameterValue", 400},
		{"not a timestamp", "Action=Cook&Time=noon", kitchenSpec, "InvalidParameterValue", 400},
		{"int32 overflow", "Action=Cook&Int32Ptr=99999999999", kitchenSpec, "InvalidParameterValue", 400},
		{"map entry without key", "Action=Cook&Map.entry.1.value=x", kitchenSpec, "InvalidParameterValue", 400},
		{"too deep", "Action=Cook&" + strings.Repeat("a.", 100) + "=1", kitchenSpec, "MalformedQueryString", 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Query{}.Decode(formRequest(tt.body), []byte(tt.body), tt.spec, &kitchenOp, new(kitchen))
			checkDecodeError(t, err, tt.code)
			if s := asError(err).HTTPStatus(); s != tt.status {
				t.Fatalf("status %d, want %d", s, tt.status)
			}
		})
	}
}

func TestQueryRequestRoundTrip(t *testing.T) {
	in := fullKitchen()
	in.Doc, in.Any = nil, nil // documents are not part of the query protocol
	body := queryForm("Cook", in).Encode()
	got := new(kitchen)
	if err := (Query{}).Decode(formRequest(body), []byte(body), kitchenSpec, &kitchenOp, got); err != nil {
		t.Fatal(err)
	}
	mustSame(t, got, in)
}

func TestQueryEncode(t *testing.T) {
	w := httptest.NewRecorder()
	op := dispatch.Handle("ListMetrics", func(context.Context, *listMetricsInput) (*listMetricsOutput, error) { return nil, nil })
	out := &listMetricsOutput{Metrics: []metric{{Namespace: ptr("AWS/States"), MetricName: ptr("ExecutionsFailed"), Dimensions: []dimension{{"StateMachineArn", "arn:<&>"}}}}, NextToken: ptr("t")}
	Query{}.Encode(w, nil, cloudwatchSpec, &op, out, "rid")
	want := `<ListMetricsResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><ListMetricsResult><Metrics><member><Namespace>AWS/States</Namespace><MetricName>ExecutionsFailed</MetricName><Dimensions><member><Name>StateMachineArn</Name><Value>arn:&lt;&amp;&gt;</Value></member></Dimensions></member></Metrics><NextToken>t</NextToken></ListMetricsResult><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></ListMetricsResponse>`
	if w.Body.String() != want || w.Code != 200 || w.Header().Get("Content-Type") != "text/xml" || w.Header().Get("X-Amzn-RequestId") != "rid" {
		t.Fatalf("got %d %v\n%s\nwant\n%s", w.Code, w.Header(), w.Body, want)
	}

	// No output members: no Result element.
	w = httptest.NewRecorder()
	put := dispatch.Handle("PutMetricData", func(context.Context, *putMetricDataInput) (*putMetricDataOutput, error) { return nil, nil })
	Query{}.Encode(w, nil, cloudwatchSpec, &put, &putMetricDataOutput{}, "rid")
	if want := `<PutMetricDataResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></PutMetricDataResponse>`; w.Body.String() != want {
		t.Fatalf("got %s", w.Body)
	}
}

// TestQueryResponseRoundTrip parses an encoded response back through the
// element tree, checking every member type survives XML.
func TestQueryResponseRoundTrip(t *testing.T) {
	in := fullKitchen()
	in.Any = nil // documents are not part of the query protocol
	w := httptest.NewRecorder()
	Query{}.Encode(w, nil, kitchenSpec, &kitchenOp, in, "rid")
	root, err := parseXML(w.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	result := root.find("CookResult")
	if result == nil {
		t.Fatalf("no CookResult in %s", w.Body)
	}
	for _, frag := range []string{"<Time>2024-06-11T12:23:04.586Z</Time>", "<Flat>f1</Flat><Flat>f2</Flat>", "<Renamed><Item>r1</Item></Renamed>", "<Map><entry><key>a</key><value>1</value></entry>"} {
		if !strings.Contains(w.Body.String(), frag) {
			t.Errorf("response lacks %s", frag)
		}
	}
	got := new(kitchen)
	v, s, _ := structValue(got)
	if err := decodeXMLStruct(result, v, s, false); err != nil {
		t.Fatal(err)
	}
	mustSame(t, got, in)
}

func TestQueryEncodeError(t *testing.T) {
	w := httptest.NewRecorder()
	e := &dispatch.Error{Code: "ResourceNotFoundException", QueryCode: "ResourceNotFound", Message: "no <such> alarm", Status: 404, Fields: map[string]any{"Detail": "d"}}
	Query{}.EncodeError(w, nil, cloudwatchSpec, nil, e, "rid")
	want := `<ErrorResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><Error><Type>Sender</Type><Code>ResourceNotFound</Code><Message>no &lt;such&gt; alarm</Message><Detail>d</Detail></Error><RequestId>rid</RequestId></ErrorResponse>`
	if w.Code != 404 || w.Body.String() != want || w.Header().Get("X-Amzn-RequestId") != "rid" {
		t.Fatalf("got %d %s\nwant %s", w.Code, w.Body, want)
	}
}
