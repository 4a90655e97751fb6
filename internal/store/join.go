package store

import "context"

type txKey struct{}

// WithTx returns a context in which Update and View on the store that made
// tx run inside tx instead of starting their own transaction: Update as a
// nested transaction (a savepoint — its fn's error rolls back only its own
// changes), View reading tx's uncommitted writes.
//
// This is how a Step Functions task that calls another shoal service
// in-process commits that service's effect and the task's TaskSucceeded in
// one transaction, so a crash leaves both or neither: exactly once. The
// context must not outlive the Update or View that made tx.
func WithTx(ctx context.Context, tx Tx) context.Context {
	return context.WithValue(ctx, txKey{}, tx)
}

// TxFrom returns the transaction WithTx put in ctx, or nil. Drivers use it;
// each joins only its own transactions.
func TxFrom(ctx context.Context) Tx {
	tx, _ := ctx.Value(txKey{}).(Tx)
	return tx
}
