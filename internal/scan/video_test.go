package scan

import (
	"context"
	"errors"
	"testing"
)

func TestIsVideo(t *testing.T) {
	t.Parallel()
	ts := make([]byte, 3*188)
	ts[0], ts[188], ts[376] = 0x47, 0x47, 0x47
	for _, tc := range []struct {
		name string
		data []byte
		want bool
	}{
		{"mp4", []byte("\x00\x00\x00\x20ftypisom\x00\x00\x02\x00"), true},
		{"heic is an image", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00"), false},
		{"mov without ftyp", []byte("\x00\x00\x00\x08wide\x00\x00\x00\x00"), true},
		{"webm", []byte{0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86}, true},
		{"avi", []byte("RIFF\x00\x00\x00\x00AVI LIST"), true},
		{"webp is an image", []byte("RIFF\x00\x00\x00\x00WEBPVP8 "), false},
		{"flv", []byte("FLV\x01\x05"), true},
		{"ogg", []byte("OggS\x00\x02"), true},
		{"mpeg-ps", []byte{0, 0, 1, 0xba, 0x44}, true},
		{"mpeg-ts", ts, true},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"), false},
		{"jpeg", []byte{0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'J', 'F', 'I', 'F', 0, 1}, false},
		{"gif is an image", []byte("GIF89a\x01\x00\x01\x00\x00\x00"), false},
		{"zip", []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00ftyp"), false},
		{"short", []byte("ftyp"), false},
	} {
		if got := IsVideo(tc.data); got != tc.want {
			t.Errorf("%s: IsVideo = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestDecodeSlots: no more than MaxDecodes decodes hold a slot at once, and
// a waiter whose request ends gives up.
func TestDecodeSlots(t *testing.T) {
	t.Parallel()
	s := New(nil, nil, nil, nil, Config{MaxDecodes: 2})
	ctx := t.Context()
	r1, err1 := s.acquire(ctx)
	r2, err2 := s.acquire(ctx)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.acquire(cctx); !errors.Is(err, context.Canceled) {
		t.Errorf("third decode with both slots held: %v, want it to wait and give up", err)
	}
	r1()
	r3, err := s.acquire(cctx)
	if err != nil {
		// select may pick the cancelled context even with a free slot; the slot must still be free.
		if r3, err = s.acquire(ctx); err != nil {
			t.Fatal(err)
		}
	}
	r2()
	r3()
	if len(s.decodes) != 0 {
		t.Errorf("%d slots still held", len(s.decodes))
	}
}
