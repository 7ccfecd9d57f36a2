package textnorm

// refAppendString is the reference the optimised normaliser is checked
// against: the general path alone, without the word-at-a-time paths.
func refAppendString(dst []byte, src string) []byte {
	return appendString(dst, src, false)
}
