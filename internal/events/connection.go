package events

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/store"
)

// Connections: one record per connection, secrets included. The secrets
// are never returned (AWS keeps them in a Secrets Manager secret whose ARN
// DescribeConnection reports; shoal synthesizes that ARN and keeps the
// values in the connection's own record).
const (
	tableConnection = "events.connection"

	AuthAPIKey = "API_KEY"
	AuthBasic  = "BASIC"
	AuthOAuth  = "OAUTH_CLIENT_CREDENTIALS"

	ConnectionAuthorized   = "AUTHORIZED"
	ConnectionDeauthorized = "DEAUTHORIZED"

	// maxConnections is EventBridge's quota "Connections" per account and
	// region.
	maxConnections = 50
)

type ConnectionHeaderParameter struct {
	Key           string `json:"Key,omitempty" aws:"max=512"`
	Value         string `json:"Value,omitempty" aws:"max=512,sensitive"`
	IsValueSecret bool   `json:"IsValueSecret,omitempty"`
}

type ConnectionQueryStringParameter ConnectionHeaderParameter

type ConnectionBodyParameter struct {
	Key           string `json:"Key,omitempty"`
	Value         string `json:"Value,omitempty" aws:"sensitive"`
	IsValueSecret bool   `json:"IsValueSecret,omitempty"`
}

type ConnectionHttpParameters struct {
	HeaderParameters      []ConnectionHeaderParameter      `json:"HeaderParameters,omitempty" aws:"max=100"`
	QueryStringParameters []ConnectionQueryStringParameter `json:"QueryStringParameters,omitempty" aws:"max=100"`
	BodyParameters        []ConnectionBodyParameter        `json:"BodyParameters,omitempty" aws:"max=100"`
}

type BasicAuthParameters struct {
	Username string `json:"Username,omitempty" aws:"min=1,max=512"`
	Password string `json:"Password,omitempty" aws:"min=1,max=512,sensitive"`
}

type OAuthClientParameters struct {
	ClientID     string `json:"ClientID,omitempty" aws:"min=1,max=512"`
	ClientSecret string `json:"ClientSecret,omitempty" aws:"min=1,max=512,sensitive"`
}

type OAuthParameters struct {
	ClientParameters      *OAuthClientParameters    `json:"ClientParameters,omitempty"`
	AuthorizationEndpoint string                    `json:"AuthorizationEndpoint,omitempty" aws:"min=1,max=2048"`
	HttpMethod            string                    `json:"HttpMethod,omitempty" aws:"enum=GET|POST|PUT"`
	OAuthHttpParameters   *ConnectionHttpParameters `json:"OAuthHttpParameters,omitempty"`
}

type APIKeyAuthParameters struct {
	ApiKeyName  string `json:"ApiKeyName,omitempty" aws:"min=1,max=512"`
	ApiKeyValue string `json:"ApiKeyValue,omitempty" aws:"min=1,max=512,sensitive"`
}

// AuthParameters is both the create and the update request's
// AuthParameters; the required members of the create shapes are checked
// in checkAuth. ConnectivityParameters (private APIs over VPC Lattice) is
// kept as raw JSON: shoal has no VPC Lattice.
type AuthParameters struct {
	BasicAuthParameters      *BasicAuthParameters      `json:"BasicAuthParameters,omitempty"`
	OAuthParameters          *OAuthParameters          `json:"OAuthParameters,omitempty"`
	ApiKeyAuthParameters     *APIKeyAuthParameters     `json:"ApiKeyAuthParameters,omitempty"`
	InvocationHttpParameters *ConnectionHttpParameters `json:"InvocationHttpParameters,omitempty"`
	ConnectivityParameters   rawJSON                   `json:"ConnectivityParameters,omitempty"`
}

type CreateConnectionInput struct {
	Name                             string          `json:"Name" aws:"required,min=1,max=64"`
	Description                      string          `json:"Description,omitempty" aws:"max=512"`
	AuthorizationType                string          `json:"AuthorizationType" aws:"required,enum=BASIC|OAUTH_CLIENT_CREDENTIALS|API_KEY"`
	AuthParameters                   *AuthParameters `json:"AuthParameters" aws:"required"`
	InvocationConnectivityParameters rawJSON         `json:"InvocationConnectivityParameters,omitempty"`
	KmsKeyIdentifier                 string          `json:"KmsKeyIdentifier,omitempty" aws:"max=2048"`
}

