package intrinsic

import (
	"encoding/base64"
	"strings"
	"unicode/utf8"

	"github.com/shoal-dev/shoal/internal/asl/value"
)

// maxEncodingChars is the documented input limit of States.Base64Encode,
// States.Base64Decode and States.Hash.
const maxEncodingChars = 10000

func limitedString(c *Call, v any, what string) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", failf(c.Name, "the %s must be a string, but was %s", what, value.Describe(v))
	}
	if n := utf8.RuneCountInString(s); n > maxEncodingChars {
		return "", failf(c.Name, "the %s has %d characters; the limit is %d", what, n, maxEncodingChars)
	}
	return s, nil
}

// evalBase64Encode is States.Base64Encode(s): standard alphabet, padded, no
// line breaks.
func evalBase64Encode(c *Call, args []any, _ *Env) (any, error) {
	s, err := limitedString(c, args[0], "input")
	if err != nil {
		return nil, err
	}
	return base64.StdEncoding.EncodeToString([]byte(s)), nil
}

// evalBase64Decode is States.Base64Decode(s). Like Java's basic decoder,
// padding is optional and anything outside the alphabet fails. Bytes that
// are not UTF-8 become U+FFFD, as Java's new String(bytes, UTF_8) does.
func evalBase64Decode(c *Call, args []any, _ *Env) (any, error) {
	s, err := limitedString(c, args[0], "input")
	if err != nil {
		return nil, err
	}
	if strings.ContainsAny(s, "\r\n") {
		// Go's decoder skips line breaks; Java's basic decoder rejects them.
		return nil, failf(c.Name, "the input is not valid base64: it contains a line break")
	}
	enc := base64.StdEncoding
	if !strings.HasSuffix(s, "=") {
		enc = base64.RawStdEncoding
	}
	b, err := enc.Strict().DecodeString(s)
	if err != nil {
		return nil, failf(c.Name, "the input is not valid base64: %v", err)
	}
	if utf8.Valid(b) {
		return string(b), nil
	}
	return string([]rune(string(b))), nil
}
