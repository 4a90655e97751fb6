package events

import (
	"context"
	"regexp"
	"time"

	"github.com/shoal-dev/shoal/internal/store"
)

// API destinations: one record per destination, naming its connection by
// ARN.
const (
	tableAPIDestination = "events.apidestination"
	apiDestinationState = "ACTIVE"
	// maxAPIDestinations is EventBridge's quota "API destinations" per
	// account and region.
	maxAPIDestinations = 3000
)

var connectionArnRE = regexp.MustCompile(`^arn:aws([a-z]|\-)*:events:([a-z]|\d|\-)*:([0-9]{12})?:connection/([\.\-_A-Za-z0-9]+)/[\-A-Za-z0-9]+$`)

type CreateAPIDestinationInput struct {
	Name                         string `json:"Name" aws:"required,min=1,max=64"`
	Description                  string `json:"Description,omitempty" aws:"max=512"`
	ConnectionArn                string `json:"ConnectionArn" aws:"required,min=1,max=1600"`
	InvocationEndpoint           string `json:"InvocationEndpoint" aws:"required,min=1,max=2048"`
	HttpMethod                   string `json:"HttpMethod" aws:"required,enum=POST|GET|HEAD|OPTIONS|PUT|PATCH|DELETE"`
	InvocationRateLimitPerSecond *int32 `json:"InvocationRateLimitPerSecond,omitempty" aws:"min=1"`
}

type APIDestinationStateOutput struct {
	ApiDestinationArn   string     `json:"ApiDestinationArn,omitempty"`
	ApiDestinationState string     `json:"ApiDestinationState,omitempty"`
	CreationTime        *time.Time `json:"CreationTime,omitempty"`
	LastModifiedTime    *time.Time `json:"LastModifiedTime,omitempty"`
}

type CreateAPIDestinationOutput = APIDestinationStateOutput

type APIDestinationNameInput struct {
	Name string `json:"Name" aws:"required,min=1,max=64"`
}

type DescribeAPIDestinationInput = APIDestinationNameInput

// APIDestination is DescribeApiDestination's output and ListApiDestinations'
// item (the list item lacks only Description).
type APIDestination struct {
	ApiDestinationArn            string     `json:"ApiDestinationArn,omitempty"`
	Name                         string     `json:"Name,omitempty"`
	Description                  string     `json:"Description,omitempty"`
	ApiDestinationState          string     `json:"ApiDestinationState,omitempty"`
	ConnectionArn                string     `json:"ConnectionArn,omitempty"`
	InvocationEndpoint           string     `json:"InvocationEndpoint,omitempty"`
	HttpMethod                   string     `json:"HttpMethod,omitempty"`
	InvocationRateLimitPerSecond *int32     `json:"InvocationRateLimitPerSecond,omitempty"`
	CreationTime                 *time.Time `json:"CreationTime,omitempty"`
	LastModifiedTime             *time.Time `json:"LastModifiedTime,omitempty"`
}

type DescribeAPIDestinationOutput = APIDestination

type ListAPIDestinationsInput struct {
	NamePrefix    string `json:"NamePrefix,omitempty" aws:"min=1,max=64"`
	ConnectionArn string `json:"ConnectionArn,omitempty" aws:"min=1,max=1600"`
	NextToken     string `json:"NextToken,omitempty" aws:"min=1,max=2048"`
	Limit         *int32 `json:"Limit,omitempty" aws:"min=1,max=100"`
}

type ListAPIDestinationsOutput struct {
	ApiDestinations []APIDestination `json:"ApiDestinations"`
	NextToken       string           `json:"NextToken,omitempty"`
}

type UpdateAPIDestinationInput struct {
	Name                         string  `json:"Name" aws:"required,min=1,max=64"`
	Description                  *string `json:"Description,omitempty" aws:"max=512"`
	ConnectionArn                string  `json:"ConnectionArn,omitempty" aws:"min=1,max=1600"`
	InvocationEndpoint           string  `json:"InvocationEndpoint,omitempty" aws:"min=1,max=2048"`
	HttpMethod                   string  `json:"HttpMethod,omitempty" aws:"enum=POST|GET|HEAD|OPTIONS|PUT|PATCH|DELETE"`
	InvocationRateLimitPerSecond *int32  `json:"InvocationRateLimitPerSecond,omitempty" aws:"min=1"`
}