// ConnectionStateOutput is what Create, Update, Delete and
// DeauthorizeConnection return.
type ConnectionStateOutput struct {
	ConnectionArn      string     `json:"ConnectionArn,omitempty"`
	ConnectionState    string     `json:"ConnectionState,omitempty"`
	CreationTime       *time.Time `json:"CreationTime,omitempty"`
	LastModifiedTime   *time.Time `json:"LastModifiedTime,omitempty"`
	LastAuthorizedTime *time.Time `json:"LastAuthorizedTime,omitempty"`
}

type CreateConnectionOutput = ConnectionStateOutput

type ConnectionNameInput struct {
	Name string `json:"Name" aws:"required,min=1,max=64"`
}

type DescribeConnectionInput = ConnectionNameInput

// Response shapes of the auth parameters: no secret members.
type BasicAuthResponse struct {
	Username string `json:"Username,omitempty"`
}

type OAuthClientResponse struct {
	ClientID string `json:"ClientID,omitempty"`
}

type OAuthResponse struct {
	ClientParameters      *OAuthClientResponse      `json:"ClientParameters,omitempty"`
	AuthorizationEndpoint string                    `json:"AuthorizationEndpoint,omitempty"`
	HttpMethod            string                    `json:"HttpMethod,omitempty"`
	OAuthHttpParameters   *ConnectionHttpParameters `json:"OAuthHttpParameters,omitempty"`
}

type APIKeyResponse struct {
	ApiKeyName string `json:"ApiKeyName,omitempty"`
}

type AuthResponseParameters struct {
	BasicAuthParameters      *BasicAuthResponse        `json:"BasicAuthParameters,omitempty"`
	OAuthParameters          *OAuthResponse            `json:"OAuthParameters,omitempty"`
	ApiKeyAuthParameters     *APIKeyResponse           `json:"ApiKeyAuthParameters,omitempty"`
	InvocationHttpParameters *ConnectionHttpParameters `json:"InvocationHttpParameters,omitempty"`
	ConnectivityParameters   rawJSON                   `json:"ConnectivityParameters,omitempty"`
}

type DescribeConnectionOutput struct {
	ConnectionArn                    string                  `json:"ConnectionArn,omitempty"`
	Name                             string                  `json:"Name,omitempty"`
	Description                      string                  `json:"Description,omitempty"`
	InvocationConnectivityParameters rawJSON                 `json:"InvocationConnectivityParameters,omitempty"`
	ConnectionState                  string                  `json:"ConnectionState,omitempty"`
	StateReason                      string                  `json:"StateReason,omitempty"`
	AuthorizationType                string                  `json:"AuthorizationType,omitempty"`
	SecretArn                        string                  `json:"SecretArn,omitempty"`
	KmsKeyIdentifier                 string                  `json:"KmsKeyIdentifier,omitempty"`
	AuthParameters                   *AuthResponseParameters `json:"AuthParameters,omitempty"`
	CreationTime                     *time.Time              `json:"CreationTime,omitempty"`
	LastModifiedTime                 *time.Time              `json:"LastModifiedTime,omitempty"`
	LastAuthorizedTime               *time.Time              `json:"LastAuthorizedTime,omitempty"`
}

type ListConnectionsInput struct {
	NamePrefix      string `json:"NamePrefix,omitempty" aws:"min=1,max=64"`
	ConnectionState string `json:"ConnectionState,omitempty" aws:"enum=CREATING|UPDATING|DELETING|AUTHORIZED|DEAUTHORIZED|AUTHORIZING|DEAUTHORIZING|ACTIVE|FAILED_CONNECTIVITY"`
	NextToken       string `json:"NextToken,omitempty" aws:"min=1,max=2048"`
	Limit           *int32 `json:"Limit,omitempty" aws:"min=1,max=100"`
}

type Connection struct {
	ConnectionArn      string     `json:"ConnectionArn,omitempty"`
	Name               string     `json:"Name,omitempty"`
	ConnectionState    string     `json:"ConnectionState,omitempty"`
	StateReason        string     `json:"StateReason,omitempty"`
	AuthorizationType  string     `json:"AuthorizationType,omitempty"`
	CreationTime       *time.Time `json:"CreationTime,omitempty"`
	LastModifiedTime   *time.Time `json:"LastModifiedTime,omitempty"`
	LastAuthorizedTime *time.Time `json:"LastAuthorizedTime,omitempty"`
}

type ListConnectionsOutput struct {
	Connections []Connection `json:"Connections"`
	NextToken   string       `json:"NextToken,omitempty"`
}

