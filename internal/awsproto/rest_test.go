package awsproto

import (
	"bytes"
	"context"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/dispatch"
)

// Lambda-like restJson1 shapes.
type invokeInput struct {
	FunctionName   string  `json:"FunctionName" aws:"required,location=uri,name=FunctionName"`
	InvocationType *string `json:"InvocationType,omitempty" aws:"location=header,name=X-Amz-Invocation-Type"`
	Qualifier      *string `json:"Qualifier,omitempty" aws:"location=querystring,name=Qualifier"`
	Payload        []byte  `json:"Payload,omitempty" aws:"location=payload"`
}

type invokeOutput struct {
	StatusCode      int32   `json:"StatusCode,omitempty" aws:"location=statusCode"`
	FunctionError   *string `json:"FunctionError,omitempty" aws:"location=header,name=X-Amz-Function-Error"`
	ExecutedVersion *string `json:"ExecutedVersion,omitempty" aws:"location=header,name=X-Amz-Executed-Version"`
	Payload         []byte  `json:"Payload,omitempty" aws:"location=payload"`
}

// itemInput binds a member to every REST location.
type itemInput struct {
	Name   string            `json:"Name" aws:"location=uri,name=Name"`
	Path   string            `json:"Path" aws:"location=uri,name=Path"`
	Tags   []string          `json:"Tags,omitempty" aws:"location=querystring,name=tag"`
	Limit  *int32            `json:"Limit,omitempty" aws:"location=querystring,name=limit"`
	When   *time.Time        `json:"When,omitempty" aws:"location=querystring,name=when"`
	Extra  map[string]string `json:"Extra,omitempty" aws:"location=querystring"`
	Since  *time.Time        `json:"Since,omitempty" aws:"location=header,name=X-Since"`
	Flags  []string          `json:"Flags,omitempty" aws:"location=header,name=X-Flags"`
	Force  *bool             `json:"Force,omitempty" aws:"location=header,name=X-Force"`
	Meta   map[string]string `json:"Meta,omitempty" aws:"location=headers,name=x-amz-meta-"`
	Item   *nested           `json:"Item,omitempty"`
	Count  int               `json:"Count,omitempty"`
	Labels map[string]string `json:"Labels,omitempty"`
}

type itemOutput struct {
	ETag     *string           `json:"ETag,omitempty" aws:"location=header,name=ETag"`
	Modified *time.Time        `json:"Modified,omitempty" aws:"location=header,name=Last-Modified"`
	Meta     map[string]string `json:"Meta,omitempty" aws:"location=headers,name=x-amz-meta-"`
	Status   int32             `json:"Status,omitempty" aws:"location=statusCode"`
	Item     *nested           `json:"Item,omitempty"`
	Created  *time.Time        `json:"Created,omitempty"`
}

// S3-like restXml shapes.
type bucketInput struct {
	Bucket string `json:"Bucket" aws:"required,location=uri,name=Bucket"`
}

type putObjectInput struct {
	Bucket      string            `json:"Bucket" aws:"location=uri,name=Bucket"`
	Key         string            `json:"Key" aws:"location=uri,name=Key"`
	Body        []byte            `json:"Body,omitempty" aws:"location=payload"`
	ContentType *string           `json:"ContentType,omitempty" aws:"location=header,name=Content-Type"`
	Metadata    map[string]string `json:"Metadata,omitempty" aws:"location=headers,name=x-amz-meta-"`
}

type tagging struct {
	XMLName xml.Name `xml:"Tagging"`
	TagSet  []tag    `json:"TagSet" aws:"member=Tag"`
}

type putBucketTaggingInput struct {
	Bucket  string   `json:"Bucket" aws:"location=uri,name=Bucket"`
	Tagging *tagging `json:"Tagging" aws:"location=payload"`
}

type versioningOutput struct {
	XMLName   xml.Name `xml:"VersioningConfiguration"`
	Status    *string  `json:"Status,omitempty"`
	MFADelete *string  `json:"MFADelete,omitempty" aws:"xmlname=MfaDelete"`
}

type object struct {
	Key          string     `json:"Key"`
	LastModified *time.Time `json:"LastModified,omitempty"`
	Size         *int64     `json:"Size,omitempty"`
}

