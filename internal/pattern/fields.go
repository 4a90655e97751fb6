package pattern

import (
	"bytes"
	"strings"
)

// The field trie holds every field path the patterns of an automaton name,
// split at ".". Flattening walks it alongside the event: a key is looked up
// among the children of its object's node, so an object no pattern reaches
// into is skipped unparsed, and a leaf's path id is known without building
// or hashing its path. A key that contains "." is walked segment by segment,
// so {"a.b": 1} and {"a": {"b": 1}} reach the same node (event-ruler joins
// keys with "." and so does the guide).

type fieldNode struct {
	id    int32                 // path id of the path ending here, or -1
	kids  []fieldKid            // children, scanned when few
	sigs  []uint32              // keySig of each of kids, scanned first
	byKey map[string]*fieldNode // children, when many
}

type fieldKid struct {
	key  string // one segment: never contains "."
	node *fieldNode
}

// fieldMapMin is the number of children from which a node uses a map:
// below it, a scan of key signatures is cheaper than hashing the key.
const fieldMapMin = 16

func newFieldNode() *fieldNode { return &fieldNode{id: -1} }

// inner reports whether patterns name paths below n.
func (n *fieldNode) inner() bool { return len(n.kids) > 0 }

// insert returns the node of path, adding the nodes it lacks.
func (n *fieldNode) insert(path string) *fieldNode {
	for {
		seg, rest, more := strings.Cut(path, ".")
		c := n.segment(seg)
		if c == nil {
			c = newFieldNode()
			n.kids = append(n.kids, fieldKid{key: seg, node: c})
			n.sigs = append(n.sigs, keySig(bytesOf(seg)))
			if len(n.kids) >= fieldMapMin {
				if n.byKey == nil {
					n.byKey = make(map[string]*fieldNode, len(n.kids))
					for _, k := range n.kids {
						n.byKey[k.key] = k.node
					}
				}
				n.byKey[seg] = c
			}
		}
		if !more {
			return c
		}
		n, path = c, rest
	}
}

// segment returns the child for one segment, or nil.
func (n *fieldNode) segment(seg string) *fieldNode {
	if n.byKey != nil {
		return n.byKey[seg]
	}
	for i := range n.kids {
		if n.kids[i].key == seg {
			return n.kids[i].node
		}
	}
	return nil
}

// child returns the node an event key k leads to from n, or nil when no
// pattern names a path through it.
func (n *fieldNode) child(k []byte) *fieldNode {
	if n.byKey != nil {
		if c := n.byKey[string(k)]; c != nil {
			return c
		}
		i := bytes.IndexByte(k, '.')
		if i < 0 {
			return nil
		}
		if c := n.byKey[string(k[:i])]; c != nil {
			return c.child(k[i+1:])
		}
		return nil
	}
	sig := keySig(k)
	for i, s := range n.sigs {
		if s == sig && string(k) == n.kids[i].key {
			return n.kids[i].node
		}
	}
	// A dotted key: its first segment, then the rest. Segments hold no
	// ".", so at most one child is a dotted prefix of k.
	for i := range n.kids {
		if key := n.kids[i].key; len(k) > len(key) && k[len(key)] == '.' && string(k[:len(key)]) == key {
			return n.kids[i].node.child(k[len(key)+1:])
		}
	}
	return nil
}

// keySig packs a key's length and first and last bytes: most keys of an
// object differ in one of them, so that a scan compares few keys in full.
func keySig(k []byte) uint32 {
	if len(k) == 0 {
		return 0
	}
	return uint32(len(k))<<16 | uint32(k[0])<<8 | uint32(k[len(k)-1])
}
