package pattern

import (
	"unicode"
	"unicode/utf8"
)

// equals-ignore-case compares strings under Unicode simple case folding
// (strings.EqualFold). To index folded values in maps and tries, every rune
// is replaced by the smallest rune of its folding orbit, so two strings are
// equal ignoring case exactly when their folded forms are equal byte for byte.

// foldRune returns the canonical member of r's case-folding orbit.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		// k and s share orbits with U+212A KELVIN SIGN and U+017F LONG S,
		// whose canonical form is therefore the ASCII lower-case letter.
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	m := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		m = min(m, f)
	}
	// The orbit minimum of a non-ASCII rune can be an ASCII capital letter
	// (K for KELVIN SIGN); keep ASCII canonical as lower case.
	if 'A' <= m && m <= 'Z' {
		m += 'a' - 'A'
	}
	return m
}

// appendFold appends the canonical folded form of s to dst.
func appendFold(dst []byte, s []byte) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(s[i:])
		dst = utf8.AppendRune(dst, foldRune(r))
		i += n
	}
	return dst
}

func foldString(s string) string { return string(appendFold(nil, []byte(s))) }
