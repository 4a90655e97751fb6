package awsproto

import (
	"net/http/httptest"
	"testing"

	"github.com/shoal-dev/shoal/internal/dispatch"
)

func TestFor(t *testing.T) {
	ssm := &dispatch.Spec{Name: "ssm", Protocols: []string{dispatch.JSON}, TargetPrefix: "AmazonSSM"}
	sns := &dispatch.Spec{Name: "sns", Protocols: []string{dispatch.Query}}
	tests := []struct {
		name    string
		spec    *dispatch.Spec
		method  string
		target  string
		headers map[string]string
		want    string
		errCode string
	}{
		{"cbor header", cloudwatchSpec, "POST", "/service/GraniteServiceVersion20100801/operation/ListMetrics", map[string]string{"Smithy-Protocol": "rpc-v2-cbor"}, dispatch.CBOR, ""},
		{"cbor path alone", cloudwatchSpec, "POST", "/service/GraniteServiceVersion20100801/operation/ListMetrics", nil, dispatch.CBOR, ""},
		{"json target", cloudwatchSpec, "POST", "/", map[string]string{"X-Amz-Target": "GraniteServiceVersion20100801.ListMetrics"}, dispatch.JSON, ""},
		{"query form", cloudwatchSpec, "POST", "/", map[string]string{"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}, dispatch.Query, ""},
		{"query GET", cloudwatchSpec, "GET", "/?Action=ListMetrics", nil, dispatch.Query, ""},
		{"rest json", lambdaSpec, "GET", "/2015-03-31/functions", nil, dispatch.RestJSON, ""},
		{"rest xml with a form upload", s3Spec, "PUT", "/b/k", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, dispatch.RestXML, ""},
		{"no signal: the service's protocol reports it", ssm, "POST", "/", nil, dispatch.JSON, ""},
		{"query to a json service", ssm, "POST", "/", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, dispatch.JSON, "UnknownOperationException"},
		{"cbor to a json service", ssm, "POST", "/service/AmazonSSM/operation/GetParameter", map[string]string{"Smithy-Protocol": "rpc-v2-cbor"}, dispatch.JSON, "UnknownOperationException"},
		{"a bucket called service", s3Spec, "PUT", "/service/operation/x", nil, dispatch.RestXML, ""},
		{"json to a query service", sns, "POST", "/", map[string]string{"X-Amz-Target": "SNS.Publish"}, dispatch.Query, "InvalidAction"},
		{"json to a rest service", lambdaSpec, "POST", "/", map[string]string{"X-Amz-Target": "Lambda.Invoke"}, dispatch.RestJSON, "UnknownOperationException"},
		{"no protocols", &dispatch.Spec{Name: "x"}, "POST", "/", nil, dispatch.JSON, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.target, nil)
			for k, v := range tt.headers {
				r.Header.Set(k, v)
			}
			c, err := For(r, tt.spec)
			if c == nil {
				t.Fatal("For returned a nil codec")
			}
			if c.Protocol() != tt.want {
				t.Errorf("codec %s, want %s", c.Protocol(), tt.want)
			}
			if tt.errCode == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			checkDecodeError(t, err, tt.errCode)
		})
	}
}

func TestForProtocol(t *testing.T) {
	for _, p := range []string{dispatch.JSON, dispatch.Query, dispatch.CBOR, dispatch.RestJSON, dispatch.RestXML} {
		c, ok := ForProtocol(p)
		if !ok || c.Protocol() != p {
			t.Errorf("ForProtocol(%q) = %v, %v", p, c, ok)
		}
	}
	if _, ok := ForProtocol("ec2"); ok {
		t.Error("ForProtocol accepted ec2")
	}
}
