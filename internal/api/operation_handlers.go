package api

import (
	"net/http"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/operation"
)

type operationsResponse struct {
	Operations []investigation.OperationSummary `json:"operations"`
}

type operationResponse struct {
	Operation investigation.Operation `json:"operation"`
}

// listOperations lists the operations the caller's agency leads or takes
// part in (every one for a hub administrator), by name.
func (a *API) listOperations(w http.ResponseWriter, r *http.Request) error {
	list, err := a.svc.Operations(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, operationsResponse{Operations: list})
}

type createOperationRequest struct {
	Name       string `json:"name"`
	LeadAgency string `json:"lead_agency"`
	Contact    string `json:"contact"`
}

// createOperation creates an operation led by the caller's agency (or the
// one named).
func (a *API) createOperation(w http.ResponseWriter, r *http.Request) error {
	var req createOperationRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	o, err := a.svc.CreateOperation(r.Context(), req.Name, req.LeadAgency, req.Contact)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, operationResponse{o})
}

// showOperation shows an operation with the suspects of the cases the
// caller may read.
func (a *API) showOperation(w http.ResponseWriter, r *http.Request) error {
	o, err := a.svc.Operation(r.Context(), r.PathValue("operation"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, operationResponse{o})
}

type operationCaseRequest struct {
	Case string `json:"case"`
}

type operationCaseResponse struct {
	Case investigation.OperationCase `json:"case"`
}

// addOperationCase adds a case the caller administers to an operation.
func (a *API) addOperationCase(w http.ResponseWriter, r *http.Request) error {
	var req operationCaseRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	c, err := a.svc.AddOperationCase(r.Context(), r.PathValue("operation"), req.Case)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, operationCaseResponse{c})
}

type operationPartnerRequest struct {
	Agency  string `json:"agency"`
	Role    string `json:"role"`
	Contact string `json:"contact"`
}

type operationPartnerResponse struct {
	Agency investigation.OperationAgency `json:"agency"`
}

// addOperationPartner adds an agency as partner or coordinator.
func (a *API) addOperationPartner(w http.ResponseWriter, r *http.Request) error {
	var req operationPartnerRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	ag, err := a.svc.AddOperationPartner(r.Context(), r.PathValue("operation"), req.Agency, req.Role, req.Contact)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, operationPartnerResponse{ag})
}

type statusRequest struct {
	Suspect  string `json:"suspect"` // CASE/PERSON
	Status   string `json:"status"`
	Why      string `json:"why"`
	Evidence string `json:"evidence"`
	Country  string `json:"country"`
	Channel  string `json:"channel"`
	Date     string `json:"date"`
	Package  string `json:"package"`
	Role     string `json:"role"`
}

type suspectResponse struct {
	Suspect investigation.OperationSuspect `json:"suspect"`
}

// setSuspectStatus records a suspect's status change.
func (a *API) setSuspectStatus(w http.ResponseWriter, r *http.Request) error {
	var req statusRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	x, err := a.svc.SetSuspectStatus(r.Context(), r.PathValue("operation"), req.Suspect, investigation.StatusRequest{
		Change: operation.Change{Status: operation.Status(req.Status), Why: req.Why, Evidence: req.Evidence, Country: req.Country, Channel: req.Channel, Date: req.Date, Package: req.Package},
		Role:   req.Role,
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, suspectResponse{x})
}

type tallyRequest struct {
	Suspect string `json:"suspect"` // CASE/PERSON, or "" for the operation
	Devices int64  `json:"devices_seized"`
	Victims int64  `json:"victims_safeguarded"`
	Date    string `json:"date"`
	Note    string `json:"note"`
}

type tallyResponse struct {
	Tally investigation.OperationTally `json:"tally"`
}

// recordTally records devices seized or victims safeguarded.
func (a *API) recordTally(w http.ResponseWriter, r *http.Request) error {
	var req tallyRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	t, err := a.svc.RecordTally(r.Context(), r.PathValue("operation"), req.Suspect, req.Devices, req.Victims, req.Date, req.Note)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, tallyResponse{t})
}

type operationReportResponse struct {
	Report investigation.OperationReport `json:"report"`
}

// operationReport computes the operation report as of a day (as_of).
func (a *API) operationReport(w http.ResponseWriter, r *http.Request) error {
	rep, err := a.svc.OperationReport(r.Context(), r.PathValue("operation"), r.URL.Query().Get("as_of"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, operationReportResponse{rep})
}
