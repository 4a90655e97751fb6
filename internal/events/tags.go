package events

import (
	"context"
	"regexp"
	"slices"
	"strings"

	"github.com/shoal-dev/shoal/internal/store"
)

// resourceRE splits an EventBridge ARN: region, account, and the resource
// ("rule/[bus/]name" or "event-bus/name").
var resourceRE = regexp.MustCompile(`^arn:aws[\w-]*:events:([a-z0-9-]+):([0-9]{12}):(rule|event-bus)/(.+)$`)

// taggable is a tagged resource's place in the store.
type taggable struct {
	sc        scope
	kind      string // "rule" or "event-bus"
	bus, rule string
}

func parseResource(arn string) (*taggable, error) {
	m := resourceRE.FindStringSubmatch(arn)
	if m == nil {
		return nil, errResourceNotFound(arn)
	}
	t := &taggable{sc: scope{account: m[2], region: m[1]}, kind: m[3]}
	if t.kind == "event-bus" {
		t.bus = m[4]
		return t, nil
	}
	t.bus, t.rule = DefaultBus, m[4]
	if i := strings.LastIndexByte(m[4], '/'); i >= 0 {
		t.bus, t.rule = m[4][:i], m[4][i+1:]
	}
	return t, nil
}

// withTags reads the resource's tags, lets edit change them, and writes
// them back (edit nil: read only). The default bus gets a record the first
// time it is tagged.
func (s *Service) withTags(ctx context.Context, tx store.Tx, arn string, edit func([]Tag) []Tag) ([]Tag, error) {
	t, err := parseResource(arn)
	if err != nil {
		return nil, err
	}
	if t.kind == "rule" {
		r, err := loadRule(ctx, tx, t.sc, t.bus, t.rule)
		if err != nil {
			return nil, err
		}
		if r == nil {
			return nil, errRuleNotFound(t.rule, t.bus)
		}
		if edit == nil {
			return r.Tags, nil
		}
		r.Tags = edit(r.Tags)
		return r.Tags, putRule(ctx, tx, t.sc, r)
	}
	b, rev, err := loadBus(ctx, tx, t.sc, t.bus)
	if err != nil {
		return nil, err
	}
	if b == nil {
		if t.bus != DefaultBus {
			return nil, errBusNotFound(t.bus)
		}
		b = &busRecord{Name: DefaultBus}
	}
	if edit == nil {
		return b.Tags, nil
	}
	b.Tags = edit(b.Tags)
	return b.Tags, putBus(ctx, tx, t.sc, b, rev)
}

// TagResource adds or replaces tags on a rule or an event bus.
func (s *Service) TagResource(ctx context.Context, in *TagResourceInput) (*Empty, error) {
	return update(ctx, s.st, func(tx store.Tx) (*Empty, error) {
		_, err := s.withTags(ctx, tx, in.ResourceARN, func(cur []Tag) []Tag { return mergeTags(cur, in.Tags) })
		return &Empty{}, err
	})
}

// UntagResource removes tags by key.
func (s *Service) UntagResource(ctx context.Context, in *UntagResourceInput) (*Empty, error) {
	return update(ctx, s.st, func(tx store.Tx) (*Empty, error) {
		_, err := s.withTags(ctx, tx, in.ResourceARN, func(cur []Tag) []Tag {
			return slices.DeleteFunc(slices.Clone(cur), func(t Tag) bool { return slices.Contains(in.TagKeys, t.Key) })
		})
		return &Empty{}, err
	})
}

// ListTagsForResource lists a rule's or bus's tags.
func (s *Service) ListTagsForResource(ctx context.Context, in *ListTagsForResourceInput) (*ListTagsForResourceOutput, error) {
	return view(ctx, s.st, func(tx store.Tx) (*ListTagsForResourceOutput, error) {
		tags, err := s.withTags(ctx, tx, in.ResourceARN, nil)
		if err != nil {
			return nil, err
		}
		if tags == nil {
			tags = []Tag{}
		}
		return &ListTagsForResourceOutput{Tags: tags}, nil
	})
}
