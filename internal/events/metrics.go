package events

import (
	"context"

	"github.com/shoal-dev/shoal/internal/metrics"
)

// AWS/Events metrics (the user guide's "Monitoring Amazon EventBridge"):
// MatchedEvents and TriggeredRules as PutEvents accepts events,
// Invocations, FailedInvocations, InvocationsSentToDlq and
// InvocationsFailedToBeSentToDlq as deliveries end. They are summed per
// minute in memory (metrics.Aggregator), as EventBridge sends them "every
// minute" and on a best-effort basis, so the hot paths write nothing more,
// and reach CloudWatch through the events metrics outbox once shoal has
// that service.
var eventsMetrics = metrics.NewOutbox("events", "AWS/Events")

// ruleDims are a rule's metric dimensions: RuleName, and EventBusName as
// well on a custom bus ("metrics that specify only the RuleName dimension
// refer to the default event bus").
func ruleDims(bus, rule string) []metrics.Dimension {
	d := []metrics.Dimension{{Name: "RuleName", Value: rule}}
	if bus != DefaultBus {
		d = append([]metrics.Dimension{{Name: "EventBusName", Value: bus}}, d...)
	}
	return d
}

// count adds one to a metric, by rule and (where AWS publishes one) for
// the whole account.
func (s *Service) count(sc scope, name, bus, rule string, accountWide bool) {
	s.metrics.Add(sc.account, sc.region, metrics.Count(name, s.now(), ruleDims(bus, rule)...))
	if accountWide {
		s.metrics.Add(sc.account, sc.region, metrics.Count(name, s.now()))
	}
}

// countAccepted counts the rules an accepted event triggered.
func (s *Service) countAccepted(a *accepted, rule string) {
	s.count(a.sc, "MatchedEvents", a.bus, rule, true)
	s.count(a.sc, "TriggeredRules", a.bus, rule, false)
}

// countDelivered counts how a delivery ended: invoked, or failed for good
// (and whether its dead-letter queue took it).
func (s *Service) countDelivered(d *delivery, dl *DeadLetter) {
	sc := scope{account: d.Account, region: d.Region}
	switch {
	case dl == nil:
		s.count(sc, "Invocations", d.Bus, d.Rule, true)
	case dl.SentToDeadLetterQueue:
		s.count(sc, "InvocationsSentToDlq", d.Bus, d.Rule, false)
	case dl.DeadLetterArn != "":
		s.count(sc, "InvocationsFailedToBeSentToDlq", d.Bus, d.Rule, false)
		s.count(sc, "FailedInvocations", d.Bus, d.Rule, false)
	default:
		s.count(sc, "FailedInvocations", d.Bus, d.Rule, false)
	}
}

// flushMetrics writes the minute's sums now (Drain and Stop).
func (s *Service) flushMetrics(ctx context.Context) {
	if err := s.metrics.Flush(ctx); err != nil {
		s.log.Error("events: metrics not kept", "err", err)
	}
}
