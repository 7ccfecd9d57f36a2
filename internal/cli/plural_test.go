package cli

import "testing"

func TestCount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		n    int64
		want string
	}{
		{0, "0 findings"},
		{1, "1 finding"},
		{2, "2 findings"},
		{1201, "1201 findings"},
	}
	for _, tt := range tests {
		if got := count(tt.n, "finding", "findings"); got != tt.want {
			t.Errorf("count(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}
