package events

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/shoal-dev/shoal/internal/dispatch"
	"github.com/shoal-dev/shoal/internal/store"
)

// countingStore counts the records RecordScan returns, so a test can see
// how much a listing reads.
type countingStore struct {
	store.Store
	scanned atomic.Int64
}

type countingTx struct {
	store.Tx
	c *countingStore
}

func (t countingTx) RecordScan(ctx context.Context, p *store.RecordScanParams) ([]store.Record, error) {
	recs, err := t.Tx.RecordScan(ctx, p)
	t.c.scanned.Add(int64(len(recs)))
	return recs, err
}

func (c *countingStore) View(ctx context.Context, fn func(store.Tx) error) error {
	return c.Store.View(ctx, func(tx store.Tx) error { return fn(countingTx{tx, c}) })
}

// counted returns a second service over e's store whose reads are counted.
func (e *env) counted() (*dispatch.Registry, *countingStore) {
	cs := &countingStore{Store: e.st}
	r := dispatch.NewRegistry(e.clk.Now, func() string { return "req-id" })
	New(Config{Store: cs, Clock: e.clk}).Register(r)
	return r, cs
}

// pageAll calls a List operation until it returns no token and checks that
// no page scanned more than limit+1 records.
func pageAll[Out any](t *testing.T, r *dispatch.Registry, cs *countingStore, op string, limit int, in func(token string) any,
	names func(*Out) ([]string, string)) []string {
	t.Helper()
	var all []string
	token := ""
	for range 100 {
		cs.scanned.Store(0)
		out, err := r.Call(context.Background(), seedCaller, "events", op, in(token))
		if err != nil {
			t.Fatalf("%s: %v", op, err)
		}
		page, next := names(out.(*Out))
		if n := cs.scanned.Load(); n > int64(limit)+1 {
			t.Errorf("%s page after %q read %d records for a limit of %d", op, token, n, limit)
		}
		if len(page) > limit || (next != "" && len(page) != limit) {
			t.Errorf("%s page of %d with token %q for a limit of %d", op, len(page), next, limit)
		}
		all = append(all, page...)
		if next == "" {
			return all
		}
		token = next
	}
	t.Fatalf("%s: no end after 100 pages", op)
	return nil
}

func TestListRulesPagesReadOnlyAPage(t *testing.T) {
	e := newEnv(t)
	var want, want1 []string
	for i := range 250 {
		name := fmt.Sprintf("rule-%03d", i)
		must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: name, EventPattern: seedPattern})
		want = append(want, name)
		if name[5] == '1' {
			want1 = append(want1, name)
		}
	}
	for i := range 20 { // sorts before and after the prefix
		must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: fmt.Sprintf("a-%d", i), EventPattern: seedPattern})
		must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: fmt.Sprintf("z-%d", i), EventPattern: seedPattern})
	}
	r, cs := e.counted()
	list := func(prefix string, limit int) []string {
		return pageAll(t, r, cs, "ListRules", limit, func(token string) any {
			return &ListRulesInput{NamePrefix: prefix, Limit: ptr(int32(limit)), NextToken: token}
		}, func(o *ListRulesOutput) ([]string, string) {
			var n []string
			for _, r := range o.Rules {
				n = append(n, r.Name)
			}
			return n, o.NextToken
		})
	}
	if got := list("rule-", 100); !slices.Equal(got, want) {
		t.Errorf("ListRules NamePrefix rule- = %d rules %v..., want the 250 in order", len(got), got[:min(len(got), 3)])
	}
	if got := list("rule-1", 30); !slices.Equal(got, want1) {
		t.Errorf("ListRules NamePrefix rule-1 = %v, want %v", got, want1)
	}
	if got := list("", 100); len(got) != 290 || !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != 290 {
		t.Errorf("ListRules without prefix: %d names, sorted %v", len(got), slices.IsSorted(got))
	}

	// ListRuleNamesByTarget filters, so it may read past a page, but each
	// name comes once and in order.
	arn := "arn:aws:states:eu-west-1:123456789012:stateMachine:m"
	var targeted []string
	for i := 0; i < 250; i += 3 {
		must[PutTargetsOutput](e, "PutTargets", &PutTargetsInput{Rule: want[i], Targets: []Target{{Id: "t", Arn: arn}}})
		targeted = append(targeted, want[i])
	}
	var got []string
	token := ""
	for {
		out := must[ListRuleNamesByTargetOutput](e, "ListRuleNamesByTarget", &ListRuleNamesByTargetInput{TargetArn: arn, Limit: ptr(int32(25)), NextToken: token})
		got = append(got, out.RuleNames...)
		if token = out.NextToken; token == "" {
			break
		}
	}
	if !slices.Equal(got, targeted) {
		t.Errorf("ListRuleNamesByTarget = %v, want %v", got, targeted)
	}
}

