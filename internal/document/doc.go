// Package document checks the files an authority attaches to a notice (the
// signed letter as a PDF, or a PNG or JPEG image of it): bounded in size,
// checked to be what they claim by their bytes and, for PDF, by a strict
// structural parse, and hashed for the receipt.
package document
