package web

import "errors"

// keyedRefusal is an error a person is told of: the status it answers and
// the catalogue key of what the page says.
type keyedRefusal struct {
	err    error
	status int
	key    string
}

// matchRefusal finds the first refusal in table that err is; ok is false for
// an error none names (a server error).
func matchRefusal(table []keyedRefusal, err error) (rf keyedRefusal, ok bool) {
	for _, x := range table {
		if errors.Is(err, x.err) {
			return x, true
		}
	}
	return keyedRefusal{}, false
}
