// Package backup makes and restores consistent copies of a sigap service's
// records (its database and its keys) while the service runs.
package backup
