package linkmatch

import (
	"slices"
	"sort"

	"github.com/sigap/sigap/internal/splitmix"
)

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
	indexBits = 16
)

// domainSet is an immutable set of hashed domains with their rule numbers.
type domainSet struct {
	hashes []uint64 // sorted
	rule16 []uint16 // rule of hashes[i], when there are < 65,536 rules
	rule32 []uint32 // otherwise
	index  []uint32 // index[b]..index[b+1] bounds the hashes whose top bits are b
}

type domainEntry struct {
	hash uint64
	rule uint32
}

// hashDomain hashes a normalised domain as the suffix walk will.
func hashDomain(d string) uint64 {
	h := uint64(fnvOffset)
	for i := len(d) - 1; i >= 0; i-- {
		h ^= uint64(d[i])
		h *= fnvPrime
	}
	return splitmix.Mix64(h) // FNV's top bits carry little entropy and the index is cut by them
}

func newDomainSet(entries []domainEntry, nRules int) *domainSet {
	slices.SortFunc(entries, func(a, b domainEntry) int {
		switch {
		case a.hash < b.hash:
			return -1
		case a.hash > b.hash:
			return 1
		}
		return int(a.rule) - int(b.rule)
	})
	entries = slices.Compact(entries)
	s := &domainSet{hashes: make([]uint64, len(entries)), index: make([]uint32, 1<<indexBits+1)}
	if nRules < 1<<16 {
		s.rule16 = make([]uint16, len(entries))
	} else {
		s.rule32 = make([]uint32, len(entries))
	}
	for i, e := range entries {
		s.hashes[i] = e.hash
		if s.rule16 != nil {
			s.rule16[i] = uint16(e.rule)
		} else {
			s.rule32[i] = e.rule
		}
	}
	b := 0
	for i, h := range s.hashes {
		for top := int(h >> (64 - indexBits)); b <= top; b++ {
			s.index[b] = uint32(i)
		}
	}
	for ; b <= 1<<indexBits; b++ {
		s.index[b] = uint32(len(s.hashes))
	}
	return s
}

func (s *domainSet) rule(i int) int {
	if s.rule16 != nil {
		return int(s.rule16[i])
	}
	return int(s.rule32[i])
}

// find returns the range of entries with hash h.
func (s *domainSet) find(h uint64) (int, int) {
	top := h >> (64 - indexBits)
	lo, hi := int(s.index[top]), int(s.index[top+1])
	bucket := s.hashes[lo:hi]
	i := sort.Search(len(bucket), func(k int) bool { return bucket[k] >= h })
	j := i
	for j < len(bucket) && bucket[j] == h {
		j++
	}
	return lo + i, lo + j
}

// lookup calls fn with each listed suffix of host (which must be
// normalised: lower case, ASCII, no trailing dot) and its rule.
func (s *domainSet) lookup(host string, fn func(suffix string, rule int)) {
	if len(s.hashes) == 0 {
		return
	}
	h := uint64(fnvOffset)
	for i := len(host) - 1; i >= 0; i-- {
		h ^= uint64(host[i])
		h *= fnvPrime
		if i == 0 || host[i-1] == '.' {
			lo, hi := s.find(splitmix.Mix64(h))
			for k := lo; k < hi; k++ {
				fn(host[i:], s.rule(k))
			}
		}
	}
}

func (s *domainSet) memoryBytes() int {
	return len(s.hashes)*8 + len(s.rule16)*2 + len(s.rule32)*4 + len(s.index)*4
}
