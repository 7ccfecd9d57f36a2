package edverify

import (
	"crypto/ed25519"
	"crypto/sha512"
	"crypto/subtle"
	"errors"
	"sync"

	"filippo.io/edwards25519"
	"filippo.io/edwards25519/field"
)

// window is the width in bits of a scalar's signed digits: a table holds
// 2^(window-1) multiples for each of the ceil(256/window) digit positions,
// and a verification adds one entry a nonzero digit. 8 bits make a table
// 32×128 entries (480 KiB, built in a few milliseconds) and a verification
// 2×32 additions; 6 bits (160 KiB) were 15-20% slower here.
const window = 8

const (
	digits = (256 + window - 1) / window
	half   = 1 << (window - 1)
)

// PublicKey is an Ed25519 public key prepared to verify many signatures.
// Its table is built on the first Verify, so a key that verifies nothing
// costs nothing. It is safe for concurrent use.
type PublicKey struct {
	enc   [32]byte
	point *edwards25519.Point // nil: the encoding is not a point, and no signature verifies
	once  sync.Once
	neg   *table // multiples of -A
}

// NewPublicKey prepares pub. It fails only for a key that is not 32 bytes
// (crypto/ed25519.Verify panics on one); a key whose bytes are not a curve
// point is taken, and refuses every signature as crypto/ed25519 does.
func NewPublicKey(pub ed25519.PublicKey) (*PublicKey, error) {
	if len(pub) != ed25519.PublicKeySize {
		return nil, errors.New("edverify: a public key is 32 bytes")
	}
	k := &PublicKey{}
	copy(k.enc[:], pub)
	if p, err := new(edwards25519.Point).SetBytes(pub); err == nil {
		k.point = p
	}
	return k, nil
}

// Verify reports whether sig is a valid signature of msg by k, with the
// rules of crypto/ed25519.Verify: cofactorless, S canonical (below the
// group order), R compared by its encoding (so a non-canonical R fails), and
// A hashed as its bytes were given.
func (k *PublicKey) Verify(msg, sig []byte) bool {
	if k.point == nil || len(sig) != ed25519.SignatureSize || sig[63]&224 != 0 {
		return false
	}
	h := sha512.New()
	h.Write(sig[:32])
	h.Write(k.enc[:])
	h.Write(msg)
	var sum [sha512.Size]byte
	kScalar, err := new(edwards25519.Scalar).SetUniformBytes(h.Sum(sum[:0]))
	if err != nil {
		return false // cannot happen: the digest is 64 bytes
	}
	s, err := new(edwards25519.Scalar).SetCanonicalBytes(sig[32:])
	if err != nil {
		return false
	}
	k.once.Do(func() { k.neg = newTable(new(edwards25519.Point).Negate(k.point)) })
	// [S]B = R + [k]A, so R = [k](-A) + [S]B, as crypto/ed25519 checks it.
	var acc extended
	acc.identity()
	k.neg.addMultiple(&acc, kScalar)
	baseTable().addMultiple(&acc, s)
	var r [32]byte
	acc.encode(&r)
	return subtle.ConstantTimeCompare(r[:], sig[:32]) == 1
}

// baseTable is the table of the generator B, built once a process.
var baseTable = sync.OnceValue(func() *table { return newTable(edwards25519.NewGeneratorPoint()) })

// extended is a point in extended coordinates: x = X/Z, y = Y/Z, xy = T/Z.
type extended struct{ X, Y, Z, T field.Element }

func (p *extended) identity() {
	p.X.Zero()
	p.Y.One()
	p.Z.One()
	p.T.Zero()
}

// niels is an affine point as the mixed addition wants it: y+x, y-x, 2dxy.
type niels struct{ yPlusX, yMinusX, t2d field.Element }

// add sets p to p + q, or to p - q when negative (the negative of (x, y) is
// (-x, y): y+x and y-x trade places and 2dxy changes sign).
// Formulas of Hisil, Wong, Carter and Dawson 2008, section 3.1, as
// edwards25519's own AddAffine and SubAffine.
func (p *extended) add(q *niels, negative bool) {
	var yPlusX, yMinusX, pp, mm, tt2d, z2 field.Element
	yPlusX.Add(&p.Y, &p.X)
	yMinusX.Subtract(&p.Y, &p.X)
	qPlus, qMinus := &q.yPlusX, &q.yMinusX
	if negative {
		qPlus, qMinus = qMinus, qPlus
	}
	pp.Multiply(&yPlusX, qPlus)
	mm.Multiply(&yMinusX, qMinus)
	tt2d.Multiply(&p.T, &q.t2d)
	z2.Add(&p.Z, &p.Z)
	// The completed point (X:Y:Z:T) of the sum, then back to extended.
	var x, y, z, t field.Element
	x.Subtract(&pp, &mm)
	y.Add(&pp, &mm)
	if negative {
		z.Subtract(&z2, &tt2d)
		t.Add(&z2, &tt2d)
	} else {
		z.Add(&z2, &tt2d)
		t.Subtract(&z2, &tt2d)
	}
	p.X.Multiply(&x, &t)
	p.Y.Multiply(&y, &z)
	p.Z.Multiply(&z, &t)
	p.T.Multiply(&x, &y)
}

