package web

import (
	"slices"
	"testing"
)

func TestSplitLinks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text string
		want       []string
	}{
		{"one a line", "t.me/a/1\nhttps://t.me/b/2\r\n", []string{"t.me/a/1", "https://t.me/b/2"}},
		{"several on a line", "t.me/a/1 t.me/b/2\tt.me/c/3", []string{"t.me/a/1", "t.me/b/2", "t.me/c/3"}},
		{"a note is one line", "Mohon hapus kanal berikut:\nt.me/a/1", []string{"Mohon hapus kanal berikut:", "t.me/a/1"}},
		{"a word beside a link is one line", "kanal t.me/a/1", []string{"kanal t.me/a/1"}},
		{"one word", "hapus\nt.me/a/1", []string{"hapus", "t.me/a/1"}},
		{"blank lines and spaces", "\n  \n t.me/a/1  \n\n", []string{"t.me/a/1"}},
		{"nothing", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := splitLinks(tt.text); !slices.Equal(got, tt.want) {
				t.Errorf("splitLinks(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
	// The preview counts the note as one refused line.
	c := checkLinks(splitLinks("Mohon hapus kanal berikut ini segera\nt.me/kanalsatu/1"), false)
	if c.NRefused != 1 || len(c.Recognised) != 1 {
		t.Errorf("preview: %d refused, %d recognised; want 1 and 1", c.NRefused, len(c.Recognised))
	}
}
