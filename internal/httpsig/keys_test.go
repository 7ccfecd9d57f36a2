package httpsig_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/httpsig"
)

func TestCheckKeyID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		keyid string
		ok    bool
	}{
		{"komdigi-2026", true},
		{`with "quotes" and \ spaces`, true},
		{"", false},
		{strings.Repeat("k", 129), false},
		{"tab\there", false},
		{"kunci-é", false},
	}
	for _, tt := range tests {
		if err := httpsig.CheckKeyID(tt.keyid); (err == nil) != tt.ok {
			t.Errorf("CheckKeyID(%q) = %v, want ok %v", tt.keyid, err, tt.ok)
		}
	}
}

func TestParsePublicKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		alg, key string
		ok       bool
	}{
		{"ed25519", "JrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=", true},
		{"Ed25519", "JrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=", false},
		{"ed25519", "JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs", false},
		{"ed25519", "AAAA", false},
	}
	for _, tt := range tests {
		if _, err := httpsig.ParsePublicKey(tt.alg, tt.key); (err == nil) != tt.ok {
			t.Errorf("ParsePublicKey(%q, %q) = %v, want ok %v", tt.alg, tt.key, err, tt.ok)
		}
	}
}

func TestCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want string
	}{
		{httpsig.ErrUnsigned, "signature_required"},
		{fmt.Errorf("%w: created 400 s ago", httpsig.ErrExpired), "signature_expired"},
		{fmt.Errorf("%w: digest", httpsig.ErrInvalid), "signature_invalid"},
		{fmt.Errorf("%w %q", httpsig.ErrUnknownKey, "k"), "signature_invalid"},
		{errors.New("database down"), ""},
	}
	for _, tt := range tests {
		if got := httpsig.Code(tt.err); got != tt.want {
			t.Errorf("Code(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
