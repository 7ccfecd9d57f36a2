package pdq

import (
	"errors"
	"image"
	"math"
	"slices"
	"sync"
)

// MinHashableDim is the smallest width and height that is hashed; smaller
// images get the all-zero hash with quality 0, as upstream's MIN_HASHABLE_DIM.
const MinHashableDim = 5

// QualityThreshold is the quality below which upstream recommends discarding
// a hash instead of matching it.
const QualityThreshold = 50

// MatchThreshold is upstream's recommended maximum Hamming distance for a
// match (inclusive).
const MatchThreshold = 31

// ErrNilImage is returned when no image is given.
var ErrNilImage = errors.New("pdq: nil image")

// Result is a PDQ hash with its quality (0..100).
type Result struct {
	Hash    Hash
	Quality int
}

// DihedralNames labels the eight dihedral hashes in the order Dihedral
// returns them, spelt as upstream's --pdqdih output.
var DihedralNames = [8]string{"orig", "rot90", "rot180", "rot270", "flipx", "flipy", "flipplus1", "flipminus1"}

const (
	outDim    = 64
	dctDim    = 16
	numPasses = 2 // PDQ_NUM_JAROSZ_XY_PASSES
)

// dctMatrix is DCT-II rows 1..16 (DC skipped) of size 64, computed in double
// and stored as float32 like the reference's dct_matrix_64, whose scale
// factor is a float: it is rounded to float32 before the product.
var dctMatrix = func() (d [dctDim][outDim]float32) {
	scale := float64(float32(math.Sqrt(2.0 / 64.0)))
	for i := range dctDim {
		for j := range outDim {
			d[i][j] = float32(scale * math.Cos((math.Pi/2/64.0)*float64(i+1)*float64(2*j+1)))
		}
	}
	return d
}()

// hasher holds the scratch buffers of one hash computation so that a pool can
// reuse the full-resolution buffer between images.
type hasher struct {
	full   []float32 // rows*cols, output of the first horizontal pass
	narrow []float32 // rows*64, second horizontal pass at the sampled columns
	sums   []float32 // cols, running sums of the vertical pass
	rowA   []float32 // cols
	rowB   []float32 // cols
	a      [outDim][outDim]float32
	b      [dctDim][dctDim]float32
}

var hasherPool = sync.Pool{New: func() any { return new(hasher) }}

func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

// FromImage returns the PDQ hash and quality of img at full resolution.
func FromImage(img image.Image) (Result, error) {
	if img == nil {
		return Result{}, ErrNilImage
	}
	h := hasherPool.Get().(*hasher)
	defer h.release()
	q, ok := h.dct(img)
	if !ok {
		return Result{}, nil
	}
	return Result{Hash: bitsFromDCT(&h.b), Quality: q}, nil
}

// Dihedral returns the hashes of the eight rotations and mirrors of img, in
// DihedralNames order, derived from one DCT as the reference does, and the
// quality (shared by all eight). They are close to, not always equal to, the
// hashes of the actually transformed images.
func Dihedral(img image.Image) ([8]Hash, int, error) {
	var out [8]Hash
	if img == nil {
		return out, 0, ErrNilImage
	}
	h := hasherPool.Get().(*hasher)
	defer h.release()
	q, ok := h.dct(img)
	if !ok {
		return out, 0, nil
	}
	return dihedralFromDCT(&h.b), q, nil
}

// release returns h to the pool unless its full buffer is very large, so one
// huge image does not pin hundreds of megabytes.
func (h *hasher) release() {
	if cap(h.full) > 16<<20 {
		h.full = nil
	}
	hasherPool.Put(h)
}

// dct fills h.b with the 16x16 DCT of img and returns the quality; ok is
// false for images below the minimum size.
func (h *hasher) dct(img image.Image) (quality int, ok bool) {
	bounds := img.Bounds()
	rows, cols := bounds.Dy(), bounds.Dx()
	if rows < MinHashableDim || cols < MinHashableDim {
		return 0, false
	}
	luma := lumaRows(img)
	h.rowA = grow(h.rowA, cols)
	if rows == outDim && cols == outDim {
		// The reference copies a 64x64 input without filtering.
		for y := range outDim {
			luma(y, h.a[y][:])
		}
	} else {
		h.filterAndDecimate(luma, rows, cols)
	}
	quality = qualityMetric(&h.a)
	dct64To16(&h.a, &h.b)
	return quality, true
}