type listObjectsV2Input struct {
	Bucket  string  `json:"Bucket" aws:"location=uri,name=Bucket"`
	Prefix  *string `json:"Prefix,omitempty" aws:"location=querystring,name=prefix"`
	MaxKeys *int32  `json:"MaxKeys,omitempty" aws:"location=querystring,name=max-keys"`
}

type listObjectsV2Output struct {
	XMLName  xml.Name `xml:"ListBucketResult"`
	Name     *string  `json:"Name,omitempty"`
	Contents []object `json:"Contents,omitempty" aws:"flattened"`
	KeyCount *int32   `json:"KeyCount,omitempty"`
}

type getObjectOutput struct {
	Body          []byte     `json:"Body,omitempty" aws:"location=payload"`
	ContentLength *int64     `json:"ContentLength,omitempty" aws:"location=header,name=Content-Length"`
	LastModified  *time.Time `json:"LastModified,omitempty" aws:"location=header,name=Last-Modified"`
	ETag          *string    `json:"ETag,omitempty" aws:"location=header,name=ETag"`
}

func restOp[In, Out any](name, method, path string, status int) *dispatch.Op {
	op := dispatch.Handle(name, func(context.Context, *In) (*Out, error) { return new(Out), nil })
	op.HTTP = dispatch.HTTP{Method: method, Path: path, Status: status}
	return &op
}

var (
	lambdaSpec = &dispatch.Spec{Name: "lambda", Protocols: []string{dispatch.RestJSON}}
	s3Spec     = &dispatch.Spec{Name: "s3", Protocols: []string{dispatch.RestXML}, XMLNamespace: "http://s3.amazonaws.com/doc/2006-03-01/"}

	invokeOp  = restOp[invokeInput, invokeOutput]("Invoke", "POST", "/2015-03-31/functions/{FunctionName}/invocations", 0)
	itemOp    = restOp[itemInput, itemOutput]("PutItem", "POST", "/items/{Name}/at/{Path+}", 201)
	lambdaOps = []*dispatch.Op{
		invokeOp, itemOp,
		restOp[struct{}, struct{}]("ListFunctions", "GET", "/2015-03-31/functions", 0),
		restOp[bucketInput, struct{}]("GetFunction", "GET", "/2015-03-31/functions/{FunctionName}", 0),
	}

	putObjectOp  = restOp[putObjectInput, struct{}]("PutObject", "PUT", "/{Bucket}/{Key+}", 0)
	taggingOp    = restOp[putBucketTaggingInput, struct{}]("PutBucketTagging", "PUT", "/{Bucket}?tagging", 204)
	versioningOp = restOp[bucketInput, versioningOutput]("GetBucketVersioning", "GET", "/{Bucket}?versioning", 0)
	listV2Op     = restOp[listObjectsV2Input, listObjectsV2Output]("ListObjectsV2", "GET", "/{Bucket}?list-type=2", 0)
	s3Ops        = []*dispatch.Op{
		putObjectOp, taggingOp, versioningOp, listV2Op,
		restOp[bucketInput, struct{}]("ListObjects", "GET", "/{Bucket}", 0),
		restOp[bucketInput, struct{}]("HeadBucket", "HEAD", "/{Bucket}", 0),
		restOp[struct{}, struct{}]("ListBuckets", "GET", "/", 0),
		restOp[putObjectInput, getObjectOutput]("GetObject", "GET", "/{Bucket}/{Key+}", 0),
	}
)

