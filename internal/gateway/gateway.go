package gateway

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/awsproto"
	"github.com/shoal-dev/shoal/internal/dispatch"
)

// MaxBodyBytes bounds a request body. The largest requests shoal's services
// take are EventBridge PutEvents (10 entries of 1 MiB) and Lambda Invoke
// (6 MiB); anything larger is refused before it is read.
const MaxBodyBytes = 16 << 20

// Config configures a Gateway.
type Config struct {
	Registry *dispatch.Registry
	Logger   *slog.Logger
	// Credentials, when set, turns on SigV4 verification (--auth verify);
	// otherwise signatures are parsed for account and region but not checked.
	Credentials Credentials
	// Admin serves /_shoal/ and /_localstack/ endpoints.
	Admin *Admin
}

// Gateway is the http.Handler in front of the registry.
type Gateway struct {
	reg      *dispatch.Registry
	log      *slog.Logger
	creds    Credentials
	admin    *Admin
	byTarget map[string]*dispatch.Spec // X-Amz-Target / CBOR service name → spec
	bySigner map[string]*dispatch.Spec // SigV4 signing name → spec
}

// New returns a gateway for the services registered in cfg.Registry. Register
// every service before calling New.
func New(cfg Config) *Gateway {
	g := &Gateway{
		reg:      cfg.Registry,
		log:      cfg.Logger,
		creds:    cfg.Credentials,
		admin:    cfg.Admin,
		byTarget: map[string]*dispatch.Spec{},
		bySigner: map[string]*dispatch.Spec{},
	}
	if g.log == nil {
		g.log = slog.New(slog.DiscardHandler)
	}
	for _, s := range cfg.Registry.Services() {
		if s.TargetPrefix != "" {
			g.byTarget[s.TargetPrefix] = s
		}
		if s.SigningName != "" {
			g.bySigner[s.SigningName] = s
		}
	}
	return g
}

func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if g.admin != nil && (strings.HasPrefix(r.URL.Path, "/_shoal/") || strings.HasPrefix(r.URL.Path, "/_localstack/")) {
		g.admin.ServeHTTP(w, r)
		return
	}
	start := time.Now()
	requestID := g.reg.NewRequestID()
	service, operation, status := g.serve(w, r, requestID)
	if g.log.Enabled(r.Context(), slog.LevelDebug) {
		g.log.LogAttrs(r.Context(), slog.LevelDebug, "request",
			slog.String("service", service), slog.String("operation", operation),
			slog.Int("status", status), slog.Duration("took", time.Since(start)),
			slog.String("request_id", requestID))
	}
}

// serve handles one AWS API request and reports what it was for logging.
func (g *Gateway) serve(w http.ResponseWriter, r *http.Request, requestID string) (service, operation string, status int) {
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	w = sw
	cred, sigErr := parseSigV4(r)
	spec := g.identify(r, cred)

	fail := func(codec awsproto.Codec, op *dispatch.Op, e *dispatch.Error) {
		codec.EncodeError(w, r, spec, op, e, requestID)
	}
	if spec == nil {
		codec, pseudo := fallbackCodec(r)
		spec = pseudo
		fail(codec, nil, unknownService(r, codec))
		return "", "", sw.status
	}
	service = spec.Name
	codec, err := awsproto.For(r, spec) // never nil: on error, the service's own protocol
	if err != nil {
		fail(codec, nil, asAWSError(err))
		return service, "", sw.status
	}

	body, err := readBody(w, r)
	if err != nil {
		fail(codec, nil, asAWSError(err))
		return service, "", sw.status
	}
	if g.creds != nil {
		if errors.Is(sigErr, errNoSignature) {
			cred = nil
		}
		if e := g.verify(r, body, spec, cred); e != nil {
			fail(codec, nil, e)
			return service, "", sw.status
		}
	}

	operation, err = codec.Operation(r, body, spec, g.reg.Ops(spec.Name))
	if err != nil {
		fail(codec, nil, asAWSError(err))
		return service, operation, sw.status
	}
	op, ok := g.reg.Op(spec.Name, operation)
	if !ok {
		fail(codec, nil, unknownOperation(codec, spec, operation))
		return service, operation, sw.status
	}
	in := op.New()
	if err := codec.Decode(r, body, spec, op, in); err != nil {
		fail(codec, op, asAWSError(err))
		return service, operation, sw.status
	}
	out, err := g.reg.Invoke(r.Context(), callerOf(r, cred), requestID, op, in)
	if err != nil {
		e, known := dispatch.AsError(err)
		if !known && !errors.Is(err, context.Canceled) {
			g.log.Error("operation failed", "service", service, "operation", operation, "request_id", requestID, "err", err)
		}
		fail(codec, op, e)
		return service, operation, sw.status
	}
	codec.Encode(w, r, spec, op, out, requestID)
	return service, operation, sw.status
}

