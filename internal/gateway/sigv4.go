package gateway

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"
)

const sigV4Algorithm = "AWS4-HMAC-SHA256"

// credential is what a SigV4 request says about who signed it.
type credential struct {
	AccessKeyID   string
	Date          string // yyyymmdd of the scope
	Region        string
	Service       string // signing name, e.g. "ssm", "states", "monitoring"
	SignedHeaders []string
	Signature     string
	Time          string // X-Amz-Date, yyyymmddThhmmssZ
	Presigned     bool
	Expires       string // X-Amz-Expires of a presigned URL, seconds
}

var errNoSignature = errors.New("request is not signed with SigV4")

// parseSigV4 reads the Authorization header or, failing that, a presigned
// query string.
func parseSigV4(r *http.Request) (*credential, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		return parseAuthHeader(h, r.Header.Get("X-Amz-Date"))
	}
	q := r.URL.Query()
	if q.Get("X-Amz-Algorithm") == "" {
		return nil, errNoSignature
	}
	if q.Get("X-Amz-Algorithm") != sigV4Algorithm {
		return nil, errors.New("unsupported signing algorithm " + q.Get("X-Amz-Algorithm"))
	}
	c, err := parseScope(q.Get("X-Amz-Credential"))
	if err != nil {
		return nil, err
	}
	c.SignedHeaders = strings.Split(q.Get("X-Amz-SignedHeaders"), ";")
	c.Signature = q.Get("X-Amz-Signature")
	c.Time = q.Get("X-Amz-Date")
	c.Expires = q.Get("X-Amz-Expires")
	c.Presigned = true
	return c, nil
}

func parseAuthHeader(h, amzDate string) (*credential, error) {
	alg, rest, ok := strings.Cut(h, " ")
	if !ok || alg != sigV4Algorithm {
		return nil, errors.New("authorization header is not " + sigV4Algorithm)
	}
	var c *credential
	var signed, sig string
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			var err error
			if c, err = parseScope(v); err != nil {
				return nil, err
			}
		case "SignedHeaders":
			signed = v
		case "Signature":
			sig = v
		}
	}
	if c == nil || signed == "" || sig == "" {
		return nil, errors.New("authorization header must have Credential, SignedHeaders and Signature")
	}
	c.SignedHeaders = strings.Split(signed, ";")
	c.Signature = sig
	c.Time = amzDate
	return c, nil
}

// parseScope parses "AKID/20240611/eu-west-1/ssm/aws4_request".
func parseScope(s string) (*credential, error) {
	parts := strings.Split(s, "/")
	if len(parts) != 5 || parts[4] != "aws4_request" || parts[0] == "" {
		return nil, errors.New("credential must have the form <key id>/<date>/<region>/<service>/aws4_request")
	}
	return &credential{AccessKeyID: parts[0], Date: parts[1], Region: parts[2], Service: parts[3]}, nil
}

var twelveDigits = regexp.MustCompile(`^[0-9]{12}$`)

// accountFor maps an access key id to an account: a 12-digit key id is the
// account (so tests can use several accounts), anything else is the default.
func accountFor(accessKeyID string) string {
	if twelveDigits.MatchString(accessKeyID) {
		return accessKeyID
	}
	return DefaultAccountID
}

// Defaults when a request carries no SigV4 credential scope.
const (
	DefaultAccountID = "000000000000"
	DefaultRegion    = "us-east-1"
)

// signature computes the SigV4 signature of r (whose body is body) with the
// given secret, following the AWS Signature Version 4 specification.
func signature(r *http.Request, body []byte, c *credential, secret string) string {
	canonical := canonicalRequest(r, body, c)
	scope := strings.Join([]string{c.Date, c.Region, c.Service, "aws4_request"}, "/")
	sum := sha256.Sum256([]byte(canonical))
	toSign := strings.Join([]string{sigV4Algorithm, c.Time, scope, hex.EncodeToString(sum[:])}, "\n")
	key := hmacSHA256([]byte("AWS4"+secret), c.Date)
	key = hmacSHA256(key, c.Region)
	key = hmacSHA256(key, c.Service)
	key = hmacSHA256(key, "aws4_request")
	return hex.EncodeToString(hmacSHA256(key, toSign))
}

func canonicalRequest(r *http.Request, body []byte, c *credential) string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	b.WriteString(canonicalPath(r, c.Service))
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(r.URL.Query(), c.Presigned))
	b.WriteByte('\n')
	for _, h := range c.SignedHeaders {
		b.WriteString(h)
		b.WriteByte(':')
		b.WriteString(canonicalHeaderValue(r, h))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(c.SignedHeaders, ";"))
	b.WriteByte('\n')
	switch {
	case r.Header.Get("X-Amz-Content-Sha256") != "":
		b.WriteString(r.Header.Get("X-Amz-Content-Sha256"))
	case c.Presigned && c.Service == "s3":
		b.WriteString("UNSIGNED-PAYLOAD")
	default:
		sum := sha256.Sum256(body)
		b.WriteString(hex.EncodeToString(sum[:]))
	}
	return b.String()
}

// canonicalPath is the URI-encoded path. S3 signs the path as sent; every
// other service encodes each segment a second time.
func canonicalPath(r *http.Request, service string) string {
	p := r.URL.EscapedPath()
	if p == "" {
		return "/"
	}
	if service == "s3" {
		return p
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = uriEncode(s, false)
	}
	return strings.Join(segs, "/")
}

func canonicalQuery(q url.Values, presigned bool) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		if presigned && k == "X-Amz-Signature" {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		vals := append([]string(nil), q[k]...)
		sort.Strings(vals)
		for _, v := range vals {
			parts = append(parts, uriEncode(k, true)+"="+uriEncode(v, true))
		}
	}
	return strings.Join(parts, "&")
}

func canonicalHeaderValue(r *http.Request, name string) string {
	if name == "host" {
		return r.Host
	}
	if name == "content-length" && r.ContentLength >= 0 && r.Header.Get("Content-Length") == "" {
		return formatInt(r.ContentLength)
	}
	vals := r.Header.Values(name)
	for i, v := range vals {
		vals[i] = strings.Join(strings.Fields(v), " ")
	}
	return strings.Join(vals, ",")
}

func formatInt(n int64) string {
	var b [20]byte
	i := len(b)
	if n == 0 {
		return "0"
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// uriEncode encodes as SigV4 requires: everything but A-Za-z0-9-_.~ is
// percent-encoded; '/' is kept unless encodeSlash.
func uriEncode(s string, encodeSlash bool) string {
	const hexdig = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~':
			b.WriteByte(c)
		case c == '/' && !encodeSlash:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hexdig[c>>4])
			b.WriteByte(hexdig[c&15])
		}
	}
	return b.String()
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

// requestTime parses X-Amz-Date.
func requestTime(s string) (time.Time, error) {
	return time.Parse("20060102T150405Z", s)
}
