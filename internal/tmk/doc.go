// Package tmk computes, reads, writes and compares TMK+PDQF video feature
// vectors (Meta's Temporal Match Kernel over per-frame PDQ float features)
// as the ThreatExchange tmk reference does, in its binary .tmk format.
package tmk
