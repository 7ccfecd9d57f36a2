// refhash times Meta's C++ PDQ reference at full resolution on one JPEG:
// libjpeg-turbo decode to RGB, then the reference's fillFloatLumaFromRGB and
// pdqHash256FromFloatLuma on numRows x numCols buffers (no 512 pre-resize,
// the variant python-threatexchange/HMA compute). Single thread.
//
// Usage: refhash [-n ITER] FILE.jpg
//        refhash --rgb WIDTH HEIGHT FILE.rgb   (hash raw interleaved RGB once)
//
// Written for sigap; contains no code from facebook/ThreatExchange. The
// reference sources must be placed beside it (see README.md).
#include <pdq/cpp/hashing/pdqhashing.h>

#include <jpeglib.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace ph = facebook::pdq::hashing;

namespace {

struct RGB {
  int width = 0, height = 0;
  std::vector<unsigned char> pix; // interleaved, 3 bytes per pixel
};

std::vector<unsigned char> readFile(const char* path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error(std::string("cannot open ") + path);
  return std::vector<unsigned char>(std::istreambuf_iterator<char>(f), {});
}

// decodeJPEG uses libjpeg-turbo with its defaults (ISLOW IDCT, fancy
// upsampling), the settings PIL and CImg's libjpeg path use.
void decodeJPEG(const std::vector<unsigned char>& data, RGB& out) {
  jpeg_decompress_struct cinfo;
  jpeg_error_mgr jerr;
  cinfo.err = jpeg_std_error(&jerr);
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, data.data(), data.size());
  if (jpeg_read_header(&cinfo, TRUE) != JPEG_HEADER_OK) {
    throw std::runtime_error("not a JPEG");
  }
  cinfo.out_color_space = JCS_RGB;
  jpeg_start_decompress(&cinfo);
  out.width = cinfo.output_width;
  out.height = cinfo.output_height;
  size_t stride = (size_t)out.width * 3;
  out.pix.resize(stride * out.height);
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = &out.pix[cinfo.output_scanline * stride];
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
}

// hashRGB allocates the two full-size float buffers per image, as the
// reference's own file entry point (io/pdqio.cpp) does.
void hashRGB(RGB& img, ph::Hash256& hash, int& quality) {
  int rows = img.height, cols = img.width;
  float* buf1 = new float[(size_t)rows * cols];
  float* buf2 = new float[(size_t)rows * cols];
  static float b64[64][64], b16x64[16][64], b16[16][16];
  unsigned char* p = img.pix.data();
  ph::fillFloatLumaFromRGB(p, p + 1, p + 2, rows, cols, cols * 3, 3, buf1);
  ph::pdqHash256FromFloatLuma(buf1, buf2, rows, cols, b64, b16x64, b16, hash, quality);
  delete[] buf1;
  delete[] buf2;
}

double now() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

double cpuNow() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

// Stats are per-iteration wall times in ms; on a shared machine the minimum
// and the median are steadier than the mean. cpu is thread CPU time per
// iteration (excludes time the thread was not running).
struct Stats {
  double mean, min, median, cpu;
};

template <typename F>
Stats msPer(int iters, F f) {
  for (int i = 0; i < 3; i++) f(); // warm up
  std::vector<double> t(iters);
  double c0 = cpuNow(), t0 = now();
  for (int i = 0; i < iters; i++) {
    double s = now();
    f();
    t[i] = (now() - s) * 1000.0;
  }
  Stats st;
  st.mean = (now() - t0) * 1000.0 / iters;
  st.cpu = (cpuNow() - c0) * 1000.0 / iters;
  std::sort(t.begin(), t.end());
  st.min = t[0];
  st.median = t[iters / 2];
  return st;
}

void print(const char* name, const Stats& s) {
  printf("%-12s mean %7.3f  min %7.3f  median %7.3f  cpu %7.3f ms/image\n", name,
         s.mean, s.min, s.median, s.cpu);
}

} // namespace

int main(int argc, char** argv) {
  try {
    if (argc == 5 && !strcmp(argv[1], "--rgb")) {
      RGB img;
      img.width = atoi(argv[2]);
      img.height = atoi(argv[3]);
      img.pix = readFile(argv[4]);
      if (img.pix.size() != (size_t)img.width * img.height * 3) {
        fprintf(stderr, "size mismatch\n");
        return 1;
      }
      ph::Hash256 h;
      int q;
      hashRGB(img, h, q);
      printf("%s,%d,%s\n", h.format().c_str(), q, argv[4]);
      return 0;
    }
    int iters = 200;
    int ai = 1;
    if (argc >= 3 && !strcmp(argv[1], "-n")) {
      iters = atoi(argv[2]);
      ai = 3;
    }
    if (ai >= argc) {
      fprintf(stderr, "usage: %s [-n ITER] FILE.jpg | --rgb W H FILE.rgb\n", argv[0]);
      return 2;
    }
    std::vector<unsigned char> data = readFile(argv[ai]);
    RGB img;
    decodeJPEG(data, img);
    ph::Hash256 h;
    int q = 0;
    hashRGB(img, h, q);
    printf("%s,%d,%s (%dx%d, libjpeg-turbo %d)\n", h.format().c_str(), q, argv[ai],
           img.width, img.height, LIBJPEG_TURBO_VERSION_NUMBER);

    RGB tmp;
    Stats dec = msPer(iters, [&] { decodeJPEG(data, tmp); });
    Stats hsh = msPer(iters, [&] { hashRGB(img, h, q); });
    Stats both = msPer(iters, [&] {
      decodeJPEG(data, tmp);
      hashRGB(tmp, h, q);
    });
    printf("iterations %d (hash = luma + Jarosz + decimate + DCT + median)\n", iters);
    print("decode", dec);
    print("hash", hsh);
    print("decode+hash", both);
  } catch (const std::exception& e) {
    fprintf(stderr, "refhash: %s\n", e.what());
    return 1;
  }
  return 0;
}
