package cloudtrail

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"reflect"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/events"
	"github.com/shoal-dev/shoal/internal/store"
)

// Bus is where the records go: the EventBridge service, injected at wiring
// time (events.Service implements it).
type Bus interface {
	PutServiceEvent(ctx context.Context, e *events.ServiceEvent) (string, error)
	// ReceivesReadOnly reports whether any rule on the account's and
	// region's default bus is in state
	// ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS.
	ReceivesReadOnly(account, region string) bool
}

// Recorder is the CloudTrail hook.
type Recorder struct {
	Bus    Bus
	Logger *slog.Logger
	// NewID makes eventIDs.
	NewID func() string
}

var _ dispatch.Hook = (*Recorder)(nil)

// LogName is the store log holding an account's and region's records.
func LogName(account, region string) string { return "cloudtrail.events/" + account + "/" + region }

// Before does nothing: recording never stops a call.
func (r *Recorder) Before(context.Context, *dispatch.Call) error { return nil }

// After records a successful call.
func (r *Recorder) After(ctx context.Context, c *dispatch.Call) {
	if c.Err != nil || r.Bus == nil || !Recorded(c.Spec.Name, c.Op.Name) {
		return
	}
	account, region := c.Caller.AccountID, c.Caller.Region
	if account == "" {
		account = "000000000000"
	}
	if region == "" {
		region = "us-east-1"
	}
	readOnly := ReadOnly(c.Op.Name)
	if readOnly && !r.Bus.ReceivesReadOnly(account, region) {
		return
	}
	rec := r.record(c, account, region, readOnly)
	detail, err := json.Marshal(rec)
	if err != nil {
		r.log().Error("cloudtrail record not encodable", "op", c.Op.Name, "err", err)
		return
	}
	_, err = r.Bus.PutServiceEvent(context.WithoutCancel(ctx), &events.ServiceEvent{
		Account: account, Region: region, Source: "aws." + c.Spec.Name, DetailType: "AWS API Call via CloudTrail",
		Detail: detail, Time: rec.time, ReadOnly: readOnly,
		Also: func(ctx context.Context, tx store.Tx) error {
			_, err := tx.LogAppend(ctx, LogName(account, region), detail)
			return err
		},
	})
	if err != nil {
		// A hook cannot fail the call it observes; the loss is logged.
		r.log().Error("cloudtrail record not stored", "op", c.Spec.Name+"."+c.Op.Name, "err", err)
	}
}

func (r *Recorder) log() *slog.Logger {
	if r.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Logger
}

// Recorded reports whether CloudTrail records the operation as a
// management event (package doc).
func Recorded(service, op string) bool {
	return !(service == events.ServiceName && op == "PutEvents")
}

var readOnlyPrefixes = []string{"Get", "List", "Describe", "Test", "Validate", "Lookup", "BatchGet", "Head", "Search"}

// ReadOnly reports whether an operation only reads (package doc).
func ReadOnly(op string) bool {
	for _, p := range readOnlyPrefixes {
		if rest, ok := strings.CutPrefix(op, p); ok && (rest == "" || unicode.IsUpper(rune(rest[0]))) {
			return true
		}
	}
	return false
}

// Record is a CloudTrail event record (eventVersion 1.08) as the "detail"
// of an "AWS API Call via CloudTrail" event.
type Record struct {
	EventVersion       string         `json:"eventVersion"`
	UserIdentity       UserIdentity   `json:"userIdentity"`
	EventTime          string         `json:"eventTime"`
	EventSource        string         `json:"eventSource"`
	EventName          string         `json:"eventName"`
	AWSRegion          string         `json:"awsRegion"`
	SourceIPAddress    string         `json:"sourceIPAddress"`
	UserAgent          string         `json:"userAgent"`
	RequestParameters  map[string]any `json:"requestParameters"`
	ResponseElements   map[string]any `json:"responseElements"`
	RequestID          string         `json:"requestID"`
	EventID            string         `json:"eventID"`
	ReadOnly           bool           `json:"readOnly"`
	EventType          string         `json:"eventType"`
	ManagementEvent    bool           `json:"managementEvent"`
	RecipientAccountID string         `json:"recipientAccountId"`
	EventCategory      string         `json:"eventCategory"`
	time               time.Time
}

