package pdq

import (
	"bytes"
	"image"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/textnorm/testcorpus"
)

// bench1024JPEG encodes testdata's 1024x768 photo as a quality-90 4:2:0 JPEG,
// the input shape of the C++ reference timings in the issue.
func bench1024JPEG(b *testing.B) []byte {
	img := loadPNG(b, "testdata/images/photoA.png")
	if img.Bounds().Dx() != 1024 || img.Bounds().Dy() != 768 {
		b.Fatalf("photoA.png is %v, want 1024x768", img.Bounds())
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// decodeAndHash is the path the benchmarks time: decode data, then hash it.
func decodeAndHash(b *testing.B, data []byte) {
	img, _, err := DecodeBytes(data, Limits{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := FromImage(img); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkJPEG1024x768(b *testing.B) {
	data := bench1024JPEG(b)
	decoded, _, err := DecodeBytes(data, Limits{})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("decode+hash", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			decodeAndHash(b, data)
		}
	})
	b.Run("decode", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := DecodeBytes(data, Limits{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("hash", func(b *testing.B) {
		for b.Loop() {
			if _, err := FromImage(decoded); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("dihedral", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := Dihedral(decoded); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("hash-rgba", func(b *testing.B) {
		rgba := image.NewNRGBA(decoded.Bounds())
		for y := range 768 {
			for x := range 1024 {
				rgba.Set(x, y, decoded.At(x, y))
			}
		}
		b.ResetTimer()
		for b.Loop() {
			if _, err := FromImage(rgba); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkVsReference times decode+hash here and, in the same run on the
// same file, the C++ reference's decode+hash with libjpeg-turbo: the refhash
// program of refbench/README.md, named by SIGAP_PDQ_REF (skipped if unset).
// Besides ns/op it reports this side's process CPU time per image and the
// reference's mean wall and thread CPU times, and their ratios. The shared
// test vectors (SIGAP_PDQ_TESTDATA, see sharedDir) add a 922x691 crop,
// which decodes at full scale, and a 4032x3024 photo.
func BenchmarkVsReference(b *testing.B) {
	ref := os.Getenv("SIGAP_PDQ_REF")
	if ref == "" {
		b.Skip("SIGAP_PDQ_REF does not name the reference's refhash binary")
	}
	images := []struct {
		name     string
		data     func(b *testing.B) []byte
		refIters int
	}{
		{"photoA-1024x768-q90", bench1024JPEG, 60},
		{"photoA-half-512x384", readBench("testdata/images/photoA-half.jpg"), 60},
		{"photoA-crop90-922x691", readBench(filepath.Join(sharedDir(), "derived", "photoA-crop90.jpg")), 60},
		{"exif-rotn-6-4032x3024", readBench(filepath.Join(sharedDir(), "reg-test-input", "exif-rotn", "exif-rotn-6.jpg")), 10},
	}
	for _, im := range images {
		b.Run(im.name, func(b *testing.B) {
			data := im.data(b)
			file := filepath.Join(b.TempDir(), "in.jpg")
			if err := os.WriteFile(file, data, 0o600); err != nil {
				b.Fatal(err)
			}
			refMean, refCPU := runRefhash(b, ref, file, im.refIters)
			cpu0 := testcorpus.ProcessCPU()
			var n int
			for b.Loop() {
				decodeAndHash(b, data)
				n++
			}
			cpu := (testcorpus.ProcessCPU() - cpu0).Seconds() * 1000 / float64(n)
			wall := b.Elapsed().Seconds() * 1000 / float64(n)
			b.ReportMetric(cpu, "cpu-ms/op")
			b.ReportMetric(refMean, "ref-ms/op")
			b.ReportMetric(refCPU, "ref-cpu-ms/op")
			b.ReportMetric(refMean/wall, "x-wall")
			b.ReportMetric(refCPU/cpu, "x-cpu")
		})
	}
}

func readBench(path string) func(b *testing.B) []byte {
	return func(b *testing.B) []byte {
		data, err := os.ReadFile(path)
		if err != nil {
			b.Skipf("%s: %v", path, err)
		}
		return data
	}
}

// runRefhash runs the reference on file and returns its decode+hash mean
// wall time and thread CPU time in milliseconds per image over iters runs.
func runRefhash(b *testing.B, ref, file string, iters int) (mean, cpu float64) {
	b.Helper()
	out, err := exec.Command(ref, "-n", strconv.Itoa(iters), file).Output()
	if err != nil {
		b.Fatalf("%s: %v", ref, err)
	}
	for line := range strings.Lines(string(out)) {
		f := strings.Fields(line)
		// decode+hash  mean M  min M  median M  cpu M ms/image
		if len(f) == 10 && f[0] == "decode+hash" && f[1] == "mean" && f[7] == "cpu" {
			mean, err1 := strconv.ParseFloat(f[2], 64)
			cpu, err2 := strconv.ParseFloat(f[8], 64)
			if err1 != nil || err2 != nil {
				break
			}
			return mean, cpu
		}
	}
	b.Fatalf("%s: no decode+hash line in %q", ref, out)
	return 0, 0
}
