package edverify_test

import (
	"bufio"
	"crypto/ed25519"
	"crypto/sha512"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"filippo.io/edwards25519"
	"filippo.io/edwards25519/field"
	"pgregory.net/rapid"

	"github.com/sigap/sigap/internal/edverify"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fataler is what testing.TB and rapid.T share that the helpers use.
type fataler interface {
	Helper()
	Fatal(args ...any)
}

func mustKey(t fataler, pub []byte) *edverify.PublicKey {
	t.Helper()
	k, err := edverify.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestRFC8032 checks the RFC 8032 section 7.1 vectors (TEST 1 to 3), and
// that each fails once any bit of its signature, message or key is flipped.
func TestRFC8032(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, pub, msg, sig string }{
		{"TEST 1", "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
			"e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
		{"TEST 2", "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
			"92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
		{"TEST 3", "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
			"6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pub, msg, sig := unhex(t, tt.pub), unhex(t, tt.msg), unhex(t, tt.sig)
			key := mustKey(t, pub)
			if !key.Verify(msg, sig) {
				t.Fatal("the RFC's signature does not verify")
			}
			for i, part := range [][]byte{sig, msg, pub} {
				for bit := range 8 * len(part) {
					part[bit/8] ^= 1 << (bit % 8)
					k := key
					if i == 2 {
						k = mustKey(t, pub)
					}
					got := k.Verify(msg, sig)
					want := ed25519.Verify(pub, msg, sig)
					part[bit/8] ^= 1 << (bit % 8)
					if got != want || got {
						t.Fatalf("bit %d flipped: verifies %v, crypto/ed25519 %v; want both false", bit, got, want)
					}
				}
			}
		})
	}
}

// TestSignInput checks the first 64 vectors of the SUPERCOP sign.input file
// crypto/ed25519 tests with (secret+public:public:message:signature+message).
func TestSignInput(t *testing.T) {
	t.Parallel()
	f, err := os.Open("testdata/sign.input")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		parts := strings.Split(sc.Text(), ":")
		if len(parts) != 5 {
			t.Fatalf("line %d: %d parts", n+1, len(parts))
		}
		pub, msg, sig := unhex(t, parts[1]), unhex(t, parts[2]), unhex(t, parts[3])[:ed25519.SignatureSize]
		if !mustKey(t, pub).Verify(msg, sig) {
			t.Errorf("line %d does not verify", n+1)
		}
		n++
	}
	if err := sc.Err(); err != nil || n != 64 {
		t.Fatalf("read %d vectors: %v", n, err)
	}
}

func TestNewPublicKeyRefusesWrongLength(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 31, 33, 64} {
		if _, err := edverify.NewPublicKey(make([]byte, n)); err == nil {
			t.Errorf("a %d-byte key was taken", n)
		}
	}
}

// fieldP is 2^255-19, little-endian.
var fieldP = func() [32]byte {
	var p [32]byte
	for i := range p {
		p[i] = 0xff
	}
	p[0], p[31] = 0xed, 0x7f
	return p
}()

// addP returns the non-canonical encoding y+p of a y below 19 (the only
// field elements that have one), keeping the sign bit.
func addP(enc []byte) []byte {
	out := fieldP
	carry := uint16(0)
	for i := range 32 {
		v := uint16(out[i]) + uint16(enc[i]&^(func() byte {
			if i == 31 {
				return 0x80
			}
			return 0
		}())) + carry
		out[i], carry = byte(v), v>>8
	}
	out[31] = out[31]&0x7f | enc[31]&0x80
	return out[:]
}

// lowOrder returns the eight points of order dividing 8 (the torsion
// subgroup), found as the torsion part of a point: T = P - [1/8]([8]P).
func lowOrder(t testing.TB) []*edwards25519.Point {
	t.Helper()
	eighth, err := edwards25519.NewScalar().SetCanonicalBytes(append([]byte{8}, make([]byte, 31)...))
	if err != nil {
		t.Fatal(err)
	}
	eighth.Invert(eighth)
	var gen *edwards25519.Point
	for i := byte(0); gen == nil; i++ {
		h := sha512.Sum512([]byte{i})
		p, err := new(edwards25519.Point).SetBytes(h[:32])
		if err != nil {
			continue
		}
		p8 := new(edwards25519.Point).MultByCofactor(p)
		tors := new(edwards25519.Point).Subtract(p, new(edwards25519.Point).ScalarMult(eighth, p8))
		// A generator of the torsion subgroup has order 8: [4]T is not the identity.
		t4 := new(edwards25519.Point).Add(tors, tors)
		t4.Add(t4, t4)
		if t4.Equal(edwards25519.NewIdentityPoint()) == 0 {
			gen = tors
		}
	}
	out := []*edwards25519.Point{edwards25519.NewIdentityPoint()}
	for len(out) < 8 {
		out = append(out, new(edwards25519.Point).Add(out[len(out)-1], gen))
	}
	return out
}

