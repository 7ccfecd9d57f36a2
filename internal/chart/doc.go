// Package chart draws the charts of sigap's reports and portal as plain SVG,
// inline in the page: no script, no chart service, nothing fetched. Each
// chart is an image with a <title>; the page shows the same figures as text
// beside it, for screen readers and print.
package chart
