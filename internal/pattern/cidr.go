package pattern

import (
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

// IP addresses are compared as addresses, not text, as event-ruler does: an
// exact string pattern that is an IP literal matches the same address however
// the event writes it, and {"cidr": "a/n"} matches the addresses from a (as
// written, not masked — event-ruler's CIDR.cidr keeps the given address as the
// bottom of the range) up to a with all host bits set.

var (
	ipv4Shape = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$`)
	ipv6Shape = regexp.MustCompile(`^[0-9a-fA-F:]*:[0-9a-fA-F:]*$`)
)

// ipRange is an inclusive address range of one family.
type ipRange struct{ lo, hi netip.Addr }

func (r ipRange) contains(a netip.Addr) bool {
	return a.BitLen() == r.lo.BitLen() && r.lo.Compare(a) <= 0 && a.Compare(r.hi) <= 0
}

// parseIP parses an IPv4 or IPv6 literal; IPv4-mapped IPv6 addresses become
// IPv4, as Java's InetAddress makes them.
func parseIP(s []byte) (netip.Addr, bool) {
	if len(s) < 2 || len(s) > 45 {
		return netip.Addr{}, false
	}
	// Cheap rejection before netip: an address has a '.' or ':' early.
	ok := false
	for _, c := range s {
		if c == '.' || c == ':' {
			ok = true
			break
		}
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return netip.Addr{}, false
		}
	}
	if !ok {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(string(s))
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// parseCIDR compiles a {"cidr": ...} operand or returns event-ruler's reason.
func parseCIDR(s string) (ipRange, string) {
	parts := strings.Split(s, "/")
	for len(parts) > 1 && parts[len(parts)-1] == "" { // Java's String.split drops trailing empties
		parts = parts[:len(parts)-1]
	}
	if len(parts) != 2 {
		return ipRange{}, "Malformed CIDR, one '/' required"
	}
	bits, err := strconv.Atoi(parts[1])
	if err != nil {
		return ipRange{}, "Malformed CIDR, mask bits must be an integer"
	}
	if bits < 0 {
		return ipRange{}, "Malformed CIDR, mask bits must not be negative"
	}
	a, ok := parseIP([]byte(parts[0]))
	if !ok {
		if ipv4Shape.MatchString(parts[0]) || ipv6Shape.MatchString(parts[0]) {
			return ipRange{}, "Invalid IP address: " + parts[0]
		}
		return ipRange{}, "Nonstandard IP address: " + parts[0]
	}
	if a.Is4() && bits > 31 {
		return ipRange{}, "IPv4 mask bits must be < 32"
	}
	if a.Is6() && bits > 127 {
		return ipRange{}, "IPv6 mask bits must be < 128"
	}
	raw := a.AsSlice()
	host := len(raw)*8 - bits
	hi := make([]byte, len(raw))
	copy(hi, raw)
	for i := len(hi) - 1; i >= 0 && host > 0; i-- {
		if host >= 8 {
			hi[i] = 0xff
		} else {
			hi[i] |= byte(1<<host) - 1
		}
		host -= 8
	}
	top, _ := netip.AddrFromSlice(hi)
	return ipRange{lo: a, hi: top}, ""
}
