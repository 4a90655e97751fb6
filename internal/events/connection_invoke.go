package events

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"time"

	"github.com/shoal-dev/shoal/internal/store"
)

// httpTaskTimeout is how long Step Functions' HTTP Task waits for an
// answer (the guide: the task fails with States.Http.Socket "if it takes
// longer than 60 seconds").
const httpTaskTimeout = 60 * time.Second

// InvokeThroughConnection sends req as Step Functions' HTTP Task
// (arn:aws:states:::http:invoke) does with its Authentication's
// ConnectionArn: with the connection's authorization and its invocation
// header, query string and body parameters, which take precedence over the
// request's own. Like API destinations, it sends nothing off this machine:
// the request's host must be loopback. The answer is returned whatever its
// status; the caller judges it and closes its body.
func (s *Service) InvokeThroughConnection(ctx context.Context, account, region, connectionARN string, req *http.Request) (*http.Response, error) {
	sc := scope{account: account, region: region}
	var conn *connectionRecord
	err := s.st.View(ctx, func(tx store.Tx) error {
		var err error
		conn, err = connectionByArn(ctx, tx, sc, connectionARN)
		return err
	})
	if err != nil {
		return nil, err
	}
	if conn.State != ConnectionAuthorized {
		return nil, errConnectionNotAuthorized(conn)
	}
	if !IsLoopback(req.URL.Host) {
		return nil, errNotLoopback("ApiEndpoint", req.URL.String())
	}
	if cp := conn.Auth.InvocationHttpParameters; cp != nil {
		q := req.URL.Query()
		for _, p := range cp.QueryStringParameters {
			q.Set(p.Key, p.Value)
		}
		req.URL.RawQuery = q.Encode()
		for _, p := range cp.HeaderParameters {
			req.Header.Set(p.Key, p.Value)
		}
		if len(cp.BodyParameters) > 0 && req.Body != nil {
			b, err := io.ReadAll(req.Body)
			if err != nil {
				return nil, err
			}
			b = withBodyParameters(b, cp.BodyParameters)
			req.Body, req.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		}
	}
	if err := s.authorizeRequest(ctx, conn, req); err != nil {
		return nil, err
	}
	c := *s.web.c // the same loopback-only transport, with the task's timeout
	c.Timeout = httpTaskTimeout
	return c.Do(req)
}
