package web

import "testing"

func TestAuditCommand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, dir, db, want string
	}{
		{"SQLite in the data dir", "/srv/sigap-data", "", "sigap log verify --data /srv/sigap-data --previous checkpoint.txt"},
		{"a path with a space and a quote", "/srv/sigap data/it's", "", `sigap log verify --data '/srv/sigap data/it'\''s' --previous checkpoint.txt`},
		{"PostgreSQL, password hidden", "/srv/sigap", "postgres://sigap:s3cret@db.internal:5432/sigap?sslmode=disable",
			"sigap log verify --data /srv/sigap --db 'postgres://sigap:PASSWORD@db.internal:5432/sigap?sslmode=disable' --previous checkpoint.txt"},
		{"PostgreSQL without a password", "/srv/sigap", "postgres://sigap@db/sigap",
			"sigap log verify --data /srv/sigap --db postgres://sigap@db/sigap --previous checkpoint.txt"},
		{"no data dir known", "", "", "sigap log verify --data DATA_DIR --previous checkpoint.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := auditCommand(tt.dir, tt.db); got != tt.want {
				t.Errorf("auditCommand(%q, %q)\n got %s\nwant %s", tt.dir, tt.db, got, tt.want)
			}
		})
	}
}
