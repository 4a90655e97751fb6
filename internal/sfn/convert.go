package sfn

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

	"github.com/shoal-dev/shoal/internal/dispatch"
)

// Task parameters and results are JSON in the SDKs' PascalCase
// ("StateMachineArn" even where the wire says "stateMachineArn"), while an
// operation takes and returns Go structs named by json tags. fromJSON and
// toJSON translate between the two, member names compared without regard
// to the case of their first letter.

var (
	timeType = reflect.TypeFor[time.Time]()
	rawType  = reflect.TypeFor[json.RawMessage]()
)

// fromJSON fills v (settable) from a decoded JSON value; path names the
// member for errors.
func fromJSON(x any, v reflect.Value, path string) error {
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
		if err := fromJSON(x, p.Elem(), path); err != nil {
			return err
		}
		v.Set(p)
		return nil
	case reflect.Interface:
		v.Set(reflect.ValueOf(x))
		return nil
	}
	if v.Type() == timeType {
		switch t := x.(type) {
		case string:
			tm, err := time.Parse(time.RFC3339Nano, t)
			if err != nil {
				return fmt.Errorf("%s: %q is not a timestamp", path, t)
			}
			v.Set(reflect.ValueOf(tm))
		case json.Number:
			f, err := t.Float64()
			if err != nil {
				return fmt.Errorf("%s: %s is not a timestamp", path, t)
			}
			v.Set(reflect.ValueOf(time.UnixMilli(int64(f * 1000)).UTC()))
		default:
			return fmt.Errorf("%s: expected a timestamp", path)
		}
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		s, ok := x.(string)
		if !ok {
			return fmt.Errorf("%s: expected a string", path)
		}
		v.SetString(s)
	case reflect.Bool:
		b, ok := x.(bool)
		if !ok {
			return fmt.Errorf("%s: expected a boolean", path)
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := x.(json.Number)
		i, err := n.Int64()
		if !ok || err != nil {
			return fmt.Errorf("%s: expected an integer", path)
		}
		v.SetInt(i)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := x.(json.Number)
		i, err := n.Int64()
		if !ok || err != nil || i < 0 {
			return fmt.Errorf("%s: expected a non-negative integer", path)
		}
		v.SetUint(uint64(i))
	case reflect.Float32, reflect.Float64:
		n, ok := x.(json.Number)
		f, err := n.Float64()
		if !ok || err != nil {
			return fmt.Errorf("%s: expected a number", path)
		}
		v.SetFloat(f)
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			// A blob (a Lambda Payload): a string's bytes, or any other
			// JSON value serialized.
			if s, ok := x.(string); ok {
				v.SetBytes([]byte(s))
				return nil
			}
			b, err := json.Marshal(x)
			if err != nil {
				return err
			}
			v.SetBytes(b)
			return nil
		}
		list, ok := x.([]any)
		if !ok {
			return fmt.Errorf("%s: expected a list", path)
		}
		out := reflect.MakeSlice(v.Type(), len(list), len(list))
		for i, e := range list {
			if err := fromJSON(e, out.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		v.Set(out)
	case reflect.Map:
		m, ok := x.(map[string]any)
		if !ok || v.Type().Key().Kind() != reflect.String {
			return fmt.Errorf("%s: expected an object", path)
		}
		out := reflect.MakeMapWithSize(v.Type(), len(m))
		for k, e := range m {
			ev := reflect.New(v.Type().Elem()).Elem()
			if err := fromJSON(e, ev, path+"."+k); err != nil {
				return err
			}
			out.SetMapIndex(reflect.ValueOf(k).Convert(v.Type().Key()), ev)
		}
		v.Set(out)
	case reflect.Struct:
		m, ok := x.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: expected an object", path)
		}
		fields := dispatch.Fields(v.Type())
		for k, e := range m {
			f := findField(fields, k)
			if f == nil {
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
			if err := fromJSON(e, v.Field(f.Index), sub); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("%s: unsupported member type %s", path, v.Type())
	}
	return nil
}

func findField(fields []dispatch.Field, key string) *dispatch.Field {
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

// toJSON renders an operation's output as the SDKs' JSON: member names in
// PascalCase, timestamps as ISO 8601 strings, blobs as their text.
func toJSON(v reflect.Value) (any, bool) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil, false
		}
		v = v.Elem()
	}
	if v.Type() == timeType {
		return v.Interface().(time.Time).UTC().Format("2006-01-02T15:04:05.000Z"), true
	}
	if v.Type() == rawType {
		if v.Len() == 0 {
			return nil, false
		}
		return decodeJSON(v.Bytes()), true
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
		for _, f := range dispatch.Fields(v.Type()) {
			fv := v.Field(f.Index)
			if f.OmitEmpty && fv.IsZero() {
				continue
			}
			if x, ok := toJSON(fv); ok {
				out[pascal(f.Name)] = x
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

func pascal(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError || unicode.IsUpper(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

func decodeJSON(b []byte) any {
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return string(b)
	}
	return v
}
