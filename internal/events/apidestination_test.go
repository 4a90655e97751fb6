package events

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// hook is a loopback HTTP endpoint recording the requests it gets and
// answering with the statuses queued in codes (200 once they run out).
type hook struct {
	*httptest.Server
	mu    sync.Mutex
	reqs  []*http.Request
	body  []string
	codes []int
}

func newHook(t *testing.T) *hook {
	h := &hook{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		if r.URL.Path == "/token" {
			form, _ := url.ParseQuery(string(b))
			if u, p, _ := r.BasicAuth(); u != "client" || p != "s3cret" || form.Get("grant_type") != "client_credentials" || form.Get("scope") != "write" {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			fmt.Fprint(w, `{"access_token":"tok-1","token_type":"Bearer","expires_in":3600}`)
			return
		}
		h.reqs = append(h.reqs, r)
		h.body = append(h.body, string(b))
		code := http.StatusOK
		if len(h.codes) > 0 {
			code, h.codes = h.codes[0], h.codes[1:]
		}
		w.WriteHeader(code)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hook) got() ([]*http.Request, []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]*http.Request(nil), h.reqs...), append([]string(nil), h.body...)
}

func apiKeyAuth() *AuthParameters {
	return &AuthParameters{ApiKeyAuthParameters: &APIKeyAuthParameters{ApiKeyName: "x-api-key", ApiKeyValue: "k3y"}}
}

// destination creates a connection and an API destination to endpoint and
// a rule on my.app events targeting it; it returns the destination's ARN.
func (e *env) destination(auth string, params *AuthParameters, endpoint string, target Target) string {
	e.t.Helper()
	c := must[CreateConnectionOutput](e, "CreateConnection", &CreateConnectionInput{Name: "conn", AuthorizationType: auth, AuthParameters: params})
	d := must[CreateAPIDestinationOutput](e, "CreateApiDestination", &CreateAPIDestinationInput{Name: "dest", ConnectionArn: c.ConnectionArn,
		InvocationEndpoint: endpoint, HttpMethod: "POST"})
	must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: "r", EventPattern: `{"source":["my.app"]}`})
	target.Id, target.Arn = "dest", d.ApiDestinationArn
	must[PutTargetsOutput](e, "PutTargets", &PutTargetsInput{Rule: "r", Targets: []Target{target}})
	return d.ApiDestinationArn
}

func (e *env) putApp(detail string) {
	e.t.Helper()
	must[PutEventsOutput](e, "PutEvents", &PutEventsInput{Entries: []PutEventsRequestEntry{{Source: "my.app", DetailType: "t", Detail: detail}}})
}