type UpdateConnectionInput struct {
	Name                             string          `json:"Name" aws:"required,min=1,max=64"`
	Description                      *string         `json:"Description,omitempty" aws:"max=512"`
	AuthorizationType                string          `json:"AuthorizationType,omitempty" aws:"enum=BASIC|OAUTH_CLIENT_CREDENTIALS|API_KEY"`
	AuthParameters                   *AuthParameters `json:"AuthParameters,omitempty"`
	InvocationConnectivityParameters rawJSON         `json:"InvocationConnectivityParameters,omitempty"`
	KmsKeyIdentifier                 *string         `json:"KmsKeyIdentifier,omitempty" aws:"max=2048"`
}

type UpdateConnectionOutput = ConnectionStateOutput
type DeleteConnectionInput = ConnectionNameInput
type DeleteConnectionOutput = ConnectionStateOutput
type DeauthorizeConnectionInput = ConnectionNameInput
type DeauthorizeConnectionOutput = ConnectionStateOutput

// connectionRecord is a connection with its secrets.
type connectionRecord struct {
	Name              string         `json:"name"`
	ID                string         `json:"id"` // the ARN's and secret's suffix
	Description       string         `json:"description,omitempty"`
	AuthorizationType string         `json:"authorizationType"`
	Auth              AuthParameters `json:"auth"`
	Connectivity      rawJSON        `json:"connectivity,omitempty"`
	KmsKeyIdentifier  string         `json:"kmsKeyIdentifier,omitempty"`
	State             string         `json:"state"`
	StateReason       string         `json:"stateReason,omitempty"`
	Created           time.Time      `json:"created"`
	Modified          time.Time      `json:"modified"`
	LastAuthorized    time.Time      `json:"lastAuthorized,omitzero"`
}

func (sc scope) connectionKey(name string) string { return sc.prefix() + name }

func (sc scope) connectionArn(name, id string) string {
	return "arn:" + sc.partition() + ":events:" + sc.region + ":" + sc.account + ":connection/" + name + "/" + id
}

// secretArn is the ARN of the secret AWS would keep the connection's
// credentials in (the "events!connection/<name>/<id>" secret EventBridge
// creates); shoal has no such secret.
func (sc scope) secretArn(name, id string) string {
	return "arn:" + sc.partition() + ":secretsmanager:" + sc.region + ":" + sc.account + ":secret:events!connection/" + name + "/" + id
}

func (c *connectionRecord) stateOutput(sc scope) *ConnectionStateOutput {
	out := &ConnectionStateOutput{ConnectionArn: sc.connectionArn(c.Name, c.ID), ConnectionState: c.State,
		CreationTime: &c.Created, LastModifiedTime: &c.Modified}
	if !c.LastAuthorized.IsZero() {
		out.LastAuthorizedTime = &c.LastAuthorized
	}
	return out
}

// IsLoopback reports whether host (a URL's host, port optional) is this
// machine: localhost, 127.0.0.0/8 or ::1. Shoal sends HTTP only there.
func IsLoopback(host string) bool {
	if h, port, err := net.SplitHostPort(host); err == nil {
		if strings.Trim(port, "0123456789") != "" {
			return false
		}
		host = h
	}
	if len(host) > 1 && host[0] == '[' && host[len(host)-1] == ']' {
		host = host[1 : len(host)-1]
	}
	host = strings.TrimSuffix(host, ".")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func loopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && IsLoopback(u.Host)
}

// authorize sets the state a connection is in after (re)authorization.
// API_KEY and BASIC need no exchange and are AUTHORIZED at once, as on
// AWS. OAuth needs a token from the authorization endpoint: shoal never
// sends traffic off the machine, so an endpoint on a loopback host is
// taken as authorized (the token is requested at each delivery), and any
// other endpoint leaves the connection as AWS leaves one whose
// authorization failed: DEAUTHORIZED, with a StateReason saying why.
func (c *connectionRecord) authorize(now time.Time) {
	c.State, c.StateReason = ConnectionAuthorized, ""
	if c.AuthorizationType == AuthOAuth {
		if o := c.Auth.OAuthParameters; o == nil || !loopbackURL(o.AuthorizationEndpoint) {
			ep := ""
			if o != nil {
				ep = o.AuthorizationEndpoint
			}
			c.State = ConnectionDeauthorized
			c.StateReason = "shoal sends no traffic off this machine: the authorization endpoint " + ep + " is not on a loopback host (localhost, 127.0.0.0/8, ::1), so no OAuth token was requested"
			return
		}
	}
	c.LastAuthorized = now
}

