package events

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/shoal-dev/shoal/internal/store"
)

// Archive retention: an archive with RetentionDays > 0 deletes the events
// it has held for RetentionDays days (0 keeps them forever, as on AWS).
//
// The store has no way to remove the head of a log, so expiry is a
// watermark: archiveRecord.Expired is the last sequence number deleted,
// the counts drop as the watermark moves, and replays start after it. When
// every event of an archive has expired the log itself is deleted
// (store.Tx.LogDelete) and Base remembers how many entries it had, so
// sequence numbers — which replays keep as cursors — never go back.
// Until then the expired entries stay on disk, unreadable through the API.
const (
	// QueueRetention holds at most one job per archive with RetentionDays
	// > 0 and events (ID = the archive's key), due when its oldest
	// remaining event expires.
	QueueRetention = "events.retention"
	// expireBatch bounds the entries one job reads; a job with more to
	// expire requeues itself due now.
	expireBatch = 500
	day         = 24 * time.Hour
)

// retention is how long the archive keeps an event; 0 means forever.
func (r *archiveRecord) retention() time.Duration { return time.Duration(r.RetentionDays) * day }

// planExpiry puts the archive's retention job, due at due, in tx and notes
// it in r (written back by the caller), so archiving the next event does
// not replan — JobPut replaces a job's due time.
func planExpiry(ctx context.Context, tx store.Tx, sc scope, r *archiveRecord, due time.Time) error {
	r.ExpiryDue = due
	return tx.JobPut(ctx, &store.Job{Queue: QueueRetention, ID: sc.archiveKey(r.Name), Due: due})
}

// cancelExpiry removes the archive's retention job, if any.
func cancelExpiry(ctx context.Context, tx store.Tx, sc scope, r *archiveRecord) error {
	r.ExpiryDue = time.Time{}
	if err := tx.JobDelete(ctx, QueueRetention, sc.archiveKey(r.Name), ""); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return nil
}

// expireArchive is the handler of QueueRetention: in one transaction,
// guarded by the job's lease, it moves the archive's watermark past the
// events older than RetentionDays (at most expireBatch of them),
// subtracts them from EventCount and SizeBytes, and plans the job for the
// next event to expire — or deletes the log once nothing is left in it.
func (s *Service) expireArchive(ctx context.Context, job store.Job) error {
	sc, name, ok := scopeOfKey(job.ID)
	if !ok {
		s.log.Error("retention job with a bad key dropped", "job", job.ID)
		return s.finish(ctx, job, nil)
	}
	now := s.now()
	err := s.st.Update(ctx, func(tx store.Tx) error {
		if err := tx.JobDelete(ctx, job.Queue, job.ID, job.Lease); err != nil {
			return err
		}
		r, rev, err := getJSON[archiveRecord](ctx, tx, tableArchive, sc.archiveKey(name))
		if err != nil || r == nil {
			return err // the archive is gone, and its log with it
		}
		r.ExpiryDue = time.Time{}
		if r.RetentionDays <= 0 {
			return putArchive(ctx, tx, sc, r, rev)
		}
		entries, err := tx.LogRead(ctx, &store.LogReadParams{Log: sc.archiveLog(name), After: r.Expired - r.Base, Limit: expireBatch})
		if err != nil {
			return err
		}
		var next time.Time // when the oldest event left expires; zero when none is left
		for _, e := range entries {
			var ev archived
			if err := json.Unmarshal(e.Data, &ev); err != nil {
				return err
			}
			if expires := ev.Ingested.Add(r.retention()); expires.After(now) {
				next = expires
				break
			}
			r.Expired = r.Base + e.Seq
			r.EventCount--
			r.SizeBytes -= int64(len(ev.Event))
		}
		switch {
		case !next.IsZero():
			err = planExpiry(ctx, tx, sc, r, next)
		case len(entries) == expireBatch:
			err = planExpiry(ctx, tx, sc, r, now) // more to read: the next run continues
		default:
			// Everything archived has expired: drop the log, keeping the
			// numbering where it was.
			if err := tx.LogDelete(ctx, sc.archiveLog(name)); err != nil {
				return err
			}
			r.Base, r.EventCount, r.SizeBytes = r.Expired, 0, 0
		}
		if err != nil {
			return err
		}
		// Entries written by older versions were HTML-escaped on the way in,
		// so their sizes may not subtract exactly; never report less than 0.
		r.EventCount, r.SizeBytes = max(r.EventCount, 0), max(r.SizeBytes, 0)
		return putArchive(ctx, tx, sc, r, rev)
	})
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrConflict) {
		return nil // the job was replaced or removed meanwhile
	}
	return err
}
