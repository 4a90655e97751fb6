// Command shoal runs the AWS event-driven serverless stack on one port.
//
//	shoal [serve] [flags]   run shoal (the default)
//	shoal version           print the version
//
// Each command is a file with a Run(ctx, args) error; only main exits.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Version is shoal's version.
const Version = "0.1.0-dev"

// Main holds what commands read from the process: arguments aside, its
// environment and output streams, so tests can run commands in-process.
type Main struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := &Main{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	if err := m.Run(ctx, os.Args[1:]); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "shoal:", err)
		}
		os.Exit(1)
	}
}

// Run runs the command args name.
func (m *Main) Run(ctx context.Context, args []string) error {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return (&Serve{Main: m}).Run(ctx, args)
	case "version":
		_, err := fmt.Fprintln(m.Stdout, "shoal", Version)
		return err
	case "help":
		fmt.Fprintln(m.Stdout, usage)
		return nil
	default:
		return fmt.Errorf("unknown command %q\n%s", cmd, usage)
	}
}

const usage = `usage: shoal [command] [flags]

commands:
  serve     run shoal (the default)
  version   print the version

run "shoal serve -h" for serve's flags`