// encode writes p's RFC 8032 encoding, as edwards25519.Point.Bytes does.
func (p *extended) encode(out *[32]byte) {
	var zInv, x, y field.Element
	zInv.Invert(&p.Z)
	x.Multiply(&p.X, &zInv)
	y.Multiply(&p.Y, &zInv)
	copy(out[:], y.Bytes())
	out[31] |= byte(x.IsNegative() << 7)
}

// table holds [j·2^(window·i)]P for i < digits and 1 <= j <= half, at
// entries[i*half+j-1].
type table struct{ entries []niels }

var d2 = func() *field.Element {
	d, err := new(field.Element).SetBytes([]byte{
		0xa3, 0x78, 0x59, 0x13, 0xca, 0x4d, 0xeb, 0x75, 0xab, 0xd8, 0x41, 0x41, 0x4d, 0x0a, 0x70, 0x00,
		0x98, 0xe8, 0x79, 0x77, 0x79, 0x40, 0xc7, 0x8c, 0x73, 0xfe, 0x6f, 0x2b, 0xee, 0x6c, 0x03, 0x52})
	if err != nil {
		panic(err)
	}
	return d.Add(d, d)
}()

// newTable tables the multiples of p, its coordinates made affine with one
// inversion for all of them (Montgomery's trick).
func newTable(p *edwards25519.Point) *table {
	points := make([]edwards25519.Point, digits*half)
	base := new(edwards25519.Point).Set(p)
	for i := range digits {
		row := points[i*half : (i+1)*half]
		row[0].Set(base)
		for j := 1; j < half; j++ {
			row[j].Add(&row[j-1], base)
		}
		base.Add(&row[half-1], &row[half-1]) // [2^window]base
	}
	xs := make([]field.Element, len(points))
	ys := make([]field.Element, len(points))
	zs := make([]field.Element, len(points))
	prefix := make([]field.Element, len(points))
	var acc field.Element
	acc.One()
	for i := range points {
		x, y, z, _ := points[i].ExtendedCoordinates()
		xs[i], ys[i], zs[i] = *x, *y, *z
		prefix[i].Set(&acc)
		acc.Multiply(&acc, z)
	}
	inv := new(field.Element).Invert(&acc) // 1/(z0·z1·…·zn)
	t := &table{entries: make([]niels, len(points))}
	for i := len(points) - 1; i >= 0; i-- {
		var zInv, x, y, xy field.Element
		zInv.Multiply(inv, &prefix[i]) // 1/zi
		inv.Multiply(inv, &zs[i])      // 1/(z0·…·z(i-1))
		x.Multiply(&xs[i], &zInv)
		y.Multiply(&ys[i], &zInv)
		e := &t.entries[i]
		e.yPlusX.Add(&y, &x)
		e.yMinusX.Subtract(&y, &x)
		xy.Multiply(&x, &y)
		e.t2d.Multiply(&xy, d2)
	}
	return t
}

// addMultiple adds [s]P to acc: s in signed digits of window bits, each
// nonzero one an entry of the table, added or subtracted. Variable time, as
// crypto/ed25519's verification is: nothing in it is secret.
func (t *table) addMultiple(acc *extended, s *edwards25519.Scalar) {
	var ds [digits]int32
	signedDigits(&ds, s.Bytes())
	for i, d := range ds {
		switch {
		case d > 0:
			acc.add(&t.entries[i*half+int(d)-1], false)
		case d < 0:
			acc.add(&t.entries[i*half+int(-d)-1], true)
		}
	}
}

// signedDigits writes the little-endian 32-byte scalar b (below 2^253, as
// every reduced scalar is) as digits d[i] in [-half, half) with
// sum d[i]·2^(window·i) equal to it.
func signedDigits(d *[digits]int32, b []byte) {
	var carry int32
	for i := range digits {
		bit := i * window
		var v uint32
		for j := range 3 { // the window's bits lie within three bytes
			if k := bit/8 + j; k < len(b) {
				v |= uint32(b[k]) << (8 * j)
			}
		}
		x := int32(v>>(bit%8)&(1<<window-1)) + carry
		carry = (x + half) >> window
		d[i] = x - carry<<window
	}
}