// TestAgreesWithCryptoEd25519 draws keys, messages and signatures, valid and
// hostile (small-order and mixed-order keys and R, non-canonical encodings
// of A and R, S at or above the group order, flipped bits, random bytes),
// and requires Verify to answer exactly what crypto/ed25519.Verify answers.
func TestAgreesWithCryptoEd25519(t *testing.T) {
	t.Parallel()
	torsion := lowOrder(t)
	var seen tally
	rapid.Check(t, func(rt *rapid.T) {
		seed := rapid.SliceOfN(rapid.Byte(), 32, 32).Draw(rt, "seed")
		priv := ed25519.NewKeyFromSeed(seed)
		pub := append([]byte(nil), priv.Public().(ed25519.PublicKey)...)
		msg := rapid.SliceOfN(rapid.Byte(), 0, 300).Draw(rt, "msg")
		sig := ed25519.Sign(priv, msg)
		switch rapid.IntRange(0, 9).Draw(rt, "case") {
		case 0: // a valid signature
		case 1: // a flipped bit of the signature, message or key
			part := rapid.SampledFrom([][]byte{sig, pub, msg}).Draw(rt, "part")
			if len(part) > 0 {
				bit := rapid.IntRange(0, 8*len(part)-1).Draw(rt, "bit")
				part[bit/8] ^= 1 << (bit % 8)
			}
		case 2: // random bytes for the key, R or S
			part := rapid.SampledFrom([][]byte{pub, sig[:32], sig[32:]}).Draw(rt, "part")
			copy(part, rapid.SliceOfN(rapid.Byte(), 32, 32).Draw(rt, "bytes"))
		case 3: // S + l (non-canonical), or S with its top bits set
			s, err := edwards25519.NewScalar().SetCanonicalBytes(sig[32:])
			if err != nil {
				rt.Fatal(err)
			}
			copy(sig[32:], addOrder(s.Bytes()))
			if rapid.Bool().Draw(rt, "top bits") {
				sig[63] |= byte(rapid.IntRange(1, 7).Draw(rt, "bits")) << 5
			}
		case 4, 5: // a mixed- or small-order key and R, signed so that the cofactor matters
			mixedOrder(rt, torsion, &pub, &sig, msg)
		case 6: // a small-order key, with R a small-order point and S zero or random
			copy(pub, rapid.SampledFrom(torsion).Draw(rt, "A").Bytes())
			copy(sig[:32], rapid.SampledFrom(torsion).Draw(rt, "R").Bytes())
			switch rapid.IntRange(0, 2).Draw(rt, "S") {
			case 0:
				clear(sig[32:])
			case 1: // R = [S]B - [k]A holds whenever [k]A is the identity
				s, _ := edwards25519.NewScalar().SetCanonicalBytes(sig[32:])
				copy(sig[:32], new(edwards25519.Point).ScalarBaseMult(s).Bytes())
			}
			if small := pub[0] < 19 && allZero(pub[1:31]) && pub[31]&0x7f == 0; small && rapid.Bool().Draw(rt, "A+p") {
				// The identity and the points of order 4 (y = 1 and y = 0) have an
				// encoding y+p, which goes into k as it is.
				copy(pub, addP(pub))
			}
		case 7: // non-canonical encodings: y+p for the small y, and x=0 with the sign bit set
			part := rapid.SampledFrom([][]byte{pub, sig[:32]}).Draw(rt, "part")
			enc := make([]byte, 32)
			enc[0] = byte(rapid.IntRange(0, 18).Draw(rt, "y"))
			enc[31] = byte(rapid.IntRange(0, 1).Draw(rt, "sign")) << 7
			if rapid.Bool().Draw(rt, "plus p") {
				enc = addP(enc)
			}
			copy(part, enc)
		case 8: // a signature truncated or extended
			sig = sig[:rapid.IntRange(0, 63).Draw(rt, "len")]
			if rapid.Bool().Draw(rt, "extend") {
				sig = append(ed25519.Sign(priv, msg), 0)
			}
		case 9: // a key that is not a point
			for {
				copy(pub, rapid.SliceOfN(rapid.Byte(), 32, 32).Draw(rt, "not a point"))
				if _, err := new(edwards25519.Point).SetBytes(pub); err != nil {
					break
				}
			}
		}
		seen.check(rt, mustKey(rt, pub), pub, msg, sig)
	})
	seen.both(t)
}

