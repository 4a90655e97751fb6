package ssm

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/shoal-dev/shoal/internal/clock"
	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/store"
)

const (
	defaultAccount = "000000000000"
	defaultRegion  = "us-east-1"

	defaultPathPage     = 10 // GetParametersByPath
	defaultDescribePage = 50 // DescribeParameters
	defaultHistoryPage  = 50 // GetParameterHistory
)

// Service is Parameter Store. It keeps no state of its own: every request
// reads or writes the store in one transaction.
type Service struct {
	st  store.Store
	clk clock.Clock
}

// New returns the service over st, telling time by clk.
func New(st store.Store, clk clock.Clock) *Service {
	return &Service{st: st, clk: clk}
}

// scopeFrom is the account and region the call runs in; in-process callers
// that set neither get shoal's defaults.
func scopeFrom(ctx context.Context) scope {
	c := dispatch.CallerFrom(ctx)
	sc := scope{account: c.AccountID, region: c.Region}
	if sc.account == "" {
		sc.account = defaultAccount
	}
	if sc.region == "" {
		sc.region = defaultRegion
	}
	return sc
}

// now is the clock's time at the millisecond precision AWS reports.
func (s *Service) now() time.Time { return s.clk.Now().UTC().Truncate(time.Millisecond) }

func principal(ctx context.Context, sc scope) string {
	if p := dispatch.CallerFrom(ctx).Principal; p != "" {
		return p
	}
	return "arn:" + sc.partition() + ":iam::" + sc.account + ":root"
}

// aad binds a sealed value to its parameter (crypto.go).
func aad(sc scope, name string) string { return sc.prefix() + name }

// PutParameter creates a parameter or, with Overwrite, adds a version.
func (s *Service) PutParameter(ctx context.Context, in *PutParameterInput) (*PutParameterOutput, error) {
	sc := scopeFrom(ctx)
	name := trimName(in.Name)
	if err := checkNewName(name); err != nil {
		return nil, err
	}
	if in.Overwrite && len(in.Tags) > 0 {
		return nil, errValidation("Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.")
	}
	tags, err := mergeTags(nil, in.Tags, "tags")
	if err != nil {
		return nil, err
	}
	if nestedRef(in.Value) {
		return nil, errValidation(`Parameter value can't nest another parameter. Do not use "{{}}" in the value.`)
	}
	if in.KeyID != "" && !validKeyID(in.KeyID) {
		return nil, errConstraint(in.KeyID, "keyId", "Member must satisfy regular expression pattern: ^([a-zA-Z0-9:/_-]+)$")
	}
	switch in.DataType {
	case "", DataTypeText, DataTypeEC2Image, DataTypeIntegration:
	default:
		return nil, errValidation("The following data type is not supported: %s (Data type names are all lowercase.)", in.DataType)
	}
	if in.AllowedPattern != "" {
		if _, err := compilePattern(in.AllowedPattern); err != nil {
			return nil, errInvalidAllowedPattern(err)
		}
	}
	policies, policiesSet, err := parsePolicies(in.Policies)
	if err != nil {
		return nil, err
	}
	now, user := s.now(), principal(ctx, sc)

	return update(ctx, s.st, func(tx store.Tx) (*PutParameterOutput, error) {
		cur, err := loadParam(ctx, tx, sc, name)
		if err != nil {
			return nil, err
		}
		if cur != nil && !in.Overwrite {
			return nil, errParameterAlreadyExists()
		}
		// On overwrite, whatever the request leaves out stays as it was.
		prev := versionRecord{DataType: DataTypeText}
		next := versionRecord{Version: 1, Modified: now, ModifiedBy: user, Value: in.Value}
		if cur != nil {
			prev = cur.Current
			next.Version = prev.Version + 1
		}
		next.Type = firstNonEmpty(in.Type, prev.Type)
		if next.Type == "" {
			return nil, errValidation("A parameter type is required when you create a parameter. Specify Type String, StringList or SecureString.")
		}
		next.Description = firstNonEmpty(in.Description, prev.Description)
		next.AllowedPattern = firstNonEmpty(in.AllowedPattern, prev.AllowedPattern)
		next.DataType = firstNonEmpty(in.DataType, prev.DataType)
		next.Policies = prev.Policies
		if policiesSet {
			next.Policies = policies
		}
		if err := checkValue(&next); err != nil {
			return nil, err
		}
		if next.KeyID, err = keyIDFor(in.KeyID, next.Type, &prev); err != nil {
			return nil, err
		}
		if next.Tier, err = resolveTier(in.Tier, prev.Tier, len(in.Value), len(next.Policies) > 0); err != nil {
			return nil, err
		}

		p := cur
		if p == nil {
			p = &paramRecord{Name: name, Oldest: 1, Tags: tags}
		}
		if next.Version-p.Oldest+1 > maxVersions {
			// AWS keeps the newest 100 versions, but never drops a labelled one.
			if len(p.labelsOf(p.Oldest)) > 0 {
				return nil, errParameterMaxVersionLimitExceeded(name, p.Oldest)
			}
			if err := deleteVersion(ctx, tx, sc, name, p.Oldest); err != nil {
				return nil, err
			}
			p.Oldest++
		}
		if next.Type == TypeSecureString {
			key, err := dataKey(ctx, tx, sc, next.KeyID, true)
			if err != nil {
				return nil, err
			}
			if next.Value, err = seal(key, in.Value, aad(sc, name)); err != nil {
				return nil, err
			}
		}
		if err := putVersion(ctx, tx, sc, name, &next); err != nil {
			return nil, err
		}
		p.Current = next
		if err := saveParam(ctx, tx, sc, p); err != nil {
			return nil, err
		}
		return &PutParameterOutput{Version: next.Version, Tier: next.Tier}, nil
	})
}