// identify finds the service a request is for: X-Amz-Target names it for
// the JSON protocols, the path for smithy-rpc-v2-cbor, and otherwise the
// SigV4 credential scope's signing name does.
func (g *Gateway) identify(r *http.Request, cred *credential) *dispatch.Spec {
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		if i := strings.LastIndexByte(t, '.'); i > 0 {
			if s, ok := g.byTarget[t[:i]]; ok {
				return s
			}
		}
		return nil
	}
	if rest, ok := strings.CutPrefix(r.URL.Path, "/service/"); ok {
		name, _, _ := strings.Cut(rest, "/")
		if s, ok := g.byTarget[name]; ok {
			return s
		}
	}
	if cred != nil {
		if s, ok := g.bySigner[cred.Service]; ok {
			return s
		}
	}
	return nil
}

func callerOf(r *http.Request, cred *credential) dispatch.Caller {
	c := dispatch.Caller{AccountID: DefaultAccountID, Region: DefaultRegion, UserAgent: r.UserAgent()}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		c.SourceIP = host
	}
	if cred != nil {
		c.AccessKeyID = cred.AccessKeyID
		c.AccountID = accountFor(cred.AccessKeyID)
		if cred.Region != "" {
			c.Region = cred.Region
		}
	}
	c.Principal = "arn:aws:iam::" + c.AccountID + ":root"
	return c
}

func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.ContentLength > MaxBodyBytes {
		return nil, tooLarge()
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, tooLarge()
	}
	if err != nil {
		return nil, dispatch.NewError("SerializationException", "could not read the request body: %v", err)
	}
	return body, nil
}

func tooLarge() *dispatch.Error {
	return dispatch.Errorf(http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "Request body is larger than the %d MiB shoal accepts", MaxBodyBytes>>20)
}

func asAWSError(err error) *dispatch.Error {
	e, _ := dispatch.AsError(err)
	return e
}

// fallbackCodec picks a codec to report an unknown service in the protocol
// the client is speaking, so its SDK can parse the error.
func fallbackCodec(r *http.Request) (awsproto.Codec, *dispatch.Spec) {
	spec := &dispatch.Spec{Name: "unknown", Protocols: []string{dispatch.JSON, dispatch.Query, dispatch.CBOR}, JSONVersion: "1.1"}
	codec, _ := awsproto.For(r, spec)
	return codec, spec
}

func unknownService(r *http.Request, codec awsproto.Codec) *dispatch.Error {
	what := r.Header.Get("X-Amz-Target")
	if what == "" {
		what = r.Method + " " + r.URL.Path
	}
	if codec.Protocol() == dispatch.Query {
		return dispatch.NewError("InvalidAction", "shoal does not implement the service this request is for (%s)", what)
	}
	return dispatch.NewError("UnknownOperationException", "shoal does not implement the service this request is for (%s)", what)
}

func unknownOperation(codec awsproto.Codec, spec *dispatch.Spec, operation string) *dispatch.Error {
	if codec.Protocol() == dispatch.Query {
		return dispatch.NewError("InvalidAction", "The action %s is not valid for this web service.", operation)
	}
	return dispatch.NewError("UnknownOperationException", "shoal's %s does not implement the operation %s", spec.Name, operation)
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}
