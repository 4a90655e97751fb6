package sfn

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/sfn/engine"
	"github.com/shoal-dev/shoal/internal/store"
)

// Map Runs: a Distributed Map's child executions (engine/maprun.go).

type DescribeMapRunInput struct {
	MapRunArn string `json:"mapRunArn" aws:"required,min=1,max=2000"`
}

// MapRunCounts is MapRunItemCounts and MapRunExecutionCounts (one child
// execution per item, or per ItemBatcher batch).
type MapRunCounts struct {
	Pending               int64 `json:"pending"`
	Running               int64 `json:"running"`
	Succeeded             int64 `json:"succeeded"`
	Failed                int64 `json:"failed"`
	TimedOut              int64 `json:"timedOut"`
	Aborted               int64 `json:"aborted"`
	Total                 int64 `json:"total"`
	ResultsWritten        int64 `json:"resultsWritten"`
	FailuresNotRedrivable int64 `json:"failuresNotRedrivable"`
	PendingRedrive        int64 `json:"pendingRedrive"`
}

type DescribeMapRunOutput struct {
	MapRunArn                  string       `json:"mapRunArn"`
	ExecutionArn               string       `json:"executionArn"`
	Status                     string       `json:"status"`
	StartDate                  time.Time    `json:"startDate"`
	StopDate                   *time.Time   `json:"stopDate,omitempty"`
	MaxConcurrency             int64        `json:"maxConcurrency"`
	ToleratedFailurePercentage float64      `json:"toleratedFailurePercentage"`
	ToleratedFailureCount      int64        `json:"toleratedFailureCount"`
	ItemCounts                 MapRunCounts `json:"itemCounts"`
	ExecutionCounts            MapRunCounts `json:"executionCounts"`
	RedriveCount               int32        `json:"redriveCount"`
}

type ListMapRunsInput struct {
	ExecutionArn string `json:"executionArn" aws:"required,min=1,max=256"`
	MaxResults   int32  `json:"maxResults,omitempty" aws:"min=0,max=1000"`
	NextToken    string `json:"nextToken,omitempty" aws:"min=1,max=1024"`
}

type MapRunListItem struct {
	ExecutionArn    string     `json:"executionArn"`
	MapRunArn       string     `json:"mapRunArn"`
	StateMachineArn string     `json:"stateMachineArn"`
	StartDate       time.Time  `json:"startDate"`
	StopDate        *time.Time `json:"stopDate,omitempty"`
}

type ListMapRunsOutput struct {
	MapRuns   []MapRunListItem `json:"mapRuns"`
	NextToken string           `json:"nextToken,omitempty"`
}

type UpdateMapRunInput struct {
	MapRunArn                  string   `json:"mapRunArn" aws:"required,min=1,max=2000"`
	MaxConcurrency             *int64   `json:"maxConcurrency,omitempty" aws:"min=0"`
	ToleratedFailurePercentage *float64 `json:"toleratedFailurePercentage,omitempty" aws:"min=0,max=100"`
	ToleratedFailureCount      *int64   `json:"toleratedFailureCount,omitempty" aws:"min=0"`
}

type UpdateMapRunOutput struct{}

// mapRunARNOf checks a Map Run ARN:
// arn:aws:states:<region>:<account>:mapRun:<machine>/<label>:<id>.
func mapRunARNOf(arn string) bool {
	p, ok := parseARN(arn)
	return ok && p.kind == "mapRun" && p.sub != "" && strings.Contains(p.name, "/")
}

func (s *Service) DescribeMapRun(ctx context.Context, in *DescribeMapRunInput) (*DescribeMapRunOutput, error) {
	if !mapRunARNOf(in.MapRunArn) {
		return nil, errInvalidArn(in.MapRunArn)
	}
	var r *engine.MapRun
	err := s.st.View(ctx, func(tx store.Tx) error {
		var err error
		r, err = engine.GetMapRun(ctx, tx, in.MapRunArn)
		return err
	})
	if errors.Is(err, engine.ErrMapRunNotFound) {
		return nil, errResourceNotFound(in.MapRunArn)
	}
	if err != nil {
		return nil, err
	}
	c := MapRunCounts{Pending: r.Counts.Pending, Running: r.Counts.Running, Succeeded: r.Counts.Succeeded, Failed: r.Counts.Failed,
		TimedOut: r.Counts.TimedOut, Aborted: r.Counts.Aborted, Total: r.Counts.Total}
	out := &DescribeMapRunOutput{MapRunArn: r.ARN, ExecutionArn: r.ExecutionARN, Status: r.Status, StartDate: r.StartDate,
		MaxConcurrency: r.MaxConcurrency, ToleratedFailurePercentage: r.ToleratedFailurePercentage, ToleratedFailureCount: r.ToleratedFailureCount,
		ItemCounts: c, ExecutionCounts: c}
	if r.Status != engine.MapRunRunning {
		stop := r.StopDate
		out.StopDate = &stop
	}
	return out, nil
}

func (s *Service) ListMapRuns(ctx context.Context, in *ListMapRunsInput) (*ListMapRunsOutput, error) {
	after, err := decodeToken("ListMapRuns", in.NextToken)
	if err != nil {
		return nil, err
	}
	if after != "" && !strings.HasPrefix(after, in.ExecutionArn+"|") {
		return nil, errInvalidToken()
	}
	out := &ListMapRunsOutput{}
	err = s.st.View(ctx, func(tx store.Tx) error {
		*out = ListMapRunsOutput{MapRuns: []MapRunListItem{}} // fn may run twice (store.View)
		if _, err := s.execution(ctx, tx, in.ExecutionArn); err != nil {
			return err
		}
		runs, next, err := engine.ListMapRuns(ctx, tx, in.ExecutionArn, after, pageSize(in.MaxResults))
		if err != nil {
			return err
		}
		for _, r := range runs {
			item := MapRunListItem{ExecutionArn: r.ExecutionARN, MapRunArn: r.ARN, StateMachineArn: r.StateMachineARN, StartDate: r.StartDate}
			if r.Status != engine.MapRunRunning {
				stop := r.StopDate
				item.StopDate = &stop
			}
			out.MapRuns = append(out.MapRuns, item)
		}
		out.NextToken = encodeToken("ListMapRuns", next)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) UpdateMapRun(ctx context.Context, in *UpdateMapRunInput) (*UpdateMapRunOutput, error) {
	if !mapRunARNOf(in.MapRunArn) {
		return nil, errInvalidArn(in.MapRunArn)
	}
	if in.MaxConcurrency == nil && in.ToleratedFailurePercentage == nil && in.ToleratedFailureCount == nil {
		return nil, errValidation("at least one of maxConcurrency, toleratedFailurePercentage or toleratedFailureCount is required")
	}
	for range 5 {
		err := s.st.Update(ctx, func(tx store.Tx) error {
			return s.engine.UpdateMapRun(ctx, tx, in.MapRunArn, in.MaxConcurrency, in.ToleratedFailurePercentage, in.ToleratedFailureCount)
		})
		switch {
		case errors.Is(err, engine.ErrMapRunNotFound):
			return nil, errResourceNotFound(in.MapRunArn)
		case errors.Is(err, store.ErrConflict):
			continue // the execution moved on meanwhile: read it again
		case err != nil:
			return nil, err
		}
		s.runner.Notify(context.WithoutCancel(ctx))
		return &UpdateMapRunOutput{}, nil
	}
	return nil, errConflict(in.MapRunArn)
}
