package pattern

// trie indexes byte strings (prefixes, or reversed suffixes) so that all the
// entries that are prefixes of a value are found in one walk over the value,
// however many there are.
type trie struct {
	root *trieNode
}

type trieNode struct {
	keys    []byte
	kids    []*trieNode
	dense   *[256]*trieNode // built when a node has many children
	targets []int32         // entries ending here
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
	if n.dense != nil {
		return n.dense[c]
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

// freeze builds the dense tables; the trie is read-only afterwards.
func (n *trieNode) freeze() {
	if n == nil {
		return
	}
	if len(n.keys) > 8 {
		n.dense = new([256]*trieNode)
		for i, k := range n.keys {
			n.dense[k] = n.kids[i]
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
		if n.dense != nil {
			n = n.dense[c]
		} else {
			n = n.child(c, false)
		}
		if n == nil {
			return out
		}
		out = append(out, n.targets...)
	}
	return out
}
