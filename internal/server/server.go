// Package server assembles one shoal: the store, the clock, the dispatch
// registry with every service in one list, and the HTTP gateway. cmd/shoal
// and the in-process test helper (internal/shoaltest) both build servers
// here, so tests run exactly what users run.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/shoal-dev/shoal/internal/clock"
	"github.com/shoal-dev/shoal/internal/cloudtrail"
	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/events"
	"github.com/shoal-dev/shoal/internal/gateway"
	"github.com/shoal-dev/shoal/internal/scheduler"
	"github.com/shoal-dev/shoal/internal/sfn"
	"github.com/shoal-dev/shoal/internal/ssm"
	"github.com/shoal-dev/shoal/internal/store"
	"github.com/shoal-dev/shoal/internal/store/postgres"
	"github.com/shoal-dev/shoal/internal/store/sqlite"
)

// Config configures a Server.
type Config struct {
	Addr    string // listen address, e.g. "127.0.0.1:4566" or "127.0.0.1:0"
	DataDir string // SQLite data directory
	// Store is "" or "sqlite" for the embedded store in DataDir, or a
	// postgres:// URL.
	Store       string
	Clock       clock.Clock // nil = real
	Logger      *slog.Logger
	Credentials gateway.Credentials // non-nil turns on SigV4 verification
	Version     string
}

// service is what every service package provides. Services with background
// work (timers, deliveries) also implement lifecycle.
type service interface {
	Register(r *dispatch.Registry)
}

type named struct {
	name string
	service
}

type lifecycle interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
}

// Server is a running shoal.
type Server struct {
	cfg      Config
	store    store.Store
	registry *dispatch.Registry
	services []named
	started  []lifecycle
	http     *http.Server
	ln       net.Listener
}

// New opens the store and wires every service. It does not listen yet.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, store: st}
	if err := restoreClock(ctx, st, cfg.Clock); err != nil {
		return nil, errors.Join(err, st.Close())
	}
	s.registry = dispatch.NewRegistry(cfg.Clock.Now, uuid.NewString)

	eventBus := events.New(events.Config{Store: st, Clock: cfg.Clock, Logger: cfg.Logger})
	// The one list of services, in start order.
	s.services = []named{
		{"ssm", ssm.New(st, cfg.Clock)},
		// "stepfunctions" is LocalStack's health key for it.
		{"stepfunctions", sfn.New(sfn.Config{Store: st, Clock: cfg.Clock, Registry: s.registry, HTTP: eventBus, Logger: cfg.Logger})},
		{"events", eventBus},
		{"scheduler", scheduler.New(scheduler.Config{Store: st, Clock: cfg.Clock, Registry: s.registry, Logger: cfg.Logger})},
	}
	// CloudTrail records every successful management call onto the
	// default event bus of its account and region.
	s.registry.AddHook(&cloudtrail.Recorder{Bus: eventBus, Logger: cfg.Logger, NewID: uuid.NewString})

	for _, svc := range s.services {
		svc.Register(s.registry)
	}
	admin := &gateway.Admin{Version: cfg.Version, Clock: cfg.Clock, Services: s.health, Reset: s.reset, ClockMoving: s.saveClock}
	s.http = &http.Server{
		Handler:           gateway.New(gateway.Config{Registry: s.registry, Logger: cfg.Logger, Credentials: cfg.Credentials, Admin: admin}),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn),
	}
	return s, nil
}

func openStore(ctx context.Context, cfg Config) (store.Store, error) {
	switch {
	case cfg.Store == "" || cfg.Store == "sqlite":
		st, err := sqlite.Open(ctx, sqlite.Config{Dir: cfg.DataDir, Logger: cfg.Logger})
		if err != nil {
			return nil, fmt.Errorf("open store in %s: %w", cfg.DataDir, err)
		}
		return st, nil
	case strings.HasPrefix(cfg.Store, "postgres://") || strings.HasPrefix(cfg.Store, "postgresql://"):
		st, err := postgres.Open(ctx, postgres.Config{URL: cfg.Store, Logger: cfg.Logger})
		if err != nil {
			return nil, fmt.Errorf("open postgres store: %w", err)
		}
		return st, nil
	default:
		return nil, fmt.Errorf("--store must be sqlite or a postgres:// URL, got %q", cfg.Store)
	}
}

// Registry is the server's operation registry, for in-process callers.
func (s *Server) Registry() *dispatch.Registry { return s.registry }

// Store is the server's store.
func (s *Server) Store() store.Store { return s.store }

// Listen binds the address and starts the services' background work. After
// it returns, requests are accepted (Serve answers them).
func (s *Server) Listen(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.Addr, err)
	}
	s.ln = ln
	for _, svc := range s.services {
		if lc, ok := svc.service.(lifecycle); ok {
			if err := lc.Start(ctx); err != nil {
				return fmt.Errorf("start %s: %w", svc.name, err)
			}
			s.started = append(s.started, lc)
		}
	}
	return nil
}

// Addr is the bound address, after Listen.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Serve answers requests until Shutdown.
func (s *Server) Serve() error {
	err := s.http.Serve(s.ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting requests, waits for in-flight ones, stops the
// services and closes the store, so everything committed stays committed.
func (s *Server) Shutdown(ctx context.Context) error {
	var errs []error
	if s.ln != nil {
		errs = append(errs, s.http.Shutdown(ctx))
	}
	for i := len(s.started) - 1; i >= 0; i-- {
		errs = append(errs, s.started[i].Stop(ctx))
	}
	errs = append(errs, s.store.Close())
	return errors.Join(errs...)
}

func (s *Server) health() map[string]string {
	out := map[string]string{}
	for _, svc := range s.services {
		out[svc.name] = "running"
	}
	return out
}

// reloader is a service that keeps derived state in memory (EventBridge's
// matchers) and must rebuild it when the store is emptied.
type reloader interface {
	Reload(ctx context.Context) error
}

func (s *Server) reset(ctx context.Context) error {
	if err := s.store.Reset(ctx); err != nil {
		return err
	}
	for _, svc := range s.services {
		if r, ok := svc.service.(reloader); ok {
			if err := r.Reload(ctx); err != nil {
				return fmt.Errorf("reload %s after reset: %w", svc.name, err)
			}
		}
	}
	return nil
}
