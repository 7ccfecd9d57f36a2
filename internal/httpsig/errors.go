package httpsig

import (
	"errors"
	"fmt"
)

// ErrInvalid means a signature or digest is malformed, does not match the
// request, or does not verify; a server answers 401 signature_invalid.
var ErrInvalid = errors.New("httpsig: invalid signature")

// ErrExpired means a signature was created more than the allowed age ago, or
// in the future; a server answers 401 signature_expired.
var ErrExpired = errors.New("httpsig: signature expired")

// ErrUnsigned means a request carries no signature at all: a server answers
// 401 signature_required when the request's organisation requires one, and
// otherwise takes the request as unsigned.
var ErrUnsigned = errors.New("httpsig: request not signed")

// ErrUnknownKey means a signature names a key the verifier does not know. It
// is an ErrInvalid too, so a server that answers signature_invalid for every
// ErrInvalid needs no case of its own for it.
var ErrUnknownKey = fmt.Errorf("%w: unknown key", ErrInvalid)