// checkAuth checks that the parameters of the authorization type are
// given with their required members (the create shapes' "required").
func checkAuth(typ string, a *AuthParameters) error {
	switch typ {
	case AuthAPIKey:
		if p := a.ApiKeyAuthParameters; p == nil || p.ApiKeyName == "" || p.ApiKeyValue == "" {
			return errValidation("ApiKeyAuthParameters with ApiKeyName and ApiKeyValue are required for authorization type API_KEY.")
		}
	case AuthBasic:
		if p := a.BasicAuthParameters; p == nil || p.Username == "" || p.Password == "" {
			return errValidation("BasicAuthParameters with Username and Password are required for authorization type BASIC.")
		}
	case AuthOAuth:
		p := a.OAuthParameters
		if p == nil || p.ClientParameters == nil || p.ClientParameters.ClientID == "" || p.ClientParameters.ClientSecret == "" ||
			p.AuthorizationEndpoint == "" || p.HttpMethod == "" {
			return errValidation("OAuthParameters with ClientParameters, AuthorizationEndpoint and HttpMethod are required for authorization type OAUTH_CLIENT_CREDENTIALS.")
		}
	}
	return nil
}

func loadConnection(ctx context.Context, tx store.Tx, sc scope, name string) (*connectionRecord, int64, error) {
	c, rev, err := getJSON[connectionRecord](ctx, tx, tableConnection, sc.connectionKey(name))
	if err == nil && c == nil {
		return nil, 0, errConnectionNotFound(name)
	}
	return c, rev, err
}

func putJSON(ctx context.Context, tx store.Tx, table, key string, v any, rev int64) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	rec := &store.Record{Table: table, Key: key, Value: b, Version: rev}
	if rev == 0 {
		err = tx.RecordInsert(ctx, rec)
	} else {
		err = tx.RecordPut(ctx, rec)
	}
	if errors.Is(err, store.ErrConflict) {
		return errConcurrentModification()
	}
	return err
}

// CreateConnection creates a connection; see authorize for its state.
func (s *Service) CreateConnection(ctx context.Context, in *CreateConnectionInput) (*CreateConnectionOutput, error) {
	sc := scopeFrom(ctx)
	if err := checkRuleName(in.Name, "name"); err != nil {
		return nil, err
	}
	if err := checkAuth(in.AuthorizationType, in.AuthParameters); err != nil {
		return nil, err
	}
	now := s.now()
	c := &connectionRecord{Name: in.Name, ID: s.newID(), Description: in.Description, AuthorizationType: in.AuthorizationType,
		Auth: *in.AuthParameters, Connectivity: in.InvocationConnectivityParameters, KmsKeyIdentifier: in.KmsKeyIdentifier,
		Created: now, Modified: now}
	c.authorize(now)
	return update(ctx, s.st, func(tx store.Tx) (*CreateConnectionOutput, error) {
		cur, _, err := getJSON[connectionRecord](ctx, tx, tableConnection, sc.connectionKey(in.Name))
		if err != nil {
			return nil, err
		}
		if cur != nil {
			return nil, errConnectionExists(in.Name)
		}
		if n, err := countRecords(ctx, tx, tableConnection, sc.prefix(), "", maxConnections); err != nil {
			return nil, err
		} else if n >= maxConnections {
			return nil, errLimitExceeded()
		}
		if err := putJSON(ctx, tx, tableConnection, sc.connectionKey(in.Name), c, 0); err != nil {
			return nil, err
		}
		return c.stateOutput(sc), nil
	})
}

