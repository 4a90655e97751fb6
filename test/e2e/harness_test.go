// Package e2e starts real shoal processes and drives them with the real AWS
// CLI and boto3, the clients shoal's users have. Each later capability adds
// its scenarios here.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// bin is the shoal binary TestMain builds once for every test.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "shoal-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = filepath.Join(dir, "shoal")
	build := exec.Command("go", "build", "-o", bin, "github.com/shoal-dev/shoal/cmd/shoal")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build shoal:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// requireTool skips when a client is missing, except in CI, where a missing
// client is a broken machine and must fail.
func requireTool(t *testing.T, name string, args ...string) {
	t.Helper()
	if err := exec.Command(name, args...).Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is required in CI: %v", name, err)
		}
		t.Skipf("%s not available: %v", name, err)
	}
}

// Shoal is a shoal process under test.
type Shoal struct {
	t        *testing.T
	Dir      string   // data directory, kept across restarts
	Args     []string // extra serve flags
	Endpoint string   // http://127.0.0.1:port of the current process
	cmd      *exec.Cmd
	done     chan struct{}
	logMu    sync.Mutex
	log      bytes.Buffer
}

var readyLine = regexp.MustCompile(`msg="shoal ready" addr=(\S+)`)

// Start runs `shoal serve` on a free port with a temporary data directory.
func Start(t *testing.T, args ...string) *Shoal {
	t.Helper()
	s := &Shoal{t: t, Dir: t.TempDir(), Args: args}
	s.start()
	t.Cleanup(func() {
		s.Kill()
		if t.Failed() {
			t.Logf("shoal log:\n%s", s.Log())
		}
	})
	return s
}

func (s *Shoal) start() {
	s.t.Helper()
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--data-dir", s.Dir, "--log-level", "debug"}, s.Args...)
	cmd := exec.Command(bin, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		s.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("start shoal: %v", err)
	}
	s.cmd, s.done = cmd, make(chan struct{})
	ready := make(chan string, 1)
	go s.readLog(stderr, ready)
	go func() { _ = cmd.Wait(); close(s.done) }()
	select {
	case addr := <-ready:
		s.Endpoint = "http://" + addr
	case <-s.done:
		s.t.Fatalf("shoal exited before it was ready:\n%s", s.Log())
	case <-time.After(30 * time.Second):
		s.t.Fatalf("shoal not ready after 30s:\n%s", s.Log())
	}
}

func (s *Shoal) readLog(r io.Reader, ready chan<- string) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		s.logMu.Lock()
		s.log.WriteString(line + "\n")
		s.logMu.Unlock()
		if m := readyLine.FindStringSubmatch(line); m != nil {
			select {
			case ready <- m[1]:
			default:
			}
		}
	}
}

// Log is everything the process printed so far.
func (s *Shoal) Log() string {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return s.log.String()
}

// Kill SIGKILLs the process: no shutdown code runs.
func (s *Shoal) Kill() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.done
	s.cmd = nil
}

// Stop sends SIGTERM and waits for a clean exit.
func (s *Shoal) Stop() {
	s.t.Helper()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		s.t.Fatalf("shoal did not stop on SIGTERM:\n%s", s.Log())
	}
	if code := s.cmd.ProcessState.ExitCode(); code != 0 {
		s.t.Fatalf("shoal exited %d on SIGTERM:\n%s", code, s.Log())
	}
	s.cmd = nil
}

// Restart starts a new process on the same data directory.
func (s *Shoal) Restart() {
	s.t.Helper()
	s.start()
}

// env is the environment the clients run with: dummy credentials, a fixed
// region, and no user configuration leaking in.
func (s *Shoal) env() []string {
	return append(os.Environ(),
		"AWS_ENDPOINT_URL="+s.Endpoint,
		"AWS_ACCESS_KEY_ID=123456789012",
		"AWS_SECRET_ACCESS_KEY=test",
		"AWS_DEFAULT_REGION=eu-west-1",
		"AWS_CONFIG_FILE="+s.cliConfig(),
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_PAGER=",
		"AWS_MAX_ATTEMPTS=1",
	)
}

// cliConfig writes the CLI's config: AWS CLI v1 fetches a parameter value
// that looks like a URL (the seed's StringList of WordPress endpoints does)
// unless cli_follow_urlparam is off.
func (s *Shoal) cliConfig() string {
	path := filepath.Join(s.Dir, "..", "aws-config")
	if _, err := os.Stat(path); err != nil {
		if err := os.WriteFile(path, []byte("[default]\ncli_follow_urlparam = false\n"), 0o600); err != nil {
			s.t.Fatal(err)
		}
	}
	return path
}

// AWS runs the AWS CLI against the process and returns its stdout; a
// non-zero exit returns stderr in the error.
func (s *Shoal) AWS(args ...string) (string, error) {
	s.t.Helper()
	return s.awsWithSecret("test", args...)
}

// awsWithSecret runs the CLI signing with the given secret key.
func (s *Shoal) awsWithSecret(secret string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "aws", append([]string{"--output", "json"}, args...)...)
	cmd.Env = append(s.env(), "AWS_SECRET_ACCESS_KEY="+secret)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("aws %s: %w: %s", strings.Join(args, " "), err, errb.String())
	}
	return out.String(), nil
}

// MustAWS is AWS that fails the test on error.
func (s *Shoal) MustAWS(args ...string) string {
	s.t.Helper()
	out, err := s.AWS(args...)
	if err != nil {
		s.t.Fatal(err)
	}
	return out
}

// Python runs a boto3 script with the endpoint in AWS_ENDPOINT_URL and
// returns its stdout.
func (s *Shoal) Python(script string) (string, error) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "python3", "-c", script)
	cmd.Env = s.env()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("python: %w: %s", err, errb.String())
	}
	return out.String(), nil
}
