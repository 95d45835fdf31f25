package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/vibora-project/vibora/internal/investigation"
)

// Page sizes of the files table.
var fileLimits = []int{50, 100, 500}

const defaultFileLimit = 100

// fileListView is the files table's view.
type fileListView struct {
	Case     string
	Query    investigation.FileQuery
	Limit    int
	Limits   []int
	Exhibits []investigation.Exhibit
	// Owners are the persons the case's exhibits are attributed to, by
	// exhibit label (none when not attributed).
	Owners   map[string]string
	Statuses []string
	Files    []investigation.FileView
	// First and Next are the URLs of the first and the next page; Filter
	// is the query string of the filters (for the exports and sorting).
	First, Next string
	Filter      string
	// SortPath and SortSize are the URLs that sort by path and size (the
	// other direction when already sorted so).
	SortPath, SortSize string
}

// fileQuery reads the files table's filters, order and page from the
// query string; bad values are a 400 page.
func fileQuery(r *http.Request) (q investigation.FileQuery, after int64, limit int, err error) {
	v := r.URL.Query()
	q = investigation.FileQuery{Status: v.Get("status"), Exhibit: v.Get("exhibit"), Category: v.Get("category"), Order: v.Get("order"), Desc: v.Get("desc") == "1"}
	if s := v.Get("after"); s != "" {
		if after, err = strconv.ParseInt(s, 10, 64); err != nil || after < 1 {
			return q, 0, 0, badRequestf("after: want a file id")
		}
	}
	limit = defaultFileLimit
	if s := v.Get("limit"); s != "" {
		if limit, err = strconv.Atoi(s); err != nil || limit < 1 || limit > investigation.MaxFilePage {
			return q, 0, 0, badRequestf("limit: want a whole number from 1 to %d", investigation.MaxFilePage)
		}
	}
	return q, after, limit, nil
}

// encode is the query string of q (without the page position).
func encodeFileQuery(q investigation.FileQuery, limit int) url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"status": q.Status, "exhibit": q.Exhibit, "category": q.Category, "order": q.Order} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if q.Desc {
		v.Set("desc", "1")
	}
	if limit != 0 && limit != defaultFileLimit {
		v.Set("limit", strconv.Itoa(limit))
	}
	return v
}

// fileList is a case's files table: the filters of vibora files, sorting
// by path or size, keyset pages.
func (u *UI) fileList(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("case")
	q, after, limit, err := fileQuery(r)
	if err != nil {
		return err
	}
	page, err := u.svc.FilePage(r.Context(), name, q, after, limit)
	if err != nil {
		return err
	}
	exhibits, err := u.svc.Exhibits(r.Context(), name)
	if err != nil {
		return err
	}
	base := "/cases/" + url.PathEscape(name) + "/files"
	filter := encodeFileQuery(q, limit)
	v := fileListView{Case: name, Query: q, Limit: limit, Limits: fileLimits, Exhibits: exhibits, Statuses: investigation.FileStatuses,
		Files: page.Files, Filter: filter.Encode(), Owners: map[string]string{}}
	for _, e := range exhibits {
		if e.Owner != "" {
			v.Owners[e.Label] = e.Owner
		}
	}
	if after != 0 {
		v.First = base + "?" + filter.Encode()
	}
	if page.After != 0 {
		next := encodeFileQuery(q, limit)
		next.Set("after", strconv.FormatInt(page.After, 10))
		v.Next = base + "?" + next.Encode()
	}
	sortURL := func(order string) string {
		s := encodeFileQuery(q, limit)
		s.Set("order", order)
		s.Del("desc")
		if q.Order == order && !q.Desc {
			s.Set("desc", "1")
		}
		return base + "?" + s.Encode()
	}
	v.SortPath, v.SortSize = sortURL("path"), sortURL("size")
	return u.render(w, r, http.StatusOK, "files", "Files of "+name, "cases", v)
}