// DescribeConnection describes a connection without its secrets: the
// password, API key value, client secret and parameter values marked
// IsValueSecret are left out, as AWS leaves them out.
func (s *Service) DescribeConnection(ctx context.Context, in *DescribeConnectionInput) (*DescribeConnectionOutput, error) {
	sc := scopeFrom(ctx)
	return view(ctx, s.st, func(tx store.Tx) (*DescribeConnectionOutput, error) {
		c, _, err := loadConnection(ctx, tx, sc, in.Name)
		if err != nil {
			return nil, err
		}
		out := &DescribeConnectionOutput{ConnectionArn: sc.connectionArn(c.Name, c.ID), Name: c.Name, Description: c.Description,
			ConnectionState: c.State, StateReason: c.StateReason, AuthorizationType: c.AuthorizationType,
			SecretArn: sc.secretArn(c.Name, c.ID), KmsKeyIdentifier: c.KmsKeyIdentifier, InvocationConnectivityParameters: c.Connectivity,
			CreationTime: &c.Created, LastModifiedTime: &c.Modified}
		if !c.LastAuthorized.IsZero() {
			out.LastAuthorizedTime = &c.LastAuthorized
		}
		a := &AuthResponseParameters{InvocationHttpParameters: redact(c.Auth.InvocationHttpParameters), ConnectivityParameters: c.Auth.ConnectivityParameters}
		if p := c.Auth.BasicAuthParameters; p != nil {
			a.BasicAuthParameters = &BasicAuthResponse{Username: p.Username}
		}
		if p := c.Auth.ApiKeyAuthParameters; p != nil {
			a.ApiKeyAuthParameters = &APIKeyResponse{ApiKeyName: p.ApiKeyName}
		}
		if p := c.Auth.OAuthParameters; p != nil {
			a.OAuthParameters = &OAuthResponse{AuthorizationEndpoint: p.AuthorizationEndpoint, HttpMethod: p.HttpMethod,
				OAuthHttpParameters: redact(p.OAuthHttpParameters)}
			if p.ClientParameters != nil {
				a.OAuthParameters.ClientParameters = &OAuthClientResponse{ClientID: p.ClientParameters.ClientID}
			}
		}
		out.AuthParameters = a
		return out, nil
	})
}

// redact copies p without the values marked secret.
func redact(p *ConnectionHttpParameters) *ConnectionHttpParameters {
	if p == nil {
		return nil
	}
	out := &ConnectionHttpParameters{}
	for _, h := range p.HeaderParameters {
		if h.IsValueSecret {
			h.Value = ""
		}
		out.HeaderParameters = append(out.HeaderParameters, h)
	}
	for _, q := range p.QueryStringParameters {
		if q.IsValueSecret {
			q.Value = ""
		}
		out.QueryStringParameters = append(out.QueryStringParameters, q)
	}
	for _, b := range p.BodyParameters {
		if b.IsValueSecret {
			b.Value = ""
		}
		out.BodyParameters = append(out.BodyParameters, b)
	}
	return out
}

// ListConnections lists connections in name order.
func (s *Service) ListConnections(ctx context.Context, in *ListConnectionsInput) (*ListConnectionsOutput, error) {
	sc := scopeFrom(ctx)
	after, err := decodeToken("ListConnections", in.NextToken)
	if err != nil {
		return nil, err
	}
	limit := pageLimit(in.Limit)
	return view(ctx, s.st, func(tx store.Tx) (*ListConnectionsOutput, error) {
		afterKey := ""
		if after != "" {
			afterKey = sc.connectionKey(after)
		}
		items, next, err := listByName(ctx, tx, tableConnection, sc.prefix()+in.NamePrefix, afterKey, limit,
			func(c *connectionRecord) bool { return in.ConnectionState == "" || c.State == in.ConnectionState },
			func(c *connectionRecord) (Connection, string) {
				x := Connection{ConnectionArn: sc.connectionArn(c.Name, c.ID), Name: c.Name, ConnectionState: c.State,
					StateReason: c.StateReason, AuthorizationType: c.AuthorizationType, CreationTime: &c.Created, LastModifiedTime: &c.Modified}
				if !c.LastAuthorized.IsZero() {
					x.LastAuthorizedTime = &c.LastAuthorized
				}
				return x, c.Name
			})
		if err != nil {
			return nil, err
		}
		out := &ListConnectionsOutput{Connections: items}
		if next != "" {
			out.NextToken = encodeToken("ListConnections", next)
		}
		return out, nil
	})
}

// UpdateConnection changes a connection and authorizes it again. Members
// left out keep their values; auth parameters given replace the members
// given (a new ApiKeyValue alone keeps the ApiKeyName). Changing the
// AuthorizationType requires that type's parameters in full.
func (s *Service) UpdateConnection(ctx context.Context, in *UpdateConnectionInput) (*UpdateConnectionOutput, error) {
	sc := scopeFrom(ctx)
	now := s.now()
	return update(ctx, s.st, func(tx store.Tx) (*UpdateConnectionOutput, error) {
		c, rev, err := loadConnection(ctx, tx, sc, in.Name)
		if err != nil {
			return nil, err
		}
		if in.Description != nil {
			c.Description = *in.Description
		}
		if in.KmsKeyIdentifier != nil {
			c.KmsKeyIdentifier = *in.KmsKeyIdentifier
		}
		if in.InvocationConnectivityParameters != nil {
			c.Connectivity = in.InvocationConnectivityParameters
		}
		if a := in.AuthParameters; a != nil {
			mergeAuth(&c.Auth, a)
		}
		if in.AuthorizationType != "" && in.AuthorizationType != c.AuthorizationType {
			if in.AuthParameters == nil {
				return nil, checkAuth(in.AuthorizationType, &AuthParameters{})
			}
			if err := checkAuth(in.AuthorizationType, in.AuthParameters); err != nil {
				return nil, err
			}
			c.AuthorizationType = in.AuthorizationType
		}
		c.Modified = now
		c.authorize(now)
		if err := putJSON(ctx, tx, tableConnection, sc.connectionKey(c.Name), c, rev); err != nil {
			return nil, err
		}
		return c.stateOutput(sc), nil
	})
}

