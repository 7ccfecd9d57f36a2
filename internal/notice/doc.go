// Package notice defines notices (orders, referrals, flags and reports), the
// cases they open on each subject, their timeline events, and the validation
// every incoming notice passes before anything is stored.
package notice
