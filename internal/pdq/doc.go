// Package pdq computes Meta's PDQ 256-bit perceptual image hash at full
// resolution (the variant python-threatexchange and HMA compute), with its
// quality metric and the eight dihedral variants, and decodes untrusted
// JPEG, PNG, GIF and WebP input within explicit size limits.
//
// The implementation is written from the algorithm description in
// ThreatExchange's BSD-licensed reference (pdq/cpp at commit baefb4ed) and
// replicates its float32 operation order, so identical decoded pixels give a
// bit-identical hash. Policy choices: no 512x512 pre-resize, EXIF orientation
// is not applied, alpha is ignored (the stored RGB is hashed). JPEGs are
// decoded to their luma plane only (jpegluma), at half or a quarter of
// their size in the DCT domain when their longer side is at least 1024 or
// 4096 pixels, which moves those hashes a few bits (see jpegScale).
package pdq
