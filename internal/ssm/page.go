package ssm

import (
	"encoding/base64"
	"encoding/json"
	"strings"
)

// Pagination tokens are opaque to clients: base64 of the operation they
// belong to and the store cursor to resume after. A token from another
// operation, another account or region, or not made here is InvalidNextToken.

type pageToken struct {
	Op    string `json:"o"`
	After string `json:"a"`
}

func encodeToken(op, after string) string {
	if after == "" {
		return ""
	}
	b, _ := json.Marshal(pageToken{Op: op, After: after}) // a struct of strings always marshals
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeToken returns the cursor in tok, which must have been made by op and
// lie under prefix. An empty token is the first page.
func decodeToken(op, tok, prefix string) (string, error) {
	if tok == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return "", errInvalidNextToken()
	}
	var t pageToken
	if err := json.Unmarshal(b, &t); err != nil || t.Op != op || t.After == "" || !strings.HasPrefix(t.After, prefix) {
		return "", errInvalidNextToken()
	}
	return t.After, nil
}

func pageSize(p *int32, def int) int {
	if p == nil {
		return def
	}
	return int(*p)
}