func TestConnectionLifecycle(t *testing.T) {
	e := newEnv(t)
	c := must[CreateConnectionOutput](e, "CreateConnection", &CreateConnectionInput{Name: "conn", AuthorizationType: AuthAPIKey, AuthParameters: &AuthParameters{
		ApiKeyAuthParameters: &APIKeyAuthParameters{ApiKeyName: "x-api-key", ApiKeyValue: "k3y"},
		InvocationHttpParameters: &ConnectionHttpParameters{HeaderParameters: []ConnectionHeaderParameter{
			{Key: "x-public", Value: "p"}, {Key: "x-private", Value: "hidden", IsValueSecret: true}}},
	}})
	if !strings.HasPrefix(c.ConnectionArn, "arn:aws:events:eu-west-1:123456789012:connection/conn/") || c.ConnectionState != ConnectionAuthorized || c.LastAuthorizedTime == nil {
		t.Errorf("CreateConnection = %+v", c)
	}
	fails(e, "CreateConnection", &CreateConnectionInput{Name: "conn", AuthorizationType: AuthAPIKey, AuthParameters: apiKeyAuth()}, "ResourceAlreadyExistsException")
	fails(e, "CreateConnection", &CreateConnectionInput{Name: "c2", AuthorizationType: AuthBasic, AuthParameters: apiKeyAuth()}, "ValidationException")

	d := must[DescribeConnectionOutput](e, "DescribeConnection", &DescribeConnectionInput{Name: "conn"})
	raw, _ := json.Marshal(d)
	if strings.Contains(string(raw), "k3y") || strings.Contains(string(raw), "hidden") {
		t.Errorf("DescribeConnection leaks a secret: %s", raw)
	}
	if d.SecretArn != "arn:aws:secretsmanager:eu-west-1:123456789012:secret:events!connection/conn/"+c.ConnectionArn[strings.LastIndexByte(c.ConnectionArn, '/')+1:] ||
		d.AuthParameters.ApiKeyAuthParameters.ApiKeyName != "x-api-key" || d.AuthParameters.InvocationHttpParameters.HeaderParameters[0].Value != "p" {
		t.Errorf("DescribeConnection = %s", raw)
	}

	// OAuth against a host off this machine: no token is fetched, and the
	// connection is left as a failed authorization leaves it.
	oauth := func(endpoint string) *AuthParameters {
		return &AuthParameters{OAuthParameters: &OAuthParameters{ClientParameters: &OAuthClientParameters{ClientID: "client", ClientSecret: "s3cret"},
			AuthorizationEndpoint: endpoint, HttpMethod: "POST"}}
	}
	o := must[CreateConnectionOutput](e, "CreateConnection", &CreateConnectionInput{Name: "remote", AuthorizationType: AuthOAuth, AuthParameters: oauth("https://auth.example.com/token")})
	if o.ConnectionState != ConnectionDeauthorized || o.LastAuthorizedTime != nil {
		t.Errorf("remote OAuth connection = %+v", o)
	}
	if d := must[DescribeConnectionOutput](e, "DescribeConnection", &DescribeConnectionInput{Name: "remote"}); !strings.Contains(d.StateReason, "loopback") {
		t.Errorf("StateReason = %q", d.StateReason)
	}
	u := must[UpdateConnectionOutput](e, "UpdateConnection", &UpdateConnectionInput{Name: "remote", AuthParameters: oauth("http://127.0.0.1:1/token")})
	if u.ConnectionState != ConnectionAuthorized {
		t.Errorf("after UpdateConnection to a loopback endpoint: %+v", u)
	}

	l := must[ListConnectionsOutput](e, "ListConnections", &ListConnectionsInput{Limit: ptr(int32(1))})
	if len(l.Connections) != 1 || l.Connections[0].Name != "conn" || l.NextToken == "" {
		t.Errorf("ListConnections = %+v", l)
	}
	l = must[ListConnectionsOutput](e, "ListConnections", &ListConnectionsInput{NextToken: l.NextToken})
	if len(l.Connections) != 1 || l.Connections[0].Name != "remote" {
		t.Errorf("ListConnections page 2 = %+v", l)
	}
	if x := must[DeauthorizeConnectionOutput](e, "DeauthorizeConnection", &DeauthorizeConnectionInput{Name: "conn"}); x.ConnectionState != ConnectionDeauthorized {
		t.Errorf("DeauthorizeConnection = %+v", x)
	}
	l = must[ListConnectionsOutput](e, "ListConnections", &ListConnectionsInput{ConnectionState: ConnectionAuthorized})
	if len(l.Connections) != 1 || l.Connections[0].Name != "remote" {
		t.Errorf("ListConnections AUTHORIZED = %+v", l)
	}
	must[DeleteConnectionOutput](e, "DeleteConnection", &DeleteConnectionInput{Name: "conn"})
	fails(e, "DescribeConnection", &DescribeConnectionInput{Name: "conn"}, "ResourceNotFoundException")
	fails(e, "DeleteConnection", &DeleteConnectionInput{Name: "conn"}, "ResourceNotFoundException")
	fails(e, "UpdateConnection", &UpdateConnectionInput{Name: "conn"}, "ResourceNotFoundException")
	fails(e, "DeauthorizeConnection", &DeauthorizeConnectionInput{Name: "conn"}, "ResourceNotFoundException")

	for i := range maxConnections - 1 {
		must[CreateConnectionOutput](e, "CreateConnection", &CreateConnectionInput{Name: fmt.Sprintf("c%02d", i), AuthorizationType: AuthAPIKey, AuthParameters: apiKeyAuth()})
	}
	fails(e, "CreateConnection", &CreateConnectionInput{Name: "one-too-many", AuthorizationType: AuthAPIKey, AuthParameters: apiKeyAuth()}, "LimitExceededException")
}

