package aesgcm

import (
	"bytes"
	"errors"
	"testing"
)

func TestSealOpen(t *testing.T) {
	t.Parallel()
	key, other := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	about := []byte("receipt key")
	sealed, err := Seal(key, []byte("secret"), about)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := Seal(key, []byte("secret"), about); bytes.Equal(again, sealed) {
		t.Error("two seals of one value are the same: the nonce is not fresh")
	}
	if plain, err := Open(key, sealed, about); err != nil || string(plain) != "secret" {
		t.Fatalf("Open = %q, %v", plain, err)
	}
	flipped := bytes.Clone(sealed)
	flipped[len(flipped)-1] ^= 1
	for _, tc := range []struct {
		name            string
		key, box, about []byte
		want            error
	}{
		{"another key", other, sealed, about, ErrNotOpened},
		{"sealed as something else", key, sealed, []byte("log key"), ErrNotOpened},
		{"changed", key, flipped, about, ErrNotOpened},
		{"cut to less than a nonce", key, sealed[:5], about, ErrTooShort},
		{"empty", key, nil, about, ErrTooShort},
	} {
		if plain, err := Open(tc.key, tc.box, tc.about); !errors.Is(err, tc.want) || plain != nil {
			t.Errorf("%s: Open = %q, %v; want %v", tc.name, plain, err, tc.want)
		}
	}
	for _, bad := range [][]byte{nil, make([]byte, 31), make([]byte, 33)} {
		if _, err := Seal(bad, []byte("x"), about); err == nil {
			t.Errorf("Seal with a %d-byte key succeeded", len(bad))
		}
		if _, err := Open(bad, sealed, about); err == nil {
			t.Errorf("Open with a %d-byte key succeeded", len(bad))
		}
	}
}
