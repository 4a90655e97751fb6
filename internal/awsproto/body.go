package awsproto

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// maxInflated bounds a decompressed request body, so a small gzip bomb
// cannot take the process's memory.
const maxInflated = 64 << 20

// inflate undoes Content-Encoding: gzip on an RPC request body. SDKs
// compress operations with the requestCompression trait (CloudWatch's
// PutMetricData: aws-sdk-go-v2 always, botocore above 10 KiB). REST
// protocols do not call it: in S3, Content-Encoding is object metadata.
func inflate(r *http.Request, body []byte) ([]byte, error) {
	if r == nil || len(body) == 0 || !gzipped(r.Header.Get("Content-Encoding")) {
		return body, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("the gzip request body cannot be read: %w", err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, maxInflated+1))
	if err != nil {
		return nil, fmt.Errorf("the gzip request body cannot be read: %w", err)
	}
	if len(out) > maxInflated {
		return nil, fmt.Errorf("the request body inflates to more than %d MiB", maxInflated>>20)
	}
	return out, nil
}

func gzipped(encoding string) bool {
	for _, e := range strings.Split(encoding, ",") {
		if strings.EqualFold(strings.TrimSpace(e), "gzip") {
			return true
		}
	}
	return false
}
