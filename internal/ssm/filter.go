package ssm

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// filter is a checked ParameterStringFilter (or a deprecated
// ParametersFilter turned into one).
type filter struct {
	key    string // Name, Type, KeyId, Path, Tier, DataType, Label or tag:<key>
	option string
	values []string
}

const filterKeyPattern = "tag:.+|Name|Type|KeyId|Path|Label|Tier|DataType"

func validFilterKey(k string) bool {
	switch k {
	case "Name", "Type", "KeyId", "Path", "Label", "Tier", "DataType":
		return true
	}
	return strings.HasPrefix(k, "tag:") && len(k) > len("tag:")
}

// compileFilters checks filters for DescribeParameters (byPath false) or
// GetParametersByPath (byPath true) as the API reference describes:
// model constraints first (ValidationException), then which keys, options
// and values the operation accepts.
func compileFilters(in []ParameterStringFilter, byPath bool) ([]filter, error) {
	for i, f := range in {
		if !validFilterKey(f.Key) {
			return nil, errConstraint(f.Key, fmt.Sprintf("parameterFilters.%d.member.key", i+1), "Member must satisfy regular expression pattern: "+filterKeyPattern)
		}
		for _, v := range f.Values {
			if n := utf8.RuneCountInString(v); n < 1 || n > 1024 {
				return nil, errConstraint(v, fmt.Sprintf("parameterFilters.%d.member.values", i+1), "Member must have length less than or equal to 1024, Member must have length greater than or equal to 1")
			}
		}
	}
	out := make([]filter, 0, len(in))
	seen := map[string]bool{}
	for _, f := range in {
		isTag := strings.HasPrefix(f.Key, "tag:")
		if byPath {
			if isTag || f.Key == "Name" || f.Key == "Path" || f.Key == "Tier" || f.Key == "DataType" {
				return nil, errInvalidFilterKey("The following filter key is not valid: %s. Valid filter keys include: [Type, KeyId, Label].", f.Key)
			}
		} else if f.Key == "Label" {
			return nil, errInvalidFilterKey("The following filter key is not valid: Label. Valid filter keys include: [Path, Name, Type, KeyId, Tier, DataType, tag:<key>].")
		}
		if len(f.Values) == 0 && !isTag {
			return nil, errInvalidFilterValue("The following filter values are missing : null for filter key %s.", f.Key)
		}
		if seen[f.Key] {
			return nil, errInvalidFilterKey("The following filter is duplicated in the request: %s. A request can contain only one occurrence of a specific filter.", f.Key)
		}
		seen[f.Key] = true

		c := filter{key: f.Key, option: f.Option, values: f.Values}
		switch {
		case f.Key == "Path":
			if c.option == "" {
				c.option = "OneLevel"
			}
			if c.option != "OneLevel" && c.option != "Recursive" {
				return nil, errInvalidFilterOption(c.option, "Recursive, OneLevel")
			}
			c.values = make([]string, len(f.Values))
			for i, v := range f.Values {
				p, err := checkPath(v)
				if err != nil {
					return nil, err
				}
				c.values[i] = p
			}
		case f.Key == "Label":
			if c.option == "" {
				c.option = "Equals"
			}
			if c.option != "Equals" {
				return nil, errInvalidFilterOption(c.option, "Equals")
			}
		case f.Key == "Name":
			if c.option == "" {
				c.option = "Equals"
			}
			if c.option != "Equals" && c.option != "BeginsWith" && c.option != "Contains" {
				return nil, errInvalidFilterOption(c.option, "BeginsWith, Equals, Contains")
			}
		default:
			if c.option == "" {
				c.option = "Equals"
			}
			if c.option != "Equals" && c.option != "BeginsWith" {
				return nil, errInvalidFilterOption(c.option, "BeginsWith, Equals")
			}
		}
		if c.option == "Equals" {
			if err := checkFilterValues(f.Key, f.Values); err != nil {
				return nil, err
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// checkFilterValues rejects Equals values that can never match an enum.
func checkFilterValues(key string, values []string) error {
	var valid []string
	switch key {
	case "Type":
		valid = []string{TypeString, TypeStringList, TypeSecureString}
	case "Tier":
		valid = []string{TierStandard, TierAdvanced, TierIntelligentTiering}
	case "DataType":
		valid = []string{DataTypeText, DataTypeEC2Image, DataTypeIntegration}
	default:
		return nil
	}
	for _, v := range values {
		if !slices.Contains(valid, v) {
			return errInvalidFilterValue("The following filter value is not valid: %s. Valid values include: [%s].", v, strings.Join(valid, ", "))
		}
	}
	return nil
}

// legacyFilters turns DescribeParameters' deprecated Filters into
// ParameterStringFilters: Name matches by prefix, Type and KeyId exactly.
func legacyFilters(in []ParametersFilter) []ParameterStringFilter {
	out := make([]ParameterStringFilter, len(in))
	for i, f := range in {
		opt := "Equals"
		if f.Key == "Name" {
			opt = "BeginsWith"
		}
		out[i] = ParameterStringFilter{Key: f.Key, Option: opt, Values: f.Values}
	}
	return out
}

// matchAll reports whether p passes every filter. version is the version a
// Label filter selected (0: the latest).
func matchAll(fs []filter, p *paramRecord) (ok bool, version int64) {
	for _, f := range fs {
		ok, v := f.match(p)
		if !ok {
			return false, 0
		}
		if v > version {
			version = v
		}
	}
	return true, version
}

func (f filter) match(p *paramRecord) (bool, int64) {
	switch {
	case f.key == "Name":
		if f.option == "Contains" {
			return anyValue(f.values, func(v string) bool { return strings.Contains(p.Name, v) }), 0
		}
		// AWS matches names as if each began with a slash, so "foo" finds
		// both "foo" and "/foo".
		name := "/" + strings.TrimPrefix(p.Name, "/")
		return anyValue(f.values, func(v string) bool { return compare(f.option, name, "/"+strings.TrimPrefix(v, "/")) }), 0
	case f.key == "Type":
		return anyValue(f.values, func(v string) bool { return compare(f.option, p.Current.Type, v) }), 0
	case f.key == "KeyId":
		if p.Current.KeyID == "" {
			return false, 0
		}
		return anyValue(f.values, func(v string) bool { return compare(f.option, p.Current.KeyID, v) }), 0
	case f.key == "Tier":
		return anyValue(f.values, func(v string) bool { return compare(f.option, p.Current.Tier, v) }), 0
	case f.key == "DataType":
		return anyValue(f.values, func(v string) bool { return compare(f.option, p.Current.DataType, v) }), 0
	case f.key == "Path":
		name := "/" + strings.TrimPrefix(p.Name, "/")
		return anyValue(f.values, func(v string) bool {
			if f.option == "OneLevel" {
				return parentOf(name) == v
			}
			return v == "/" || strings.HasPrefix(name, v+"/")
		}), 0
	case f.key == "Label":
		var best int64
		for _, l := range f.values {
			if v, ok := p.Labels[l]; ok && v > best {
				best = v
			}
		}
		return best > 0, best
	case strings.HasPrefix(f.key, "tag:"):
		k := strings.TrimPrefix(f.key, "tag:")
		for _, t := range p.Tags {
			if t.Key != k {
				continue
			}
			if len(f.values) == 0 {
				return true, 0
			}
			return anyValue(f.values, func(v string) bool { return compare(f.option, t.Value, v) }), 0
		}
		return false, 0
	}
	return false, 0
}

func compare(option, have, want string) bool {
	if option == "BeginsWith" {
		return strings.HasPrefix(have, want)
	}
	return have == want
}

func anyValue(values []string, f func(string) bool) bool {
	return slices.ContainsFunc(values, f)
}
