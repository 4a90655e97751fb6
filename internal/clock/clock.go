// Package clock is the one source of time in shoal. Every timer in every
// service uses a Clock, so a test (or a user with --time-scale) can make a
// 30-minute Glue idle timeout or a 30-second Wait state pass at once.
package clock

import (
	"fmt"
	"time"
)

// Clock tells the time and runs functions later.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f once d has passed on this clock. On a Manual clock f
	// runs inside Advance, before Advance returns; otherwise in its own
	// goroutine.
	AfterFunc(d time.Duration, f func()) Timer
	// Mode is "real", "scaled" or "manual".
	Mode() string
}

// Timer is a pending AfterFunc.
type Timer interface {
	// Stop cancels the call; it reports whether it was still pending.
	Stop() bool
}

// Real is the wall clock.
type Real struct{}

var _ Clock = Real{}

func (Real) Now() time.Time { return time.Now() }

func (Real) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

func (Real) Mode() string { return "real" }

// Scaled runs Factor emulated seconds per real second, starting from the wall
// clock time at which it was made.
type Scaled struct {
	Factor    float64
	realStart time.Time
	start     time.Time
}

var _ Clock = (*Scaled)(nil)

// NewScaled returns a clock that runs factor times faster than real time.
func NewScaled(factor float64) (*Scaled, error) {
	if factor <= 0 {
		return nil, fmt.Errorf("time scale must be positive, got %v", factor)
	}
	now := time.Now()
	return &Scaled{Factor: factor, realStart: now, start: now}, nil
}

func (s *Scaled) Now() time.Time {
	elapsed := time.Since(s.realStart)
	return s.start.Add(time.Duration(float64(elapsed) * s.Factor))
}

func (s *Scaled) AfterFunc(d time.Duration, f func()) Timer {
	return time.AfterFunc(time.Duration(float64(d)/s.Factor), f)
}

func (s *Scaled) Mode() string { return "scaled" }
