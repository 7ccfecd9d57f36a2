package cli

import "strconv"

// count writes n with the noun in the right number for English ("1 finding",
// "3 findings"); many is the plural form, since English plurals are irregular
// ("entry", "entries").
func count[N ~int | ~int64](n N, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.FormatInt(int64(n), 10) + " " + many
}