// UserIdentity is the record's userIdentity.
type UserIdentity struct {
	Type        string `json:"type"`
	PrincipalID string `json:"principalId,omitempty"`
	ARN         string `json:"arn,omitempty"`
	AccountID   string `json:"accountId,omitempty"`
	AccessKeyID string `json:"accessKeyId,omitempty"`
	InvokedBy   string `json:"invokedBy,omitempty"`
}

func (r *Recorder) record(c *dispatch.Call, account, region string, readOnly bool) *Record {
	id := ""
	if r.NewID != nil {
		id = r.NewID()
	}
	t := c.Start.UTC().Truncate(time.Second)
	ip := c.Caller.SourceIP
	if ip == "" {
		ip = c.Caller.InvokedBy
	}
	ua := c.Caller.UserAgent
	if ua == "" {
		ua = c.Caller.InvokedBy
	}
	rec := &Record{
		EventVersion: "1.08", UserIdentity: identity(c.Caller, account), EventTime: t.Format("2006-01-02T15:04:05Z"),
		EventSource: eventSource(c.Spec), EventName: c.Op.Name, AWSRegion: region, SourceIPAddress: ip, UserAgent: ua,
		RequestParameters: members(c.Input), ResponseElements: members(c.Output),
		RequestID: c.RequestID, EventID: id, ReadOnly: readOnly, EventType: "AwsApiCall", ManagementEvent: true,
		RecipientAccountID: account, EventCategory: "Management", time: t,
	}
	return rec
}

// eventSource is "<signing name>.amazonaws.com" — "ssm.amazonaws.com",
// "states.amazonaws.com", "events.amazonaws.com", "glue.amazonaws.com".
func eventSource(s *dispatch.Spec) string {
	name := s.SigningName
	if name == "" {
		name = s.Name
	}
	return name + ".amazonaws.com"
}

func identity(c dispatch.Caller, account string) UserIdentity {
	u := UserIdentity{AccountID: account, AccessKeyID: c.AccessKeyID, InvokedBy: c.InvokedBy, ARN: c.Principal}
	switch {
	case c.Principal == "":
		u.Type, u.ARN, u.PrincipalID = "Root", "arn:aws:iam::"+account+":root", account
	case strings.Contains(c.Principal, ":assumed-role/"):
		u.Type = "AssumedRole"
	case strings.Contains(c.Principal, ":user/"):
		u.Type = "IAMUser"
	case strings.HasSuffix(c.Principal, ":root"):
		u.Type, u.PrincipalID = "Root", account
	default:
		u.Type = "AWSService"
	}
	return u
}

// members renders an input or output struct the way CloudTrail writes
// requestParameters and responseElements: wire member names with the first
// letter lowercased ("Id" → "id", "Name" → "name"); map keys as they are;
// empty members left out; members the model calls sensitive (aws tag
// "sensitive") as HIDDEN_DUE_TO_SECURITY_REASONS, as CloudTrail shows them.
// A nil or empty struct is null.
func members(v any) map[string]any {
	if v == nil {
		return nil
	}
	m, _ := convert(reflect.ValueOf(v)).(map[string]any)
	if len(m) == 0 {
		return nil
	}
	return m
}

func convert(v reflect.Value) any {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Struct:
		if t, ok := v.Interface().(time.Time); ok {
			return t.UTC().Format(time.RFC3339)
		}
		out := map[string]any{}
		for _, f := range dispatch.Fields(v.Type()) {
			fv := v.Field(f.Index)
			if fv.IsZero() {
				continue
			}
			if f.Tag.Sensitive {
				out[lowerFirst(f.Name)] = hidden
				continue
			}
			if c := convert(fv); c != nil {
				out[lowerFirst(f.Name)] = c
			}
		}
		return out
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			if raw, ok := v.Interface().(json.RawMessage); ok {
				var x any
				if json.Unmarshal(raw, &x) == nil {
					return x
				}
			}
			return base64.StdEncoding.EncodeToString(v.Bytes())
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i] = convert(v.Index(i))
		}
		return out
	case reflect.Map:
		out := map[string]any{}
		for _, k := range v.MapKeys() {
			out[k.String()] = convert(v.MapIndex(k))
		}
		return out
	case reflect.Invalid:
		return nil
	}
	return v.Interface()
}

// hidden is what CloudTrail records in place of a sensitive value.
const hidden = "HIDDEN_DUE_TO_SECURITY_REASONS"

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}
