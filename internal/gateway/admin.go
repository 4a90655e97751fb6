package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/shoal-dev/shoal/internal/clock"
)

// Admin serves shoal's own endpoints:
//
//	GET  /_shoal/health          services and their state; also at
//	GET  /_localstack/health     LocalStack's path, so wait-for-ready scripts work
//	GET  /_shoal/clock           the clock's mode and time
//	POST /_shoal/clock/advance   {"seconds": N}: move a manual clock, firing what falls due
//	POST /_shoal/reset           empty all state
type Admin struct {
	Version string
	Clock   clock.Clock
	// Services reports each service's state ("running", ...) by name.
	Services func() map[string]string
	// Reset empties all state.
	Reset func(ctx context.Context) error
	// ClockMoving, when set, is told where a manual clock is about to be
	// advanced to, before any timer runs (the server keeps it, so a
	// restart resumes there).
	ClockMoving func(ctx context.Context, to time.Time) error
}

func (a *Admin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/_shoal/health", "/_localstack/health":
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			adminError(w, http.StatusMethodNotAllowed, "use GET")
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"services": a.Services(), "version": a.Version, "edition": "shoal"})
	case "/_shoal/clock":
		writeJSON(w, http.StatusOK, a.clockState())
	case "/_shoal/clock/advance":
		a.advance(w, r)
	case "/_shoal/reset":
		if r.Method != http.MethodPost {
			adminError(w, http.StatusMethodNotAllowed, "use POST")
			return
		}
		if err := a.Reset(r.Context()); err != nil {
			adminError(w, http.StatusInternalServerError, "reset failed: "+err.Error())
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"reset": true})
	default:
		adminError(w, http.StatusNotFound, "no such shoal endpoint: "+r.URL.Path)
	}
}

func (a *Admin) clockState() map[string]any {
	return map[string]any{"mode": a.Clock.Mode(), "now": a.Clock.Now().UTC().Format(time.RFC3339Nano)}
}

func (a *Admin) advance(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		adminError(w, http.StatusMethodNotAllowed, "use POST")
		return
	}
	m, ok := a.Clock.(*clock.Manual)
	if !ok {
		adminError(w, http.StatusConflict, fmt.Sprintf("the clock is %s; only a manual clock (--clock manual) can be advanced", a.Clock.Mode()))
		return
	}
	var req struct {
		Seconds *float64 `json:"seconds"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<10)).Decode(&req); err != nil || req.Seconds == nil {
		adminError(w, http.StatusBadRequest, `body must be {"seconds": N} with N ≥ 0`)
		return
	}
	s := *req.Seconds
	if s < 0 || math.IsNaN(s) || s > 100*365*24*3600 {
		adminError(w, http.StatusBadRequest, fmt.Sprintf("seconds must be between 0 and 100 years, got %v", s))
		return
	}
	to := m.Now().Add(time.Duration(s * float64(time.Second)))
	if a.ClockMoving != nil {
		if err := a.ClockMoving(r.Context(), to); err != nil {
			adminError(w, http.StatusInternalServerError, err.Error())
			return
		}
	}
	m.AdvanceTo(to)
	writeJSON(w, http.StatusOK, a.clockState())
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func adminError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}
