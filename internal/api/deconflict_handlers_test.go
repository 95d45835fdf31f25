package api_test

// The deconfliction routes' rows of the permission matrix. Personas:
// anonymous, viewer-nl, analyst-nl, analyst-be (a viewer share of alpha),
// analyst-de (owner of beta), agency-admin-nl, hub-admin. The seeded hub
// holds no notice. OPRF evaluations are for those who may change the
// operation on this hub (none is seeded: the operation routes' rows and
// TestDeconflictOPRF cover them); the element below is the ristretto255
// generator, a valid (if pointless) blinded element.
func init() {
	matrix = append(matrix,
		matrixRow{"GET", "/api/v1/deconfliction/notices", "", want(unauth, ok, ok, ok, ok, ok, ok)},
		matrixRow{"GET", "/api/v1/deconfliction/notices?case=alpha&open=true", "", want(unauth, ok, ok, ok, notFound, ok, notFound)},
		matrixRow{"GET", "/api/v1/deconfliction/notices?case=beta", "", want(unauth, notFound, notFound, notFound, ok, notFound, notFound)},
		matrixRow{"GET", "/api/v1/deconfliction/notices/999999", "", want(unauth, notFound, notFound, notFound, notFound, notFound, notFound)},
		matrixRow{"POST", "/api/v1/deconfliction/notices/999999/ack", "", want(unauth, notFound, notFound, notFound, notFound, notFound, notFound)},
		matrixRow{"POST", "/api/v1/cases/alpha/deconfliction/check", "", want(unauth, forbidden, ok, forbidden, notFound, ok, notFound)},
		matrixRow{"POST", "/api/v1/cases/beta/deconfliction/check", "", want(unauth, notFound, notFound, notFound, ok, notFound, notFound)},
		matrixRow{"GET", "/api/v1/deconfliction/oprf/OP-NONE/key", "", want(unauth, notFound, notFound, notFound, notFound, notFound, notFound)},
		matrixRow{"POST", "/api/v1/deconfliction/oprf/OP-NONE/evaluate", `{"elements":["4vKuCmq8TnGohKlhxQBRX1jjC2qlgt2NtqZZReCNLXY="]}`,
			want(unauth, notFound, notFound, notFound, notFound, notFound, notFound)},
		matrixRow{"POST", "/api/v1/deconfliction/oprf/OP-NONE/evaluate", `{"elements":"not a list"}`,
			want(unauth, badReq, badReq, badReq, badReq, badReq, badReq)},
	)
}
