package api

// route is one entry of the route table.
type route struct {
	Method string
	Path   string // an http.ServeMux pattern under /api/v1
	// Public routes need no authentication; every other one answers 401
	// without a valid token or session.
	Public bool
	Handle handlerFunc
}

// routes is the API: every route, in one table. The OpenAPI document
// (openapi.json) lists exactly these; TestOpenAPIMatchesRoutes holds them
// equal.
var routes = []route{
	{"GET", "/api/v1/openapi.json", true, (*API).openAPI},

	// Sessions (session_handlers.go).
	{"POST", "/api/v1/session", true, (*API).login},
	{"DELETE", "/api/v1/session", false, (*API).logout},
	{"GET", "/api/v1/me", false, (*API).me},
	// Login through the agency's OpenID Connect provider (session_oidc.go).
	{"GET", "/api/v1/session/oidc/{agency}", true, (*API).oidcStart},
	{"GET", "/api/v1/session/oidc/{agency}/callback", true, (*API).oidcCallback},

	// Cases and their files (case_handlers.go, file_handlers.go).
	{"GET", "/api/v1/cases", false, (*API).listCases},
	{"POST", "/api/v1/cases", false, (*API).createCase},
	{"GET", "/api/v1/cases/{case}", false, (*API).showCase},
	{"GET", "/api/v1/cases/{case}/report", false, (*API).caseReport},
	{"GET", "/api/v1/cases/{case}/files", false, (*API).listFiles},
	{"GET", "/api/v1/cases/{case}/files/{file}", false, (*API).showFile},

	// Case access: shares with agencies and members (share_handlers.go).
	{"GET", "/api/v1/cases/{case}/shares", false, (*API).listShares},
	{"POST", "/api/v1/cases/{case}/shares", false, (*API).shareCase},
	{"DELETE", "/api/v1/cases/{case}/shares/{agency}", false, (*API).unshareCase},
	{"GET", "/api/v1/cases/{case}/members", false, (*API).listMembers},
	{"POST", "/api/v1/cases/{case}/members", false, (*API).addMember},
	{"DELETE", "/api/v1/cases/{case}/members/{user}", false, (*API).removeMember},
	// Exhibits, clusters, chats, people and leads of a case
	// (exhibit_handlers.go, cluster_handlers.go, chat_handlers.go,
	// person_handlers.go).
	{"GET", "/api/v1/cases/{case}/exhibits", false, (*API).listExhibits},
	{"GET", "/api/v1/cases/{case}/exhibits/{exhibit}", false, (*API).showExhibit},
	{"GET", "/api/v1/cases/{case}/exhibits/{exhibit}/custody", false, (*API).exhibitCustody},
	{"PUT", "/api/v1/cases/{case}/exhibits/{exhibit}/owner", false, (*API).setExhibitOwner},
	{"DELETE", "/api/v1/cases/{case}/exhibits/{exhibit}/owner", false, (*API).clearExhibitOwner},
	{"GET", "/api/v1/cases/{case}/clusters", false, (*API).listClusters},
	{"POST", "/api/v1/cases/{case}/clusters/{file}/review", false, (*API).reviewCluster},
	{"GET", "/api/v1/cases/{case}/chats", false, (*API).listChats},
	{"GET", "/api/v1/cases/{case}/chats/{chat}", false, (*API).showChat},
	{"GET", "/api/v1/cases/{case}/chats/{chat}/messages", false, (*API).listMessages},
	{"GET", "/api/v1/cases/{case}/suspects", false, (*API).listSuspects},
	{"GET", "/api/v1/cases/{case}/persons/{person}", false, (*API).showPerson},
	{"GET", "/api/v1/cases/{case}/leads", false, (*API).listLeads},
	// The link graph and the timeline of a case (graph_handlers.go,
	// timeline_handlers.go).
	{"GET", "/api/v1/cases/{case}/graph", false, (*API).caseGraph},
	{"GET", "/api/v1/cases/{case}/timeline", false, (*API).caseTimeline},

	// Matching and hash banks (match_handlers.go, bank_handlers.go).
	{"POST", "/api/v1/match", false, (*API).match},
	{"GET", "/api/v1/banks", false, (*API).listBanks},
	{"GET", "/api/v1/banks/{bank}", false, (*API).showBank},
	{"GET", "/api/v1/banks/{bank}/export", false, (*API).exportBank},
	{"DELETE", "/api/v1/banks/{bank}", false, (*API).removeBank},

	// Agencies, users and API tokens (account_handlers.go).
	{"GET", "/api/v1/agencies", false, (*API).listAgencies},
	{"POST", "/api/v1/agencies", false, (*API).addAgency},
	{"GET", "/api/v1/users", false, (*API).listUsers},
	{"POST", "/api/v1/users", false, (*API).addUser},
	{"PUT", "/api/v1/users/{user}/password", false, (*API).setPassword},
	{"POST", "/api/v1/users/{user}/disable", false, (*API).disableUser},
	{"POST", "/api/v1/users/{user}/enable", false, (*API).enableUser},
	{"PUT", "/api/v1/users/{user}/role", false, (*API).setRole},
	{"GET", "/api/v1/tokens", false, (*API).listTokens},
	{"POST", "/api/v1/tokens", false, (*API).createToken},
	{"DELETE", "/api/v1/tokens/{token}", false, (*API).revokeToken},

	// Background jobs (job_handlers.go): submissions answer 202 with the
	// queued job.
	{"POST", "/api/v1/cases/{case}/ingest", false, (*API).ingest},
	{"POST", "/api/v1/cases/{case}/verify", false, (*API).verify},
	{"POST", "/api/v1/cases/{case}/chats/import", false, (*API).importChat},
	{"POST", "/api/v1/cases/{case}/stealer/scan", false, (*API).scanStealer},
	{"POST", "/api/v1/banks", false, (*API).importBank},
	{"GET", "/api/v1/jobs", false, (*API).listJobs},
	{"GET", "/api/v1/jobs/{job}", false, (*API).showJob},
	{"POST", "/api/v1/jobs/{job}/cancel", false, (*API).cancelJob},

	// Operations across agencies (operation_handlers.go).
	{"GET", "/api/v1/operations", false, (*API).listOperations},
	{"POST", "/api/v1/operations", false, (*API).createOperation},
	{"GET", "/api/v1/operations/{operation}", false, (*API).showOperation},
	{"POST", "/api/v1/operations/{operation}/cases", false, (*API).addOperationCase},
	{"POST", "/api/v1/operations/{operation}/partners", false, (*API).addOperationPartner},
	{"POST", "/api/v1/operations/{operation}/statuses", false, (*API).setSuspectStatus},
	{"POST", "/api/v1/operations/{operation}/tallies", false, (*API).recordTally},
	{"GET", "/api/v1/operations/{operation}/report", false, (*API).operationReport},
	// Deconfliction (deconflict_handlers.go): notices between agencies'
	// cases, and the OPRF tier's evaluation of blinded identifiers.
	{"GET", "/api/v1/deconfliction/notices", false, (*API).listNotices},
	{"GET", "/api/v1/deconfliction/notices/{notice}", false, (*API).showNotice},
	{"POST", "/api/v1/deconfliction/notices/{notice}/ack", false, (*API).ackNotice},
	{"POST", "/api/v1/cases/{case}/deconfliction/check", false, (*API).checkDeconfliction},
	{"GET", "/api/v1/deconfliction/oprf/{operation}/key", false, (*API).oprfKey},
	{"POST", "/api/v1/deconfliction/oprf/{operation}/evaluate", false, (*API).oprfEvaluate},

	// Referral packages (referral_handlers.go): build one for a country
	// (the archive comes back), verify, import and acknowledge a received
	// one, import an acknowledgement of one sent.
	{"POST", "/api/v1/referrals", false, (*API).createReferral},
	{"POST", "/api/v1/referrals/verify", false, (*API).verifyReferral},
	{"POST", "/api/v1/referrals/import", false, (*API).importReferral},
	{"POST", "/api/v1/referrals/ack", false, (*API).ackReferral},
	{"POST", "/api/v1/referrals/ack-import", false, (*API).importReferralAck},
	// Victim-identification series (series_handlers.go).
	{"GET", "/api/v1/series", false, (*API).listSeries},
	{"POST", "/api/v1/cases/{case}/series", false, (*API).createSeries},
	{"GET", "/api/v1/cases/{case}/series/{series}", false, (*API).showSeries},
	{"POST", "/api/v1/cases/{case}/series/{series}/shares", false, (*API).shareSeries},
	{"GET", "/api/v1/cases/{case}/series/{series}/export", false, (*API).exportSeries},

	// The audit trail (audit_handlers.go).
	{"GET", "/api/v1/audit", false, (*API).auditLog},
	{"GET", "/api/v1/audit/verify", false, (*API).verifyAudit},
}

// Routes lists the route table as "METHOD /path" patterns, in table order.
func Routes() []string {
	out := make([]string, len(routes))
	for i, rt := range routes {
		out[i] = rt.Method + " " + rt.Path
	}
	return out
}
