package awsproto

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// The decoders' fuzz targets. Beyond "no panic", each checks that a decode
// error is a *dispatch.Error with a 4xx status, and that a successful
// decode re-encodes and re-decodes to an equal value. REST requests are
// also compared on the wire: the re-encoded request must encode again to
// the same bytes.

func FuzzJSONDecode(f *testing.F) {
	f.Add([]byte(`{"Name": "/app/prod/db-password", "WithDecryption": true}`))
	f.Add([]byte(`{"Name": "/x", "Value": "v", "Type": "String", "Tags": [{"Key": "a", "Value": "b"}]}`))
	f.Add(encodedKitchen(JSON{}))
	f.Add([]byte(`{"Time": 1718108584.586, "Float": "NaN", "Doc": {"a": [1, 2.5e300]}, "Any": [null, true]}`))
	f.Add([]byte(`{"Str": 1}`))
	f.Add([]byte(`{`))
	f.Fuzz(func(t *testing.T, body []byte) {
		v1 := new(kitchen)
		err := JSON{}.Decode(jsonRequest("Kitchen_20240101.Cook", ""), body, kitchenSpec, &kitchenOp, v1)
		if err != nil {
			checkDecodeError(t, err, "SerializationException")
			return
		}
		b1, err := encodeJSONBody(v1, false)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		v2 := new(kitchen)
		if err := (JSON{}).Decode(jsonRequest("Kitchen_20240101.Cook", ""), b1, kitchenSpec, &kitchenOp, v2); err != nil {
			t.Fatalf("re-decode of %s: %v", b1, err)
		}
		mustSame(t, v2, v1)
	})
}

func FuzzCBORDecode(f *testing.F) {
	f.Add(unhex(botocorePutMetricData))
	f.Add(unhex(botocoreListMetrics))
	f.Add(unhex("a0"))
	f.Add(encodedKitchen(CBOR{}))
	f.Add([]byte{0xbf, 0x63, 'I', 'n', 't', 0x20, 0xff})
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, in := range []any{new(kitchen), new(putMetricDataInput)} {
			err := CBOR{}.Decode(cborRequest("Cook", nil), body, kitchenSpec, &kitchenOp, in)
			if err != nil {
				checkDecodeError(t, err, "SerializationException")
				continue
			}
			v, s, _ := structValue(in)
			b1, err := cborEnc.Marshal(syntaxCBOR.encodeStruct(v, s, false))
			if err != nil {
				t.Fatalf("re-encode: %v", err)
			}
			again := reflect.New(v.Type()).Interface()
			if err := (CBOR{}).Decode(cborRequest("Cook", nil), b1, kitchenSpec, &kitchenOp, again); err != nil {
				t.Fatalf("re-decode of %x: %v", b1, err)
			}
			mustSame(t, again, in)
		}
	})
}

func FuzzQueryDecode(f *testing.F) {
	f.Add("Action=PutMetricData&Version=2010-08-01&Namespace=Shoal%2FTest&MetricData.member.1.MetricName=Latency&MetricData.member.1.Dimensions.member.1.Name=Service&MetricData.member.1.Dimensions.member.1.Value=api&MetricData.member.1.Timestamp=2024-06-11T12%3A23%3A04.586000Z&MetricData.member.1.Value=12.5")
	f.Add("Action=Publish&Version=2010-03-31&TopicArn=arn&Message=hi&MessageAttributes.entry.1.Name=k&MessageAttributes.entry.1.Value.DataType=String")
	f.Add(queryForm("Cook", fullKitchen()).Encode())
	f.Add("Action=Cook&List.member.3=c&List.member.1=a&Flat.2=y&Map.entry.1.key=k&Int=%zz")
	f.Fuzz(func(t *testing.T, body string) {
		for _, in := range []any{new(kitchen), new(putMetricDataInput), new(snsPublishInput)} {
			err := Query{}.Decode(formRequest(body), []byte(body), kitchenSpec, &kitchenOp, in)
			if err != nil {
				checkDecodeError(t, err, "MalformedQueryString", "InvalidParameterValue")
				continue
			}
			b1 := queryForm("Cook", in).Encode()
			again := reflect.New(reflect.TypeOf(in).Elem()).Interface()
			if err := (Query{}).Decode(formRequest(b1), []byte(b1), kitchenSpec, &kitchenOp, again); err != nil {
				t.Fatalf("re-decode of %s: %v", b1, err)
			}
			mustSame(t, again, in)
		}
	})
}

