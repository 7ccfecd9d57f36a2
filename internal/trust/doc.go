// Package trust runs the trusted flagger programme: who is accredited for
// what, the status transitions and their history, the accuracy of every
// notifier (flaggers and authorities alike), and the misuse thresholds.
package trust