// checkValue applies the parameter's AllowedPattern and data type to the
// (plaintext) value.
func checkValue(v *versionRecord) error {
	if v.AllowedPattern != "" {
		re, err := compilePattern(v.AllowedPattern)
		if err != nil {
			return errInvalidAllowedPattern(err)
		}
		if !re.MatchString(v.Value) {
			return errParameterPatternMismatch(v.AllowedPattern)
		}
	}
	if v.DataType == DataTypeEC2Image {
		// AWS checks AMI values after answering and silently drops a bad
		// one; shoal has no EC2 to ask, so it checks the form up front and
		// says so, which is what a caller needs to know.
		if v.Type != TypeString {
			return errValidation("The data type aws:ec2:image is supported only for String parameters; this parameter's type is %s.", v.Type)
		}
		if !amiID(v.Value) {
			return errValidation("The parameter value %s is not a valid AMI ID for data type aws:ec2:image. Use the form ami-0123456789abcdef0.", v.Value)
		}
	}
	return nil
}

// compilePattern compiles an AllowedPattern so that it must match the whole
// value, as Java's String.matches (which AWS uses) does. Go's RE2 lacks a few
// Java constructs (backreferences, lookaround); those patterns are
// InvalidAllowedPatternException here.
func compilePattern(p string) (*regexp.Regexp, error) {
	return regexp.Compile(`^(?:` + p + `)$`)
}

func amiID(s string) bool {
	h, ok := strings.CutPrefix(s, "ami-")
	if !ok || (len(h) != 8 && len(h) != 17) {
		return false
	}
	for i := 0; i < len(h); i++ {
		if !strings.ContainsRune("0123456789abcdef", rune(h[i])) {
			return false
		}
	}
	return true
}

// nestedRef reports a value with a "{{...}}" reference, which Parameter
// Store refuses.
func nestedRef(v string) bool {
	i := strings.Index(v, "{{")
	return i >= 0 && strings.Contains(v[i+2:], "}}")
}

