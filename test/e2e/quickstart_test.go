package e2e

import (
	"bufio"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestQuickStartDefaults runs shoal as the README's quick start does — no
// flags but a free port — and checks it serves with its state in ./.shoal.
func TestQuickStartDefaults(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--addr", "127.0.0.1:0")
	cmd.Dir = dir
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	sc := bufio.NewScanner(stderr)
	var log string
	for sc.Scan() {
		log += sc.Text() + "\n"
		if m := readyLine.FindStringSubmatch(sc.Text()); m != nil {
			resp, err := http.Get("http://" + m[1] + "/_shoal/health")
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("health: %v %v", resp, err)
			}
			resp.Body.Close()
			if _, err := os.Stat(filepath.Join(dir, ".shoal", "shoal.db")); err != nil {
				t.Errorf("state not in ./.shoal: %v", err)
			}
			return
		}
	}
	t.Fatalf("shoal exited before it was ready:\n%s", log)
}