// filterAndDecimate runs the two-pass Jarosz (tent) filter and samples the
// 64x64 grid. It computes exactly what the reference's four full 1-D box
// passes followed by decimation compute, with the same float32 operation
// order per row and per column, but only where the result is needed: the
// vertical passes walk all columns of a row at once (cache friendly), the
// second horizontal pass stores only the 64 sampled columns, and the second
// vertical pass runs only on those columns.
func (h *hasher) filterAndDecimate(luma func(y int, dst []float32), rows, cols int) {
	wx := (cols + 2*outDim - 1) / (2 * outDim) // window along rows
	wy := (rows + 2*outDim - 1) / (2 * outDim) // window along columns

	var sampleRows, sampleCols [outDim]int
	for i := range outDim {
		sampleRows[i] = int(((float64(i) + 0.5) * float64(rows)) / outDim)
		sampleCols[i] = int(((float64(i) + 0.5) * float64(cols)) / outDim)
	}

	h.full = grow(h.full, rows*cols)
	h.narrow = grow(h.narrow, rows*outDim)
	// The second vertical pass works on 64 columns, which can be more than
	// the image has.
	h.sums = grow(h.sums, max(cols, outDim))
	h.rowB = grow(h.rowB, max(cols, outDim))

	if numPasses != 2 {
		panic("pdq: filter written for two passes")
	}
	// Pass 1, horizontal: luma row by row straight into full.
	for y := range rows {
		luma(y, h.rowA)
		boxRow(h.rowA, h.full[y*cols:(y+1)*cols], wx)
	}
	// Pass 1 vertical, streaming each output row into pass 2 horizontal,
	// which keeps only the sampled columns.
	boxCols(h.full, rows, cols, wy, h.sums[:cols], h.rowB[:cols], func(oi int, row []float32) {
		boxRowSampled(row, wx, &sampleCols, h.narrow[oi*outDim:(oi+1)*outDim])
	})
	// Pass 2 vertical on the 64 sampled columns, keeping the sampled rows.
	k := 0
	boxCols(h.narrow, rows, outDim, wy, h.sums[:outDim], h.rowB[:outDim], func(oi int, row []float32) {
		for k < outDim && sampleRows[k] == oi {
			copy(h.a[k][:], row)
			k++
		}
	})
}

// boxRow is the reference's box1DFloat with stride 1: a running-sum box
// filter of width win whose window shrinks at the edges (no padding).
func boxRow(in, out []float32, win int) {
	n := len(in)
	half := (win + 2) / 2
	p1, p2, p3, p4 := half-1, win-half+1, n-win, half-1
	var sum float32
	li, ri, oi, cnt := 0, 0, 0, 0
	for range p1 {
		sum += in[ri]
		cnt++
		ri++
	}
	for range p2 {
		sum += in[ri]
		cnt++
		out[oi] = sum / float32(cnt)
		ri++
		oi++
	}
	fc := float32(cnt)
	for range p3 {
		sum += in[ri]
		sum -= in[li]
		out[oi] = sum / fc
		li++
		ri++
		oi++
	}
	for range p4 {
		sum -= in[li]
		cnt--
		out[oi] = sum / float32(cnt)
		li++
		oi++
	}
}

// boxRowSampled is boxRow that only stores (and divides at) the sampled
// columns, into out[k] for sample k. The running sum still visits every
// element in the same order, so the stored values are identical.
func boxRowSampled(in []float32, win int, samples *[outDim]int, out []float32) {
	n := len(in)
	half := (win + 2) / 2
	p1, p2, p3, p4 := half-1, win-half+1, n-win, half-1
	var sum float32
	li, ri, oi, cnt, k := 0, 0, 0, 0, 0
	next := samples[0]
	emit := func() {
		for k < outDim && samples[k] == oi {
			out[k] = sum / float32(cnt)
			k++
		}
		if k < outDim {
			next = samples[k]
		} else {
			next = -1
		}
	}
	for range p1 {
		sum += in[ri]
		cnt++
		ri++
	}
	for range p2 {
		sum += in[ri]
		cnt++
		if oi == next {
			emit()
		}
		ri++
		oi++
	}
	for range p3 {
		sum += in[ri]
		sum -= in[li]
		if oi == next {
			emit()
		}
		li++
		ri++
		oi++
	}
	for range p4 {
		sum -= in[li]
		cnt--
		if oi == next {
			emit()
		}
		li++
		oi++
	}
}

