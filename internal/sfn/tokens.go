package sfn

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/sfn/engine"
	"github.com/shoal-dev/shoal/internal/store"
)

// The task token callbacks: SendTaskSuccess, SendTaskFailure and
// SendTaskHeartbeat. Each is one step of the token's execution, committed
// in the request's transaction (engine.Complete, engine.Heartbeat).

func errTaskDoesNotExist() *dispatch.Error {
	return newErr("TaskDoesNotExist", "Task Does Not Exist")
}

func errTaskTimedOut() *dispatch.Error {
	return newErr("TaskTimedOut", "Task Timed Out")
}

func errInvalidTaskToken(token string) *dispatch.Error {
	return newErr("InvalidToken", "Invalid Token: '%s'", token)
}

func errInvalidOutput(msg string) *dispatch.Error {
	return newErr("InvalidOutput", "Invalid Output: '%s'", msg)
}

// tokenError turns the engine's callback errors into AWS's.
func tokenError(token string, err error) error {
	switch {
	case errors.Is(err, engine.ErrInvalidToken):
		return errInvalidTaskToken(token)
	case errors.Is(err, engine.ErrTaskDoesNotExist):
		return errTaskDoesNotExist()
	case errors.Is(err, engine.ErrTaskTimedOut):
		return errTaskTimedOut()
	}
	return err
}

// callback runs one callback step, again if the execution moved on between
// the read and the write.
func (s *Service) callback(ctx context.Context, token string, fn func(tx store.Tx) error) error {
	if _, err := engine.TokenExecution(token); err != nil {
		return errInvalidTaskToken(token)
	}
	var err error
	for range 5 {
		err = s.st.Update(ctx, fn)
		if !errors.Is(err, store.ErrConflict) {
			break
		}
	}
	if err != nil {
		return tokenError(token, err)
	}
	s.runner.Notify(context.WithoutCancel(ctx))
	return nil
}

func (s *Service) SendTaskSuccess(ctx context.Context, in *SendTaskSuccessInput) (*SendTaskSuccessOutput, error) {
	if !json.Valid([]byte(in.Output)) {
		return nil, errInvalidOutput(in.Output)
	}
	if len(in.Output) > maxInput {
		return nil, errInvalidOutput("the output is larger than 262144 bytes")
	}
	err := s.callback(ctx, in.TaskToken, func(tx store.Tx) error {
		return s.engine.Complete(ctx, tx, in.TaskToken, engine.Outcome{Result: json.RawMessage(in.Output)})
	})
	if err != nil {
		return nil, err
	}
	return &SendTaskSuccessOutput{}, nil
}

func (s *Service) SendTaskFailure(ctx context.Context, in *SendTaskFailureInput) (*SendTaskFailureOutput, error) {
	err := s.callback(ctx, in.TaskToken, func(tx store.Tx) error {
		return s.engine.Complete(ctx, tx, in.TaskToken, engine.Failure(in.Error, in.Cause))
	})
	if err != nil {
		return nil, err
	}
	return &SendTaskFailureOutput{}, nil
}

func (s *Service) SendTaskHeartbeat(ctx context.Context, in *SendTaskHeartbeatInput) (*SendTaskHeartbeatOutput, error) {
	err := s.callback(ctx, in.TaskToken, func(tx store.Tx) error {
		return s.engine.Heartbeat(ctx, tx, in.TaskToken)
	})
	if err != nil {
		return nil, err
	}
	return &SendTaskHeartbeatOutput{}, nil
}

// Wire shapes of the activity and callback operations (botocore's
// stepfunctions model).

type CreateActivityInput struct {
	Name                    string                   `json:"name" aws:"required,min=1,max=80"`
	Tags                    []Tag                    `json:"tags,omitempty"`
	EncryptionConfiguration *EncryptionConfiguration `json:"encryptionConfiguration,omitempty"`
}

type CreateActivityOutput struct {
	ActivityArn  string    `json:"activityArn"`
	CreationDate time.Time `json:"creationDate"`
}

type DescribeActivityInput struct {
	ActivityArn string `json:"activityArn" aws:"required,min=1,max=256"`
}

type DescribeActivityOutput struct {
	ActivityArn             string                   `json:"activityArn"`
	Name                    string                   `json:"name"`
	CreationDate            time.Time                `json:"creationDate"`
	EncryptionConfiguration *EncryptionConfiguration `json:"encryptionConfiguration,omitempty"`
}

type DeleteActivityInput struct {
	ActivityArn string `json:"activityArn" aws:"required,min=1,max=256"`
}

type DeleteActivityOutput struct{}

type ListActivitiesInput struct {
	MaxResults int32  `json:"maxResults,omitempty" aws:"min=0,max=1000"`
	NextToken  string `json:"nextToken,omitempty" aws:"min=1,max=1024"`
}

// ActivityListItem is one activity in ListActivities.
type ActivityListItem struct {
	ActivityArn  string    `json:"activityArn"`
	Name         string    `json:"name"`
	CreationDate time.Time `json:"creationDate"`
}

type ListActivitiesOutput struct {
	Activities []ActivityListItem `json:"activities"`
	NextToken  string             `json:"nextToken,omitempty"`
}

type GetActivityTaskInput struct {
	ActivityArn string `json:"activityArn" aws:"required,min=1,max=256"`
	WorkerName  string `json:"workerName,omitempty" aws:"min=1,max=80"`
}

type GetActivityTaskOutput struct {
	TaskToken string  `json:"taskToken,omitempty"`
	Input     *string `json:"input,omitempty"`
}

type SendTaskSuccessInput struct {
	TaskToken string `json:"taskToken" aws:"required,min=1,max=2048"`
	Output    string `json:"output" aws:"required,max=262144"`
}

type SendTaskSuccessOutput struct{}

type SendTaskFailureInput struct {
	TaskToken string `json:"taskToken" aws:"required,min=1,max=2048"`
	Error     string `json:"error,omitempty" aws:"max=256"`
	Cause     string `json:"cause,omitempty" aws:"max=32768"`
}

type SendTaskFailureOutput struct{}

type SendTaskHeartbeatInput struct {
	TaskToken string `json:"taskToken" aws:"required,min=1,max=2048"`
}

type SendTaskHeartbeatOutput struct{}
