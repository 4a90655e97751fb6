package sqlite

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// A log chunk is one log_chunks row: a run of entries appended together
// (migrations/0002_log_chunks.sql). A Step Functions step appends its
// history events in one LogAppend; storing them as one row makes that one
// B-tree insert rather than a dozen. Reads unpack chunks and return entries
// one by one, so a chunk is invisible above the driver.
const (
	// maxChunkEntries bounds the entries of one chunk, so a read that
	// wants one entry never unpacks more than this many; LogRead relies on
	// it to find the chunk an entry falls inside.
	maxChunkEntries = 64
	// maxChunkBytes closes a chunk once it holds this much data (an entry
	// larger than that is a chunk of its own), so a paged read of a
	// history with large events does not drag megabytes along.
	maxChunkBytes = 64 << 10
)

// cutChunks splits entries into the runs LogAppend writes as chunks.
func cutChunks(entries [][]byte) [][][]byte {
	var runs [][][]byte
	start, size := 0, 0
	for i, e := range entries {
		if i > start && (i-start == maxChunkEntries || size+len(e) > maxChunkBytes) {
			runs = append(runs, entries[start:i])
			start, size = i, 0
		}
		size += len(e)
	}
	return append(runs, entries[start:])
}

// encodeChunk is a chunk's data: the entry itself for a run of one (the
// layout of every row migrated from one row per entry), else each entry as
// a uvarint length followed by its bytes.
func encodeChunk(run [][]byte) []byte {
	if len(run) == 1 {
		return run[0]
	}
	size := 0
	for _, e := range run {
		size += binary.MaxVarintLen64 + len(e)
	}
	b := make([]byte, 0, size)
	for _, e := range run {
		b = binary.AppendUvarint(b, uint64(len(e)))
		b = append(b, e...)
	}
	return b
}

var errBadChunk = errors.New("corrupt log chunk")

// decodeChunk splits a chunk of n entries back into them.
func decodeChunk(n int64, data []byte) ([][]byte, error) {
	if n == 1 {
		return [][]byte{data}, nil
	}
	out := make([][]byte, 0, n)
	for len(data) > 0 {
		size, k := binary.Uvarint(data)
		if k <= 0 || uint64(len(data)-k) < size {
			return nil, errBadChunk
		}
		out = append(out, data[k:k+int(size):k+int(size)])
		data = data[k+int(size):]
	}
	if int64(len(out)) != n {
		return nil, fmt.Errorf("%w: %d entries, want %d", errBadChunk, len(out), n)
	}
	return out, nil
}
