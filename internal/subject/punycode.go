package subject

import (
	"errors"
	"math"
	"strings"
)

// errPunycode reports a label too long to encode.
var errPunycode = errors.New("label too long for Punycode")

// RFC 3492 parameters.
const (
	pcBase        = 36
	pcTMin        = 1
	pcTMax        = 26
	pcSkew        = 38
	pcDamp        = 700
	pcInitialBias = 72
	pcInitialN    = 128
)

// punycode encodes one host label as an "xn--" ACE label (RFC 3492). It is the
// only part of IDNA this package needs: golang.org/x/net/idna is not a
// dependency, and the mapping step is done by the caller.
func punycode(label string) (string, error) {
	runes := []rune(label)
	if len(runes) > 63 {
		return "", errPunycode
	}
	var out strings.Builder
	out.WriteString("xn--")
	b := 0
	for _, r := range runes {
		if r < 0x80 {
			out.WriteRune(r)
			b++
		}
	}
	if b > 0 {
		out.WriteByte('-')
	}
	n, delta, bias, h := pcInitialN, 0, pcInitialBias, b
	for h < len(runes) {
		m := math.MaxInt32
		for _, r := range runes {
			if int(r) >= n && int(r) < m {
				m = int(r)
			}
		}
		delta += (m - n) * (h + 1)
		n = m
		for _, r := range runes {
			if int(r) < n {
				delta++
			}
			if int(r) != n {
				continue
			}
			q := delta
			for k := pcBase; ; k += pcBase {
				t := k - bias
				if t < pcTMin {
					t = pcTMin
				} else if t > pcTMax {
					t = pcTMax
				}
				if q < t {
					break
				}
				out.WriteByte(pcDigit(t + (q-t)%(pcBase-t)))
				q = (q - t) / (pcBase - t)
			}
			out.WriteByte(pcDigit(q))
			bias = pcAdapt(delta, h+1, h == b)
			delta = 0
			h++
		}
		delta++
		n++
	}
	return out.String(), nil
}

func pcDigit(d int) byte {
	if d < 26 {
		return byte('a' + d)
	}
	return byte('0' + d - 26)
}

func pcAdapt(delta, numPoints int, first bool) int {
	if first {
		delta /= pcDamp
	} else {
		delta /= 2
	}
	delta += delta / numPoints
	k := 0
	for delta > ((pcBase-pcTMin)*pcTMax)/2 {
		delta /= pcBase - pcTMin
		k += pcBase
	}
	return k + (pcBase-pcTMin+1)*delta/(delta+pcSkew)
}
