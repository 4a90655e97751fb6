package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/shoal-dev/shoal/internal/clock"
	"github.com/shoal-dev/shoal/internal/gateway"
	"github.com/shoal-dev/shoal/internal/server"
)

// Serve is `shoal serve`: run the gateway and every service until SIGINT or
// SIGTERM, then shut down cleanly.
type Serve struct {
	*Main
}

// Run parses flags, starts shoal and blocks until ctx is done.
func (s *Serve) Run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(s.Stderr)
	addr := fs.String("addr", envOr(s.Getenv, "SHOAL_ADDR", "127.0.0.1:4566"), "listen address (env SHOAL_ADDR)")
	dataDir := fs.String("data-dir", envOr(s.Getenv, "SHOAL_DATA_DIR", ".shoal"), "directory of the embedded SQLite store (env SHOAL_DATA_DIR)")
	storeURL := fs.String("store", envOr(s.Getenv, "SHOAL_STORE", "sqlite"), "sqlite, or a postgres:// URL to share state between shoal processes (env SHOAL_STORE)")
	logLevel := fs.String("log-level", envOr(s.Getenv, "SHOAL_LOG_LEVEL", "info"), "debug, info, warn or error; debug logs one line per request")
	clockMode := fs.String("clock", envOr(s.Getenv, "SHOAL_CLOCK", "real"), "real or manual (time moves only with POST /_shoal/clock/advance)")
	clockStart := fs.String("clock-start", "", "RFC 3339 start time of a manual clock (default now)")
	timeScale := fs.Float64("time-scale", envFloat(s.Getenv, "SHOAL_TIME_SCALE", 1), "emulated seconds per real second, e.g. 60 (env SHOAL_TIME_SCALE)")
	auth := fs.String("auth", envOr(s.Getenv, "SHOAL_AUTH", "none"), "none (accept any signature) or verify (check SigV4 signatures)")
	credsFile := fs.String("credentials", envOr(s.Getenv, "SHOAL_CREDENTIALS", ""), "AWS shared-credentials file of the keys --auth verify accepts (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are added)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("serve takes no arguments, got %q", fs.Args())
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(s.Stderr, &slog.HandlerOptions{Level: level}))

	clk, err := newClock(*clockMode, *clockStart, *timeScale)
	if err != nil {
		return err
	}
	var creds gateway.Credentials
	switch *auth {
	case "none":
	case "verify":
		if creds, err = gateway.LoadCredentials(*credsFile, s.Getenv); err != nil {
			return err
		}
	default:
		return fmt.Errorf("--auth must be none or verify, got %q", *auth)
	}

	srv, err := server.New(ctx, server.Config{Addr: *addr, DataDir: *dataDir, Store: *storeURL, Clock: clk, Logger: logger, Credentials: creds, Version: Version})
	if err != nil {
		return err
	}
	if err := srv.Listen(ctx); err != nil {
		return errors.Join(err, srv.Shutdown(context.Background()))
	}
	logger.Info("shoal ready", "addr", srv.Addr(), "store", *storeURL, "data_dir", *dataDir, "clock", clk.Mode(), "version", Version)

	served := make(chan error, 1)
	go func() { served <- srv.Serve() }()
	select {
	case err = <-served:
	case <-ctx.Done():
		logger.Info("shutting down")
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return errors.Join(err, srv.Shutdown(shutdownCtx))
}

func newClock(mode, start string, scale float64) (clock.Clock, error) {
	switch mode {
	case "real":
		if scale == 1 {
			return clock.Real{}, nil
		}
		return clock.NewScaled(scale)
	case "manual":
		if scale != 1 {
			return nil, errors.New("--time-scale does not apply to a manual clock")
		}
		t := clock.Real{}.Now()
		if start != "" {
			var err error
			if t, err = time.Parse(time.RFC3339Nano, start); err != nil {
				return nil, fmt.Errorf("--clock-start: %w", err)
			}
		}
		return clock.NewManual(t), nil
	default:
		return nil, fmt.Errorf("--clock must be real or manual, got %q", mode)
	}
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

func envFloat(getenv func(string) string, key string, def float64) float64 {
	if v, err := strconv.ParseFloat(getenv(key), 64); err == nil {
		return v
	}
	return def
}
