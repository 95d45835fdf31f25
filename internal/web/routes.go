package web

// route is one entry of the route table.
type route struct {
	Method string
	Path   string // an http.ServeMux pattern
	// Public pages need no login; every other one sends an anonymous
	// visitor to the login page.
	Public bool
	Handle handlerFunc
}

// routes is the UI: every page and form action, in one table. Add a page
// with one line here and one file for its action.
var routes = []route{
	// Sessions (login.go) and who am I (me_show.go).
	{"GET", "/login", true, (*UI).loginShow},
	{"POST", "/login", true, (*UI).loginSubmit},
	{"POST", "/logout", false, (*UI).logout},
	{"GET", "/{$}", false, (*UI).meShow},
	// Chats, suspects, people and stealer leads of a case.
	{"GET", "/cases/{case}/chats", false, (*UI).chatList},
	{"GET", "/cases/{case}/chats/{chat}", false, (*UI).chatShow},
	{"GET", "/cases/{case}/suspects", false, (*UI).suspectList},
	{"GET", "/cases/{case}/people/{person}", false, (*UI).personShow},
	{"GET", "/cases/{case}/leads", false, (*UI).leadList},
	// The link graph and the timeline of a case (case_graph.go,
	// case_timeline.go): pages whose scripts read the API.
	{"GET", "/cases/{case}/graph", false, (*UI).caseGraphShow},
	{"GET", "/cases/{case}/timeline", false, (*UI).caseTimelineShow},
}