type UpdateAPIDestinationOutput = APIDestinationStateOutput
type DeleteAPIDestinationInput = APIDestinationNameInput

// DefaultInvocationRateLimit is AWS's default InvocationRateLimitPerSecond.
const DefaultInvocationRateLimit = 300

type apiDestinationRecord struct {
	Name          string    `json:"name"`
	ID            string    `json:"id"`
	Description   string    `json:"description,omitempty"`
	ConnectionArn string    `json:"connectionArn"`
	Endpoint      string    `json:"endpoint"`
	HttpMethod    string    `json:"httpMethod"`
	RateLimit     int32     `json:"rateLimit"`
	Created       time.Time `json:"created"`
	Modified      time.Time `json:"modified"`
}

func (sc scope) apiDestinationKey(name string) string { return sc.prefix() + name }

func (sc scope) apiDestinationArn(name, id string) string {
	return "arn:" + sc.partition() + ":events:" + sc.region + ":" + sc.account + ":api-destination/" + name + "/" + id
}

func (a *apiDestinationRecord) output(sc scope) *APIDestination {
	return &APIDestination{ApiDestinationArn: sc.apiDestinationArn(a.Name, a.ID), Name: a.Name, Description: a.Description,
		ApiDestinationState: apiDestinationState, ConnectionArn: a.ConnectionArn, InvocationEndpoint: a.Endpoint,
		HttpMethod: a.HttpMethod, InvocationRateLimitPerSecond: &a.RateLimit, CreationTime: &a.Created, LastModifiedTime: &a.Modified}
}

func (a *apiDestinationRecord) stateOutput(sc scope) *APIDestinationStateOutput {
	return &APIDestinationStateOutput{ApiDestinationArn: sc.apiDestinationArn(a.Name, a.ID), ApiDestinationState: apiDestinationState,
		CreationTime: &a.Created, LastModifiedTime: &a.Modified}
}

// connectionByArn reads the connection an ARN names in the caller's
// account and region; an ARN of a connection that no longer exists (or was
// recreated under the same name) is ResourceNotFoundException.
func connectionByArn(ctx context.Context, tx store.Tx, sc scope, arn string) (*connectionRecord, error) {
	m := connectionArnRE.FindStringSubmatch(arn)
	if m == nil {
		return nil, errConstraint(arn, "connectionArn", `Member must satisfy regular expression pattern: ^arn:aws([a-z]|\-)*:events:([a-z]|\d|\-)*:([0-9]{12})?:connection\/[\.\-_A-Za-z0-9]+\/[\-A-Za-z0-9]+$`)
	}
	c, _, err := loadConnection(ctx, tx, sc, m[4])
	if err != nil {
		return nil, err
	}
	if sc.connectionArn(c.Name, c.ID) != arn {
		return nil, errConnectionNotFound(m[4])
	}
	return c, nil
}

func loadAPIDestination(ctx context.Context, tx store.Tx, sc scope, name string) (*apiDestinationRecord, int64, error) {
	a, rev, err := getJSON[apiDestinationRecord](ctx, tx, tableAPIDestination, sc.apiDestinationKey(name))
	if err == nil && a == nil {
		return nil, 0, errAPIDestinationNotFound(name)
	}
	return a, rev, err
}

// CreateApiDestination creates an API destination. Any endpoint is
// accepted, as on AWS; deliveries to one that is not on a loopback host
// fail (deliver_http.go).
func (s *Service) CreateApiDestination(ctx context.Context, in *CreateAPIDestinationInput) (*CreateAPIDestinationOutput, error) {
	sc := scopeFrom(ctx)
	if err := checkRuleName(in.Name, "name"); err != nil {
		return nil, err
	}
	now := s.now()
	a := &apiDestinationRecord{Name: in.Name, ID: s.newID(), Description: in.Description, ConnectionArn: in.ConnectionArn,
		Endpoint: in.InvocationEndpoint, HttpMethod: in.HttpMethod, RateLimit: DefaultInvocationRateLimit, Created: now, Modified: now}
	if in.InvocationRateLimitPerSecond != nil {
		a.RateLimit = *in.InvocationRateLimitPerSecond
	}
	return update(ctx, s.st, func(tx store.Tx) (*CreateAPIDestinationOutput, error) {
		cur, _, err := getJSON[apiDestinationRecord](ctx, tx, tableAPIDestination, sc.apiDestinationKey(in.Name))
		if err != nil {
			return nil, err
		}
		if cur != nil {
			return nil, errAPIDestinationExists(in.Name)
		}
		if _, err := connectionByArn(ctx, tx, sc, in.ConnectionArn); err != nil {
			return nil, err
		}
		if n, err := countRecords(ctx, tx, tableAPIDestination, sc.prefix(), "", maxAPIDestinations); err != nil {
			return nil, err
		} else if n >= maxAPIDestinations {
			return nil, errLimitExceeded()
		}
		if err := putJSON(ctx, tx, tableAPIDestination, sc.apiDestinationKey(in.Name), a, 0); err != nil {
			return nil, err
		}
		return a.stateOutput(sc), nil
	})
}

