package dispatch

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// In-process callers that must not import the target service's package
// (Step Functions tasks, EventBridge and Scheduler targets, telemetry) hold
// a request as JSON and need it as the operation's input struct, and Step
// Functions needs the output back as JSON. InputFromJSON and OutputToJSON
// are the one converter between the two; CallJSON is built on it. Member
// names are the input struct's json tags, compared without regard to case
// ("StateMachineArn", as the SDKs and Step Functions write it, finds the
// wire's "stateMachineArn").

// DecodeOptions says how InputFromJSON reads a request. The zero value is
// how shoal's own in-process callers write requests (CallJSON).
type DecodeOptions struct {
	// Strict refuses a member the input does not have ("the field X is not
	// supported") instead of ignoring it. Step Functions' aws-sdk
	// integrations set it: AWS checks Task Parameters against the API model
	// and refuses names it does not know, so a misspelt parameter must fail
	// the task (States.Runtime), not vanish. Requests shoal builds itself
	// (EventBridge and templated Scheduler targets, telemetry) name AWS's
	// members for the call, and a member the shoal service does not model
	// is ignored, as AWS's JSON services ignore unknown members.
	Strict bool
	// TextBlobs reads a blob member as Step Functions passes it: a string's
	// bytes, or any other JSON value serialized (a Lambda Payload given as
	// an object). Otherwise a blob is a base64 string, as the JSON protocols
	// carry it.
	TextBlobs bool
}

var (
	timeType = reflect.TypeFor[time.Time]()
	rawType  = reflect.TypeFor[json.RawMessage]()
)

// DecodeJSON decodes b as InputFromJSON takes it: numbers as json.Number.
// Anything after the first value is ignored.
func DecodeJSON(b []byte) (any, error) {
	var x any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&x); err != nil {
		return nil, err
	}
	return x, nil
}

// InputFromJSON fills in, a pointer to an operation's input struct, from a
// decoded JSON object (numbers as json.Number, see DecodeJSON). A JSON null
// leaves a member unset.
func InputFromJSON(x any, in any, opts DecodeOptions) error {
	v := reflect.ValueOf(in)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return fmt.Errorf("dispatch: InputFromJSON needs a non-nil pointer, not %T", in)
	}
	return fromJSON(x, v.Elem(), "", opts)
}

// fromJSON fills v (settable) from a decoded JSON value; path names the
// member for errors.
func fromJSON(x any, v reflect.Value, path string, opts DecodeOptions) error {
	if x == nil {
		return nil
	}
	if v.Type() == rawType {
		b, err := json.Marshal(x)
		if err != nil {
			return err
		}
		v.SetBytes(b)
		return nil
	}
	switch v.Kind() {
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		if err := fromJSON(x, p.Elem(), path, opts); err != nil {
			return err
		}
		v.Set(p)
		return nil
	case reflect.Interface:
		v.Set(reflect.ValueOf(x))
		return nil
	}
	at := path
	if at == "" {
		at = "input"
	}
	if v.Type() == timeType {
		switch t := x.(type) {
		case string:
			tm, err := time.Parse(time.RFC3339Nano, t)
			if err != nil {
				return fmt.Errorf("%s: %q is not a timestamp", at, t)
			}
			v.Set(reflect.ValueOf(tm))
		case json.Number:
			f, err := t.Float64()
			if err != nil {
				return fmt.Errorf("%s: %s is not a timestamp", at, t)
			}
			v.Set(reflect.ValueOf(time.UnixMilli(int64(f * 1000)).UTC()))
		default:
			return fmt.Errorf("%s: expected a timestamp", at)
		}
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		s, ok := x.(string)
		if !ok {
			return fmt.Errorf("%s: expected a string", at)
		}
		v.SetString(s)
	case reflect.Bool:
		b, ok := x.(bool)
		if !ok {
			return fmt.Errorf("%s: expected a boolean", at)
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := x.(json.Number)
		i, err := n.Int64()
		if !ok || err != nil || v.OverflowInt(i) {
			return fmt.Errorf("%s: expected an integer", at)
		}
		v.SetInt(i)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := x.(json.Number)
		i, err := n.Int64()
		if !ok || err != nil || i < 0 || v.OverflowUint(uint64(i)) {
			return fmt.Errorf("%s: expected a non-negative integer", at)
		}
		v.SetUint(uint64(i))
	case reflect.Float32, reflect.Float64:
		n, ok := x.(json.Number)
		f, err := n.Float64()
		if !ok || err != nil || v.OverflowFloat(f) {
			return fmt.Errorf("%s: expected a number", at)
		}
		v.SetFloat(f)
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return blobFromJSON(x, v, at, opts)
		}
		list, ok := x.([]any)
		if !ok {
			return fmt.Errorf("%s: expected a list", at)
		}
		out := reflect.MakeSlice(v.Type(), len(list), len(list))
		for i, e := range list {
			if err := fromJSON(e, out.Index(i), fmt.Sprintf("%s[%d]", path, i), opts); err != nil {
				return err
			}
		}
		v.Set(out)
	case reflect.Map:
		m, ok := x.(map[string]any)
		if !ok || v.Type().Key().Kind() != reflect.String {
			return fmt.Errorf("%s: expected an object", at)
		}
		out := reflect.MakeMapWithSize(v.Type(), len(m))
		for k, e := range m {
			ev := reflect.New(v.Type().Elem()).Elem()
			if err := fromJSON(e, ev, path+"."+k, opts); err != nil {
				return err
			}
			out.SetMapIndex(reflect.ValueOf(k).Convert(v.Type().Key()), ev)
		}
		v.Set(out)
	case reflect.Struct:
		m, ok := x.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: expected an object", at)
		}
		fields := Fields(v.Type())
		for k, e := range m {
			f := findField(fields, k)
			if f == nil {
				if !opts.Strict {
					continue
				}
				name := k
				if path != "" {
					name = path + "." + k
				}
				return fmt.Errorf("the field %s is not supported", name)
			}
			sub := f.Name
			if path != "" {
				sub = path + "." + f.Name
			}
			if err := fromJSON(e, v.Field(f.Index), sub, opts); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("%s: unsupported member type %s", at, v.Type())
	}
	return nil
}

