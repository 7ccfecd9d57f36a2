// Package videotest holds the test helpers shared by the packages that
// decode video with ffmpeg: where the upstream test vectors are, whether
// ffmpeg may be skipped, and the CPU time ffmpeg children cost.
package videotest
