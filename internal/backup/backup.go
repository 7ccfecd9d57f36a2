package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/sigap/sigap/internal/store"
)

// ManifestFile names the manifest inside a backup directory.
const ManifestFile = "backup.json"

// DatabaseFile is the SQLite database inside a backup (and a data dir):
// `sigap serve --data DIR` opens it there.
const DatabaseFile = "sigap.db"

// DumpFile is the PostgreSQL dump inside a backup (pg_dump --format=custom).
const DumpFile = "sigap.pgdump"

// KeyFiles are the keys app.New reads from the data dir; the first three
// are needed to go on signing as the same service (an empty data dir would
// get new keys, and receipts, checkpoints and DSA puids already issued would
// no longer check out). The key rings exist once `sigap keys rotate` has run:
// they hold every receipt and log key since, retired ones too. Any other
// *.key file in the data dir is copied too.
var KeyFiles = []string{"receipt-signing.key", "log-signing.key", "dsa-puid.key", "admin.key",
	"receipt-signing.keyring", "log-signing.keyring"}

// requiredKeys are the KeyFiles a backup refuses to go without.
const requiredKeys = 3

// Manifest describes a backup: what it holds and where the log stood.
type Manifest struct {
	CreatedAt time.Time `json:"created_at"`
	Version   string    `json:"sigap_version"`
	// Engine is "sqlite" or "postgres".
	Engine string `json:"engine"`
	// PGSchema is the schema the dump holds when the database URL named one
	// (search_path); a restore puts the tables back into that schema.
	PGSchema string `json:"pg_schema,omitempty"`
	// LogSize is how many entries the copy's transparency log holds
	// (PostgreSQL: at least; read just before the dump's snapshot).
	LogSize int64 `json:"log_size"`
	// Checkpoint is the newest signed checkpoint in the copy, as a note.
	Checkpoint     string `json:"checkpoint,omitempty"`
	CheckpointSize int64  `json:"checkpoint_size"`
	// Files maps every file of the backup to its SHA-256 (hex).
	Files map[string]string `json:"files"`
}

// Options say what to back up and where to.
type Options struct {
	DataDir string
	// DB is the database URL as `sigap serve --db` takes it ("" for SQLite in DataDir).
	DB  string
	Out string
	// Progress, if not nil, hears one line now and then during a long copy.
	Progress func(line string)
	// Now stamps the manifest (default time.Now).
	Now func() time.Time
}