func FuzzRestJSONDecode(f *testing.F) {
	addRESTSeeds(f, restJSONBody, `{"Item":{"Name":"n","Tags":[{"Key":"k","Value":"v"}]},"Count":2,"Labels":{"a":"b"}}`)
	f.Fuzz(func(t *testing.T, path, query, header string, body []byte) {
		fuzzREST(t, RestJSON{}, restJSONBody, path, query, header, body, "SerializationException")
	})
}

func FuzzRestXMLDecode(f *testing.F) {
	addRESTSeeds(f, restXMLBody, `<Request><Item><Name>n</Name><Tags><member><Key>k</Key><Value>v</Value></member></Tags></Item><Count>2</Count><Labels><entry><key>a</key><value>b</value></entry></Labels></Request>`)
	f.Fuzz(func(t *testing.T, path, query, header string, body []byte) {
		fuzzREST(t, RestXML{}, restXMLBody, path, query, header, body, "MalformedXML", "InvalidArgument")
	})
}

func addRESTSeeds(f *testing.F, b *restBody, body string) {
	f.Add("a%2Fb/at/x/y.json", "tag=t1&tag=t2&limit=10&when=2024-06-11T07:00:00Z&color=red", "Tue, 11 Jun 2024 07:00:00 GMT", []byte(body))
	f.Add("a/at/b/", "limit=ten", "true", []byte(""))
	f.Add("n/at/p", "", "", []byte("{"))
	r := restRequest(itemOp, &itemInput{Name: "n", Path: "p/q", Item: &nested{Name: "x"}, Count: 1}, b, "")
	f.Add(strings.TrimPrefix(r.URL.Path, "/items/"), r.URL.RawQuery, "a, b", readAll(r))
}

// fuzzREST decodes a PutItem request (every binding) built from the parts.
func fuzzREST(t *testing.T, c Codec, b *restBody, path, query, header string, body []byte, codes ...string) {
	r := &http.Request{
		Method: "POST",
		URL:    &url.URL{Path: "/items/" + path, RawQuery: query},
		Header: http.Header{"X-Since": {header}, "X-Flags": {header}, "X-Force": {header}, "X-Amz-Meta-A": {header}},
		Body:   http.NoBody,
	}
	name, err := c.Operation(r, body, lambdaSpec, lambdaOps)
	if err != nil {
		checkDecodeError(t, err, "UnknownOperationException")
		return
	}
	op := itemOp
	if name != op.Name {
		return // another op's route (none overlap today)
	}
	v1 := new(itemInput)
	if err := c.Decode(r, body, lambdaSpec, op, v1); err != nil {
		checkDecodeError(t, err, codes...)
		return
	}
	r1 := restRequest(op, v1, b, "")
	b1 := readAll(r1)
	v2 := new(itemInput)
	if err := c.Decode(r1, b1, lambdaSpec, op, v2); err != nil {
		t.Fatalf("re-decode of %s %v %s: %v", r1.URL, r1.Header, b1, err)
	}
	mustSame(t, v2, v1)
	r2 := restRequest(op, v2, b, "")
	if b2 := readAll(r2); r1.URL.String() != r2.URL.String() || !reflect.DeepEqual(r1.Header, r2.Header) || !bytes.Equal(b1, b2) {
		t.Fatalf("not stable:\n%s %v %s\n%s %v %s", r1.URL, r1.Header, b1, r2.URL, r2.Header, b2)
	}
}

func encodedKitchen(c Codec) []byte {
	w := httptest.NewRecorder()
	c.Encode(w, nil, kitchenSpec, &kitchenOp, fullKitchen(), "r")
	return w.Body.Bytes()
}
