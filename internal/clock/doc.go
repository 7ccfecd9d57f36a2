// Package clock lets domain code ask for the time through an injected value,
// so deadline logic is tested without sleeping.
package clock
