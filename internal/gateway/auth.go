package gateway

import (
	"bufio"
	"crypto/hmac"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/clock"
	"github.com/shoal-dev/shoal/internal/dispatch"
)

// Credentials maps access key ids to secret keys for --auth verify.
type Credentials map[string]string

// LoadCredentials reads an AWS shared-credentials file (INI sections with
// aws_access_key_id and aws_secret_access_key, as ~/.aws/credentials) and
// adds AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY from env when set, so the
// same credentials the CLI uses work unchanged.
func LoadCredentials(path string, getenv func(string) string) (Credentials, error) {
	creds := Credentials{}
	if path != "" {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("read credentials: %w", err)
		}
		defer f.Close()
		var key string
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if strings.HasPrefix(line, "[") {
				key = ""
				continue
			}
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				continue
			}
			switch strings.TrimSpace(k) {
			case "aws_access_key_id":
				key = strings.TrimSpace(v)
			case "aws_secret_access_key":
				if key != "" {
					creds[key] = strings.TrimSpace(v)
				}
			}
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("read credentials %s: %w", path, err)
		}
	}
	if id, secret := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY"); id != "" && secret != "" {
		creds[id] = secret
	}
	if len(creds) == 0 {
		return nil, fmt.Errorf("--auth verify needs credentials: none found in %q or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY", path)
	}
	return creds, nil
}

// maxSkew is how far X-Amz-Date may be from the clock, as AWS allows.
const maxSkew = 15 * time.Minute

// verify checks c's signature over r. The error codes are the ones each
// protocol family uses on AWS.
func (g *Gateway) verify(r *http.Request, body []byte, spec *dispatch.Spec, c *credential) *dispatch.Error {
	rest := spec != nil && len(spec.Protocols) > 0 && spec.Protocols[0] == dispatch.RestXML
	query := spec != nil && len(spec.Protocols) > 0 && spec.Protocols[0] == dispatch.Query
	if c == nil {
		code := "MissingAuthenticationTokenException"
		if query {
			code = "MissingAuthenticationToken"
		} else if rest {
			code = "AccessDenied"
		}
		return dispatch.Errorf(http.StatusForbidden, code, "Request is missing Authentication Token")
	}
	secret, ok := g.creds[c.AccessKeyID]
	if !ok {
		code := "UnrecognizedClientException"
		if query {
			code = "InvalidClientTokenId"
		} else if rest {
			code = "InvalidAccessKeyId"
		}
		return dispatch.Errorf(http.StatusForbidden, code, "The security token included in the request is invalid.")
	}
	if t, err := requestTime(c.Time); err != nil {
		return dispatch.Errorf(http.StatusForbidden, "IncompleteSignature", "X-Amz-Date %q is not of the form yyyyMMdd'T'HHmmss'Z'", c.Time)
	} else if !c.Presigned {
		// Skew is judged on the wall clock, not the emulated one: the client
		// signs with its real time even when shoal runs a manual clock.
		now := clock.Real{}.Now().UTC()
		if d := now.Sub(t); d > maxSkew || d < -maxSkew {
			code, status := "InvalidSignatureException", http.StatusBadRequest
			if query || rest {
				code, status = "SignatureDoesNotMatch", http.StatusForbidden
			}
			return dispatch.Errorf(status, code, "Signature expired: %s is now earlier than %s (%s - 15 min.)", c.Time, now.Add(-maxSkew).Format("20060102T150405Z"), now.Format("20060102T150405Z"))
		}
	}
	want := signature(r, body, c, secret)
	if !hmac.Equal([]byte(want), []byte(c.Signature)) {
		code, status := "InvalidSignatureException", http.StatusBadRequest
		if query || rest {
			code, status = "SignatureDoesNotMatch", http.StatusForbidden
		}
		return dispatch.Errorf(status, code, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
	}
	return nil
}