// restRequest builds the request a client sends for op with input in,
// as botocore's REST serialisers do.
func restRequest(op *dispatch.Op, in any, b *restBody, ns string) *http.Request {
	v, s, _ := structValue(in)
	tmplPath, tmplQuery, _ := strings.Cut(op.HTTP.Path, "?")
	q := url.Values{}
	if tmplQuery != "" {
		for _, kv := range strings.Split(tmplQuery, "&") {
			k, val, _ := strings.Cut(kv, "=")
			q.Set(k, val)
		}
	}
	h := http.Header{}
	var body []byte
	hasBody := false
	for i := range s.members {
		mb := &s.members[i]
		fv := v.Field(mb.Index)
		if !present(fv, mb) {
			continue
		}
		e, _ := deref(fv)
		switch mb.Tag.Location {
		case "uri":
			text := formatText(e, mb.shape, isoFormat)
			label := "{" + bindingName(mb) + "}"
			if strings.Contains(tmplPath, label) {
				tmplPath = strings.Replace(tmplPath, label, url.PathEscape(text), 1)
			} else {
				segs := strings.Split(text, "/")
				for i := range segs {
					segs[i] = url.PathEscape(segs[i])
				}
				tmplPath = strings.Replace(tmplPath, "{"+bindingName(mb)+"+}", strings.Join(segs, "/"), 1)
			}
		case "querystring":
			switch mb.shape.kind {
			case kindMap:
				for _, k := range e.MapKeys() {
					q.Set(k.String(), e.MapIndex(k).String())
				}
			case kindList:
				for i := 0; i < e.Len(); i++ {
					q.Add(bindingName(mb), formatText(e.Index(i), mb.shape.elem, isoFormat))
				}
			default:
				q.Set(bindingName(mb), formatText(e, mb.shape, isoFormat))
			}
		case "header":
			if text, ok := headerText(e, mb.shape); ok {
				h.Set(bindingName(mb), text)
			}
		case "headers":
			for _, k := range e.MapKeys() {
				h.Set(bindingName(mb)+k.String(), e.MapIndex(k).String())
			}
		case "payload":
			switch mb.shape.kind {
			case kindStruct:
				name := mb.shape.xmlRoot
				if name == "" {
					name = mb.xmlName
				}
				body, _ = b.encode(e, mb.shape, false, name, ns)
			case kindBlob:
				body = e.Bytes()
			default:
				body = []byte(formatText(e, mb.shape, isoFormat))
			}
		default:
			hasBody = true
		}
	}
	if hasBody {
		body, _ = b.encode(v, s, true, "Request", ns)
	}
	target := tmplPath
	if len(q) > 0 {
		target += "?" + strings.ReplaceAll(q.Encode(), "=&", "&")
	}
	r := httptest.NewRequest(op.HTTP.Method, "http://localhost"+target, bytes.NewReader(body))
	for k, vs := range h {
		r.Header[k] = vs
	}
	return r
}

// decodeResponse reads a recorded REST response back into out, the way a
// client would: the same bindings, applied to the response.
func decodeResponse(t *testing.T, w *httptest.ResponseRecorder, out any, b *restBody) {
	t.Helper()
	r := httptest.NewRequest("GET", "/", nil)
	r.Header = w.Header().Clone()
	op := &dispatch.Op{HTTP: dispatch.HTTP{Method: "GET", Path: "/"}}
	if err := decodeREST(r, w.Body.Bytes(), op, out, b); err != nil {
		t.Fatal(err)
	}
	v, s, _ := structValue(out)
	for i := range s.members {
		if mb := &s.members[i]; mb.Tag.Location == "statusCode" {
			v.Field(mb.Index).SetInt(int64(w.Code))
		}
	}
}

func TestRESTRouting(t *testing.T) {
	tests := []struct {
		ops         []*dispatch.Op
		method, url string
		want        string
		wantLabels  map[string]string
	}{
		{lambdaOps, "POST", "/2015-03-31/functions/raw/invocations?Qualifier=%24LATEST", "Invoke", map[string]string{"FunctionName": "raw"}},
		{lambdaOps, "POST", "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A0%3Afunction%3Araw/invocations", "Invoke", map[string]string{"FunctionName": "arn:aws:lambda:us-east-1:0:function:raw"}},
		{lambdaOps, "GET", "/2015-03-31/functions/", "ListFunctions", map[string]string{}},
		{lambdaOps, "GET", "/2015-03-31/functions/raw", "GetFunction", map[string]string{"FunctionName": "raw"}},
		{lambdaOps, "POST", "/items/a%2Fb/at/x/y%20z/", "PutItem", map[string]string{"Name": "a/b", "Path": "x/y z/"}},
		{lambdaOps, "DELETE", "/2015-03-31/functions/raw", "", nil},
		{lambdaOps, "GET", "/2015-03-31/functions/raw/extra", "", nil},
		{s3Ops, "GET", "/", "ListBuckets", map[string]string{}},
		{s3Ops, "GET", "/bucket", "ListObjects", map[string]string{"Bucket": "bucket"}},
		{s3Ops, "GET", "/bucket/", "ListObjects", map[string]string{"Bucket": "bucket"}},
		{s3Ops, "GET", "/bucket?versioning", "GetBucketVersioning", map[string]string{"Bucket": "bucket"}},
		{s3Ops, "GET", "/bucket?list-type=2&prefix=a", "ListObjectsV2", map[string]string{"Bucket": "bucket"}},
		{s3Ops, "GET", "/bucket?list-type=1", "ListObjects", map[string]string{"Bucket": "bucket"}},
		{s3Ops, "PUT", "/bucket?tagging", "PutBucketTagging", map[string]string{"Bucket": "bucket"}},
		{s3Ops, "PUT", "/bucket/raw/2024/06/11/posts.json", "PutObject", map[string]string{"Bucket": "bucket", "Key": "raw/2024/06/11/posts.json"}},
		{s3Ops, "GET", "/bucket/dir/", "GetObject", map[string]string{"Bucket": "bucket", "Key": "dir/"}},
		{s3Ops, "HEAD", "/bucket", "HeadBucket", map[string]string{"Bucket": "bucket"}},
		{s3Ops, "POST", "/bucket", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.url, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.url, nil)
			op, err := restOperation(r, tt.ops)
			if tt.want == "" {
				checkDecodeError(t, err, "UnknownOperationException")
				if asError(err).HTTPStatus() != 404 {
					t.Fatalf("status %d, want 404", asError(err).HTTPStatus())
				}
				return
			}
			if err != nil || op.Name != tt.want {
				t.Fatalf("got %v, %v; want %s", op, err, tt.want)
			}
			labels, _ := routeOf(op.HTTP.Path).match(splitPath(r.URL.EscapedPath()), r.URL.Query())
			if !reflect.DeepEqual(labels, tt.wantLabels) {
				t.Fatalf("labels %v, want %v", labels, tt.wantLabels)
			}
		})
	}
}

