package sfn

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/shoal-dev/shoal/internal/asl"
	"github.com/shoal-dev/shoal/internal/asl/value"
	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/sfn/engine"
)

// HTTPInvoker sends an HTTP Task's request through an EventBridge
// connection (its credentials and invocation parameters). The events
// service implements it; the server wires it in, as it gives CloudTrail's
// recorder the event bus.
type HTTPInvoker interface {
	InvokeThroughConnection(ctx context.Context, account, region, connectionARN string, req *http.Request) (*http.Response, error)
}

// httpMethods are the HTTP Task's methods.
var httpMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodOptions, http.MethodHead}

// invokeHTTP runs the HTTP Task (arn:aws:states:::http:invoke): ApiEndpoint,
// Method, Authentication.ConnectionArn, Headers, QueryParameters,
// RequestBody and Transform (URL_ENCODED bodies with their ArrayFormat),
// per the guide's "Call HTTPS APIs". The result is Headers, ResponseBody
// (JSON when the answer is), StatusCode and StatusText; a non-2xx answer
// fails the task with States.Http.StatusCode.<code> and that result as the
// cause; no answer (refused, timed out) is States.Http.Socket.
func invokeHTTP(ctx context.Context, in *Integrations, x *engine.Execution, p map[string]any) engine.Outcome {
	if in.HTTP == nil {
		return taskFailed("shoal has no EventBridge connections here, so arn:aws:states:::http:invoke cannot run")
	}
	endpoint, _ := p["ApiEndpoint"].(string)
	method, _ := p["Method"].(string)
	auth, _ := p["Authentication"].(map[string]any)
	conn, _ := auth["ConnectionArn"].(string)
	switch {
	case endpoint == "":
		return runtimeFailure("The HTTP Task's Parameters need an ApiEndpoint string")
	case !slices.Contains(httpMethods, method):
		return runtimeFailure("The HTTP Task's Method must be one of %s, got %q", strings.Join(httpMethods, ", "), method)
	case conn == "":
		return runtimeFailure("The HTTP Task's Parameters need Authentication.ConnectionArn")
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return runtimeFailure("The HTTP Task's ApiEndpoint %q is not an HTTP(S) URL", endpoint)
	}
	if qp, ok := p["QueryParameters"].(map[string]any); ok {
		q := u.Query()
		for k, v := range qp {
			q.Set(k, scalarText(v))
		}
		u.RawQuery = q.Encode()
	}
	var body io.Reader
	contentType := ""
	if b, ok := p["RequestBody"]; ok && method != http.MethodGet && method != http.MethodHead {
		text, ct, f := requestBody(b, p["Transform"])
		if f != nil {
			return engine.Outcome{Failure: f}
		}
		body, contentType = strings.NewReader(text), ct
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return runtimeFailure("The HTTP Task's request could not be built: %v", err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if hs, ok := p["Headers"].(map[string]any); ok {
		for k, v := range hs {
			req.Header.Set(k, scalarText(v))
		}
	}
	resp, err := in.HTTP.InvokeThroughConnection(ctx, x.Account(), x.Region(), conn, req)
	if err != nil {
		var de *dispatch.Error
		if errors.As(err, &de) {
			// The connection could not be used (missing, not authorized,
			// an endpoint off this machine): loud, with its reason.
			return taskFailed("%s: %s", de.Code, de.Message)
		}
		return engine.Outcome{Failure: &asl.Failure{Error: "States.Http.Socket", Cause: err.Error()}}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, engine.MaxPayload+1))
	if err != nil {
		return engine.Outcome{Failure: &asl.Failure{Error: "States.Http.Socket", Cause: err.Error()}}
	}
	headers := map[string]any{}
	for k, vs := range resp.Header {
		list := make([]any, len(vs))
		for i, v := range vs {
			list[i] = v
		}
		headers[k] = list
	}
	var responseBody any = string(raw)
	if strings.Contains(resp.Header.Get("Content-Type"), "json") {
		if v, err := dispatch.DecodeJSON(raw); err == nil {
			responseBody = v
		}
	}
	out := map[string]any{"Headers": headers, "ResponseBody": responseBody, "StatusCode": resp.StatusCode,
		"StatusText": strings.TrimSpace(strings.TrimPrefix(resp.Status, strconv.Itoa(resp.StatusCode)))}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return engine.Outcome{Failure: &asl.Failure{Error: fmt.Sprintf("States.Http.StatusCode.%d", resp.StatusCode), Cause: compactJSON(out)}}
	}
	return result(out)
}

func runtimeFailure(format string, args ...any) engine.Outcome {
	return engine.Outcome{Failure: &asl.Failure{Error: asl.ErrRuntime, Cause: fmt.Sprintf(format, args...)}}
}

// scalarText is a header or query value as text: strings as they are,
// other JSON values as JSON.
func scalarText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return value.Show(v)
}

// requestBody renders an HTTP Task's RequestBody: a string as it is, any
// other value as JSON, or — with Transform.RequestBodyEncoding URL_ENCODED
// — an object as a form, arrays written in RequestEncodingOptions'
// ArrayFormat (INDICES by default, REPEAT, COMMAS or BRACKETS).
func requestBody(b, transform any) (text, contentType string, f *asl.Failure) {
	t, _ := transform.(map[string]any)
	if enc, _ := t["RequestBodyEncoding"].(string); enc == "URL_ENCODED" {
		obj, ok := b.(map[string]any)
		if !ok {
			return "", "", &asl.Failure{Error: asl.ErrRuntime, Cause: "A URL_ENCODED RequestBody must be a JSON object"}
		}
		format := "INDICES"
		if o, ok := t["RequestEncodingOptions"].(map[string]any); ok {
			if af, ok := o["ArrayFormat"].(string); ok {
				format = af
			}
		}
		var parts []string
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			parts = formValues(parts, k, obj[k], format)
		}
		return strings.Join(parts, "&"), "application/x-www-form-urlencoded", nil
	}
	if s, ok := b.(string); ok {
		return s, "text/plain; charset=utf-8", nil
	}
	return compactJSON(b), "application/json", nil
}

// formValues appends key=value pairs for v under key.
func formValues(parts []string, key string, v any, format string) []string {
	switch v := v.(type) {
	case []any:
		if format == "COMMAS" {
			texts := make([]string, len(v))
			for i, e := range v {
				texts[i] = scalarText(e)
			}
			return append(parts, url.QueryEscape(key)+"="+url.QueryEscape(strings.Join(texts, ",")))
		}
		for i, e := range v {
			k := key
			switch format {
			case "BRACKETS":
				k += "[]"
			case "REPEAT":
			default: // INDICES
				k += "[" + strconv.Itoa(i) + "]"
			}
			parts = formValues(parts, k, e, format)
		}
		return parts
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			parts = formValues(parts, key+"["+k+"]", v[k], format)
		}
		return parts
	}
	return append(parts, url.QueryEscape(key)+"="+url.QueryEscape(scalarText(v)))
}
