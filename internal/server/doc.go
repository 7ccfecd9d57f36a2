// Package server wires sigap's parts (store, policy, signer, services, HTTP
// adapters) into one running service from a config.Config.
package server
