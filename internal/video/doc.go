// Package video decodes video files into RGB24 frames by running Debian's
// ffmpeg as a child process, bounded in time, memory and output size, for
// the vPDQ and TMK+PDQF hashers.
package video
