package referral

import (
	"bytes"
	_ "embed"
	"html/template"
)

//go:embed report.html.tmpl
var reportTemplate string

// reportTmpl renders the human report. Every value is evidence or typed
// by a person: html/template escapes it all; nothing is trusted HTML, and
// the report holds no media, only hashes.
var reportTmpl = template.Must(template.New("report").Parse(reportTemplate))

// handlingText is the meaning of each SIENA handling code.
var handlingText = map[string]string{
	H0: "May only be used for preventing and combating crime, in line with the applicable law.",
	H1: "Not to be disclosed in judicial proceedings without the provider's permission.",
	H2: "Not to be disseminated without the provider's permission.",
	H3: "Other restrictions:",
}

func writeReport(r Referral, suspects []Suspect, media []mediaRow) ([]byte, error) {
	var b bytes.Buffer
	err := reportTmpl.Execute(&b, struct {
		R        Referral
		Handling string
		Suspects []Suspect
		Media    []mediaRow
	}{r, handlingText[r.Handling.Code], suspects, media})
	return b.Bytes(), err
}