func TestAPIDestinationLifecycle(t *testing.T) {
	e := newEnv(t)
	c := must[CreateConnectionOutput](e, "CreateConnection", &CreateConnectionInput{Name: "conn", AuthorizationType: AuthAPIKey, AuthParameters: apiKeyAuth()})
	d := must[CreateAPIDestinationOutput](e, "CreateApiDestination", &CreateAPIDestinationInput{Name: "dest", ConnectionArn: c.ConnectionArn,
		InvocationEndpoint: "https://127.0.0.1/x", HttpMethod: "POST", InvocationRateLimitPerSecond: ptr(int32(10))})
	if !strings.HasPrefix(d.ApiDestinationArn, "arn:aws:events:eu-west-1:123456789012:api-destination/dest/") || d.ApiDestinationState != "ACTIVE" {
		t.Errorf("CreateApiDestination = %+v", d)
	}
	fails(e, "CreateApiDestination", &CreateAPIDestinationInput{Name: "dest", ConnectionArn: c.ConnectionArn, InvocationEndpoint: "https://x", HttpMethod: "POST"}, "ResourceAlreadyExistsException")
	gone := "arn:aws:events:eu-west-1:123456789012:connection/nope/00000000-0000-0000-0000-000000000000"
	fails(e, "CreateApiDestination", &CreateAPIDestinationInput{Name: "d2", ConnectionArn: gone, InvocationEndpoint: "https://x", HttpMethod: "POST"}, "ResourceNotFoundException")
	fails(e, "CreateApiDestination", &CreateAPIDestinationInput{Name: "d2", ConnectionArn: c.ConnectionArn, InvocationEndpoint: "https://x", HttpMethod: "TRACE"}, "ValidationException")

	got := must[DescribeAPIDestinationOutput](e, "DescribeApiDestination", &DescribeAPIDestinationInput{Name: "dest"})
	if got.ConnectionArn != c.ConnectionArn || got.InvocationEndpoint != "https://127.0.0.1/x" || *got.InvocationRateLimitPerSecond != 10 || got.HttpMethod != "POST" {
		t.Errorf("DescribeApiDestination = %+v", got)
	}
	must[UpdateAPIDestinationOutput](e, "UpdateApiDestination", &UpdateAPIDestinationInput{Name: "dest", HttpMethod: "PUT"})
	fails(e, "UpdateApiDestination", &UpdateAPIDestinationInput{Name: "dest", ConnectionArn: gone}, "ResourceNotFoundException")
	if got := must[DescribeAPIDestinationOutput](e, "DescribeApiDestination", &DescribeAPIDestinationInput{Name: "dest"}); got.HttpMethod != "PUT" || got.InvocationEndpoint != "https://127.0.0.1/x" {
		t.Errorf("after UpdateApiDestination: %+v", got)
	}
	must[CreateAPIDestinationOutput](e, "CreateApiDestination", &CreateAPIDestinationInput{Name: "another", ConnectionArn: c.ConnectionArn, InvocationEndpoint: "https://x", HttpMethod: "GET"})
	l := must[ListAPIDestinationsOutput](e, "ListApiDestinations", &ListAPIDestinationsInput{Limit: ptr(int32(1))})
	if len(l.ApiDestinations) != 1 || l.ApiDestinations[0].Name != "another" || l.NextToken == "" {
		t.Errorf("ListApiDestinations = %+v", l)
	}
	l = must[ListAPIDestinationsOutput](e, "ListApiDestinations", &ListAPIDestinationsInput{NextToken: l.NextToken, ConnectionArn: c.ConnectionArn})
	if len(l.ApiDestinations) != 1 || l.ApiDestinations[0].Name != "dest" {
		t.Errorf("ListApiDestinations page 2 = %+v", l)
	}
	must[Empty](e, "DeleteApiDestination", &DeleteAPIDestinationInput{Name: "dest"})
	fails(e, "DescribeApiDestination", &DescribeAPIDestinationInput{Name: "dest"}, "ResourceNotFoundException")
	fails(e, "DeleteApiDestination", &DeleteAPIDestinationInput{Name: "dest"}, "ResourceNotFoundException")
	fails(e, "UpdateApiDestination", &UpdateAPIDestinationInput{Name: "dest"}, "ResourceNotFoundException")
}

