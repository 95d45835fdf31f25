package api_test

import "net/http"

// The operation routes in the permission matrix. Agency nl's admin creates
// op-agency-admin-nl (and the hub admin op-hub-admin, led by its own
// agency); nl's analysts work in it; be joins as partner and, through its
// share of alpha, sees alpha's suspects; de never sees the operation; the
// hub admin sees it but reads no case.
func init() {
	const op = "/api/v1/operations/op-agency-admin-nl"
	const invalid = http.StatusUnprocessableEntity
	matrix = append(matrix,
		matrixRow{"POST", "/api/v1/operations", `{"name":"op-{persona}","contact":"desk@example.org"}`, want(unauth, forbidden, forbidden, forbidden, forbidden, created, created)},
		matrixRow{"GET", "/api/v1/operations", "", want(unauth, ok, ok, ok, ok, ok, ok)},
		matrixRow{"GET", op, "", want(unauth, ok, ok, notFound, notFound, ok, ok)},
		matrixRow{"POST", op + "/partners", `{"agency":"be","role":"partner","contact":"+1 202 555 0102"}`, want(unauth, forbidden, forbidden, notFound, notFound, created, created)},
		matrixRow{"GET", op, "", want(unauth, ok, ok, ok, notFound, ok, ok)},
		matrixRow{"POST", op + "/cases", `{"case":"alpha"}`, want(unauth, forbidden, forbidden, forbidden, notFound, created, notFound)},
		matrixRow{"POST", op + "/cases", `{"case":"beta"}`, want(unauth, forbidden, notFound, notFound, notFound, notFound, notFound)},
		// The first identification comes from nl's analyst; the same status
		// again is not a change the table allows.
		matrixRow{"POST", op + "/statuses", `{"suspect":"alpha/{personAlpha}","status":"identified","why":"seen in the group"}`, want(unauth, forbidden, created, invalid, notFound, invalid, notFound)},
		matrixRow{"POST", op + "/statuses", `{"suspect":"alpha/{personAlpha}","status":"attributed","country":"ES","why":"phone +34 ({persona})"}`, want(unauth, forbidden, created, created, notFound, created, notFound)},
		matrixRow{"POST", op + "/statuses", `{"suspect":"alpha/{personAlpha}","status":"released","why":"x"}`, want(unauth, forbidden, invalid, invalid, notFound, invalid, invalid)},
		matrixRow{"POST", op + "/tallies", `{"suspect":"alpha/{personAlpha}","devices_seized":2,"date":"2025-03-20"}`, want(unauth, forbidden, created, created, notFound, created, notFound)},
		matrixRow{"POST", op + "/tallies", `{"victims_safeguarded":1}`, want(unauth, forbidden, created, created, notFound, created, created)},
		matrixRow{"GET", op + "/report", "", want(unauth, ok, ok, ok, notFound, ok, ok)},
		matrixRow{"GET", op + "/report?as_of=2025-03-01", "", want(unauth, ok, ok, ok, notFound, ok, ok)},
		matrixRow{"GET", op + "/report?as_of=yesterday", "", want(unauth, invalid, invalid, invalid, notFound, invalid, invalid)},
		matrixRow{"GET", "/api/v1/operations/absent", "", want(unauth, notFound, notFound, notFound, notFound, notFound, notFound)},
	)
}