func TestRestJSONDecodeBotocore(t *testing.T) {
	// botocore's Lambda Invoke: POST, label in the path, query, header,
	// raw payload.
	r := httptest.NewRequest("POST", "/2015-03-31/functions/raw/invocations?Qualifier=%24LATEST", strings.NewReader(`{"a":1}`))
	r.Header.Set("X-Amz-Invocation-Type", "RequestResponse")
	name, err := RestJSON{}.Operation(r, nil, lambdaSpec, lambdaOps)
	if err != nil || name != "Invoke" {
		t.Fatalf("Operation = %q, %v", name, err)
	}
	var in invokeInput
	if err := (RestJSON{}).Decode(r, []byte(`{"a":1}`), lambdaSpec, invokeOp, &in); err != nil {
		t.Fatal(err)
	}
	mustSame(t, &in, &invokeInput{FunctionName: "raw", InvocationType: ptr("RequestResponse"), Qualifier: ptr("$LATEST"), Payload: []byte(`{"a":1}`)})
}

func TestRestJSONRoundTrip(t *testing.T) {
	when := time.Date(2024, 6, 11, 7, 0, 0, 0, time.UTC)
	in := &itemInput{
		Name: "a/b c", Path: "x/y/z.json", Tags: []string{"t1", "t2"}, Limit: ptr(int32(10)), When: &when,
		Extra: map[string]string{"color": "red"}, Since: &when, Flags: []string{"a", "b"}, Force: ptr(true),
		Meta: map[string]string{"owner": "me"}, Item: &nested{Name: "n", Tags: []tag{{"k", "v"}}}, Count: 2,
		Labels: map[string]string{"l": "1"},
	}
	r := restRequest(itemOp, in, restJSONBody, "")
	if got := r.Header.Get("X-Since"); got != "Tue, 11 Jun 2024 07:00:00 GMT" {
		t.Errorf("X-Since = %q", got)
	}
	body := readAll(r)
	if name, err := (RestJSON{}).Operation(r, body, lambdaSpec, lambdaOps); err != nil || name != "PutItem" {
		t.Fatalf("Operation = %q, %v (url %s)", name, err, r.URL)
	}
	got := new(itemInput)
	if err := (RestJSON{}).Decode(r, body, lambdaSpec, itemOp, got); err != nil {
		t.Fatal(err)
	}
	mustSame(t, got, in)

	out := &itemOutput{ETag: ptr(`"abc"`), Modified: &when, Meta: map[string]string{"owner": "me"}, Status: 202, Item: &nested{Name: "n"}, Created: &when}
	w := httptest.NewRecorder()
	RestJSON{}.Encode(w, nil, lambdaSpec, itemOp, out, "rid")
	if w.Code != 202 || w.Header().Get("Last-Modified") != "Tue, 11 Jun 2024 07:00:00 GMT" || w.Header().Get("X-Amzn-RequestId") != "rid" {
		t.Fatalf("got %d %v", w.Code, w.Header())
	}
	if want := `{"Created":1718089200,"Item":{"Name":"n"}}`; w.Body.String() != want {
		t.Fatalf("body %s, want %s", w.Body, want)
	}
	gotOut := new(itemOutput)
	decodeResponse(t, w, gotOut, restJSONBody)
	mustSame(t, gotOut, out)

	// Without a statusCode member the op's status applies.
	w = httptest.NewRecorder()
	RestJSON{}.Encode(w, nil, lambdaSpec, itemOp, &itemOutput{}, "rid")
	if w.Code != 201 || w.Body.String() != "{}" {
		t.Fatalf("got %d %s", w.Code, w.Body)
	}
}