func TestAPIDestinationAuthHeaders(t *testing.T) {
	for _, tc := range []struct {
		auth   string
		params func(h *hook) *AuthParameters
		check  func(r *http.Request) bool
	}{
		{AuthAPIKey, func(*hook) *AuthParameters { return apiKeyAuth() },
			func(r *http.Request) bool { return r.Header.Get("x-api-key") == "k3y" }},
		{AuthBasic, func(*hook) *AuthParameters {
			return &AuthParameters{BasicAuthParameters: &BasicAuthParameters{Username: "user", Password: "pw"}}
		}, func(r *http.Request) bool { u, p, ok := r.BasicAuth(); return ok && u == "user" && p == "pw" }},
		{AuthOAuth, func(h *hook) *AuthParameters {
			return &AuthParameters{OAuthParameters: &OAuthParameters{ClientParameters: &OAuthClientParameters{ClientID: "client", ClientSecret: "s3cret"},
				AuthorizationEndpoint: h.URL + "/token", HttpMethod: "POST",
				OAuthHttpParameters: &ConnectionHttpParameters{BodyParameters: []ConnectionBodyParameter{{Key: "scope", Value: "write"}}}}}
		}, func(r *http.Request) bool { return r.Header.Get("Authorization") == "Bearer tok-1" }},
	} {
		t.Run(tc.auth, func(t *testing.T) {
			e := newEnv(t)
			h := newHook(t)
			e.destination(tc.auth, tc.params(h), h.URL+"/hook", Target{})
			e.putApp(`{"n":1}`)
			e.drain()
			reqs, bodies := h.got()
			if len(reqs) != 1 || !tc.check(reqs[0]) {
				t.Fatalf("requests = %d, headers %v", len(reqs), reqs)
			}
			var ev map[string]any
			if json.Unmarshal([]byte(bodies[0]), &ev) != nil || ev["source"] != "my.app" || reqs[0].Method != "POST" ||
				reqs[0].Header.Get("Content-Type") != "application/json; charset=utf-8" {
				t.Errorf("request %s %q", reqs[0].Method, bodies[0])
			}
			if dls := e.deadLetters(); len(dls) != 0 {
				t.Errorf("dead letters = %+v", dls)
			}
		})
	}
}

func TestAPIDestinationHTTPParameters(t *testing.T) {
	e := newEnv(t)
	h := newHook(t)
	params := apiKeyAuth()
	params.InvocationHttpParameters = &ConnectionHttpParameters{
		HeaderParameters:      []ConnectionHeaderParameter{{Key: "x-shared", Value: "from-connection"}},
		QueryStringParameters: []ConnectionQueryStringParameter{{Key: "conn", Value: "1"}},
	}
	e.destination(AuthAPIKey, params, h.URL+"/orders/*/items/*", Target{
		InputTransformer: &InputTransformer{InputPathsMap: map[string]string{"n": "$.detail.n"}, InputTemplate: `{"number": <n>}`},
		HttpParameters: &HttpParameters{PathParameterValues: []string{"o-1", "i 2"},
			HeaderParameters:      map[string]string{"x-target": "t", "x-shared": "from-target"},
			QueryStringParameters: map[string]string{"q": "a b"}},
	})
	e.putApp(`{"n":42}`)
	e.drain()
	reqs, bodies := h.got()
	if len(reqs) != 1 {
		t.Fatalf("requests = %d", len(reqs))
	}
	r := reqs[0]
	if r.URL.EscapedPath() != "/orders/o-1/items/i%202" || r.URL.Query().Get("q") != "a b" || r.URL.Query().Get("conn") != "1" {
		t.Errorf("URL = %s", r.URL)
	}
	if r.Header.Get("x-target") != "t" || r.Header.Get("x-shared") != "from-connection" || r.Header.Get("x-api-key") != "k3y" {
		t.Errorf("headers = %v", r.Header)
	}
	if bodies[0] != `{"number": 42}` {
		t.Errorf("body = %q", bodies[0])
	}
}

