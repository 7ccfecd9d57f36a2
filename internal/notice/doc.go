// Package notice defines notices (orders, referrals, flags and reports) with
// the one table of what each kind means (KindSpec), the cases they open on
// each subject, their timeline events and message threads, and the validation
// every incoming notice passes before anything is stored.
package notice
