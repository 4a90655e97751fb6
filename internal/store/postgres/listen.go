package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/shoal-dev/shoal/internal/clock"
)

// listenOn subscribes conn to the store's channel.
func (s *Store) listenOn(ctx context.Context, conn *pgx.Conn) error {
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{s.channel}.Sanitize()); err != nil {
		return fmt.Errorf("listen on %s: %w", s.channel, err)
	}
	return nil
}

// runListener turns notifications into local wake-ups on one dedicated
// connection (a pooled one would be handed to other work). When the
// connection drops it reconnects and wakes every subscriber, since
// notifications sent meanwhile are lost.
func (s *Store) runListener(ctx context.Context, conn *pgx.Conn, cfg *pgx.ConnConfig) {
	defer close(s.listenDone)
	backoff := 100 * time.Millisecond
	for {
		err := s.receive(ctx, conn)
		conn.Close(context.Background())
		if ctx.Err() != nil {
			return
		}
		s.log.Warn("wake-up listener lost its connection; reconnecting", "err", err)
		for {
			// Reconnection waits in real time whatever Config.Clock is: it
			// paces a network retry, not emulated work.
			if !sleep(ctx, backoff) {
				return
			}
			backoff = min(2*backoff, 10*time.Second)
			conn, err = pgx.ConnectConfig(ctx, cfg.Copy())
			if err == nil {
				if err = s.listenOn(ctx, conn); err == nil {
					break
				}
				conn.Close(context.Background())
			}
			s.log.Warn("wake-up listener cannot reconnect", "err", err)
		}
		backoff = 100 * time.Millisecond
		s.wake.NotifyAll()
	}
}

func (s *Store) receive(ctx context.Context, conn *pgx.Conn) error {
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		s.wake.Notify(n.Payload)
	}
}

// sleep waits d of real time; false if ctx ended first.
func sleep(ctx context.Context, d time.Duration) bool {
	done := make(chan struct{})
	t := clock.Real{}.AfterFunc(d, func() { close(done) })
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-ctx.Done():
		return false
	}
}
