package asl

import (
	"fmt"

	"github.com/shoal-dev/shoal/internal/asl/value"
)

// Batch groups a Distributed Map's items into the inputs of its child
// workflows, as ItemBatcher asks: each is {"Items": [...]} with the
// rendered BatchInput beside them, holding at most MaxItemsPerBatch items
// and at most MaxInputBytesPerBatch bytes of JSON (a limit of 0 is unset).
// Items keep their order. An item that alone exceeds the byte limit cannot
// be batched: that is a States.Runtime failure naming it.
func (b *ItemBatcher) Batch(items []any) ([]any, *Failure) {
	var (
		batches []any
		cur     []any
		size    int
	)
	// base is the size of a batch without items: {"BatchInput":...,"Items":[]}.
	base := jsonSize(b.batch(nil))
	flush := func() {
		if len(cur) > 0 {
			batches = append(batches, b.batch(cur))
			cur, size = nil, 0
		}
	}
	for i, it := range items {
		n := jsonSize(it)
		if b.MaxInputBytesPerBatch > 0 && int64(base+n) > b.MaxInputBytesPerBatch {
			return nil, &Failure{Error: ErrRuntime, Cause: fmt.Sprintf(
				"The item at index %d is %d bytes in its batch, more than the MaxInputBytesPerBatch of %d", i, base+n, b.MaxInputBytesPerBatch)}
		}
		sep := 0
		if len(cur) > 0 {
			sep = 1 // the comma between items
		}
		if (b.MaxItemsPerBatch > 0 && int64(len(cur)) >= b.MaxItemsPerBatch) ||
			(b.MaxInputBytesPerBatch > 0 && int64(base+size+sep+n) > b.MaxInputBytesPerBatch) {
			flush()
			sep = 0
		}
		cur = append(cur, it)
		size += sep + n
	}
	flush()
	return batches, nil
}

func (b *ItemBatcher) batch(items []any) map[string]any {
	if items == nil {
		items = []any{}
	}
	m := map[string]any{"Items": items}
	if b.BatchInput != nil {
		m["BatchInput"] = b.BatchInput
	}
	return m
}

func jsonSize(v any) int {
	s, err := value.Compact(v)
	if err != nil {
		return 0
	}
	return len(s)
}

// UnsupportedIO is the failure of a Distributed Map whose ItemReader or
// ResultWriter the engines cannot run: both read or write Amazon S3, which
// shoal does not implement yet. Loud, never a silent success.
func (d *RunMap) UnsupportedIO() *Failure {
	switch {
	case d.ItemReader != nil:
		return &Failure{Error: ErrItemReaderFailed, Cause: fmt.Sprintf(
			"shoal does not implement the service behind the ItemReader's resource '%s' yet, so the Map cannot read its items", d.ItemReader.Resource)}
	case d.ResultWriter != nil:
		return &Failure{Error: ErrResultWriterFailed, Cause: fmt.Sprintf(
			"shoal does not implement the service behind the ResultWriter's resource '%s' yet, so the Map cannot write its results", d.ResultWriter.Resource)}
	}
	return nil
}
