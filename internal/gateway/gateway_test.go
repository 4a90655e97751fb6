package gateway_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/shoal-dev/shoal/internal/gateway"
	"github.com/shoal-dev/shoal/internal/shoaltest"
)

func ssmClient(s *shoaltest.Shoal, key, secret string) *ssm.Client {
	return ssm.New(ssm.Options{
		BaseEndpoint:     aws.String(s.URL),
		Region:           "eu-west-1",
		Credentials:      credentials.NewStaticCredentialsProvider(key, secret, ""),
		RetryMaxAttempts: 1,
	})
}

// raw sends a hand-made request and returns status, headers and body.
func raw(t *testing.T, s *shoaltest.Shoal, method, path string, hdr map[string]string, body string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

const ssmAuth = "AWS4-HMAC-SHA256 Credential=123456789012/20240611/eu-west-1/ssm/aws4_request, SignedHeaders=host, Signature=00"

func TestSDKRoundTripAndAccountScoping(t *testing.T) {
	s := shoaltest.New(t)
	ctx := context.Background()
	a := ssmClient(s, "123456789012", "x")
	b := ssmClient(s, "210987654321", "x")
	if _, err := a.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String("/s3/lakehouse/name/raw"), Value: aws.String("data-lakehouse-raw"), Type: types.ParameterTypeString}); err != nil {
		t.Fatal(err)
	}
	got, err := a.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/s3/lakehouse/name/raw")})
	if err != nil || aws.ToString(got.Parameter.Value) != "data-lakehouse-raw" {
		t.Fatalf("GetParameter = %+v, %v", got, err)
	}
	if !got.Parameter.LastModifiedDate.Equal(shoaltest.Start) {
		t.Errorf("LastModifiedDate = %v, want the manual clock's %v", got.Parameter.LastModifiedDate, shoaltest.Start)
	}
	// Another account does not see it.
	_, err = b.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/s3/lakehouse/name/raw")})
	var nf *types.ParameterNotFound
	if !errors.As(err, &nf) {
		t.Errorf("other account: err = %v, want ParameterNotFound", err)
	}
}

func TestWireErrors(t *testing.T) {
	s := shoaltest.New(t)
	json11 := map[string]string{"Content-Type": "application/x-amz-json-1.1", "Authorization": ssmAuth}
	with := func(m map[string]string, k, v string) map[string]string {
		out := map[string]string{}
		for a, b := range m {
			out[a] = b
		}
		out[k] = v
		return out
	}
	tests := []struct {
		name       string
		method     string
		path       string
		hdr        map[string]string
		body       string
		wantStatus int
		wantCode   string
	}{
		{"unknown operation", "POST", "/", with(json11, "X-Amz-Target", "AmazonSSM.LaunchRocket"), "{}", 400, "UnknownOperationException"},
		{"unknown service by target", "POST", "/", with(json11, "X-Amz-Target", "AmazonNope.DoIt"), "{}", 400, "UnknownOperationException"},
		{"malformed json", "POST", "/", with(json11, "X-Amz-Target", "AmazonSSM.GetParameter"), `{"Name":`, 400, "SerializationException"},
		{"wrong type", "POST", "/", with(json11, "X-Amz-Target", "AmazonSSM.GetParameter"), `{"Name": 42}`, 400, "SerializationException"},
		{"missing required", "POST", "/", with(json11, "X-Amz-Target", "AmazonSSM.GetParameter"), `{}`, 400, "ValidationException"},
		{"unknown query service", "POST", "/", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, "Action=Publish&Version=2010-03-31", 400, "InvalidAction"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, hdr, body := raw(t, s, tc.method, tc.path, tc.hdr, tc.body)
			if status != tc.wantStatus || !strings.Contains(body, tc.wantCode) {
				t.Errorf("got %d %s, want %d %s", status, body, tc.wantStatus, tc.wantCode)
			}
			if hdr.Get("X-Amzn-Requestid") == "" {
				t.Error("no x-amzn-RequestId header")
			}
		})
	}
}

func TestBodyLimit(t *testing.T) {
	s := shoaltest.New(t)
	hdr := map[string]string{"Content-Type": "application/x-amz-json-1.1", "Authorization": ssmAuth, "X-Amz-Target": "AmazonSSM.PutParameter"}
	big := `{"Name":"/big","Type":"String","Value":"` + strings.Repeat("x", gateway.MaxBodyBytes) + `"}`
	status, _, body := raw(t, s, "POST", "/", hdr, big)
	if status != http.StatusRequestEntityTooLarge || !strings.Contains(body, "RequestEntityTooLarge") {
		t.Errorf("oversized body: %d %.200s", status, body)
	}
	// Nothing was stored.
	status, _, body = raw(t, s, "POST", "/", map[string]string{"Content-Type": "application/x-amz-json-1.1", "Authorization": ssmAuth, "X-Amz-Target": "AmazonSSM.GetParameter"}, `{"Name":"/big"}`)
	if status != 400 || !strings.Contains(body, "ParameterNotFound") {
		t.Errorf("after refused body: %d %s", status, body)
	}
}

func TestAuthVerify(t *testing.T) {
	s := shoaltest.New(t, shoaltest.WithCredentials(gateway.Credentials{"123456789012": "right"}))
	ctx := context.Background()
	in := &ssm.PutParameterInput{Name: aws.String("/p"), Value: aws.String("v"), Type: types.ParameterTypeString}
	if _, err := ssmClient(s, "123456789012", "right").PutParameter(ctx, in); err != nil {
		t.Fatalf("correctly signed: %v", err)
	}
	for _, tc := range []struct{ key, secret, code string }{
		{"123456789012", "wrong", "InvalidSignatureException"},
		{"999999999999", "right", "UnrecognizedClientException"},
	} {
		_, err := ssmClient(s, tc.key, tc.secret).GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/p")})
		if err == nil || !strings.Contains(err.Error(), tc.code) {
			t.Errorf("key %s secret %s: err = %v, want %s", tc.key, tc.secret, err, tc.code)
		}
	}
	status, _, body := raw(t, s, "POST", "/", map[string]string{"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AmazonSSM.GetParameter"}, `{"Name":"/p"}`)
	var e struct {
		Type string `json:"__type"`
	}
	_ = json.Unmarshal([]byte(body), &e)
	if status != 403 || !strings.Contains(e.Type, "MissingAuthenticationToken") {
		t.Errorf("unsigned: %d %s", status, body)
	}
}
