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

	// Cases (case_list.go, case_create.go, case_show.go).
	{"GET", "/cases", false, (*UI).caseList},
	{"GET", "/cases/new", false, (*UI).caseNew},
	{"POST", "/cases", false, (*UI).caseCreate},
	{"GET", "/cases/{case}", false, (*UI).caseShow},
	{"GET", "/cases/{case}/new-material", false, (*UI).caseClusters},

	// Files (file_list.go, file_export.go, file_show.go).
	{"GET", "/cases/{case}/files", false, (*UI).fileList},
	{"GET", "/cases/{case}/files.csv", false, (*UI).fileExportCSV},
	{"GET", "/cases/{case}/files.json", false, (*UI).fileExportJSON},
	{"GET", "/cases/{case}/files/{file}", false, (*UI).fileShow},

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

	// Clusters of new material and their review (cluster_list.go,
	// cluster_show.go, cluster_mark.go).
	{"GET", "/cases/{case}/clusters", false, (*UI).clusterList},
	{"GET", "/cases/{case}/clusters/{file}", false, (*UI).clusterShow},
	{"POST", "/cases/{case}/clusters/{file}/review", false, (*UI).clusterMark},
	// Ingest and imports as background jobs (case_import.go), and the jobs
	// with their live progress (job_show.go).
	{"GET", "/cases/{case}/import", false, (*UI).caseImport},
	{"POST", "/cases/{case}/ingest", false, (*UI).ingestSubmit},
	{"POST", "/cases/{case}/chats/import", false, (*UI).chatImportSubmit},
	{"POST", "/cases/{case}/stealer/scan", false, (*UI).stealerScanSubmit},
	{"GET", "/jobs", false, (*UI).jobList},
	{"GET", "/jobs/{job}", false, (*UI).jobShow},
	{"GET", "/jobs/{job}/progress", false, (*UI).jobProgress},
	{"POST", "/jobs/{job}/cancel", false, (*UI).jobCancel},
	{"POST", "/jobs/{job}/retry", false, (*UI).jobRetry},
	// The engine's queues for operators (queue_list.go).
	{"GET", "/queues", false, (*UI).queueList},
	// Operations across agencies (operation_list.go, operation_show.go,
	// operation_export.go).
	{"GET", "/operations", false, (*UI).operationList},
	{"GET", "/operations/{operation}", false, (*UI).operationShow},
	{"GET", "/operations/{operation}/report.csv", false, (*UI).operationExportCSV},
	// Hash banks (bank_list.go, bank_upload.go, bank_export.go).
	{"GET", "/banks", false, (*UI).bankList},
	{"POST", "/banks", false, (*UI).bankUpload},
	{"GET", "/banks/{bank}", false, (*UI).bankShow},
	{"GET", "/banks/{bank}/export", false, (*UI).bankExport},
	{"POST", "/banks/{bank}/remove", false, (*UI).bankRemove},
	// The audit trail (audit_log.go).
	{"GET", "/audit", false, (*UI).auditLog},
	{"GET", "/audit/verify", false, (*UI).auditVerify},
	// Accounts, tokens and case access (account_list.go, token_list.go,
	// case_access.go).
	{"GET", "/admin/accounts", false, (*UI).accountList},
	{"POST", "/admin/agencies", false, (*UI).agencyAdd},
	{"POST", "/admin/users", false, (*UI).userAdd},
	{"POST", "/admin/users/{user}/disable", false, (*UI).userDisable},
	{"POST", "/admin/users/{user}/enable", false, (*UI).userEnable},
	{"POST", "/admin/users/{user}/role", false, (*UI).userRole},
	{"GET", "/tokens", false, (*UI).tokenList},
	{"POST", "/tokens", false, (*UI).tokenCreate},
	{"POST", "/tokens/{token}/revoke", false, (*UI).tokenRevoke},
	{"GET", "/cases/{case}/access", false, (*UI).caseAccess},
	{"POST", "/cases/{case}/shares", false, (*UI).caseShare},
	{"POST", "/cases/{case}/shares/{agency}/remove", false, (*UI).caseUnshare},
	{"POST", "/cases/{case}/members", false, (*UI).caseMemberAdd},
	{"POST", "/cases/{case}/members/{user}/remove", false, (*UI).caseMemberRemove},
}
