package gateway

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// signed returns a request signed by aws-sdk-go-v2's SigV4 signer, the
// reference implementation.
func signed(t *testing.T, method, url, service string, body []byte, presign bool) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AmazonSSM.GetParameter")
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: "123456789012", SecretAccessKey: "secret"}
	when := time.Date(2024, 6, 11, 12, 23, 4, 0, time.UTC)
	s := v4.NewSigner()
	if presign {
		u, hdr, err := s.PresignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, "eu-west-1", when)
		if err != nil {
			t.Fatal(err)
		}
		p, _ := http.NewRequest(method, u, bytes.NewReader(body))
		p.Header = hdr
		return p
	}
	if err := s.SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, "eu-west-1", when); err != nil {
		t.Fatal(err)
	}
	return req
}

func TestSignatureMatchesSDK(t *testing.T) {
	body := []byte(`{"Name":"/s3/lakehouse/name/raw"}`)
	for _, tc := range []struct {
		name    string
		url     string
		service string
		presign bool
	}{
		{"header", "http://127.0.0.1:4566/", "ssm", false},
		{"header with query and odd path", "http://127.0.0.1:4566/a%20b/c?z=1&a=x%2Fy&a=b", "ssm", false},
		{"presigned", "http://127.0.0.1:4566/?Action=GetParameter", "ssm", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := signed(t, "POST", tc.url, tc.service, body, tc.presign)
			c, err := parseSigV4(req)
			if err != nil {
				t.Fatal(err)
			}
			if c.AccessKeyID != "123456789012" || c.Region != "eu-west-1" || c.Service != tc.service || c.Presigned != tc.presign {
				t.Errorf("parsed %+v", c)
			}
			if got := signature(req, body, c, "secret"); got != c.Signature {
				t.Errorf("signature %s, SDK signed %s", got, c.Signature)
			}
			if got := signature(req, body, c, "other"); got == c.Signature {
				t.Error("a different secret gave the same signature")
			}
			if got := signature(req, append(body, ' '), c, "secret"); got == c.Signature && !tc.presign {
				t.Error("a different body gave the same signature")
			}
		})
	}
}

func TestParseSigV4Errors(t *testing.T) {
	for _, h := range []string{
		"Basic abc",
		"AWS4-HMAC-SHA256 Credential=AKID/20240611/eu-west-1/ssm, SignedHeaders=host, Signature=ab",
		"AWS4-HMAC-SHA256 Credential=AKID/20240611/eu-west-1/ssm/aws4_request",
	} {
		req, _ := http.NewRequest("POST", "http://x/", nil)
		req.Header.Set("Authorization", h)
		if _, err := parseSigV4(req); err == nil {
			t.Errorf("parseSigV4(%q) accepted", h)
		}
	}
	req, _ := http.NewRequest("POST", "http://x/", nil)
	if _, err := parseSigV4(req); err != errNoSignature {
		t.Errorf("unsigned request: %v", err)
	}
}

func TestAccountFor(t *testing.T) {
	for key, want := range map[string]string{"123456789012": "123456789012", "test": DefaultAccountID, "AKIAIOSFODNN7EXAMPLE": DefaultAccountID, "1234567890123": DefaultAccountID} {
		if got := accountFor(key); got != want {
			t.Errorf("accountFor(%q) = %q, want %q", key, got, want)
		}
	}
}