func TestListEventBusesPagesMergeTheDefaultBus(t *testing.T) {
	e := newEnv(t)
	var want []string
	for i := range 99 {
		name := fmt.Sprintf("bus-%03d", i)
		must[CreateEventBusOutput](e, "CreateEventBus", &CreateEventBusInput{Name: name})
		want = append(want, name)
	}
	must[CreateEventBusOutput](e, "CreateEventBus", &CreateEventBusInput{Name: "zeta"})
	want = append(want, "default", "zeta")
	r, cs := e.counted()
	list := func(prefix string, limit int) []string {
		return pageAll(t, r, cs, "ListEventBuses", limit, func(token string) any {
			return &ListEventBusesInput{NamePrefix: prefix, Limit: ptr(int32(limit)), NextToken: token}
		}, func(o *ListEventBusesOutput) ([]string, string) {
			var n []string
			for _, b := range o.EventBuses {
				n = append(n, b.Name)
			}
			return n, o.NextToken
		})
	}
	// With a limit of 10 the default bus ends page 10, whose read reached
	// the end of the buses; zeta is page 11.
	for _, limit := range []int{10, 7, 100} {
		if got := list("", limit); !slices.Equal(got, want) {
			t.Errorf("limit %d: %v, want %v", limit, got, want)
		}
	}
	if got := list("d", 5); !slices.Equal(got, []string{"default"}) {
		t.Errorf("prefix d: %v", got)
	}
	// Once the default bus has a record (tags) it is listed from it, once.
	must[Empty](e, "TagResource", &TagResourceInput{ResourceARN: busArn, Tags: []Tag{{Key: "k", Value: "v"}}})
	if got := list("", 10); !slices.Equal(got, want) {
		t.Errorf("with a default bus record: %v", got)
	}
}

func TestListArchivesPagesReadOnlyAPage(t *testing.T) {
	e := newEnv(t)
	var want []string
	for i := range 120 {
		name := fmt.Sprintf("archive-%03d", i)
		must[CreateArchiveOutput](e, "CreateArchive", &CreateArchiveInput{ArchiveName: name, EventSourceArn: busArn})
		want = append(want, name)
	}
	r, cs := e.counted()
	got := pageAll(t, r, cs, "ListArchives", 50, func(token string) any {
		return &ListArchivesInput{NamePrefix: "archive-", Limit: ptr(int32(50)), NextToken: token}
	}, func(o *ListArchivesOutput) ([]string, string) {
		var n []string
		for _, a := range o.Archives {
			n = append(n, a.ArchiveName)
		}
		return n, o.NextToken
	})
	if !slices.Equal(got, want) {
		t.Errorf("ListArchives = %v", got)
	}
}

func TestRuleQuotaPerBus(t *testing.T) {
	e := newEnv(t)
	for i := range maxRulesPerBus {
		must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: fmt.Sprintf("r%03d", i), EventPattern: seedPattern})
	}
	de := fails(e, "PutRule", &PutRuleInput{Name: "one-more", EventPattern: seedPattern}, "LimitExceededException")
	if de.Message != "The requested resource exceeds the maximum number allowed." || de.Status != 400 {
		t.Errorf("error = %d %q", de.Status, de.Message)
	}
	// The refused rule does not exist.
	fails(e, "DescribeRule", &DescribeRuleInput{Name: "one-more"}, "ResourceNotFoundException")
	// Replacing a rule at the limit is not creating one.
	must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: "r000", EventPattern: `{"source":["x"]}`, Description: "changed"})
	if d := must[DescribeRuleOutput](e, "DescribeRule", &DescribeRuleInput{Name: "r000"}); d.Description != "changed" {
		t.Errorf("replaced rule = %+v", d)
	}
	// The quota is per bus.
	must[CreateEventBusOutput](e, "CreateEventBus", &CreateEventBusInput{Name: "other"})
	must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: "one-more", EventPattern: seedPattern, EventBusName: "other"})
	// Deleting a rule makes room.
	must[Empty](e, "DeleteRule", &DeleteRuleInput{Name: "r299"})
	must[PutRuleOutput](e, "PutRule", &PutRuleInput{Name: "one-more", EventPattern: seedPattern})
}

func TestEventBusQuotaPerAccount(t *testing.T) {
	e := newEnv(t)
	// A default bus with a record (tags) does not count.
	must[Empty](e, "TagResource", &TagResourceInput{ResourceARN: busArn, Tags: []Tag{{Key: "k", Value: "v"}}})
	for i := range maxBusesPerAccount {
		must[CreateEventBusOutput](e, "CreateEventBus", &CreateEventBusInput{Name: fmt.Sprintf("b%03d", i)})
	}
	de := fails(e, "CreateEventBus", &CreateEventBusInput{Name: "one-more"}, "LimitExceededException")
	if de.Message != "The requested resource exceeds the maximum number allowed." {
		t.Errorf("message %q", de.Message)
	}
	fails(e, "DescribeEventBus", &DescribeEventBusInput{Name: "one-more"}, "ResourceNotFoundException")
	must[Empty](e, "DeleteEventBus", &DeleteEventBusInput{Name: "b000"})
	must[CreateEventBusOutput](e, "CreateEventBus", &CreateEventBusInput{Name: "one-more"})
}
