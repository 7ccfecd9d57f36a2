package httpapi

import "github.com/sigap/sigap/internal/store"

func storeFilter(orgID, status, kind, category, cursor string, limit int) store.NoticeFilter {
	return store.NoticeFilter{OrgID: orgID, Status: status, Kind: kind, Category: category, Cursor: cursor, Limit: limit}
}
