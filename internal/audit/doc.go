// Package audit names who changed what in sigap: the actor a request acts
// for, carried in its context, and the entries the store writes to the
// transparency log for every change to orgs, keys, users and the settings
// that decide who may do what.
package audit
