// Package flagger operates the trusted flagger programme on the store:
// accreditation changes with their history, the intake gate (status, scope,
// quota), accuracy figures per notifier, misuse warnings and the yearly report.
package flagger
