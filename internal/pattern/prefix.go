package pattern

import "slices"

// trie indexes byte strings (prefixes, or reversed suffixes) so that all the
// entries that are prefixes of a value are found in one walk over the value,
// however many there are.
type trie struct {
	root *trieNode
}

type trieNode struct {
	keys    []byte
	kids    []*trieNode
	table   []*trieNode // built when a node has many children: table[c-lo]
	lo      byte
	targets []int32 // entries ending here
}

func (t *trie) insert(key []byte, reversed bool, target int32) {
	if t.root == nil {
		t.root = &trieNode{}
	}
	n := t.root
	for i := range key {
		c := key[i]
		if reversed {
			c = key[len(key)-1-i]
		}
		n = n.child(c, true)
	}
	n.targets = append(n.targets, target)
}

func (n *trieNode) child(c byte, create bool) *trieNode {
	if n.table != nil {
		if i := int(c) - int(n.lo); i >= 0 && i < len(n.table) {
			return n.table[i]
		}
		return nil
	}
	for i, k := range n.keys {
		if k == c {
			return n.kids[i]
		}
	}
	if !create {
		return nil
	}
	k := &trieNode{}
	n.keys = append(n.keys, c)
	n.kids = append(n.kids, k)
	return k
}

// freeze builds the tables of nodes with many children, spanning only the
// bytes from the least to the greatest child (ten entries for digits, rather
// than 256: with thousands of rules the trie then stays in cache); the trie
// is read-only afterwards.
func (n *trieNode) freeze() {
	if n == nil {
		return
	}
	if len(n.keys) > 8 {
		lo, hi := slices.Min(n.keys), slices.Max(n.keys)
		n.lo, n.table = lo, make([]*trieNode, int(hi)-int(lo)+1)
		for i, k := range n.keys {
			n.table[k-lo] = n.kids[i]
		}
	}
	for _, k := range n.kids {
		k.freeze()
	}
}

// walk appends the targets of every entry that is a prefix of v (a suffix,
// when reversed).
func (t *trie) walk(v []byte, reversed bool, out []int32) []int32 {
	n := t.root
	if n == nil {
		return out
	}
	out = append(out, n.targets...)
	for i := range v {
		c := v[i]
		if reversed {
			c = v[len(v)-1-i]
		}
		n = n.child(c, false)
		if n == nil {
			return out
		}
		out = append(out, n.targets...)
	}
	return out
}
