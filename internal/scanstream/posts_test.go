package scanstream_test

import (
	"errors"
	"testing"

	"github.com/nats-io/nats.go"

	"github.com/sigap/sigap/internal/scan"
	"github.com/sigap/sigap/internal/scanstream"
)

// FuzzEachPost feeds EachPost any message, single or batch: it never
// panics, hands out line numbers in increasing order, gives each post or a
// reason, and stops at the callback's first error.
func FuzzEachPost(f *testing.F) {
	f.Add([]byte(`{"channel":"kanal","message_id":"1","text":"x"}`), false)
	f.Add([]byte("{\"channel\":\"a\",\"message_id\":1}\n\nnot json\n{\"channel\":\"b\",\"message_id\":\"2\",\"links\":[\"t.me/x/1\"]}"), true)
	f.Add([]byte("\n\n\n"), true)
	f.Add([]byte(`{"channel":"a","message_id":"1","text":"\xff"}`), false)
	stop := errors.New("stop")
	f.Fuzz(func(t *testing.T, data []byte, batch bool) {
		h := nats.Header{}
		if batch {
			h.Set("Content-Type", scanstream.BatchContentType)
		}
		last, calls := 0, 0
		err := scanstream.EachPost(data, h, 4096, func(line int, p scan.Post, bad error) error {
			calls++
			if line <= last {
				t.Fatalf("line %d after line %d", line, last)
			}
			last = line
			if bad == nil && p.Channel == "" && p.MessageID == "" && p.Text == "" && len(p.Links) == 0 && len(p.Media) == 0 && len(data) > 4096 && !batch {
				t.Fatal("an oversized message decoded without error")
			}
			if calls == 3 {
				return stop
			}
			return nil
		})
		if calls >= 3 && !errors.Is(err, stop) {
			t.Fatalf("the callback's error was not returned: %v", err)
		}
		if calls < 3 && err != nil {
			t.Fatalf("error without the callback failing: %v", err)
		}
	})
}
