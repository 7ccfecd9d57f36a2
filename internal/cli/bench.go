package cli

import (
	"context"
	"errors"
)

func runBench(ctx context.Context, env *Env, args []string) error {
	return errors.New("not built yet")
}
