// Package splitmix is the splitmix64 finaliser, which spreads the bits of a
// 64-bit hash evenly, so that an FNV hash or a running sum can index a table
// or seed a sketch by its top bits.
package splitmix
