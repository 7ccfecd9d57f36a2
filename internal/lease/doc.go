// Package lease keeps work that must happen once across several replicas on
// one database (signing the transparency log, firing escalation timers) with
// one process at a time, by a lease row that its holder renews and another
// replica takes over when it lapses.
package lease