func TestRestJSONPayloadOutput(t *testing.T) {
	w := httptest.NewRecorder()
	RestJSON{}.Encode(w, nil, lambdaSpec, invokeOp, &invokeOutput{StatusCode: 200, FunctionError: ptr("Unhandled"), ExecutedVersion: ptr("$LATEST"), Payload: []byte(`{"errorMessage":"boom"}`)}, "rid")
	if w.Code != 200 || w.Body.String() != `{"errorMessage":"boom"}` || w.Header().Get("X-Amz-Function-Error") != "Unhandled" || w.Header().Get("Content-Type") != "application/octet-stream" {
		t.Fatalf("got %d %v %s", w.Code, w.Header(), w.Body)
	}
	// An output with no body members has an empty body.
	w = httptest.NewRecorder()
	RestJSON{}.Encode(w, nil, lambdaSpec, invokeOp, &invokeOutput{StatusCode: 204}, "rid")
	if w.Code != 204 || w.Body.Len() != 0 {
		t.Fatalf("got %d %q", w.Code, w.Body)
	}
}

func TestRestJSONErrors(t *testing.T) {
	tests := []struct {
		name, method, url, body string
		header                  map[string]string
		code                    string
	}{
		{"malformed body", "POST", "/items/a/at/b", `{"Count":`, nil, "SerializationException"},
		{"body type mismatch", "POST", "/items/a/at/b", `{"Count":"x"}`, nil, "SerializationException"},
		{"bad integer in query", "POST", "/items/a/at/b?limit=ten", "", nil, "SerializationException"},
		{"bad boolean header", "POST", "/items/a/at/b", "", map[string]string{"X-Force": "maybe"}, "SerializationException"},
		{"bad date header", "POST", "/items/a/at/b", "", map[string]string{"X-Since": "someday"}, "SerializationException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.url, strings.NewReader(tt.body))
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			err := RestJSON{}.Decode(r, []byte(tt.body), lambdaSpec, itemOp, new(itemInput))
			checkDecodeError(t, err, tt.code)
		})
	}

	w := httptest.NewRecorder()
	RestJSON{}.EncodeError(w, nil, lambdaSpec, nil, withFields(dispatch.Errorf(404, "ResourceNotFoundException", "Function not found: raw"), map[string]any{"Type": "User"}), "rid")
	if w.Code != 404 || w.Header().Get("X-Amzn-ErrorType") != "ResourceNotFoundException" || w.Header().Get("X-Amzn-RequestId") != "rid" ||
		w.Body.String() != `{"Message":"Function not found: raw","Type":"User","__type":"ResourceNotFoundException","message":"Function not found: raw"}` {
		t.Fatalf("got %d %v %s", w.Code, w.Header(), w.Body)
	}
}

func TestRestXMLDecodeBotocore(t *testing.T) {
	body := `<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>`
	r := httptest.NewRequest("PUT", "/b?tagging", strings.NewReader(body))
	name, err := RestXML{}.Operation(r, nil, s3Spec, s3Ops)
	if err != nil || name != "PutBucketTagging" {
		t.Fatalf("Operation = %q, %v", name, err)
	}
	var in putBucketTaggingInput
	if err := (RestXML{}).Decode(r, []byte(body), s3Spec, taggingOp, &in); err != nil {
		t.Fatal(err)
	}
	mustSame(t, &in, &putBucketTaggingInput{Bucket: "b", Tagging: &tagging{TagSet: []tag{{"k", "v"}}}})

	r = httptest.NewRequest("PUT", "/bucket/raw/posts%202024.json", strings.NewReader("[1,2]"))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Amz-Meta-Source", "wordpress")
	var put putObjectInput
	if err := (RestXML{}).Decode(r, []byte("[1,2]"), s3Spec, putObjectOp, &put); err != nil {
		t.Fatal(err)
	}
	mustSame(t, &put, &putObjectInput{Bucket: "bucket", Key: "raw/posts 2024.json", Body: []byte("[1,2]"), ContentType: ptr("application/json"), Metadata: map[string]string{"source": "wordpress"}})

	// The request builder and the decoder agree on the payload struct.
	r = restRequest(taggingOp, &in, restXMLBody, s3Spec.XMLNamespace)
	var again putBucketTaggingInput
	if err := (RestXML{}).Decode(r, readAll(r), s3Spec, taggingOp, &again); err != nil {
		t.Fatal(err)
	}
	mustSame(t, &again, &in)
}

