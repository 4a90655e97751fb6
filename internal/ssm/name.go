package ssm

import (
	"strconv"
	"strings"
)

// Limits from the model and the Parameter Store user guide.
const (
	maxHierarchyLevels  = 15
	maxSelectorLen      = 128 // PSParameterSelector
	maxLabelLen         = 100
	maxLabelsPerVersion = 10
	maxVersions         = 100 // history kept per parameter
	maxTags             = 50
	maxPolicies         = 10
	maxStandardValue    = 4096
	maxAdvancedValue    = 8192
)

// ref is a parameter reference as the read operations accept it: a name, a
// name with a ":version" or ":label" selector, or the parameter's ARN with
// an optional selector.
type ref struct {
	Name string
	// Alt is a second name to try. An ARN's resource "parameter/foo" names
	// either "foo" or "/foo" (both have that ARN); nested paths always
	// start with "/", so only single-level names are ambiguous.
	Alt      string
	Selector string // "" or as given after the name, with its colon: ":3", ":prod"
	Version  int64  // > 0 when the selector is a version
	Label    string // set when the selector is a label
	// ARN parts when the reference was an ARN.
	ARN       bool
	Partition string
	Region    string
	Account   string
}

// String is the reference as it was written (less surrounding spaces).
func (r ref) String() string {
	if r.ARN {
		return "arn:" + r.Partition + ":ssm:" + r.Region + ":" + r.Account + ":parameter/" + strings.TrimPrefix(r.Name, "/") + r.Selector
	}
	return r.Name + r.Selector
}

// trimName drops the spaces AWS strips from both ends of a name.
func trimName(s string) string { return strings.Trim(s, " ") }

// parseRef parses a reference for GetParameter, GetParameters and
// GetParameterHistory. allowSelector is false where a selector makes no
// sense (history lists every version).
func parseRef(s string, allowSelector bool) (ref, error) {
	s = trimName(s)
	var r ref
	var sel string
	hasSel := false
	if strings.HasPrefix(s, "arn:") {
		parts := strings.SplitN(s, ":", 7)
		if len(parts) < 6 || parts[2] != "ssm" || parts[1] == "" || parts[3] == "" || parts[4] == "" || !strings.HasPrefix(parts[5], "parameter/") {
			return ref{}, errInvalidName()
		}
		r.ARN, r.Partition, r.Region, r.Account = true, parts[1], parts[3], parts[4]
		name := strings.TrimPrefix(parts[5], "parameter")
		if strings.Count(name, "/") == 1 {
			r.Name, r.Alt = name[1:], name
		} else {
			r.Name = name
		}
		if len(parts) == 7 {
			sel, hasSel = parts[6], true
		}
	} else {
		r.Name, sel, hasSel = strings.Cut(s, ":")
	}
	if err := checkLookupName(r.Name); err != nil {
		return ref{}, err
	}
	if !hasSel {
		return r, nil
	}
	if !allowSelector || sel == "" || len(sel) > maxSelectorLen || strings.Contains(sel, ":") {
		return ref{}, errInvalidName()
	}
	r.Selector = ":" + sel
	if isDigits(sel) {
		v, err := strconv.ParseInt(sel, 10, 64)
		if err != nil || v < 1 {
			// AWS versions start at 1; an absurd number names no version.
			return ref{}, errInvalidName()
		}
		r.Version = v
	} else {
		r.Label = sel
	}
	return r, nil
}

// checkNewName enforces PutParameter's naming rules, in the order AWS
// reports them.
func checkNewName(name string) error {
	lower := strings.ToLower(strings.TrimPrefix(name, "/"))
	if strings.HasPrefix(lower, "aws") || strings.HasPrefix(lower, "ssm") {
		isPath := strings.Count(name, "/") > 1
		switch {
		case isPath && strings.HasPrefix(lower, "aws"):
			return errAccessDeniedReserved(name)
		case isPath:
			return errInvalidName()
		default:
			return errReservedName()
		}
	}
	if !validNameChars(name) {
		return errInvalidName()
	}
	if strings.Contains(name, "/") && !strings.HasPrefix(name, "/") {
		return errNotFullyQualified()
	}
	if hasEmptySegment(name) {
		return errInvalidName()
	}
	if n := levels(name); n > maxHierarchyLevels {
		return errHierarchyLevelLimitExceeded(n)
	}
	return nil
}

// checkLookupName is the syntax every operation that names an existing
// parameter checks. Reserved prefixes pass: AWS publishes public parameters
// under /aws/service/, which a read may ask for.
func checkLookupName(name string) error {
	if name == "" || !validNameChars(name) || hasEmptySegment(name) {
		return errInvalidName()
	}
	if strings.Contains(name, "/") && !strings.HasPrefix(name, "/") {
		return errInvalidName()
	}
	return nil
}

// checkPath validates a GetParametersByPath path or Path filter value and
// returns it without a trailing slash ("/" stays "/").
func checkPath(p string) (string, error) {
	p = trimName(p)
	if !strings.HasPrefix(p, "/") || !validNameChars(p) || strings.Contains(p, "//") {
		return "", errInvalidPath()
	}
	if p != "/" {
		p = strings.TrimSuffix(p, "/")
	}
	if levels(p) > maxHierarchyLevels {
		return "", errInvalidPath()
	}
	return p, nil
}

func validNameChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			c == '_', c == '.', c == '-', c == '/':
		default:
			return false
		}
	}
	return true
}

// hasEmptySegment reports a name that is only slashes, ends in a slash or
// has "//" in it.
func hasEmptySegment(name string) bool {
	rest := strings.TrimPrefix(name, "/")
	return rest == "" || strings.HasPrefix(rest, "/") || strings.HasSuffix(rest, "/") || strings.Contains(rest, "//")
}

// levels counts the hierarchy levels of a name: "/a/b/c" has three.
func levels(name string) int {
	rest := strings.Trim(name, "/")
	if rest == "" {
		return 0
	}
	return strings.Count(rest, "/") + 1
}

// parentOf is the path a parameter sits directly under: "/a/b" is under
// "/a", "/a" and "a" are under "/". GetParametersByPath("/") lists names
// without a leading slash too, as AWS does.
func parentOf(name string) string {
	i := strings.LastIndexByte(name, '/')
	if i <= 0 {
		return "/"
	}
	return name[:i]
}

// validLabel applies the label rules of LabelParameterVersion: at most 100
// letters, digits, '.', '-' or '_', not starting with a digit, "aws" or
// "ssm" (any case).
func validLabel(l string) bool {
	if l == "" || len(l) > maxLabelLen || (l[0] >= '0' && l[0] <= '9') {
		return false
	}
	lower := strings.ToLower(l)
	if strings.HasPrefix(lower, "aws") || strings.HasPrefix(lower, "ssm") {
		return false
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '.', c == '-':
		default:
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