// tally counts the verdicts of crypto/ed25519 that check compared Verify with.
type tally struct{ valid, invalid int }

// errorer is what testing.TB and rapid.T share that check uses.
type errorer interface {
	Helper()
	Errorf(format string, args ...any)
}

// check requires k.Verify to answer as crypto/ed25519.Verify does.
func (c *tally) check(t errorer, k *edverify.PublicKey, pub, msg, sig []byte) {
	t.Helper()
	want := ed25519.Verify(pub, msg, sig)
	if got := k.Verify(msg, sig); got != want {
		t.Errorf("Verify(pub %x, msg %x, sig %x) = %v, crypto/ed25519 says %v", pub, msg, sig, got, want)
	}
	if want {
		c.valid++
	} else {
		c.invalid++
	}
}

// both fails a test whose cases were all valid or all invalid: it would
// not have compared what it means to.
func (c *tally) both(t *testing.T) {
	t.Helper()
	if c.valid == 0 || c.invalid == 0 {
		t.Errorf("%d valid and %d invalid signatures; want both", c.valid, c.invalid)
	}
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// groupOrder is l, little-endian.
var groupOrder = [32]byte{0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10}

// addOrder returns s + l, a non-canonical scalar encoding (it fits in 32 bytes).
func addOrder(s []byte) []byte {
	out := make([]byte, 32)
	carry := uint16(0)
	for i := range 32 {
		v := uint16(s[i]) + uint16(groupOrder[i]) + carry
		out[i], carry = byte(v), v>>8
	}
	return out
}

// mixedOrder replaces the key by A = [a]B + T_A and signs msg with
// R = [r]B + T_R and S = r + k·a: a signature that only a cofactored
// verification would always take, and a cofactorless one takes exactly
// when T_R = -[k]T_A; or, with S = k·a - r, a signature whose R matches the
// point computed but for its sign.
func mixedOrder(rt *rapid.T, torsion []*edwards25519.Point, pub, sig *[]byte, msg []byte) {
	scalar := func(label string) *edwards25519.Scalar {
		s, err := edwards25519.NewScalar().SetUniformBytes(rapid.SliceOfN(rapid.Byte(), 64, 64).Draw(rt, label))
		if err != nil {
			rt.Fatal(err)
		}
		return s
	}
	a, r := scalar("a"), scalar("r")
	if rapid.Bool().Draw(rt, "small-order key") {
		a = edwards25519.NewScalar()
	}
	tA := rapid.SampledFrom(torsion).Draw(rt, "T_A")
	A := new(edwards25519.Point).Add(new(edwards25519.Point).ScalarBaseMult(a), tA)
	encA := A.Bytes()
	var R *edwards25519.Point
	var k *edwards25519.Scalar
	for range 2 {
		tR := rapid.SampledFrom(torsion).Draw(rt, "T_R")
		if k != nil && rapid.Bool().Draw(rt, "T_R = -[k]T_A") {
			tR = new(edwards25519.Point).Negate(new(edwards25519.Point).ScalarMult(k, tA))
		}
		R = new(edwards25519.Point).Add(new(edwards25519.Point).ScalarBaseMult(r), tR)
		h := sha512.New()
		h.Write(R.Bytes())
		h.Write(encA)
		h.Write(msg)
		var err error
		if k, err = edwards25519.NewScalar().SetUniformBytes(h.Sum(nil)); err != nil {
			rt.Fatal(err)
		}
	}
	// The second R's k is the one that counts; the first pass only chose T_R.
	S := edwards25519.NewScalar().MultiplyAdd(k, a, r)
	if rapid.Bool().Draw(rt, "S for -R") {
		// [S]B - [k]A is then -[r]B - [k]T_A: R's y but, T aside, not its sign.
		S.MultiplyAdd(k, a, edwards25519.NewScalar().Negate(r))
	}
	*pub = encA
	*sig = append(append([]byte(nil), R.Bytes()...), S.Bytes()...)
}

func BenchmarkVerify(b *testing.B) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	msg := []byte(`"@method": POST` + "\n" + `"@target-uri": http://127.0.0.1:8080/v1/notices` + "\n" +
		`"content-digest": sha-256=:ls7auh5IpXsAg3khhemEpOdSVe3owTaJsTFyjEeqCOM=:` + "\n" +
		`"@signature-params": ("@method" "@target-uri" "content-digest");created=1796605200;keyid="bench";alg="ed25519"`)
	sig := ed25519.Sign(priv, msg)
	b.Run("crypto/ed25519", func(b *testing.B) {
		for b.Loop() {
			if !ed25519.Verify(pub, msg, sig) {
				b.Fatal("does not verify")
			}
		}
	})
	b.Run("edverify", func(b *testing.B) {
		k := mustKey(b, pub)
		for b.Loop() {
			if !k.Verify(msg, sig) {
				b.Fatal("does not verify")
			}
		}
	})
	b.Run("edverify-first-use", func(b *testing.B) {
		for b.Loop() {
			if !mustKey(b, pub).Verify(msg, sig) {
				b.Fatal("does not verify")
			}
		}
	})
}

