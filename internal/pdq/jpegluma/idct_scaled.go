package jpegluma

// zigOf maps a natural-order coefficient index to its zig-zag index, where
// the quantization tables are stored.
var zigOf = func() (z [blockSize]int) {
	for zig, nat := range unzig {
		z[nat] = zig
	}
	return z
}()

// The 4-point inverse DCT's constants: c(u)/2 · cos(kπ/8), c(0) = 1/√2,
// evaluated at the centres of the 4 output pixels, so that applied to the
// top-left 4x4 coefficients of an 8x8 block it samples the block's
// band-limited signal there with the 8-point transform's scale (a flat
// block keeps its level), as libjpeg's reduced-size IDCTs do.
const (
	idctA = 0.35355339059327373 // ½·cos(π/4) = ½·(1/√2)
	idctB = 0.46193976625564337 // ½·cos(π/8)
	idctC = 0.19134171618254489 // ½·cos(3π/8)
)

// boxGain2[u] is the gain of a 2-pixel box average at frequency u of the
// 8-point DCT, cos(uπ/16); boxGain4 that of a 4-pixel one at u = 1. Scaling
// the kept coefficients by them makes each output pixel the mean of the
// pixels it stands for, less the dropped high frequencies, rather than a
// point sample.
var boxGain2 = [4]float32{1, 0.98078528, 0.92387953, 0.83146961}

const boxGain4 = 0.90612744 // (cos(π/16) + cos(3π/16)) / 2

// idct4 is the 4-point inverse DCT as two butterflies.
func idct4(f0, f1, f2, f3 float32) (x0, x1, x2, x3 float32) {
	e0 := idctA * (f0 + f2)
	e1 := idctA * (f0 - f2)
	o0 := idctB*f1 + idctC*f3
	o1 := idctC*f1 - idctB*f3
	return e0 + o0, e1 + o1, e1 - o1, e0 - o0
}

// idctScaled4 dequantizes the top-left 4x4 coefficients of b, transforms
// them to 4x4 pixels and stores them, level-shifted and clipped, at dst
// with the given stride.
func idctScaled4(b *block, qt *block, dst []byte, stride int) {
	var t [16]float32
	for v := range 4 {
		r := b[8*v : 8*v+4 : 8*v+4]
		z := zigOf[8*v : 8*v+4 : 8*v+4]
		w := boxGain2[v]
		t[4*v], t[4*v+1], t[4*v+2], t[4*v+3] = idct4(
			w*float32(r[0]*qt[z[0]&63]), w*boxGain2[1]*float32(r[1]*qt[z[1]&63]),
			w*boxGain2[2]*float32(r[2]*qt[z[2]&63]), w*boxGain2[3]*float32(r[3]*qt[z[3]&63]))
	}
	_ = dst[3*stride+3]
	for x := range 4 {
		y0, y1, y2, y3 := idct4(t[x], t[4+x], t[8+x], t[12+x])
		dst[x] = level(y0)
		dst[stride+x] = level(y1)
		dst[2*stride+x] = level(y2)
		dst[3*stride+x] = level(y3)
	}
}

// idctScaled2 is idctScaled4 for the top-left 2x2 coefficients: the 2-point
// inverse DCT, c(u)/2 · cos((2x+1)uπ/4), is ½·(1/√2)·(F0 ± F1).
func idctScaled2(b *block, qt *block, dst []byte, stride int) {
	f00 := float32(b[0] * qt[0])
	f01 := boxGain4 * float32(b[1]*qt[1])
	f10 := boxGain4 * float32(b[8]*qt[2])
	f11 := boxGain4 * boxGain4 * float32(b[9]*qt[4])
	// Both passes' factors ½·(1/√2) multiply to 1/8.
	a, c := f00+f10, f00-f10
	d, e := f01+f11, f01-f11
	_ = dst[stride+1]
	dst[0] = level((a + d) / 8)
	dst[1] = level((a - d) / 8)
	dst[stride] = level((c + e) / 8)
	dst[stride+1] = level((c - e) / 8)
}

// level level-shifts an IDCT output by +128, rounds it and clips it to
// [0, 255].
func level(v float32) uint8 {
	f := v + 128.5
	switch {
	case f <= 0:
		return 0
	case f >= 255:
		return 255
	}
	return uint8(f)
}
