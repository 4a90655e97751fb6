package ssm

import (
	"errors"
	"strings"
	"testing"

	"github.com/shoal-dev/shoal/internal/dispatch"
)

func TestParseRef(t *testing.T) {
	tests := []struct {
		in   string
		want ref // compared when ok
		ok   bool
	}{
		{"/s3/lakehouse/name/raw", ref{Name: "/s3/lakehouse/name/raw"}, true},
		{"  /a/b  ", ref{Name: "/a/b"}, true},
		{"plain", ref{Name: "plain"}, true},
		{"/a/b:3", ref{Name: "/a/b", Selector: ":3", Version: 3}, true},
		{"/a/b:prod", ref{Name: "/a/b", Selector: ":prod", Label: "prod"}, true},
		{"/aws/service/x", ref{Name: "/aws/service/x"}, true}, // reads may name public parameters
		{"arn:aws:ssm:eu-west-1:123456789012:parameter/a/b", ref{Name: "/a/b", ARN: true, Partition: "aws", Region: "eu-west-1", Account: "123456789012"}, true},
		{"arn:aws:ssm:eu-west-1:123456789012:parameter/a:7", ref{Name: "a", Alt: "/a", Selector: ":7", Version: 7, ARN: true, Partition: "aws", Region: "eu-west-1", Account: "123456789012"}, true},
		{"", ref{}, false},
		{"/", ref{}, false},
		{"a/b", ref{}, false},
		{"/a//b", ref{}, false},
		{"/a/b/", ref{}, false},
		{"/a b", ref{}, false},
		{"/a/b:", ref{}, false},
		{"/a/b:0", ref{}, false},
		{"/a/b:1:2", ref{}, false},
		{"/a/b:99999999999999999999", ref{}, false},
		{"/a/b:" + strings.Repeat("l", 129), ref{}, false},
		{"arn:aws:ssm:eu-west-1:123456789012:document/x", ref{}, false},
		{"arn:aws:s3:::bucket/key", ref{}, false},
		{"arn:aws:ssm:eu-west-1:123456789012:parameter//a", ref{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseRef(tt.in, true)
			if !tt.ok {
				var de *dispatch.Error
				if !errors.As(err, &de) || de.Code != "ValidationException" {
					t.Fatalf("parseRef(%q) = %+v, %v; want ValidationException", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("parseRef(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			}
		})
	}
	if _, err := parseRef("/a/b:1", false); err == nil {
		t.Error("selector accepted where none is allowed")
	}
}

func TestValidLabel(t *testing.T) {
	for l, want := range map[string]bool{
		"prod": true, "Prod-1.2_x": true, strings.Repeat("a", 100): true,
		"": false, "1prod": false, "awsprod": false, "AWS": false, "ssm-x": false, "Ssm": false,
		"has space": false, "a/b": false, "a:b": false, strings.Repeat("a", 101): false,
	} {
		if got := validLabel(l); got != want {
			t.Errorf("validLabel(%q) = %v, want %v", l, got, want)
		}
	}
}

func TestSealBinding(t *testing.T) {
	key, err := newDataKey()
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := seal(key, "value", "acct/region//a")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := open(key, sealed, "acct/region//a"); err != nil || got != "value" {
		t.Fatalf("open = %q, %v", got, err)
	}
	if _, err := open(key, sealed, "acct/region//b"); err == nil {
		t.Error("a sealed value opened under another parameter's name")
	}
	other, _ := newDataKey()
	if _, err := open(other, sealed, "acct/region//a"); err == nil {
		t.Error("a sealed value opened under another key")
	}
}

// FuzzParseRef checks the reference parser: it never panics, rejects only
// with ValidationException, and what it accepts it understood completely:
// the parts print back as the input, the name passes the lookup rules, and a
// selector is exactly one of a positive version or a non-numeric label.
// Names PutParameter accepts are always readable references of themselves.
func FuzzParseRef(f *testing.F) {
	for _, s := range []string{
		"/s3/lakehouse/name/raw", "/sns/data/lakehouse/raw", "/wordpress/amazonwebshark/api/mysqlendpoints",
		"/wordpress/amazonwebshark/api/mysqlendpoints:1", "/s3/lakehouse/name/raw:prod",
		"arn:aws:ssm:eu-west-1:123456789012:parameter/s3/lakehouse/name/raw",
		"arn:aws:ssm:eu-west-1:123456789012:parameter/plain:2", "plain", "a/b", "/a//b", " /x ",
		"/Dev/DBServer/MySQL/db-string13", "/a/b:", "/a:b:c", "arn:aws:ssm:::parameter/", "/aws/service/ami",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := parseRef(s, true)
		if err != nil {
			var de *dispatch.Error
			if !errors.As(err, &de) || de.Code != "ValidationException" {
				t.Fatalf("parseRef(%q) failed with %v, want a ValidationException", s, err)
			}
		} else {
			if got := r.String(); got != trimName(s) {
				t.Fatalf("parseRef(%q) prints back as %q", s, got)
			}
			if checkLookupName(r.Name) != nil {
				t.Fatalf("parseRef(%q) accepted name %q that fails the lookup rules", s, r.Name)
			}
			if r.Alt != "" && (!r.ARN || r.Alt != "/"+r.Name) {
				t.Fatalf("parseRef(%q): unexpected Alt %q", s, r.Alt)
			}
			switch {
			case r.Selector == "":
				if r.Version != 0 || r.Label != "" {
					t.Fatalf("parseRef(%q): version or label without selector: %+v", s, r)
				}
			case r.Version > 0:
				if r.Label != "" || !isDigits(r.Selector[1:]) {
					t.Fatalf("parseRef(%q): bad version selector %+v", s, r)
				}
			default:
				if r.Label == "" || isDigits(r.Label) || ":"+r.Label != r.Selector {
					t.Fatalf("parseRef(%q): bad label selector %+v", s, r)
				}
			}
		}
		if name := trimName(s); checkNewName(name) == nil {
			r, err := parseRef(name, false)
			if err != nil || r.Name != name || r.Selector != "" {
				t.Fatalf("PutParameter accepts %q but reading it gives %+v, %v", name, r, err)
			}
			if levels(name) > maxHierarchyLevels || len(name) == 0 {
				t.Fatalf("checkNewName accepted %q", name)
			}
		}
	})
}