func TestAPIDestinationRetries(t *testing.T) {
	e := newEnv(t)
	h := newHook(t)
	h.codes = []int{500, 429, 401}
	e.destination(AuthAPIKey, apiKeyAuth(), h.URL+"/hook", Target{})
	e.putApp(`{}`)
	e.drain()
	for _, d := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
		if reqs, _ := h.got(); len(reqs) == 4 {
			t.Fatalf("delivered before the retry due after %v", d)
		}
		e.clk.Advance(d)
		e.drain()
	}
	if reqs, _ := h.got(); len(reqs) != 4 {
		t.Fatalf("requests = %d, want 4 (500, 429, 401, then 200)", len(reqs))
	}
	if dls := e.deadLetters(); len(dls) != 0 {
		t.Errorf("dead letters = %+v", dls)
	}
}

func TestAPIDestinationClientErrorNotRetried(t *testing.T) {
	for _, code := range []int{400, 404, 302} {
		t.Run(fmt.Sprint(code), func(t *testing.T) { testNotRetried(t, code) })
	}
}

func testNotRetried(t *testing.T, code int) {
	e := newEnv(t)
	h := newHook(t)
	h.codes = []int{code}
	e.destination(AuthAPIKey, apiKeyAuth(), h.URL+"/hook", Target{})
	e.putApp(`{}`)
	e.drain()
	e.clk.Advance(time.Minute)
	e.drain()
	if reqs, _ := h.got(); len(reqs) != 1 {
		t.Fatalf("requests = %d, want 1", len(reqs))
	}
	dls := e.deadLetters()
	if len(dls) != 1 || dls[0].ErrorCode != "ApiDestinationHttpError" || dls[0].RetryAttempts != 0 || !strings.Contains(dls[0].ErrorMessage, fmt.Sprint(code)) {
		t.Errorf("dead letters = %+v", dls)
	}
}

func TestAPIDestinationRefusesNonLoopback(t *testing.T) {
	e := newEnv(t)
	e.destination(AuthAPIKey, apiKeyAuth(), "https://example.com/hook", Target{})
	e.putApp(`{}`)
	e.drain()
	dls := e.deadLetters()
	if len(dls) != 1 || dls[0].ErrorCode != "ApiDestinationEndpointNotLoopback" || !strings.Contains(dls[0].ErrorMessage, "example.com") || dls[0].RetryAttempts != 0 {
		t.Errorf("dead letters = %+v", dls)
	}
}

func TestAPIDestinationDeauthorizedConnectionFails(t *testing.T) {
	e := newEnv(t)
	h := newHook(t)
	e.destination(AuthAPIKey, apiKeyAuth(), h.URL+"/hook", Target{})
	must[DeauthorizeConnectionOutput](e, "DeauthorizeConnection", &DeauthorizeConnectionInput{Name: "conn"})
	e.putApp(`{}`)
	e.drain()
	if reqs, _ := h.got(); len(reqs) != 0 {
		t.Errorf("requests = %d through a deauthorized connection", len(reqs))
	}
	if dls := e.deadLetters(); len(dls) != 1 || dls[0].ErrorCode != "ConnectionNotAuthorized" {
		t.Errorf("dead letters = %+v", dls)
	}
}

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "LOCALHOST:8080": true, "127.0.0.1": true, "127.8.9.10:443": true, "[::1]:80": true, "::1": true,
		"example.com": false, "10.0.0.1": false, "0.0.0.0": false, "[::]:80": false, "localhost.example.com": false, "169.254.169.254": false,
	} {
		if got := IsLoopback(host); got != want {
			t.Errorf("IsLoopback(%q) = %v, want %v", host, got, want)
		}
	}
}