func blobFromJSON(x any, v reflect.Value, at string, opts DecodeOptions) error {
	s, isString := x.(string)
	switch {
	case !opts.TextBlobs:
		if !isString {
			return fmt.Errorf("%s: expected a base64 string", at)
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return fmt.Errorf("%s: expected a base64 string: %v", at, err)
		}
		v.SetBytes(b)
	case isString:
		v.SetBytes([]byte(s))
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return err
		}
		v.SetBytes(b)
	}
	return nil
}

// findField finds a member by name, an exact match first.
func findField(fields []Field, key string) *Field {
	for i := range fields {
		if fields[i].Name == key {
			return &fields[i]
		}
	}
	for i := range fields {
		if strings.EqualFold(fields[i].Name, key) {
			return &fields[i]
		}
	}
	return nil
}

// OutputToJSON renders an operation's output as the SDKs' JSON, the form
// Step Functions gives a task's result: member names in PascalCase,
// timestamps as ISO 8601 strings, blobs as their text (base64 when not
// UTF-8), numbers as json.Number. A nil output is {}.
func OutputToJSON(out any) any {
	x, _ := toJSON(reflect.ValueOf(out))
	if x == nil {
		return map[string]any{}
	}
	return x
}

func toJSON(v reflect.Value) (any, bool) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil, false
		}
		v = v.Elem()
	}
	if !v.IsValid() {
		return nil, false
	}
	if v.Type() == timeType {
		return v.Interface().(time.Time).UTC().Format("2006-01-02T15:04:05.000Z"), true
	}
	if v.Type() == rawType {
		if v.Len() == 0 {
			return nil, false
		}
		x, err := DecodeJSON(v.Bytes())
		if err != nil {
			return string(v.Bytes()), true
		}
		return x, true
	}
	switch v.Kind() {
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			if utf8.Valid(v.Bytes()) {
				return string(v.Bytes()), true
			}
			return base64.StdEncoding.EncodeToString(v.Bytes()), true
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i], _ = toJSON(v.Index(i))
		}
		return out, true
	case reflect.Map:
		out := make(map[string]any, v.Len())
		it := v.MapRange()
		for it.Next() {
			if x, ok := toJSON(it.Value()); ok {
				out[it.Key().String()] = x
			}
		}
		return out, true
	case reflect.Struct:
		out := map[string]any{}
		for _, f := range Fields(v.Type()) {
			fv := v.Field(f.Index)
			if f.OmitEmpty && fv.IsZero() {
				continue
			}
			if x, ok := toJSON(fv); ok {
				out[Pascal(f.Name)] = x
			}
		}
		return out, true
	case reflect.String:
		return v.String(), true
	case reflect.Bool:
		return v.Bool(), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return json.Number(fmt.Sprint(v.Int())), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return json.Number(fmt.Sprint(v.Uint())), true
	case reflect.Float32, reflect.Float64:
		return v.Float(), true
	}
	return nil, false
}

// Pascal upper-cases the first letter of s: an SDK action or member name
// ("startExecution", "stateMachineArn") as AWS's operation and PascalCase
// member names write it.
func Pascal(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError || unicode.IsUpper(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