func TestRestXMLEncode(t *testing.T) {
	w := httptest.NewRecorder()
	RestXML{}.Encode(w, nil, s3Spec, versioningOp, &versioningOutput{Status: ptr("Enabled"), MFADelete: ptr("Disabled")}, "rid")
	want := xmlDecl + `<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status><MfaDelete>Disabled</MfaDelete></VersioningConfiguration>`
	if w.Body.String() != want || w.Header().Get("X-Amz-Request-Id") != "rid" || w.Header().Get("X-Amz-Id-2") == "" || w.Header().Get("Content-Type") != "application/xml" {
		t.Fatalf("got %v\n%s\nwant\n%s", w.Header(), w.Body, want)
	}

	mod := time.Date(2024, 6, 11, 7, 0, 1, 0, time.UTC)
	out := &listObjectsV2Output{Name: ptr("b"), Contents: []object{{Key: "a", LastModified: &mod, Size: ptr(int64(3))}, {Key: "b"}}, KeyCount: ptr(int32(2))}
	w = httptest.NewRecorder()
	RestXML{}.Encode(w, nil, s3Spec, listV2Op, out, "rid")
	want = xmlDecl + `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Contents><Key>a</Key><LastModified>2024-06-11T07:00:01.000Z</LastModified><Size>3</Size></Contents><Contents><Key>b</Key></Contents><KeyCount>2</KeyCount></ListBucketResult>`
	if w.Body.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", w.Body, want)
	}
	got := new(listObjectsV2Output)
	decodeResponse(t, w, got, restXMLBody)
	mustSame(t, got, out)

	// A blob payload with headers, as GetObject answers.
	w = httptest.NewRecorder()
	getObject := s3Ops[len(s3Ops)-1]
	RestXML{}.Encode(w, nil, s3Spec, getObject, &getObjectOutput{Body: []byte("{}"), LastModified: &mod, ETag: ptr(`"e"`)}, "rid")
	if w.Body.String() != "{}" || w.Header().Get("Last-Modified") != "Tue, 11 Jun 2024 07:00:01 GMT" || w.Header().Get("ETag") != `"e"` {
		t.Fatalf("got %v %s", w.Header(), w.Body)
	}
}

func TestRestXMLErrors(t *testing.T) {
	for _, body := range []string{"<Tagging><TagSet>", "<a/><b/>", "not xml", "<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>trailing<x/>"} {
		r := httptest.NewRequest("PUT", "/b?tagging", strings.NewReader(body))
		err := RestXML{}.Decode(r, []byte(body), s3Spec, taggingOp, new(putBucketTaggingInput))
		checkDecodeError(t, err, "MalformedXML")
	}
	r := httptest.NewRequest("GET", "/b?list-type=2&max-keys=many", nil)
	checkDecodeError(t, RestXML{}.Decode(r, nil, s3Spec, listV2Op, new(listObjectsV2Input)), "InvalidArgument")

	w := httptest.NewRecorder()
	RestXML{}.EncodeError(w, nil, s3Spec, nil, withFields(dispatch.Errorf(404, "NoSuchKey", "The specified key does not exist."), map[string]any{"Key": "a<b"}), "rid")
	want := xmlDecl + `<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>a&lt;b</Key><RequestId>rid</RequestId><HostId>cmlk</HostId></Error>`
	if w.Code != 404 || w.Body.String() != want || w.Header().Get("X-Amz-Request-Id") != "rid" || w.Header().Get("X-Amz-Id-2") != "cmlk" {
		t.Fatalf("got %d %v\n%s", w.Code, w.Header(), w.Body)
	}
}