// FuzzIsLoopback: whatever IsLoopback accepts, a URL with that host names
// this machine — localhost or a loopback IP — so no host string can send a
// delivery elsewhere.
func FuzzIsLoopback(f *testing.F) {
	for _, s := range []string{"localhost", "127.0.0.1:8080", "[::1]:443", "example.com", "127.0.0.1@evil.com", "localhost.", "0x7f.1",
		"[::ffff:127.0.0.1]", "127.1", "LocalHost:1", "%31%32%37.0.0.1", "[::1%25eth0]:80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, host string) {
		if !IsLoopback(host) {
			return
		}
		u, err := url.Parse("http://" + host + "/")
		if err != nil {
			return // never reaches a delivery: the endpoint would not parse
		}
		h := strings.TrimSuffix(u.Hostname(), ".")
		if ip := net.ParseIP(h); !strings.EqualFold(h, "localhost") && (ip == nil || !ip.IsLoopback()) {
			t.Errorf("IsLoopback(%q) but the URL's host is %q", host, u.Hostname())
		}
	})
}

func TestAPIDestinationFollowsConnectionChanges(t *testing.T) {
	e := newEnv(t)
	h := newHook(t)
	fails(e, "CreateConnection", &CreateConnectionInput{Name: "x", AuthorizationType: AuthAPIKey}, "ValidationException")
	e.destination(AuthAPIKey, apiKeyAuth(), h.URL+"/hook", Target{})
	// A new key value alone keeps the key's name.
	must[UpdateConnectionOutput](e, "UpdateConnection", &UpdateConnectionInput{Name: "conn",
		AuthParameters: &AuthParameters{ApiKeyAuthParameters: &APIKeyAuthParameters{ApiKeyValue: "rotated"}}})
	e.putApp(`{}`)
	e.drain()
	// Switching to BASIC needs its parameters in full.
	fails(e, "UpdateConnection", &UpdateConnectionInput{Name: "conn", AuthorizationType: AuthBasic}, "ValidationException")
	must[UpdateConnectionOutput](e, "UpdateConnection", &UpdateConnectionInput{Name: "conn", AuthorizationType: AuthBasic,
		AuthParameters: &AuthParameters{BasicAuthParameters: &BasicAuthParameters{Username: "u", Password: "p"}}})
	e.putApp(`{}`)
	e.drain()
	reqs, _ := h.got()
	if len(reqs) != 2 || reqs[0].Header.Get("x-api-key") != "rotated" {
		t.Fatalf("requests = %d, first x-api-key %q", len(reqs), reqs[0].Header.Get("x-api-key"))
	}
	if u, p, _ := reqs[1].BasicAuth(); u != "u" || p != "p" {
		t.Errorf("second request's basic auth = %q %q", u, p)
	}
	// A deleted connection fails the delivery, not retried.
	must[DeleteConnectionOutput](e, "DeleteConnection", &DeleteConnectionInput{Name: "conn"})
	e.putApp(`{}`)
	e.drain()
	if dls := e.deadLetters(); len(dls) != 1 || dls[0].ErrorCode != "ResourceNotFoundException" || dls[0].RetryAttempts != 0 {
		t.Errorf("dead letters = %+v", dls)
	}
}

func TestAPIDestinationRateLimit(t *testing.T) {
	e := newEnv(t)
	h := newHook(t)
	arn := e.destination(AuthAPIKey, apiKeyAuth(), h.URL+"/hook", Target{RetryPolicy: &RetryPolicy{MaximumRetryAttempts: ptr(int32(0))}})
	must[UpdateAPIDestinationOutput](e, "UpdateApiDestination", &UpdateAPIDestinationInput{Name: "dest", InvocationRateLimitPerSecond: ptr(int32(2))})
	for range 5 {
		e.putApp(`{}`)
	}
	for sec, want := range []int{2, 4, 5} {
		e.drain()
		if reqs, _ := h.got(); len(reqs) != want {
			t.Fatalf("second %d: %d requests to %s, want %d", sec, len(reqs), arn, want)
		}
		e.clk.Advance(time.Second)
	}
	// Waiting for the rate is not a failed attempt: nothing was dead-lettered
	// although the policy allows no retries.
	if dls := e.deadLetters(); len(dls) != 0 {
		t.Errorf("dead letters = %+v", dls)
	}
}
