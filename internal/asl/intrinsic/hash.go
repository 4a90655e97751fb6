package intrinsic

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"hash"

	"github.com/shoal-dev/shoal/internal/asl/value"
)

// hashes are the algorithms States.Hash accepts, spelled as AWS spells them.
var hashes = map[string]func() hash.Hash{
	"MD5":     md5.New,
	"SHA-1":   sha1.New,
	"SHA-256": sha256.New,
	"SHA-384": sha512.New384,
	"SHA-512": sha512.New,
}

// evalHash is States.Hash(data, algorithm): the lowercase hex digest of the
// UTF-8 bytes of data.
func evalHash(c *Call, args []any, _ *Env) (any, error) {
	s, err := limitedString(c, args[0], "data")
	if err != nil {
		return nil, err
	}
	alg, ok := args[1].(string)
	if !ok {
		return nil, failf(c.Name, "the algorithm must be a string, but was %s", value.Describe(args[1]))
	}
	newHash, ok := hashes[alg]
	if !ok {
		return nil, failf(c.Name, "unsupported algorithm %q; use MD5, SHA-1, SHA-256, SHA-384 or SHA-512", alg)
	}
	h := newHash()
	h.Write([]byte(s))
	return hex.EncodeToString(h.Sum(nil)), nil
}
