// Package sqlkit is what the SQL store drivers (sqlite, postgres) share
// beyond the store interface: the query-file loader, the value codec, the
// wake-up hub, the migration-file loader, the scan-cursor arithmetic and the
// per-transaction bookkeeping.
//
// It deals only in plain Go values and file systems: database/sql and pgx
// stay in the driver packages, which run the statements and translate their
// drivers' errors.
package sqlkit
