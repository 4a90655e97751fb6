// Package shoaltest starts a real shoal in-process for tests: the same
// server cmd/shoal runs, on 127.0.0.1:0, with a temporary SQLite store and a
// manual clock, so tests never sleep and never share ports.
package shoaltest

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/clock"
	"github.com/shoal-dev/shoal/internal/gateway"
	"github.com/shoal-dev/shoal/internal/server"
)

// Start is where every manual test clock begins: the seed's session
// glue-studio-datapreview-3f905608-... was created then.
var Start = time.Date(2024, 6, 11, 12, 23, 4, 586_000_000, time.UTC)

// Shoal is a running test server.
type Shoal struct {
	URL    string // http://127.0.0.1:port
	Clock  *clock.Manual
	Server *server.Server
	Dir    string
}

// Option adjusts the server's config.
type Option func(*server.Config)

// WithCredentials turns on SigV4 verification with these keys.
func WithCredentials(c gateway.Credentials) Option {
	return func(cfg *server.Config) { cfg.Credentials = c }
}

// WithDir uses dir as the data directory (to restart on the same state).
func WithDir(dir string) Option {
	return func(cfg *server.Config) { cfg.DataDir = dir }
}

// New starts shoal and stops it when the test ends.
func New(t testing.TB, opts ...Option) *Shoal {
	t.Helper()
	clk := clock.NewManual(Start)
	cfg := server.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Clock: clk, Version: "test"}
	for _, o := range opts {
		o(&cfg)
	}
	ctx := context.Background()
	srv, err := server.New(ctx, cfg)
	if err != nil {
		t.Fatalf("start shoal: %v", err)
	}
	if err := srv.Listen(ctx); err != nil {
		_ = srv.Shutdown(ctx)
		t.Fatalf("start shoal: %v", err)
	}
	go func() { _ = srv.Serve() }()
	s := &Shoal{URL: "http://" + srv.Addr(), Clock: clk, Server: srv, Dir: cfg.DataDir}
	t.Cleanup(func() { s.Stop(t) })
	return s
}

// Stop shuts the server down; it is safe to call more than once.
func (s *Shoal) Stop(t testing.TB) {
	if s.Server == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Server.Shutdown(ctx); err != nil {
		t.Errorf("stop shoal: %v", err)
	}
	s.Server = nil
}

// Client is an HTTP client for raw requests to the server.
func (s *Shoal) Client() *http.Client { return &http.Client{Timeout: 30 * time.Second} }
