package document

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
)

// MaxPixels bounds an image's width times height, so that a small file that
// claims a huge canvas cannot make decoding it take gigabytes.
const MaxPixels = 16_000_000

// checkImage decodes a PNG or JPEG whole: its header must fit MaxPixels and
// its data must decode, so a truncated or forged file is refused.
func checkImage(ct string, data []byte) error {
	bad := func(en string) error {
		return refuse(CodeMalformedImage, "gambar tidak sah: "+en, "malformed image: "+en)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return bad(err.Error())
	}
	if want := map[string]string{TypePNG: "png", TypeJPEG: "jpeg"}[ct]; format != want {
		return bad("the data is " + format + ", not " + want)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return refuse(CodeTooLarge, fmt.Sprintf("gambar %dx%d piksel; paling besar %d piksel", cfg.Width, cfg.Height, MaxPixels),
			fmt.Sprintf("the image is %dx%d pixels; at most %d pixels", cfg.Width, cfg.Height, MaxPixels))
	}
	if ct == TypePNG {
		_, err = png.Decode(bytes.NewReader(data))
	} else {
		_, err = jpeg.Decode(bytes.NewReader(data))
	}
	if err != nil {
		return bad(err.Error())
	}
	return nil
}
