package splitmix

// Mix64 is the splitmix64 finaliser (Steele, Lea and Flood): a bijection on
// uint64 in which each output bit depends on every input bit.
func Mix64(h uint64) uint64 {
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return h
}