// Create writes a consistent backup of the running service into o.Out, which
// must not exist or be empty. It builds the backup in a temporary directory
// beside o.Out and renames it into place, so o.Out is either absent or whole.
func Create(ctx context.Context, o Options) (Manifest, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Progress == nil {
		o.Progress = func(string) {}
	}
	if o.DataDir == "" || o.Out == "" {
		return Manifest{}, errors.New("backup: give the data dir and the output dir")
	}
	if err := emptyOrAbsent(o.Out); err != nil {
		return Manifest{}, err
	}
	keys, err := keyFiles(o.DataDir)
	if err != nil {
		return Manifest{}, err
	}
	parent := filepath.Dir(filepath.Clean(o.Out))
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return Manifest{}, fmt.Errorf("backup: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, ".sigap-backup-*")
	if err != nil {
		return Manifest{}, fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	m := Manifest{CreatedAt: o.Now().UTC(), Version: version(), Files: map[string]string{}}
	// The keys first: they never change, and a database copied before them
	// would still verify with them.
	for _, k := range keys {
		if err := copyFile(filepath.Join(o.DataDir, k), filepath.Join(tmp, k)); err != nil {
			return Manifest{}, err
		}
	}
	so := store.Options{URL: o.DB, DataDir: o.DataDir}
	if src := store.SQLitePath(so); src != "" {
		m.Engine = "sqlite"
		dst := filepath.Join(tmp, DatabaseFile)
		o.Progress(fmt.Sprintf("copying the SQLite database %s", src))
		if err := store.CopySQLite(ctx, src, dst, func(done, total int64) {
			o.Progress(fmt.Sprintf("  %s of about %s", mib(done), mib(total)))
		}); err != nil {
			return Manifest{}, err
		}
		// Read the head from the copy itself: exactly what it holds.
		h, err := store.ReadLogHead(ctx, store.Options{DataDir: tmp})
		if err != nil {
			return Manifest{}, fmt.Errorf("backup: read the copy: %w", err)
		}
		m.setHead(h)
		for _, f := range []string{DatabaseFile + "-wal", DatabaseFile + "-shm"} {
			_ = os.Remove(filepath.Join(tmp, f)) // closed cleanly: checkpointed into the database
		}
	} else {
		m.Engine = "postgres"
		h, err := store.ReadLogHead(ctx, so)
		if err != nil {
			return Manifest{}, err
		}
		m.setHead(h)
		o.Progress("dumping the PostgreSQL database with pg_dump")
		if m.PGSchema, err = pgDump(ctx, o.DB, filepath.Join(tmp, DumpFile)); err != nil {
			return Manifest{}, err
		}
	}
	if err := m.hashFiles(tmp); err != nil {
		return Manifest{}, err
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return Manifest{}, fmt.Errorf("backup: manifest: %w", err)
	}
	if err := writeFileSync(filepath.Join(tmp, ManifestFile), append(b, '\n')); err != nil {
		return Manifest{}, err
	}
	if err := syncDir(tmp); err != nil {
		return Manifest{}, err
	}
	_ = os.Remove(o.Out) // an empty directory given as --out
	if err := os.Rename(tmp, o.Out); err != nil {
		return Manifest{}, fmt.Errorf("backup: move into place: %w", err)
	}
	if err := syncDir(parent); err != nil {
		return Manifest{}, err
	}
	return m, nil
}

func (m *Manifest) setHead(h store.LogHead) {
	m.LogSize, m.Checkpoint, m.CheckpointSize = h.Size, h.Checkpoint.Note, h.Checkpoint.Size
}

func (m *Manifest) hashFiles(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || e.Name() == ManifestFile {
			continue
		}
		sum, err := fileSHA256(filepath.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		m.Files[e.Name()] = sum
	}
	return nil
}

// Open reads a backup's manifest and checks every file it lists is there
// with its SHA-256, and that nothing else is.
func Open(dir string) (Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return Manifest{}, fmt.Errorf("backup: %s is not a sigap backup: %w", dir, err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return Manifest{}, fmt.Errorf("backup: %s: %w", ManifestFile, err)
	}
	if m.Engine != "sqlite" && m.Engine != "postgres" {
		return Manifest{}, fmt.Errorf("backup: %s: unknown engine %q", ManifestFile, m.Engine)
	}
	names := make([]string, 0, len(m.Files))
	for n := range m.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if n != filepath.Base(n) || n == "." || n == ".." {
			return Manifest{}, fmt.Errorf("backup: %s lists %q, not a file name", ManifestFile, n)
		}
		sum, err := fileSHA256(filepath.Join(dir, n))
		if err != nil {
			return Manifest{}, err
		}
		if sum != m.Files[n] {
			return Manifest{}, fmt.Errorf("backup: %s has changed since the backup was made (SHA-256 %s, manifest %s)", n, sum, m.Files[n])
		}
	}
	return m, nil
}

// keyFiles lists the key files to copy from the data dir.
func keyFiles(dir string) ([]string, error) {
	var out []string
	for i, k := range KeyFiles {
		_, err := os.Stat(filepath.Join(dir, k))
		switch {
		case err == nil:
			out = append(out, k)
		case errors.Is(err, fs.ErrNotExist) && i >= requiredKeys:
		case errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("backup: %s has no %s: is it the data dir of a sigap that has started once?", dir, k)
		default:
			return nil, fmt.Errorf("backup: %w", err)
		}
	}
	extra, err := filepath.Glob(filepath.Join(dir, "*.key"))
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	for _, p := range extra {
		if n := filepath.Base(p); !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out, nil
}

// emptyOrAbsent refuses a path that holds anything: a backup never
// overwrites or mixes with another.
func emptyOrAbsent(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("backup: %s: %w", dir, err)
	case len(entries) > 0:
		return fmt.Errorf("backup: %s exists and is not empty; give a new directory", dir)
	}
	return nil
}

// copyFile copies src to dst (which must not exist), readable by its owner
// only, and syncs it.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer in.Close()
	return createSync(dst, func(out io.Writer) error {
		if _, err := io.Copy(out, in); err != nil {
			return fmt.Errorf("copy %s: %w", src, err)
		}
		return nil
	})
}

func writeFileSync(path string, b []byte) error {
	return createSync(path, func(f io.Writer) error {
		if _, err := f.Write(b); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		return nil
	})
}

// createSync makes path (which must not exist), readable by its owner only,
// fills it with fill and syncs it to disk before it closes it, so a backup
// that says it is done is on the disk.
func createSync(path string, fill func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := fill(f); err != nil {
		f.Close()
		return fmt.Errorf("backup: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("backup: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

// syncDir makes a directory's entries durable (the files renamed or made in it).
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("backup: sync %s: %w", dir, err)
	}
	return nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("backup: read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// version is the sigap build: the module version, or the VCS revision of a
// build from a checkout.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" {
			v = strings.TrimSpace(v + " " + s.Value)
		}
	}
	if v == "" {
		return "devel"
	}
	return v
}