func mergeAuth(cur, a *AuthParameters) {
	if p := a.ApiKeyAuthParameters; p != nil {
		if cur.ApiKeyAuthParameters == nil {
			cur.ApiKeyAuthParameters = &APIKeyAuthParameters{}
		}
		mergeStr(&cur.ApiKeyAuthParameters.ApiKeyName, p.ApiKeyName)
		mergeStr(&cur.ApiKeyAuthParameters.ApiKeyValue, p.ApiKeyValue)
	}
	if p := a.BasicAuthParameters; p != nil {
		if cur.BasicAuthParameters == nil {
			cur.BasicAuthParameters = &BasicAuthParameters{}
		}
		mergeStr(&cur.BasicAuthParameters.Username, p.Username)
		mergeStr(&cur.BasicAuthParameters.Password, p.Password)
	}
	if p := a.OAuthParameters; p != nil {
		if cur.OAuthParameters == nil {
			cur.OAuthParameters = &OAuthParameters{}
		}
		o := cur.OAuthParameters
		mergeStr(&o.AuthorizationEndpoint, p.AuthorizationEndpoint)
		mergeStr(&o.HttpMethod, p.HttpMethod)
		if p.OAuthHttpParameters != nil {
			o.OAuthHttpParameters = p.OAuthHttpParameters
		}
		if cp := p.ClientParameters; cp != nil {
			if o.ClientParameters == nil {
				o.ClientParameters = &OAuthClientParameters{}
			}
			mergeStr(&o.ClientParameters.ClientID, cp.ClientID)
			mergeStr(&o.ClientParameters.ClientSecret, cp.ClientSecret)
		}
	}
	if a.InvocationHttpParameters != nil {
		cur.InvocationHttpParameters = a.InvocationHttpParameters
	}
	if a.ConnectivityParameters != nil {
		cur.ConnectivityParameters = a.ConnectivityParameters
	}
}

func mergeStr(dst *string, v string) {
	if v != "" {
		*dst = v
	}
}

// DeleteConnection deletes a connection. API destinations that use it
// stay, and their deliveries fail until given another connection.
func (s *Service) DeleteConnection(ctx context.Context, in *DeleteConnectionInput) (*DeleteConnectionOutput, error) {
	sc := scopeFrom(ctx)
	return update(ctx, s.st, func(tx store.Tx) (*DeleteConnectionOutput, error) {
		c, _, err := loadConnection(ctx, tx, sc, in.Name)
		if err != nil {
			return nil, err
		}
		if err := tx.RecordDelete(ctx, tableConnection, sc.connectionKey(in.Name)); err != nil {
			return nil, err
		}
		out := c.stateOutput(sc)
		out.ConnectionState = "DELETING"
		return out, nil
	})
}

// DeauthorizeConnection removes a connection's authorization: it becomes
// DEAUTHORIZED and its API destinations' deliveries fail until an
// UpdateConnection authorizes it again.
func (s *Service) DeauthorizeConnection(ctx context.Context, in *DeauthorizeConnectionInput) (*DeauthorizeConnectionOutput, error) {
	sc := scopeFrom(ctx)
	now := s.now()
	return update(ctx, s.st, func(tx store.Tx) (*DeauthorizeConnectionOutput, error) {
		c, rev, err := loadConnection(ctx, tx, sc, in.Name)
		if err != nil {
			return nil, err
		}
		c.State, c.StateReason, c.Modified = ConnectionDeauthorized, "Deauthorized by DeauthorizeConnection.", now
		if err := putJSON(ctx, tx, tableConnection, sc.connectionKey(c.Name), c, rev); err != nil {
			return nil, err
		}
		return c.stateOutput(sc), nil
	})
}
