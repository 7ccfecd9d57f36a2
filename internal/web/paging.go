package web

// cutPage cuts items, fetched with size+1, to one page and gives the id of
// its last item when more follow, for the next page's link ("" on the last
// page).
func cutPage[T any](items []T, size int, id func(T) string) ([]T, string) {
	if len(items) <= size {
		return items, ""
	}
	items = items[:size]
	return items, id(items[size-1])
}