// boxCols runs the box filter down every column of in (rows x cols) at once,
// calling emit with each output row in order. Each column sees the same
// sequence of float32 adds, subtracts and divides as the reference's
// column-strided box1DFloat.
func boxCols(in []float32, rows, cols, win int, sums, out []float32, emit func(oi int, row []float32)) {
	half := (win + 2) / 2
	p1, p2, p3, p4 := half-1, win-half+1, rows-win, half-1
	clear(sums)
	sums = sums[:cols]
	out = out[:cols]
	li, ri, oi, cnt := 0, 0, 0, 0
	add := func(r int) {
		src := in[r*cols : (r+1)*cols]
		for j, v := range src {
			sums[j] += v
		}
	}
	sub := func(r int) {
		src := in[r*cols : (r+1)*cols]
		for j, v := range src {
			sums[j] -= v
		}
	}
	div := func() {
		c := float32(cnt)
		for j, s := range sums {
			out[j] = s / c
		}
		emit(oi, out)
		oi++
	}
	for range p1 {
		add(ri)
		cnt++
		ri++
	}
	for range p2 {
		add(ri)
		cnt++
		div()
		ri++
	}
	for range p3 {
		// Add then subtract per element, as the reference does.
		a := in[ri*cols : (ri+1)*cols]
		s := in[li*cols : (li+1)*cols]
		for j := range sums {
			v := sums[j] + a[j]
			sums[j] = v - s[j]
		}
		div()
		li++
		ri++
	}
	for range p4 {
		sub(li)
		cnt--
		div()
		li++
	}
}

// qualityMetric is the reference's pdqImageDomainQualityMetric: the sum of
// truncated, scaled absolute neighbour differences, divided by 90, capped.
func qualityMetric(a *[outDim][outDim]float32) int {
	sum := 0
	for i := range outDim - 1 {
		for j := range outDim {
			d := int(((a[i][j] - a[i+1][j]) * 100) / 255)
			sum += absInt(d)
		}
	}
	for i := range outDim {
		for j := range outDim - 1 {
			d := int(((a[i][j] - a[i][j+1]) * 100) / 255)
			sum += absInt(d)
		}
	}
	return min(sum/90, 100)
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// dct64To16 computes B = D A Dᵀ as T = D·A then T·Dᵀ in float32 with k
// ascending. Each product is converted explicitly so the compiler cannot
// fuse it into an FMA, which would change the rounding.
func dct64To16(a *[outDim][outDim]float32, b *[dctDim][dctDim]float32) {
	var t [dctDim][outDim]float32
	for i := range dctDim {
		d := &dctMatrix[i]
		ti := &t[i]
		// Accumulate row-wise over k to walk A by rows; each t[i][j] still
		// sums its 64 terms in k order.
		for k := range outDim {
			dk := d[k]
			ak := &a[k]
			for j := range outDim {
				ti[j] = ti[j] + float32(dk*ak[j])
			}
		}
	}
	for i := range dctDim {
		ti := &t[i]
		for j := range dctDim {
			dj := &dctMatrix[j]
			var s float32
			for k := range outDim {
				s = s + float32(ti[k]*dj[k])
			}
			b[i][j] = s
		}
	}
}

// median returns the lower median (rank 128 of 256) of the coefficients, the
// value Torben's algorithm returns in the reference.
func median(b *[dctDim][dctDim]float32) float32 {
	var v [dctDim * dctDim]float32
	for i := range dctDim {
		copy(v[i*dctDim:], b[i][:])
	}
	slices.Sort(v[:])
	return v[(len(v)+1)/2-1]
}

// bitsFromDCT sets bit 16i+j when B[i][j] is strictly above the median.
func bitsFromDCT(b *[dctDim][dctDim]float32) Hash {
	m := median(b)
	var h Hash
	for i := range dctDim {
		for j := range dctDim {
			if b[i][j] > m {
				h.setBit(i*dctDim + j)
			}
		}
	}
	return h
}

// dihedralFromDCT derives the eight dihedral hashes from the original DCT by
// sign changes and transposition (DCT row/column index i stands for
// frequency i+1, hence the parity tests).
func dihedralFromDCT(a *[dctDim][dctDim]float32) [8]Hash {
	var out [8]Hash
	var b [dctDim][dctDim]float32
	neg := func(v float32, keep bool) float32 {
		if keep {
			return v
		}
		return -v
	}
	out[0] = bitsFromDCT(a)
	for variant := 1; variant < 8; variant++ {
		for i := range dctDim {
			for j := range dctDim {
				v := a[i][j]
				switch variant {
				case 1: // rot90
					b[j][i] = neg(v, j&1 == 1)
				case 2: // rot180
					b[i][j] = neg(v, (i+j)&1 == 0)
				case 3: // rot270
					b[j][i] = neg(v, i&1 == 1)
				case 4: // flipx
					b[i][j] = neg(v, i&1 == 1)
				case 5: // flipy
					b[i][j] = neg(v, j&1 == 1)
				case 6: // flipplus1 (transpose)
					b[j][i] = v
				case 7: // flipminus1
					b[j][i] = neg(v, (i+j)&1 == 0)
				}
			}
		}
		out[variant] = bitsFromDCT(&b)
	}
	return out
}