// encodings returns p's canonical encoding and the non-canonical ones that
// decode to it: y+p where y is below 19, and the sign bit set where x is 0.
func encodings(p *edwards25519.Point) [][]byte {
	canon := p.Bytes()
	out := [][]byte{canon}
	if canon[0] < 19 && allZero(canon[1:31]) && canon[31]&0x7f == 0 {
		out = append(out, addP(canon))
	}
	if x, _, _, _ := p.ExtendedCoordinates(); x.Equal(new(field.Element)) == 1 {
		neg := append([]byte(nil), canon...)
		neg[31] |= 0x80
		out = append(out, neg)
		if neg[0] < 19 && allZero(neg[1:31]) {
			out = append(out, addP(neg))
		}
	}
	return out
}

// TestSmallOrderAndNonCanonical goes through every small-order key and
// every encoding of it, and of R, the ones RFC 8032 calls non-canonical
// too, with S zero, one, random and non-canonical: Verify must answer each
// as crypto/ed25519 does.
func TestSmallOrderAndNonCanonical(t *testing.T) {
	t.Parallel()
	torsion := lowOrder(t)
	s := edwards25519.NewScalar()
	if _, err := s.SetUniformBytes(bytesOf(64, 7)); err != nil {
		t.Fatal(err)
	}
	one, _ := edwards25519.NewScalar().SetCanonicalBytes(append([]byte{1}, make([]byte, 31)...))
	scalars := [][]byte{make([]byte, 32), one.Bytes(), s.Bytes(), addOrder(s.Bytes())}
	sB := new(edwards25519.Point).ScalarBaseMult(s)
	var keys, rs [][]byte
	for _, tp := range torsion {
		keys = append(keys, encodings(tp)...)
		rs = append(rs, encodings(tp)...)
		rs = append(rs, new(edwards25519.Point).Add(sB, tp).Bytes(), new(edwards25519.Point).Subtract(tp, sB).Bytes())
	}
	if len(keys) != 14 {
		t.Fatalf("%d encodings of the small-order points; want 8 canonical and 6 others", len(keys))
	}
	var seen tally
	for _, pub := range keys {
		k := mustKey(t, pub)
		for _, r := range rs {
			for _, sc := range scalars {
				for m := range 4 {
					msg := bytesOf(m, byte(m))
					seen.check(t, k, pub, msg, append(append([]byte(nil), r...), sc...))
				}
			}
		}
	}
	seen.both(t)
}

func bytesOf(n int, b byte) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = b + byte(i)
	}
	return out
}

// FuzzVerify holds Verify to crypto/ed25519 on any key, message and
// signature bytes.
func FuzzVerify(f *testing.F) {
	f.Add(unhex(f, "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"), []byte{0x72},
		unhex(f, "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"))
	f.Fuzz(func(t *testing.T, pub, msg, sig []byte) {
		k, err := edverify.NewPublicKey(pub)
		if len(pub) != ed25519.PublicKeySize {
			if err == nil {
				t.Fatalf("a %d-byte key was taken", len(pub))
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if got, want := k.Verify(msg, sig), ed25519.Verify(pub, msg, sig); got != want {
			t.Fatalf("Verify(pub %x, msg %x, sig %x) = %v, crypto/ed25519 says %v", pub, msg, sig, got, want)
		}
	})
}
