package webhook

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// Resolver looks up a host name's addresses; *net.Resolver is one.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// CheckDestination refuses, unless the service allows private destinations,
// an endpoint URL whose host is, or resolves to, an address Forbidden names,
// so that a caller learns when the endpoint is set rather than from dead
// deliveries. "localhost" and its subdomains are refused without asking DNS.
// A name that does not resolve within the timeout is let through: the
// dial-time check of NewClient still guards every delivery, and it is also
// what stops a name that resolves elsewhere later.
func (s *Service) CheckDestination(ctx context.Context, rawURL string) error {
	return checkDestination(ctx, s.cfg, rawURL)
}

func checkDestination(ctx context.Context, cfg Config, rawURL string) error {
	if cfg.AllowPrivate {
		return nil
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return ErrBadURL
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return fmt.Errorf("webhook: %s is this machine: %w", host, ErrPrivateDestination)
	}
	if a, err := netip.ParseAddr(host); err == nil {
		if Forbidden(a) {
			return fmt.Errorf("webhook: %s: %w", a, ErrPrivateDestination)
		}
		return nil
	}
	r := cfg.Resolver
	if r == nil {
		r = net.DefaultResolver
	}
	timeout := cfg.ResolveTimeout
	if timeout <= 0 {
		timeout = 2 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	addrs, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil
	}
	for _, a := range addrs {
		if Forbidden(a) {
			return fmt.Errorf("webhook: %s resolves to %s: %w", host, a.Unmap(), ErrPrivateDestination)
		}
	}
	return nil
}
