package e2e

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func getJSON(t *testing.T, method, url, body string, v any) int {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	return resp.StatusCode
}

func TestHealthClockReset(t *testing.T) {
	requireTool(t, "aws", "--version")
	s := Start(t, "--clock", "manual", "--clock-start", "2024-06-11T12:23:04Z")

	for _, path := range []string{"/_shoal/health", "/_localstack/health"} {
		var h struct {
			Services map[string]string
			Version  string
		}
		if code := getJSON(t, "GET", s.Endpoint+path, "", &h); code != 200 || h.Services["ssm"] != "running" || h.Version == "" {
			t.Errorf("GET %s = %d %+v", path, code, h)
		}
	}

	var c struct{ Mode, Now string }
	getJSON(t, "GET", s.Endpoint+"/_shoal/clock", "", &c)
	if c.Mode != "manual" || c.Now != "2024-06-11T12:23:04Z" {
		t.Errorf("clock = %+v", c)
	}
	if code := getJSON(t, "POST", s.Endpoint+"/_shoal/clock/advance", `{"seconds": 1800}`, &c); code != 200 || c.Now != "2024-06-11T12:53:04Z" {
		t.Errorf("advance 30 min = %d %+v", code, c)
	}
	var e struct{ Error string }
	if code := getJSON(t, "POST", s.Endpoint+"/_shoal/clock/advance", `{"seconds": -1}`, &e); code != 400 || e.Error == "" {
		t.Errorf("negative advance = %d %+v", code, e)
	}

	// The parameter's timestamp comes from the manual clock.
	s.MustAWS("ssm", "put-parameter", "--name", "/clock/p", "--type", "String", "--value", "v")
	out := s.MustAWS("ssm", "get-parameter", "--name", "/clock/p")
	// CLI v1 prints timestamps as the wire's epoch seconds.
	var p struct {
		Parameter struct{ LastModifiedDate float64 }
	}
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	if want := float64(time.Date(2024, 6, 11, 12, 53, 4, 0, time.UTC).Unix()); p.Parameter.LastModifiedDate != want {
		t.Errorf("LastModifiedDate = %v, want %v (the manual clock's time)", p.Parameter.LastModifiedDate, want)
	}

	var r struct{ Reset bool }
	if code := getJSON(t, "POST", s.Endpoint+"/_shoal/reset", "", &r); code != 200 || !r.Reset {
		t.Fatalf("reset = %d %+v", code, r)
	}
	if _, err := s.AWS("ssm", "get-parameter", "--name", "/clock/p"); err == nil || !strings.Contains(err.Error(), "ParameterNotFound") {
		t.Errorf("after reset: %v", err)
	}
}

func TestRealClockCannotAdvance(t *testing.T) {
	s := Start(t)
	var e struct{ Error string }
	if code := getJSON(t, "POST", s.Endpoint+"/_shoal/clock/advance", `{"seconds": 1}`, &e); code != 409 || !strings.Contains(e.Error, "manual") {
		t.Errorf("advance on a real clock = %d %+v", code, e)
	}
}

// TestAuthVerify: with --auth verify, the CLI's correctly signed requests
// work and a wrong secret gets the service's signature error.
func TestAuthVerify(t *testing.T) {
	requireTool(t, "aws", "--version")
	creds := filepath.Join(t.TempDir(), "credentials")
	if err := os.WriteFile(creds, []byte("[default]\naws_access_key_id = 123456789012\naws_secret_access_key = test\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := Start(t, "--auth", "verify", "--credentials", creds)
	s.MustAWS("ssm", "put-parameter", "--name", "/signed", "--type", "String", "--value", "ok")

	_, err := s.awsWithSecret("wrong", "ssm", "get-parameter", "--name", "/signed")
	if err == nil || !strings.Contains(err.Error(), "InvalidSignatureException") {
		t.Errorf("wrong secret: %v", err)
	}
}

// A manual clock resumes where it was after SIGKILL, not at --clock-start:
// a Wait planned before the kill ends when it was due, not later.
func TestManualClockSurvivesKill(t *testing.T) {
	requireTool(t, "aws", "--version")
	s := Start(t, "--clock", "manual", "--clock-start", "2024-06-11T12:00:00Z")
	var sm struct{ StateMachineArn string }
	def := `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}`
	out := s.MustAWS("stepfunctions", "create-state-machine", "--name", "hour", "--definition", def, "--role-arn", roleArn)
	if err := json.Unmarshal([]byte(out), &sm); err != nil {
		t.Fatal(err)
	}
	var ex struct{ ExecutionArn string }
	if err := json.Unmarshal([]byte(s.MustAWS("stepfunctions", "start-execution", "--state-machine-arn", sm.StateMachineArn, "--name", "x")), &ex); err != nil {
		t.Fatal(err)
	}
	s.advance(t, 1800)
	s.Kill()
	s.Restart()
	var c struct{ Now string }
	getJSON(t, "GET", s.Endpoint+"/_shoal/clock", "", &c)
	if c.Now != "2024-06-11T12:30:00Z" {
		t.Errorf("clock after restart = %s, want 2024-06-11T12:30:00Z", c.Now)
	}
	s.advance(t, 1800)
	eventually(t, "the Wait to end at its due time", func() bool {
		return s.describeExecution(t, ex.ExecutionArn).Status == "SUCCEEDED"
	})
}