func validKeyID(k string) bool {
	for _, c := range k {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == ':' || c == '/' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// keyIDFor picks the KMS key of a new version: the one asked for, else the
// previous version's, else the AWS managed key.
func keyIDFor(asked, typ string, prev *versionRecord) (string, error) {
	if typ != TypeSecureString {
		if asked != "" {
			return "", errInvalidKeyID("KeyId applies only to SecureString parameters, and this parameter's type is %s. Remove KeyId or use Type SecureString.", typ)
		}
		return "", nil
	}
	k := asked
	if k == "" && prev.Type == TypeSecureString {
		k = prev.KeyID
	}
	if k == "" {
		k = DefaultKeyID
	}
	// Other alias/aws/* keys belong to other services and cannot encrypt
	// parameters.
	if strings.HasPrefix(k, "alias/aws/") && k != DefaultKeyID {
		return "", errInvalidKeyID("The key %s is an AWS managed key of another service. Use %s or a customer managed key.", k, DefaultKeyID)
	}
	return k, nil
}

// resolveTier applies the tier rules of PutParameter: an omitted tier keeps
// the parameter's (Standard for a new one, the default tier setting);
// Intelligent-Tiering picks Advanced only when the value or policies need
// it; nothing moves a parameter from Advanced back to Standard.
func resolveTier(asked, prev string, size int, hasPolicies bool) (string, error) {
	tier := asked
	switch asked {
	case "":
		tier = firstNonEmpty(prev, TierStandard)
	case TierIntelligentTiering:
		tier = TierStandard
		if size > maxStandardValue || hasPolicies || prev == TierAdvanced {
			tier = TierAdvanced
		}
	}
	if tier == TierStandard {
		switch {
		case prev == TierAdvanced:
			return "", errValidation("This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the advanced-parameter tier to the standard-parameter tier. If necessary, you can delete the advanced parameter and recreate it as a standard parameter.")
		case size > maxStandardValue:
			return "", errValidation("Standard tier parameters support a maximum parameter value of %d characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier. For more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html", maxStandardValue)
		case hasPolicies:
			return "", errValidation("Parameter policies are supported only for advanced-tier parameters. Specify Tier Advanced or Intelligent-Tiering.")
		}
	}
	if size > maxAdvancedValue {
		return "", errValidation("Advanced tier parameters support a maximum parameter value of %d characters; this value has %d.", maxAdvancedValue, size)
	}
	return tier, nil
}

// GetParameter returns one parameter, by name, selector or ARN.
func (s *Service) GetParameter(ctx context.Context, in *GetParameterInput) (*GetParameterOutput, error) {
	sc := scopeFrom(ctx)
	r, err := parseRef(in.Name, true)
	if err != nil {
		return nil, err
	}
	return view(ctx, s.st, func(tx store.Tx) (*GetParameterOutput, error) {
		p, v, err := resolve(ctx, tx, sc, r)
		if err != nil {
			return nil, err
		}
		keys := &keyCache{tx: tx, sc: sc}
		param, err := toParameter(ctx, keys, p, v, in.WithDecryption)
		if err != nil {
			return nil, err
		}
		param.Selector = r.Selector
		return &GetParameterOutput{Parameter: &param}, nil
	})
}

// resolve finds the parameter and version a reference names.
func resolve(ctx context.Context, tx store.Tx, sc scope, r ref) (*paramRecord, *versionRecord, error) {
	if r.ARN && (r.Account != sc.account || r.Region != sc.region || r.Partition != sc.partition()) {
		// Shared parameters (another account's ARN) are not emulated.
		return nil, nil, errParameterNotFound(r.String())
	}
	p, err := loadParam(ctx, tx, sc, r.Name)
	if err == nil && p == nil && r.Alt != "" {
		p, err = loadParam(ctx, tx, sc, r.Alt)
	}
	if err != nil {
		return nil, nil, err
	}
	if p == nil {
		return nil, nil, errParameterNotFound(r.Name)
	}
	switch {
	case r.Version > 0:
		if !p.hasVersion(r.Version) {
			return nil, nil, errParameterVersionNotFound(p.Name, strconv.FormatInt(r.Version, 10))
		}
		v, err := loadVersion(ctx, tx, sc, p, r.Version)
		return p, v, err
	case r.Label != "":
		lv, ok := p.Labels[r.Label]
		if !ok {
			// A selector names a version, so an unknown label is a missing
			// version rather than a missing parameter.
			return nil, nil, errParameterVersionNotFound(p.Name, r.Label)
		}
		v, err := loadVersion(ctx, tx, sc, p, lv)
		return p, v, err
	}
	return p, &p.Current, nil
}

// reveal returns the value of v as the caller asked for it: SecureStrings
// stay sealed unless decrypt is set.
func reveal(ctx context.Context, keys *keyCache, name string, v *versionRecord, decrypt bool) (string, error) {
	if v.Type != TypeSecureString || !decrypt {
		return v.Value, nil
	}
	key, err := keys.get(ctx, v.KeyID)
	if err != nil {
		return "", err
	}
	return open(key, v.Value, aad(keys.sc, name))
}

func toParameter(ctx context.Context, keys *keyCache, p *paramRecord, v *versionRecord, decrypt bool) (Parameter, error) {
	value, err := reveal(ctx, keys, p.Name, v, decrypt)
	if err != nil {
		return Parameter{}, err
	}
	t := v.Modified
	return Parameter{
		Name:             p.Name,
		Type:             v.Type,
		Value:            value,
		Version:          v.Version,
		LastModifiedDate: &t,
		ARN:              keys.sc.arn(p.Name),
		DataType:         v.DataType,
	}, nil
}

// isMissing reports the errors GetParameters turns into InvalidParameters.
func isMissing(err error) bool {
	var e *dispatch.Error
	return errors.As(err, &e) && (e.Code == "ParameterNotFound" || e.Code == "ParameterVersionNotFound")
}

// GetParameters returns up to ten parameters; names that match nothing are
// listed in InvalidParameters rather than failing the call.
func (s *Service) GetParameters(ctx context.Context, in *GetParametersInput) (*GetParametersOutput, error) {
	sc := scopeFrom(ctx)
	names := dedupe(in.Names)
	refs := make([]ref, len(names))
	for i, n := range names {
		r, err := parseRef(n, true)
		if err != nil {
			return nil, err
		}
		refs[i] = r
	}
	return view(ctx, s.st, func(tx store.Tx) (*GetParametersOutput, error) {
		o := &GetParametersOutput{Parameters: []Parameter{}, InvalidParameters: []string{}}
		keys := &keyCache{tx: tx, sc: sc}
		for i, r := range refs {
			p, v, err := resolve(ctx, tx, sc, r)
			if isMissing(err) {
				o.InvalidParameters = append(o.InvalidParameters, names[i])
				continue
			}
			if err != nil {
				return nil, err
			}
			param, err := toParameter(ctx, keys, p, v, in.WithDecryption)
			if err != nil {
				return nil, err
			}
			param.Selector = r.Selector
			o.Parameters = append(o.Parameters, param)
		}
		return o, nil
	})
}

// GetParametersByPath lists the parameters under a path: its direct
// children, or with Recursive every descendant.
func (s *Service) GetParametersByPath(ctx context.Context, in *GetParametersByPathInput) (*GetParametersByPathOutput, error) {
	sc := scopeFrom(ctx)
	path, err := checkPath(in.Path)
	if err != nil {
		return nil, err
	}
	filters, err := compileFilters(in.ParameterFilters, true)
	if err != nil {
		return nil, err
	}
	// The token is bound to the path and mode: it is a cursor in one scan.
	op := "GetParametersByPath:" + strconv.FormatBool(in.Recursive) + ":" + path
	after, err := decodeToken(op, in.NextToken, sc.prefix())
	if err != nil {
		return nil, err
	}
	var ps store.RecordScanParams
	switch {
	case !in.Recursive:
		v := sc.parentValue(path)
		ps.Index, ps.Value = indexParent, &v
	case path == "/":
		ps.Prefix = sc.prefix()
	default:
		ps.Prefix = sc.paramKey(path + "/")
	}
	return view(ctx, s.st, func(tx store.Tx) (*GetParametersByPathOutput, error) {
		chosen := map[string]int64{}
		params, next, err := scanParams(ctx, tx, ps, after, pageSize(in.MaxResults, defaultPathPage), func(p *paramRecord) (bool, error) {
			ok, v := matchAll(filters, p)
			chosen[p.Name] = v
			return ok, nil
		})
		if err != nil {
			return nil, err
		}
		o := &GetParametersByPathOutput{Parameters: make([]Parameter, 0, len(params)), NextToken: encodeToken(op, next)}
		keys := &keyCache{tx: tx, sc: sc}
		for _, p := range params {
			v := &p.Current
			if lv := chosen[p.Name]; lv != 0 {
				// A Label filter returns the labelled version.
				if v, err = loadVersion(ctx, tx, sc, p, lv); err != nil {
					return nil, err
				}
			}
			param, err := toParameter(ctx, keys, p, v, in.WithDecryption)
			if err != nil {
				return nil, err
			}
			o.Parameters = append(o.Parameters, param)
		}
		return o, nil
	})
}

// DescribeParameters lists parameter metadata (never values).
func (s *Service) DescribeParameters(ctx context.Context, in *DescribeParametersInput) (*DescribeParametersOutput, error) {
	sc := scopeFrom(ctx)
	if len(in.Filters) > 0 && len(in.ParameterFilters) > 0 {
		return nil, errValidation("You can use either Filters or ParameterFilters in a single request.")
	}
	fs := in.ParameterFilters
	if len(in.Filters) > 0 {
		fs = legacyFilters(in.Filters)
	}
	filters, err := compileFilters(fs, false)
	if err != nil {
		return nil, err
	}
	const op = "DescribeParameters"
	after, err := decodeToken(op, in.NextToken, sc.prefix())
	if err != nil {
		return nil, err
	}
	out := &DescribeParametersOutput{Parameters: []ParameterMetadata{}}
	if in.Shared {
		// Nothing is shared through Resource Access Manager in shoal.
		return out, nil
	}
	err = s.st.View(ctx, func(tx store.Tx) error {
		*out = DescribeParametersOutput{Parameters: []ParameterMetadata{}} // fn may run twice (store.View)
		params, next, err := scanParams(ctx, tx, store.RecordScanParams{Prefix: sc.prefix()}, after, pageSize(in.MaxResults, defaultDescribePage), func(p *paramRecord) (bool, error) {
			ok, _ := matchAll(filters, p)
			return ok, nil
		})
		if err != nil {
			return err
		}
		out.Parameters = out.Parameters[:0]
		for _, p := range params {
			v := &p.Current
			t := v.Modified
			out.Parameters = append(out.Parameters, ParameterMetadata{
				Name:             p.Name,
				ARN:              sc.arn(p.Name),
				Type:             v.Type,
				KeyID:            v.KeyID,
				LastModifiedDate: &t,
				LastModifiedUser: v.ModifiedBy,
				Description:      v.Description,
				AllowedPattern:   v.AllowedPattern,
				Version:          v.Version,
				Tier:             v.Tier,
				Policies:         inlinePolicies(v.Policies),
				DataType:         v.DataType,
			})
		}
		out.NextToken = encodeToken(op, next)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetParameterHistory lists every kept version, oldest first, with labels.
func (s *Service) GetParameterHistory(ctx context.Context, in *GetParameterHistoryInput) (*GetParameterHistoryOutput, error) {
	sc := scopeFrom(ctx)
	r, err := parseRef(in.Name, false)
	if err != nil {
		return nil, err
	}
	limit := pageSize(in.MaxResults, defaultHistoryPage)
	return view(ctx, s.st, func(tx store.Tx) (*GetParameterHistoryOutput, error) {
		p, _, err := resolve(ctx, tx, sc, r)
		if err != nil {
			return nil, err
		}
		const op = "GetParameterHistory"
		after, err := decodeToken(op, in.NextToken, sc.versionPrefix(p.Name))
		if err != nil {
			return nil, err
		}
		vs, vkeys, err := scanVersions(ctx, tx, sc, p.Name, after, limit+1)
		if err != nil {
			return nil, err
		}
		o := &GetParameterHistoryOutput{Parameters: make([]ParameterHistory, 0, len(vs))}
		if len(vs) > limit {
			vs = vs[:limit]
			o.NextToken = encodeToken(op, vkeys[limit-1])
		}
		keys := &keyCache{tx: tx, sc: sc}
		for i := range vs {
			v := &vs[i]
			value, err := reveal(ctx, keys, p.Name, v, in.WithDecryption)
			if err != nil {
				return nil, err
			}
			t := v.Modified
			labels := p.labelsOf(v.Version)
			if labels == nil {
				labels = []string{}
			}
			o.Parameters = append(o.Parameters, ParameterHistory{
				Name:             p.Name,
				Type:             v.Type,
				KeyID:            v.KeyID,
				LastModifiedDate: &t,
				LastModifiedUser: v.ModifiedBy,
				Description:      v.Description,
				Value:            value,
				AllowedPattern:   v.AllowedPattern,
				Version:          v.Version,
				Labels:           labels,
				Tier:             v.Tier,
				Policies:         inlinePolicies(v.Policies),
				DataType:         v.DataType,
			})
		}
		return o, nil
	})
}

// DeleteParameter deletes a parameter with all its versions, labels and tags.
func (s *Service) DeleteParameter(ctx context.Context, in *DeleteParameterInput) (*DeleteParameterOutput, error) {
	sc := scopeFrom(ctx)
	name := trimName(in.Name)
	if err := checkLookupName(name); err != nil {
		return nil, err
	}
	err := s.st.Update(ctx, func(tx store.Tx) error {
		p, err := loadParam(ctx, tx, sc, name)
		if err != nil {
			return err
		}
		if p == nil {
			return errParameterNotFound(name)
		}
		return deleteParam(ctx, tx, sc, p)
	})
	if err != nil {
		return nil, err
	}
	return &DeleteParameterOutput{}, nil
}

// DeleteParameters deletes up to ten parameters; names that are malformed or
// match nothing come back in InvalidParameters.
func (s *Service) DeleteParameters(ctx context.Context, in *DeleteParametersInput) (*DeleteParametersOutput, error) {
	sc := scopeFrom(ctx)
	names := dedupe(in.Names)
	return update(ctx, s.st, func(tx store.Tx) (*DeleteParametersOutput, error) {
		o := &DeleteParametersOutput{DeletedParameters: []string{}, InvalidParameters: []string{}}
		for _, raw := range names {
			name := trimName(raw)
			if checkLookupName(name) != nil {
				o.InvalidParameters = append(o.InvalidParameters, raw)
				continue
			}
			p, err := loadParam(ctx, tx, sc, name)
			if err != nil {
				return nil, err
			}
			if p == nil {
				o.InvalidParameters = append(o.InvalidParameters, raw)
				continue
			}
			if err := deleteParam(ctx, tx, sc, p); err != nil {
				return nil, err
			}
			o.DeletedParameters = append(o.DeletedParameters, raw)
		}
		return o, nil
	})
}

// loadExisting reads a parameter an update names (no selector, no ARN).
func loadExisting(ctx context.Context, tx store.Tx, sc scope, name string) (*paramRecord, error) {
	p, err := loadParam(ctx, tx, sc, name)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, errParameterNotFound(name)
	}
	return p, nil
}

// LabelParameterVersion attaches labels to a version (the latest when none
// is given), moving any that are on another version.
func (s *Service) LabelParameterVersion(ctx context.Context, in *LabelParameterVersionInput) (*LabelParameterVersionOutput, error) {
	sc := scopeFrom(ctx)
	name := trimName(in.Name)
	if err := checkLookupName(name); err != nil {
		return nil, err
	}
	var valid []string
	invalid := []string{}
	for _, l := range dedupe(in.Labels) {
		if validLabel(l) {
			valid = append(valid, l)
		} else {
			invalid = append(invalid, l)
		}
	}
	return update(ctx, s.st, func(tx store.Tx) (*LabelParameterVersionOutput, error) {
		p, err := loadExisting(ctx, tx, sc, name)
		if err != nil {
			return nil, err
		}
		v := p.Current.Version
		if in.ParameterVersion != nil {
			v = *in.ParameterVersion
			if !p.hasVersion(v) {
				return nil, errParameterVersionNotFound(name, strconv.FormatInt(v, 10))
			}
		}
		on := p.labelsOf(v)
		for _, l := range valid {
			if !slices.Contains(on, l) {
				on = append(on, l)
			}
		}
		if len(on) > maxLabelsPerVersion {
			return nil, errParameterVersionLabelLimitExceeded()
		}
		if len(valid) > 0 {
			if p.Labels == nil {
				p.Labels = map[string]int64{}
			}
			for _, l := range valid {
				p.Labels[l] = v
			}
			if err := saveParam(ctx, tx, sc, p); err != nil {
				return nil, err
			}
		}
		return &LabelParameterVersionOutput{InvalidLabels: invalid, ParameterVersion: v}, nil
	})
}

// UnlabelParameterVersion removes labels from a version; labels not on it
// come back in InvalidLabels.
func (s *Service) UnlabelParameterVersion(ctx context.Context, in *UnlabelParameterVersionInput) (*UnlabelParameterVersionOutput, error) {
	sc := scopeFrom(ctx)
	name := trimName(in.Name)
	if err := checkLookupName(name); err != nil {
		return nil, err
	}
	v := *in.ParameterVersion
	return update(ctx, s.st, func(tx store.Tx) (*UnlabelParameterVersionOutput, error) {
		p, err := loadExisting(ctx, tx, sc, name)
		if err != nil {
			return nil, err
		}
		if !p.hasVersion(v) {
			return nil, errParameterVersionNotFound(name, strconv.FormatInt(v, 10))
		}
		o := &UnlabelParameterVersionOutput{RemovedLabels: []string{}, InvalidLabels: []string{}}
		for _, l := range dedupe(in.Labels) {
			if lv, ok := p.Labels[l]; ok && lv == v {
				delete(p.Labels, l)
				o.RemovedLabels = append(o.RemovedLabels, l)
			} else {
				o.InvalidLabels = append(o.InvalidLabels, l)
			}
		}
		if len(o.RemovedLabels) > 0 {
			if err := saveParam(ctx, tx, sc, p); err != nil {
				return nil, err
			}
		}
		return o, nil
	})
}

// tagTarget is the parameter a tagging call names. Parameters are the only
// taggable resources shoal keeps, so any other type has no such resource.
func tagTarget(ctx context.Context, tx store.Tx, sc scope, resourceType, id string) (*paramRecord, error) {
	if resourceType != ResourceTypeParameter {
		return nil, newErr("InvalidResourceId", "The resource ID isn't valid. Verify that you entered the correct ID and try again. shoal keeps no %s resources; only Parameter can be tagged.", resourceType)
	}
	name := trimName(id)
	if checkLookupName(name) != nil {
		return nil, errInvalidResourceID(id)
	}
	p, err := loadParam(ctx, tx, sc, name)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, errInvalidResourceID(id)
	}
	return p, nil
}

// AddTagsToResource adds tags to a parameter, replacing the values of keys
// it has already.
func (s *Service) AddTagsToResource(ctx context.Context, in *AddTagsToResourceInput) (*AddTagsToResourceOutput, error) {
	sc := scopeFrom(ctx)
	if _, err := mergeTags(nil, in.Tags, "tags"); err != nil {
		return nil, err
	}
	err := s.st.Update(ctx, func(tx store.Tx) error {
		p, err := tagTarget(ctx, tx, sc, in.ResourceType, in.ResourceID)
		if err != nil {
			return err
		}
		if p.Tags, err = mergeTags(p.Tags, in.Tags, "tags"); err != nil {
			return err
		}
		return saveParam(ctx, tx, sc, p)
	})
	if err != nil {
		return nil, err
	}
	return &AddTagsToResourceOutput{}, nil
}

// RemoveTagsFromResource removes tag keys from a parameter; keys it does not
// have are ignored, as on AWS.
func (s *Service) RemoveTagsFromResource(ctx context.Context, in *RemoveTagsFromResourceInput) (*RemoveTagsFromResourceOutput, error) {
	sc := scopeFrom(ctx)
	err := s.st.Update(ctx, func(tx store.Tx) error {
		p, err := tagTarget(ctx, tx, sc, in.ResourceType, in.ResourceID)
		if err != nil {
			return err
		}
		p.Tags = slices.DeleteFunc(p.Tags, func(t Tag) bool { return slices.Contains(in.TagKeys, t.Key) })
		return saveParam(ctx, tx, sc, p)
	})
	if err != nil {
		return nil, err
	}
	return &RemoveTagsFromResourceOutput{}, nil
}

// ListTagsForResource returns a parameter's tags in the order they were added.
func (s *Service) ListTagsForResource(ctx context.Context, in *ListTagsForResourceInput) (*ListTagsForResourceOutput, error) {
	sc := scopeFrom(ctx)
	return view(ctx, s.st, func(tx store.Tx) (*ListTagsForResourceOutput, error) {
		p, err := tagTarget(ctx, tx, sc, in.ResourceType, in.ResourceID)
		if err != nil {
			return nil, err
		}
		return &ListTagsForResourceOutput{TagList: append([]Tag{}, p.Tags...)}, nil
	})
}

// mergeTags checks add against the model's tag patterns and returns have
// with add applied (a repeated key takes the later value), refusing more
// than a parameter may carry.
func mergeTags(have, add []Tag, path string) ([]Tag, error) {
	for i, t := range add {
		if !validTagText(t.Key) {
			return nil, errConstraint(t.Key, fmt.Sprintf("%s.%d.member.key", path, i+1), `Member must satisfy regular expression pattern: ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`)
		}
		if !validTagText(t.Value) {
			return nil, errConstraint(t.Value, fmt.Sprintf("%s.%d.member.value", path, i+1), `Member must satisfy regular expression pattern: ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`)
		}
	}
	out := slices.Clone(have)
	for _, t := range add {
		i := slices.IndexFunc(out, func(o Tag) bool { return o.Key == t.Key })
		if i >= 0 {
			out[i].Value = t.Value
		} else {
			out = append(out, t)
		}
	}
	if len(out) > maxTags {
		return nil, errTooManyTags(len(out))
	}
	return out, nil
}

func validTagText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.In(r, unicode.Z) && !unicode.IsNumber(r) && !strings.ContainsRune("_.:/=+-@", r) {
			return false
		}
	}
	return true
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// dedupe drops repeats, keeping first occurrences in order.
func dedupe(in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
