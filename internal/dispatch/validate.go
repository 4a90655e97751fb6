package dispatch

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Input structs describe their wire members with two tags:
//
//	json:"Name,omitempty"  the member name on every protocol
//	aws:"required,min=1,max=2048,enum=String|StringList|SecureString"
//
// The aws tag carries the model's constraints (Validate checks them) and the
// REST bindings the codecs read (location=uri|querystring|header|headers|
// payload|statusCode, name=<locationName>, flattened, xmlname=, the list
// and map element names member=, key=, value=) and sensitive. Validation happens in the
// registry, so HTTP and in-process calls fail alike.

// Tag is a parsed aws struct tag.
type Tag struct {
	Required bool
	Min, Max *int64
	Enum     []string
	Location string // uri, querystring, header, headers, payload, statusCode
	Name     string // locationName for uri/querystring/header bindings
	Flat     bool   // query/xml flattened lists and maps
	XMLName  string // member element name where it differs from the json name
	// Element names of list items and map entries in query and XML, where
	// the model renames them (S3's <Tag> items, SNS's Name/Value entries);
	// empty means member, key and value.
	Member, Key, Value string
	// Sensitive marks a member whose shape botocore's model flags
	// "sensitive" (passwords, API keys, SSM parameter values): records of
	// calls, such as CloudTrail's, show it as HIDDEN_DUE_TO_SECURITY_REASONS.
	Sensitive bool
}

// ParseTag parses an aws struct tag.
func ParseTag(s string) Tag {
	var t Tag
	for _, part := range strings.Split(s, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "required":
			t.Required = true
		case "min":
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				t.Min = &n
			}
		case "max":
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				t.Max = &n
			}
		case "enum":
			t.Enum = strings.Split(v, "|")
		case "location":
			t.Location = v
		case "name":
			t.Name = v
		case "flattened":
			t.Flat = true
		case "xmlname":
			t.XMLName = v
		case "sensitive":
			t.Sensitive = true
		case "member":
			t.Member = v
		case "key":
			t.Key = v
		case "value":
			t.Value = v
		}
	}
	return t
}

// Field is one wire member of a struct: its Go field index, wire name and tag.
type Field struct {
	Index     int
	Name      string // json name
	OmitEmpty bool
	Tag       Tag
	Type      reflect.Type
}

var fieldCache sync.Map // reflect.Type → []Field

// Fields returns the wire members of struct type t, in declaration order.
// Fields without a json name (or tagged "-") are not on the wire.
func Fields(t reflect.Type) []Field {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]Field)
	}
	var fs []Field
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		fs = append(fs, Field{Index: i, Name: name, OmitEmpty: strings.Contains(opts, "omitempty"), Tag: ParseTag(sf.Tag.Get("aws")), Type: sf.Type})
	}
	fieldCache.Store(t, fs)
	return fs
}

// Validate checks in (a pointer to an input struct) against the constraints
// in its aws tags and returns the service's validation error listing every
// violation in AWS's words, e.g.
//
//	1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null
func Validate(spec *Spec, in any) error {
	v := reflect.ValueOf(in)
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil
	}
	var errs []string
	validateStruct(v, "", &errs)
	if len(errs) == 0 {
		return nil
	}
	code := "ValidationException"
	if spec != nil && spec.ValidationCode != "" {
		code = spec.ValidationCode
	}
	noun := "error"
	if len(errs) > 1 {
		noun = "errors"
	}
	return NewError(code, "%d validation %s detected: %s", len(errs), noun, strings.Join(errs, "; "))
}

func validateStruct(v reflect.Value, prefix string, errs *[]string) {
	for _, f := range Fields(v.Type()) {
		fv := v.Field(f.Index)
		path := prefix + lowerFirst(f.Name)
		// A plain string cannot tell absent from empty, so an empty one is
		// treated as absent: AWS reports a missing required member as null.
		if isNil(fv) || (fv.Kind() == reflect.String && fv.Len() == 0) {
			if f.Tag.Required {
				*errs = append(*errs, fmt.Sprintf("Value null at '%s' failed to satisfy constraint: Member must not be null", path))
			}
			continue
		}
		validateValue(fv, f.Tag, path, errs)
	}
}

func validateValue(v reflect.Value, t Tag, path string, errs *[]string) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.String:
		s := v.String()
		n := int64(utf8.RuneCountInString(s))
		if t.Min != nil && n < *t.Min {
			*errs = append(*errs, fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: Member must have length greater than or equal to %d", s, path, *t.Min))
		}
		if t.Max != nil && n > *t.Max {
			*errs = append(*errs, fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", s, path, *t.Max))
		}
		if len(t.Enum) > 0 && !contains(t.Enum, s) {
			*errs = append(*errs, fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: Member must satisfy enum value set: [%s]", s, path, strings.Join(t.Enum, ", ")))
		}
	case reflect.Int, reflect.Int32, reflect.Int64, reflect.Float64, reflect.Float32:
		var n float64
		if v.CanInt() {
			n = float64(v.Int())
		} else {
			n = v.Float()
		}
		if t.Min != nil && n < float64(*t.Min) {
			*errs = append(*errs, fmt.Sprintf("Value '%v' at '%s' failed to satisfy constraint: Member must have value greater than or equal to %d", v.Interface(), path, *t.Min))
		}
		if t.Max != nil && n > float64(*t.Max) {
			*errs = append(*errs, fmt.Sprintf("Value '%v' at '%s' failed to satisfy constraint: Member must have value less than or equal to %d", v.Interface(), path, *t.Max))
		}
	case reflect.Slice, reflect.Map:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			return // blob
		}
		n := int64(v.Len())
		if t.Min != nil && n < *t.Min {
			*errs = append(*errs, fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: Member must have length greater than or equal to %d", fmtValue(v), path, *t.Min))
		}
		if t.Max != nil && n > *t.Max {
			*errs = append(*errs, fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", fmtValue(v), path, *t.Max))
		}
		if v.Kind() == reflect.Slice {
			for i := 0; i < v.Len(); i++ {
				validateValue(v.Index(i), Tag{}, fmt.Sprintf("%s.%d.member", path, i+1), errs)
			}
		}
	case reflect.Struct:
		if v.Type().PkgPath() == "time" {
			return
		}
		validateStruct(v, path+".", errs)
	}
}

func fmtValue(v reflect.Value) string {
	if v.Kind() == reflect.Slice {
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = fmt.Sprint(reflect.Indirect(v.Index(i)).Interface())
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprint(v.Interface())
}

func isNil(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Map, reflect.Slice:
		return v.IsNil()
	}
	return false
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
