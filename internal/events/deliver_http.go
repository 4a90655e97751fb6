package events

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/store"
)

// apiDestinationTimeout is AWS's limit on an API destination's answer
// ("API destination endpoints have a 5-second timeout").
const apiDestinationTimeout = 5 * time.Second

// userAgent is the User-Agent AWS sends to API destinations.
const userAgent = "Amazon/EventBridge/ApiDestinations"

// httpSender sends the HTTP requests of API destinations, and only to this
// machine: the URL's host must be loopback, every address dialled must be
// a loopback address (so "localhost" resolving elsewhere is refused too),
// redirects are not followed, and no proxy is used.
type httpSender struct{ c *http.Client }

func newHTTPSender() *httpSender {
	d := &net.Dialer{Timeout: apiDestinationTimeout, Control: func(_, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			return fmt.Errorf("refusing to connect to %s: not a loopback address", address)
		}
		return nil
	}}
	t := &http.Transport{Proxy: nil, DialContext: d.DialContext, ForceAttemptHTTP2: true, MaxIdleConnsPerHost: 16}
	// Redirects are not followed: AWS treats a 3xx answer as a failure it
	// does not retry, and a redirect could point off the machine.
	return &httpSender{c: &http.Client{Transport: t, Timeout: apiDestinationTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// codeHTTPError is the error code of a non-2xx answer; its Status is the
// answer's.
const codeHTTPError = "ApiDestinationHttpError"

// retriableStatus is AWS's rule for API destinations: "Retries events
// associated with error codes 401, 407, 409, 429, and 5xx. Does not retry
// events associated with error codes 1xx, 2xx, 3xx, and 4xx (other than
// those noted above)" (user guide, API destinations).
func retriableStatus(code int) bool {
	switch code {
	case http.StatusUnauthorized, http.StatusProxyAuthRequired, http.StatusConflict, http.StatusTooManyRequests:
		return true
	}
	return code >= 500
}

// rateLimiter keeps API destinations to their InvocationRateLimitPerSecond:
// a count per destination ARN for the current second of shoal's clock. Its
// mutex is a leaf (nothing is called while it is held). The counts are per
// process, like the matchers.
type rateLimiter struct {
	mu sync.Mutex
	w  map[string]rateWindow
}

type rateWindow struct {
	sec int64
	n   int32
}

// take reports whether one more invocation fits this second; if not, it
// returns the start of the next second.
func (r *rateLimiter) take(key string, limit int32, now time.Time) (time.Time, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.w == nil {
		r.w = map[string]rateWindow{}
	}
	sec := now.Unix()
	w := r.w[key]
	if w.sec != sec {
		w = rateWindow{sec: sec}
	}
	if limit > 0 && w.n >= limit {
		return time.Unix(sec+1, 0), false
	}
	w.n++
	r.w[key] = w
	return time.Time{}, true
}

// errRateLimited asks deliver to try again at Next without counting a
// failed attempt: events over an API destination's rate wait their turn.
type errRateLimited struct{ Next time.Time }

func (e *errRateLimited) Error() string {
	return "the API destination's InvocationRateLimitPerSecond is reached; delivery postponed"
}

func errNotLoopback(what, endpoint string) *dispatch.Error {
	return dispatch.NewError("ApiDestinationEndpointNotLoopback",
		"shoal sends no traffic off this machine: the %s %s is not on a loopback host (localhost, 127.0.0.0/8, ::1)", what, endpoint)
}

// invokeAPIDestination sends the target input to an API destination
// (resource "api-destination/<name>/<id>") with its connection's
// authorization and the HTTP parameters of connection and target. A 2xx
// answer is success; see retriableStatus for the statuses retried.
func (s *Service) invokeAPIDestination(ctx context.Context, d *delivery, input []byte, sc scope) error {
	var dest *apiDestinationRecord
	var conn *connectionRecord
	err := s.st.View(ctx, func(tx store.Tx) error {
		name := strings.SplitN(strings.TrimPrefix(resourceOf(d.Target.Arn), "api-destination/"), "/", 2)[0]
		a, _, err := loadAPIDestination(ctx, tx, sc, name)
		if err != nil {
			return err
		}
		if sc.apiDestinationArn(a.Name, a.ID) != d.Target.Arn {
			return errAPIDestinationNotFound(name)
		}
		c, err := connectionByArn(ctx, tx, sc, a.ConnectionArn)
		if err != nil {
			return err
		}
		dest, conn = a, c
		return nil
	})
	if err != nil {
		return err
	}
	if next, ok := s.rates.take(d.Target.Arn, dest.RateLimit, s.clk.Now()); !ok {
		return &errRateLimited{Next: next}
	}
	if conn.State != ConnectionAuthorized {
		return errConnectionNotAuthorized(conn)
	}
	endpoint := dest.Endpoint
	var hp HttpParameters
	if d.Target.HttpParameters != nil {
		hp = *d.Target.HttpParameters
	}
	for _, v := range hp.PathParameterValues {
		endpoint = strings.Replace(endpoint, "*", url.PathEscape(v), 1)
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return dispatch.NewError("ApiDestinationInvalidEndpoint", "the invocation endpoint %s is not an HTTP(S) URL", endpoint)
	}
	if !IsLoopback(u.Host) {
		return errNotLoopback("invocation endpoint", endpoint)
	}
	cp := conn.Auth.InvocationHttpParameters
	if cp == nil {
		cp = &ConnectionHttpParameters{}
	}
	// The connection's parameters take precedence over the target's.
	q := u.Query()
	for k, v := range hp.QueryStringParameters {
		q.Set(k, v)
	}
	for _, p := range cp.QueryStringParameters {
		q.Set(p.Key, p.Value)
	}
	u.RawQuery = q.Encode()
	body := withBodyParameters(input, cp.BodyParameters)
	req, err := http.NewRequestWithContext(ctx, dest.HttpMethod, u.String(), bytes.NewReader(body))
	if err != nil {
		return dispatch.NewError("ApiDestinationInvalidEndpoint", "the request to %s could not be built: %v", endpoint, err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", userAgent)
	for k, v := range hp.HeaderParameters {
		req.Header.Set(k, v)
	}
	for _, p := range cp.HeaderParameters {
		req.Header.Set(p.Key, p.Value)
	}
	if err := s.authorizeRequest(ctx, conn, req); err != nil {
		return err
	}
	return s.web.send(req, "API destination "+dest.Name)
}

func resourceOf(arn string) string {
	_, _, _, r, _ := arnParts(arn)
	return r
}

// withBodyParameters adds the connection's body parameters to a JSON
// object body; other bodies are sent unchanged.
func withBodyParameters(input []byte, params []ConnectionBodyParameter) []byte {
	if len(params) == 0 {
		return input
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(input, &obj) != nil || obj == nil {
		return input
	}
	for _, p := range params {
		v, _ := json.Marshal(p.Value)
		obj[p.Key] = v
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return input
	}
	return b
}

// authorizeRequest adds the connection's credentials to req.
func (s *Service) authorizeRequest(ctx context.Context, c *connectionRecord, req *http.Request) error {
	switch c.AuthorizationType {
	case AuthAPIKey:
		if p := c.Auth.ApiKeyAuthParameters; p != nil {
			req.Header.Set(p.ApiKeyName, p.ApiKeyValue)
		}
	case AuthBasic:
		if p := c.Auth.BasicAuthParameters; p != nil {
			req.SetBasicAuth(p.Username, p.Password)
		}
	case AuthOAuth:
		token, err := s.oauthToken(ctx, c)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return nil
}

// oauthToken asks the connection's (loopback) authorization endpoint for a
// token with the client credentials grant: the client ID and secret as
// basic authentication, the OAuthHttpParameters as headers, query string
// and form body. Tokens are not cached: each delivery asks again.
func (s *Service) oauthToken(ctx context.Context, c *connectionRecord) (string, error) {
	o := c.Auth.OAuthParameters
	if o == nil || o.ClientParameters == nil {
		return "", dispatch.NewError("ConnectionNotAuthorized", "connection %s has no OAuth parameters", c.Name)
	}
	u, err := url.Parse(o.AuthorizationEndpoint)
	if err != nil || !IsLoopback(u.Host) {
		return "", errNotLoopback("authorization endpoint", o.AuthorizationEndpoint)
	}
	form := url.Values{"grant_type": {"client_credentials"}}
	var headers []ConnectionHeaderParameter
	if p := o.OAuthHttpParameters; p != nil {
		q := u.Query()
		for _, x := range p.QueryStringParameters {
			q.Set(x.Key, x.Value)
		}
		u.RawQuery = q.Encode()
		for _, x := range p.BodyParameters {
			form.Set(x.Key, x.Value)
		}
		headers = p.HeaderParameters
	}
	var body io.Reader
	if o.HttpMethod != http.MethodGet {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, o.HttpMethod, u.String(), body)
	if err != nil {
		return "", dispatch.NewError("ConnectionNotAuthorized", "the token request to %s could not be built: %v", o.AuthorizationEndpoint, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("User-Agent", userAgent)
	req.SetBasicAuth(o.ClientParameters.ClientID, o.ClientParameters.ClientSecret)
	for _, h := range headers {
		req.Header.Set(h.Key, h.Value)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	resp, err := s.web.do(req, "authorization endpoint of connection "+c.Name)
	if err != nil {
		return "", err
	}
	if err := json.Unmarshal(resp, &tok); err != nil || tok.AccessToken == "" {
		return "", dispatch.NewError("ConnectionNotAuthorized", "the authorization endpoint %s returned no access_token", o.AuthorizationEndpoint)
	}
	return tok.AccessToken, nil
}

func (h *httpSender) send(req *http.Request, what string) error {
	_, err := h.do(req, what)
	return err
}

// do sends req and maps the answer to EventBridge's retry classes: a
// network failure or timeout is retried (an error with status 503); a
// non-2xx answer is codeHTTPError with the answer's status, which
// retriable judges by retriableStatus.
func (h *httpSender) do(req *http.Request, what string) ([]byte, error) {
	resp, err := h.c.Do(req)
	if err != nil {
		return nil, &dispatch.Error{Code: "ApiDestinationUnreachable", Message: fmt.Sprintf("%s: %v", what, err), Status: http.StatusServiceUnavailable}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return b, nil
	}
	return nil, &dispatch.Error{Code: codeHTTPError, Message: fmt.Sprintf("%s answered %s", what, resp.Status), Status: resp.StatusCode}
}
