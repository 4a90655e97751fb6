package ssm

import (
	"context"
	"errors"
	"testing"

	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/store"
)

// A write of a parameter record read at an older version loses: the
// request fails with TooManyUpdates and its transaction commits nothing.
func TestStaleWriteIsTooManyUpdates(t *testing.T) {
	e := newEnv(t)
	e.put(seedCaller, &PutParameterInput{Name: "/app/x", Type: TypeString, Value: "v"})
	sc := scope{account: seedCaller.AccountID, region: seedCaller.Region}
	ctx := context.Background()
	tests := []struct {
		name  string
		write func(tx store.Tx) error
	}{
		{"stale update", func(tx store.Tx) error {
			p, err := loadParam(ctx, tx, sc, "/app/x")
			if err != nil {
				return err
			}
			stale := *p
			p.Tags = []Tag{{Key: "first", Value: "writer"}}
			if err := saveParam(ctx, tx, sc, p); err != nil {
				return err
			}
			return saveParam(ctx, tx, sc, &stale)
		}},
		{"double create", func(tx store.Tx) error {
			p := &paramRecord{Name: "/app/y", Oldest: 1, Current: versionRecord{Version: 1, Type: TypeString, Value: "y"}}
			twin := *p
			if err := saveParam(ctx, tx, sc, p); err != nil {
				return err
			}
			return saveParam(ctx, tx, sc, &twin)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := e.st.Update(ctx, tt.write)
			var de *dispatch.Error
			if !errors.As(err, &de) || de.Code != "TooManyUpdates" {
				t.Fatalf("got %v, want TooManyUpdates", err)
			}
		})
	}
	e.t = t
	tags := must[ListTagsForResourceOutput](e, seedCaller, "ListTagsForResource", &ListTagsForResourceInput{ResourceType: "Parameter", ResourceID: "/app/x"})
	if len(tags.TagList) != 0 {
		t.Errorf("the failed transaction's first write survived: %v", tags.TagList)
	}
	fails(e, seedCaller, "GetParameter", &GetParameterInput{Name: "/app/y"}, "ParameterNotFound")
}

func TestLastModifiedUser(t *testing.T) {
	e := newEnv(t)
	lambda := seedCaller
	lambda.Principal = "arn:aws:sts::123456789012:assumed-role/wordpress-raw-role/data_wordpress_api_raw"
	e.put(lambda, &PutParameterInput{Name: "/app/u", Type: TypeString, Value: "v"})
	e.put(seedCaller, &PutParameterInput{Name: "/app/u", Value: "w", Overwrite: true})
	h := must[GetParameterHistoryOutput](e, seedCaller, "GetParameterHistory", &GetParameterHistoryInput{Name: "/app/u"})
	if h.Parameters[0].LastModifiedUser != lambda.Principal || h.Parameters[1].LastModifiedUser != "arn:aws:iam::123456789012:root" {
		t.Errorf("users = %q, %q", h.Parameters[0].LastModifiedUser, h.Parameters[1].LastModifiedUser)
	}
}