// DescribeApiDestination describes an API destination.
func (s *Service) DescribeApiDestination(ctx context.Context, in *DescribeAPIDestinationInput) (*DescribeAPIDestinationOutput, error) {
	sc := scopeFrom(ctx)
	return view(ctx, s.st, func(tx store.Tx) (*DescribeAPIDestinationOutput, error) {
		a, _, err := loadAPIDestination(ctx, tx, sc, in.Name)
		if err != nil {
			return nil, err
		}
		return a.output(sc), nil
	})
}

// ListApiDestinations lists API destinations in name order, optionally
// only those of one connection.
func (s *Service) ListApiDestinations(ctx context.Context, in *ListAPIDestinationsInput) (*ListAPIDestinationsOutput, error) {
	sc := scopeFrom(ctx)
	after, err := decodeToken("ListApiDestinations", in.NextToken)
	if err != nil {
		return nil, err
	}
	limit := pageLimit(in.Limit)
	return view(ctx, s.st, func(tx store.Tx) (*ListAPIDestinationsOutput, error) {
		afterKey := ""
		if after != "" {
			afterKey = sc.apiDestinationKey(after)
		}
		items, next, err := listByName(ctx, tx, tableAPIDestination, sc.prefix()+in.NamePrefix, afterKey, limit,
			func(a *apiDestinationRecord) bool {
				return in.ConnectionArn == "" || a.ConnectionArn == in.ConnectionArn
			},
			func(a *apiDestinationRecord) (APIDestination, string) {
				x := a.output(sc)
				x.Description = ""
				return *x, x.Name
			})
		if err != nil {
			return nil, err
		}
		out := &ListAPIDestinationsOutput{ApiDestinations: items}
		if next != "" {
			out.NextToken = encodeToken("ListApiDestinations", next)
		}
		return out, nil
	})
}

// UpdateApiDestination changes the members given.
func (s *Service) UpdateApiDestination(ctx context.Context, in *UpdateAPIDestinationInput) (*UpdateAPIDestinationOutput, error) {
	sc := scopeFrom(ctx)
	now := s.now()
	return update(ctx, s.st, func(tx store.Tx) (*UpdateAPIDestinationOutput, error) {
		a, rev, err := loadAPIDestination(ctx, tx, sc, in.Name)
		if err != nil {
			return nil, err
		}
		if in.ConnectionArn != "" {
			if _, err := connectionByArn(ctx, tx, sc, in.ConnectionArn); err != nil {
				return nil, err
			}
			a.ConnectionArn = in.ConnectionArn
		}
		if in.Description != nil {
			a.Description = *in.Description
		}
		mergeStr(&a.Endpoint, in.InvocationEndpoint)
		mergeStr(&a.HttpMethod, in.HttpMethod)
		if in.InvocationRateLimitPerSecond != nil {
			a.RateLimit = *in.InvocationRateLimitPerSecond
		}
		a.Modified = now
		if err := putJSON(ctx, tx, tableAPIDestination, sc.apiDestinationKey(a.Name), a, rev); err != nil {
			return nil, err
		}
		return a.stateOutput(sc), nil
	})
}

// DeleteApiDestination deletes an API destination; rules targeting it
// keep the target, whose deliveries then fail.
func (s *Service) DeleteApiDestination(ctx context.Context, in *DeleteAPIDestinationInput) (*Empty, error) {
	sc := scopeFrom(ctx)
	return update(ctx, s.st, func(tx store.Tx) (*Empty, error) {
		if _, _, err := loadAPIDestination(ctx, tx, sc, in.Name); err != nil {
			return nil, err
		}
		return &Empty{}, tx.RecordDelete(ctx, tableAPIDestination, sc.apiDestinationKey(in.Name))
	})
}
