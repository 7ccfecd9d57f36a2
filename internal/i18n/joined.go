package i18n

// joined is the union of catalogue parts; a key in two parts is a mistake
// the catalogue test reports (see TestPartsDisjoint), and here the later wins.
func joined(parts ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, p := range parts {
		for k, v := range p {
			out[k] = v
		}
	}
	return out
}
