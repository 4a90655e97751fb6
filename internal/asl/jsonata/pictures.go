package jsonata

import (
	"math"
	"reflect"
	"strconv"
	"strings"
)

// $formatInteger and $parseInteger (JSONata 1.8+, so in AWS's 2.0.6 but not
// in the library). Supported pictures: decimal digit patterns with grouping
// separators ("#,##0", "000") and the ";o" ordinal modifier, roman numerals
// ("I", "i") and letters ("A", "a"). Word pictures ("w") are refused with an
// error rather than answered wrongly.

func fnFormatInteger(_ reflect.Value, args []reflect.Value) (reflect.Value, error) {
	n, ok, err := numberArg("formatInteger", args, 0)
	if err != nil || !ok {
		return undefined, err
	}
	pic, ok, err := stringArg("formatInteger", args, 1)
	if err != nil {
		return undefined, err
	}
	if !ok {
		return undefined, signatureError("formatInteger", 2)
	}
	i := int64(math.Trunc(n))
	s, err := formatInteger(i, pic)
	if err != nil {
		return undefined, err
	}
	return reflect.ValueOf(s), nil
}

func fnParseInteger(_ reflect.Value, args []reflect.Value) (reflect.Value, error) {
	s, ok, err := stringArg("parseInteger", args, 0)
	if err != nil || !ok {
		return undefined, err
	}
	pic, ok, err := stringArg("parseInteger", args, 1)
	if err != nil {
		return undefined, err
	}
	if !ok {
		return undefined, signatureError("parseInteger", 2)
	}
	n, err := parseInteger(s, pic)
	if err != nil {
		return undefined, err
	}
	return reflect.ValueOf(n), nil
}

func unsupportedPicture(pic string) error {
	return coded("D3130", "Formatting or parsing an integer as a sequence starting with %q is not supported by this implementation", pic)
}

func formatInteger(n int64, pic string) (string, error) {
	primary, modifier, _ := strings.Cut(pic, ";")
	ordinal := strings.HasPrefix(modifier, "o")
	switch primary {
	case "I":
		return roman(n), nil
	case "i":
		return strings.ToLower(roman(n)), nil
	case "A":
		return letters(n, 'A'), nil
	case "a":
		return letters(n, 'a'), nil
	}
	if !isDecimalPicture(primary) {
		return "", unsupportedPicture(pic)
	}
	neg := n < 0
	if neg {
		n = -n
	}
	digits := strconv.FormatInt(n, 10)
	// Mandatory digits pad with zeros.
	mandatory := 0
	for _, r := range primary {
		if r >= '0' && r <= '9' {
			mandatory++
		}
	}
	if len(digits) < mandatory {
		digits = strings.Repeat("0", mandatory-len(digits)) + digits
	}
	// Grouping separators, by position counted in digits from the right.
	type sep struct {
		pos int
		ch  rune
	}
	var seps []sep
	count := 0
	rs := []rune(primary)
	for i := len(rs) - 1; i >= 0; i-- {
		if rs[i] == '#' || rs[i] >= '0' && rs[i] <= '9' {
			count++
		} else {
			seps = append(seps, sep{count, rs[i]})
		}
	}
	// Regular grouping (one separator, equal spacing) repeats across the number.
	regular := len(seps) > 0
	for i, s := range seps {
		if s.ch != seps[0].ch || s.pos != seps[0].pos*(i+1) {
			regular = false
		}
	}
	var b []rune
	dr := []rune(digits)
	k := 0
	for i := len(dr) - 1; i >= 0; i-- {
		if k > 0 {
			if regular && k%seps[0].pos == 0 {
				b = append(b, seps[0].ch)
			} else if !regular {
				for _, s := range seps {
					if s.pos == k {
						b = append(b, s.ch)
					}
				}
			}
		}
		b = append(b, dr[i])
		k++
	}
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	out := string(b)
	if ordinal {
		out += ordinalSuffix(n)
	}
	if neg {
		out = "-" + out
	}
	return out, nil
}

func parseInteger(s, pic string) (float64, error) {
	primary, modifier, _ := strings.Cut(pic, ";")
	switch primary {
	case "I", "i":
		return unroman(s)
	case "A", "a":
		return unletters(s)
	}
	if !isDecimalPicture(primary) {
		return 0, unsupportedPicture(pic)
	}
	// Drop the picture's grouping separators (and an ordinal suffix).
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' || r == '-' && b.Len() == 0 {
			b.WriteRune(r)
		} else if strings.ContainsRune(primary, r) {
			continue
		} else if strings.HasPrefix(modifier, "o") && r >= 'a' && r <= 'z' {
			continue
		} else {
			return 0, coded("D3137", "Unable to parse %q with picture %q", s, pic)
		}
	}
	n, err := strconv.ParseFloat(b.String(), 64)
	if err != nil {
		return 0, coded("D3137", "Unable to parse %q with picture %q", s, pic)
	}
	return n, nil
}

func isDecimalPicture(p string) bool {
	digits := 0
	for _, r := range p {
		switch {
		case r == '#' || r >= '0' && r <= '9':
			digits++
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
			return false
		}
	}
	return digits > 0
}

func ordinalSuffix(n int64) string {
	if n%100 >= 11 && n%100 <= 13 {
		return "th"
	}
	switch n % 10 {
	case 1:
		return "st"
	case 2:
		return "nd"
	case 3:
		return "rd"
	}
	return "th"
}

var romanTable = []struct {
	v int64
	s string
}{{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"}, {90, "XC"}, {50, "L"}, {40, "XL"}, {10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"}}

func roman(n int64) string {
	var b strings.Builder
	if n < 0 {
		b.WriteByte('-')
		n = -n
	}
	for _, r := range romanTable {
		for n >= r.v {
			b.WriteString(r.s)
			n -= r.v
		}
	}
	return b.String()
}

func unroman(s string) (float64, error) {
	val := map[byte]int64{'I': 1, 'V': 5, 'X': 10, 'L': 50, 'C': 100, 'D': 500, 'M': 1000}
	u := strings.ToUpper(s)
	var total int64
	for i := 0; i < len(u); i++ {
		v, ok := val[u[i]]
		if !ok {
			return 0, coded("D3137", "Unable to parse %q as a roman numeral", s)
		}
		if i+1 < len(u) && val[u[i+1]] > v {
			total -= v
		} else {
			total += v
		}
	}
	return float64(total), nil
}

func letters(n int64, base rune) string {
	if n <= 0 {
		return ""
	}
	var out []rune
	for n > 0 {
		n--
		out = append([]rune{base + rune(n%26)}, out...)
		n /= 26
	}
	return string(out)
}

func unletters(s string) (float64, error) {
	var n int64
	for _, r := range strings.ToLower(s) {
		if r < 'a' || r > 'z' {
			return 0, coded("D3137", "Unable to parse %q as letters", s)
		}
		n = n*26 + int64(r-'a'+1)
	}
	return float64(n), nil
}
