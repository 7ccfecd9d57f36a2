// Package jpegluma decodes only the luma plane of a JPEG, optionally at 1/2,
// 1/4 or 1/8 scale in the DCT domain, which is all a PDQ hash needs.
//
// It is Go's image/jpeg decoder (go1.26: reader.go, scan.go, huffman.go and
// the IDCT of dct.go), changed so that chroma is entropy-decoded but never
// dequantized, transformed or stored, and so that the luma blocks can be
// inverse-transformed from their low-frequency coefficients only, as
// libjpeg's scale_denom does. Those files keep the Go Authors' copyright;
// their BSD licence is in LICENSE-Go. Baseline and progressive, 8-bit,
// greyscale and YCbCr (every subsampling image/jpeg accepts) are decoded;
// RGB, CMYK and YCCK JPEGs are refused with ErrNotLuma so the caller can
// use a full decoder.
package jpegluma
