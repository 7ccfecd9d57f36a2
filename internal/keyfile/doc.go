// Package keyfile keeps a random secret key in a file of the data
// directory: made on the first start, read on every later one, so that
// every replica sharing the directory, and every restore of its backup,
// uses the same key.
package keyfile
