// Package report computes transparency reports for a period: notices by
// source, category, regime and jurisdiction, actions by type and ground,
// times to acknowledgement, decision and action, deadline compliance,
// clarifications, objections, appeals, automation and notifier accuracy
// (DSA Art. 15 and 24), and the EU TCO Art. 7(3) figures, as JSON, CSV and a
// self-contained HTML page with server-side SVG charts in Bahasa Indonesia
// and English. The aggregation runs in the database (internal/store); this
// package shapes, checks and renders it.
package report
