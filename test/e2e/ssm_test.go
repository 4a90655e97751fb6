package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/store/postgres/pgtest"
)

// The parameters the seed's raw WordPress function reads.
var seedParams = [][3]string{
	{"/s3/lakehouse/name/raw", "String", "data-lakehouse-raw"},
	{"/sns/data/lakehouse/raw", "String", "arn:aws:sns:eu-west-1:123456789012:data-lakehouse-raw"},
	{"/wordpress/amazonwebshark/api/mysqlendpoints", "StringList", "https://amazonwebshark.com/wp-json/wp/v2/posts,https://amazonwebshark.com/wp-json/wp/v2/categories"},
}

func putSeedParams(t *testing.T, s *Shoal) {
	t.Helper()
	for _, p := range seedParams {
		out := s.MustAWS("ssm", "put-parameter", "--name", p[0], "--type", p[1], "--value", p[2])
		var res struct{ Version int }
		if err := json.Unmarshal([]byte(out), &res); err != nil || res.Version != 1 {
			t.Fatalf("put-parameter %s = %s (%v)", p[0], out, err)
		}
	}
}

func checkSeedParams(t *testing.T, s *Shoal) {
	t.Helper()
	for _, p := range seedParams {
		out := s.MustAWS("ssm", "get-parameter", "--name", p[0])
		var res struct {
			Parameter struct{ Name, Type, Value, ARN string }
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("get-parameter %s: %v in %s", p[0], err, out)
		}
		if res.Parameter.Value != p[2] || res.Parameter.Type != p[1] {
			t.Errorf("get-parameter %s = %+v, want %s %q", p[0], res.Parameter, p[1], p[2])
		}
		if want := "arn:aws:ssm:eu-west-1:123456789012:parameter" + p[0]; res.Parameter.ARN != want {
			t.Errorf("ARN = %q, want %q", res.Parameter.ARN, want)
		}
	}
}

func TestCLISSM(t *testing.T) {
	requireTool(t, "aws", "--version")
	s := Start(t)
	putSeedParams(t, s)
	checkSeedParams(t, s)

	out := s.MustAWS("ssm", "get-parameters-by-path", "--path", "/s3", "--recursive")
	if !strings.Contains(out, "data-lakehouse-raw") {
		t.Errorf("get-parameters-by-path /s3 = %s", out)
	}

	_, err := s.AWS("ssm", "get-parameter", "--name", "/does/not/exist")
	if err == nil || !strings.Contains(err.Error(), "(ParameterNotFound)") {
		t.Errorf("missing parameter: err = %v", err)
	}
	_, err = s.AWS("ssm", "put-parameter", "--name", "/s3/lakehouse/name/raw", "--type", "String", "--value", "other")
	if err == nil || !strings.Contains(err.Error(), "(ParameterAlreadyExists)") {
		t.Errorf("overwrite without --overwrite: err = %v", err)
	}
	_, err = s.AWS("ssm", "put-parameter", "--name", "/aws/reserved", "--type", "String", "--value", "x")
	if err == nil || !strings.Contains(err.Error(), "(AccessDeniedException)") {
		t.Errorf("reserved /aws name: err = %v", err)
	}
	_, err = s.AWS("ssm", "put-parameter", "--name", "ssm-name", "--type", "String", "--value", "x")
	if err == nil || !strings.Contains(err.Error(), "(ValidationException)") {
		t.Errorf("reserved ssm prefix: err = %v", err)
	}
	// The failed requests changed nothing.
	checkSeedParams(t, s)
}

func TestBoto3SSM(t *testing.T) {
	requireTool(t, "python3", "-c", "import boto3")
	s := Start(t)
	out, err := s.Python(`
import boto3, json
ssm = boto3.client("ssm")
for i in range(12):
    ssm.put_parameter(Name=f"/app/p{i:02d}", Value=str(i), Type="SecureString")
names, token = [], None
while True:
    kw = {"Path": "/app", "WithDecryption": True, "MaxResults": 5}
    if token: kw["NextToken"] = token
    page = ssm.get_parameters_by_path(**kw)
    names += [(p["Name"], p["Value"]) for p in page["Parameters"]]
    token = page.get("NextToken")
    if not token: break
enc = ssm.get_parameter(Name="/app/p03")["Parameter"]["Value"]
try:
    ssm.get_parameter(Name="/nope")
    missing = "no error"
except ssm.exceptions.ParameterNotFound as e:
    missing = e.response["Error"]["Code"]
print(json.dumps({"names": names, "encrypted": enc, "missing": missing}))
`)
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Names     [][2]string
		Encrypted string
		Missing   string
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(res.Names) != 12 {
		t.Fatalf("paged through %d parameters, want 12: %v", len(res.Names), res.Names)
	}
	for i, nv := range res.Names {
		if nv[0] != fmt.Sprintf("/app/p%02d", i) || nv[1] != fmt.Sprint(i) {
			t.Errorf("parameter %d = %v", i, nv)
		}
	}
	if res.Encrypted == "3" || res.Encrypted == "" {
		t.Errorf("SecureString without decryption returned %q, want ciphertext", res.Encrypted)
	}
	if res.Missing != "ParameterNotFound" {
		t.Errorf("missing parameter raised %q", res.Missing)
	}
}

// TestSSMSurvivesRestartAndKill: committed parameters survive a clean stop
// and a SIGKILL, on the embedded store and on PostgreSQL.
func TestSSMSurvivesRestartAndKill(t *testing.T) {
	requireTool(t, "aws", "--version")
	for _, st := range []string{"sqlite", "postgres"} {
		t.Run(st, func(t *testing.T) {
			var args []string
			if st == "postgres" {
				args = []string{"--store", pgtest.NewSchema(t)}
			}
			s := Start(t, args...)
			putSeedParams(t, s)
			s.Stop()
			s.Restart()
			checkSeedParams(t, s)

			s.MustAWS("ssm", "put-parameter", "--name", "/after/kill", "--type", "String", "--value", "kept")
			s.Kill()
			s.Restart()
			checkSeedParams(t, s)
			if out := s.MustAWS("ssm", "get-parameter", "--name", "/after/kill"); !strings.Contains(out, `"kept"`) {
				t.Errorf("parameter written before SIGKILL: %s", out)
			}
		})
	}
}

func TestSecondInstanceOnSameDataDirFails(t *testing.T) {
	s := Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "serve", "--addr", "127.0.0.1:0", "--data-dir", s.Dir).CombinedOutput()
	if err == nil {
		t.Fatalf("second shoal on %s started: %s", s.Dir, out)
	}
	if !strings.Contains(string(out), "another shoal process") {
		t.Errorf("second instance said %q, want a message naming the other process", out)
	}
}

// TestCLIUnimplementedIsLoud: a service or operation shoal lacks fails with
// the protocol's error, never a silent success.
func TestCLIUnimplementedIsLoud(t *testing.T) {
	requireTool(t, "aws", "--version")
	s := Start(t)
	for _, tc := range []struct {
		args []string
		code string
	}{
		{[]string{"ssm", "list-documents"}, "(UnknownOperationException)"},
		{[]string{"sns", "list-topics"}, "(InvalidAction)"},
	} {
		if _, err := s.AWS(tc.args...); err == nil || !strings.Contains(err.Error(), tc.code) {
			t.Errorf("aws %v: err = %v, want %s", tc.args, err, tc.code)
		}
	}
}
