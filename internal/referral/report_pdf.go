package referral

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"codeberg.org/go-pdf/fpdf"
)

// ReportPDFFile is the printable report, made from the same data as the
// HTML one.
const ReportPDFFile = "data/report/referral-report.pdf"

// pdfNote says what the PDF cannot carry exactly.
const pdfNote = "This PDF is the printable form of referral-report.html. Its fonts show Latin text only: a character they cannot show " +
	"is printed as a dot, a control character as '?'. The HTML report and the JSON files of the package carry the exact text."

// writePDF renders the report as a PDF: the markings on every page, the
// referral's facts, then every suspect. The bytes depend only on the data
// and at (the document's creation and modification date), so a package
// rebuilt from the same data at the same as-of time is byte-identical.
func writePDF(r Referral, suspects []Suspect, media []mediaRow, at time.Time) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreationDate(at)
	pdf.SetModificationDate(at)
	pdf.SetCatalogSort(true)
	pdf.SetCompression(false) // plain text streams a reader can audit
	pdf.SetProducer("Vibora", false)
	pdf.SetCreator(r.Tool.Name+" "+r.Tool.Version, false)
	pdf.SetTitle("Referral "+r.ID, false)
	pdf.SetMargins(15, 15, 15)
	pdf.SetAutoPageBreak(true, 15)
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	text := func(s string) string {
		return tr(strings.Map(func(c rune) rune {
			if c != '\n' && (unicode.IsControl(c) || unicode.Is(unicode.Bidi_Control, c)) {
				return '?'
			}
			return c
		}, s))
	}
	marking := r.Handling.TLP + " - SIENA " + r.Handling.Code + ": " + handlingText[r.Handling.Code]
	if r.Handling.H3Text != "" {
		marking += " " + r.Handling.H3Text
	}
	pdf.SetHeaderFunc(func() {
		pdf.SetFont("Helvetica", "B", 9)
		pdf.MultiCell(0, 5, text(marking), "1", "L", false)
		pdf.Ln(2)
	})
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont("Helvetica", "", 8)
		pdf.CellFormat(0, 5, text(fmt.Sprintf("Referral %s - page %d", r.ID, pdf.PageNo())), "", 0, "C", false, 0, "")
	})
	heading := func(size float64, s string) {
		pdf.SetFont("Helvetica", "B", size)
		pdf.MultiCell(0, size/2+1, text(s), "", "L", false)
		pdf.Ln(1)
	}
	field := func(label, value string) {
		if value == "" {
			return
		}
		pdf.SetFont("Helvetica", "B", 9)
		pdf.MultiCell(0, 4.5, text(label), "", "L", false)
		pdf.SetFont("Helvetica", "", 9)
		pdf.MultiCell(0, 4.5, text(value), "", "L", false)
		pdf.Ln(0.5)
	}
	list := func(label string, lines []string) {
		if len(lines) > 0 {
			field(label, strings.Join(lines, "\n"))
		}
	}
	grade := func(g Grading) string { return g.Source + g.Info }

	pdf.AddPage()
	heading(16, "Referral "+r.ID)
	field("Operation", r.Operation)
	from := r.Sender.Agency
	if r.Sender.Contact != "" {
		from += " (" + r.Sender.Contact + ")"
	}
	field("From", from)
	to := r.Recipient.Country
	if r.Recipient.Agency != "" {
		to += " - " + r.Recipient.Agency
	}
	field("To", to+" via "+r.Recipient.Channel)
	field("As of", r.CreatedAt)
	field("Legal basis", r.LegalBasis)
	field("Requested actions", strings.Join(r.RequestedActions, ", "))
	field("Deadline", r.Deadline)
	field("Minimum score", strconv.FormatFloat(r.MinScore, 'g', -1, 64))
	field("Source cases", strings.Join(r.Sources, ", "))
	field("Tool", r.Tool.Name+" "+r.Tool.Version)
	var sets []string
	for _, h := range r.HashSets {
		s := h.Name + " (" + h.Kind
		if h.Version != "" {
			s += ", " + h.Version
		}
		sets = append(sets, s+fmt.Sprintf(", %d records)", h.Records))
	}
	list("Hash sets used", sets)
	c := r.Counts
	field("Counts", fmt.Sprintf("%d suspects, %d identifiers, %d IP events, %d messages, %d stealer-log hits, %d payments, %d known files (hashes only), %d custody events",
		c.Suspects, c.Identifiers, c.IPEvents, c.Messages, c.StealerHits, c.Payments, c.Media, c.Custody))
	field("Grading", "Europol 4x4 per record (source A, B, C, X; information 1 to 4). Known material is listed by hash only; this package holds no media.")
	field("Notes", r.Notes)
	field("About this PDF", pdfNote)

	for _, s := range suspects {
		pdf.AddPage()
		heading(13, s.ID+" - "+s.Name)
		field("Sender's reference", s.SourceRef)
		field("Other names", strings.Join(s.Names, ", "))
		field("Score", strconv.FormatFloat(s.Score, 'g', -1, 64))
		list("Why", s.Reasons)
		var basis []string
		for _, b := range s.Attribution.Basis {
			basis = append(basis, b.Kind+": "+b.Evidence+" ("+grade(b.Grading)+")")
		}
		list("Attribution to "+s.Attribution.Country, basis)
		list("Evidence trail", s.Trail)
		list("Roles", s.Roles)
		if s.FirstSeen != "" || s.LastSeen != "" {
			field("Seen", s.FirstSeen+" to "+s.LastSeen)
		}
		field("Exhibits", strings.Join(s.Exhibits, ", "))
		var lines []string
		for _, x := range s.Identifiers {
			lines = append(lines, x.Kind+": "+x.Value+" - "+x.Source+" ("+grade(x.Grading)+")")
		}
		list("Identifiers", lines)
		lines = nil
		for _, e := range s.IPEvents {
			lines = append(lines, e.Address+" "+e.Time+" - "+e.Event+" - "+e.Source+" ("+grade(e.Grading)+")")
		}
		list("IP events", lines)
		lines = nil
		for _, h := range s.StealerHits {
			lines = append(lines, h.Lead+": "+h.URL+" login "+h.Login+" password "+h.Password)
		}
		list("Stealer-log hits (passwords masked)", lines)
		lines = nil
		for _, p := range s.Payments {
			l := p.Direction + " " + strings.TrimSpace(p.Amount+" "+p.Currency) + " " + p.Time
			if p.Counterparty != "" {
				l += " - other side " + p.Counterparty
				if p.CounterpartyCountry != "" {
					l += " (" + p.CounterpartyCountry + ")"
				}
			}
			if p.Identifier != "" {
				l += " - own side " + p.Identifier
			}
			if p.TxID != "" {
				l += " - transaction " + p.TxID
			}
			if p.CrossBorder {
				l += " - cross-border"
			}
			lines = append(lines, l+" - "+p.Source+" ("+grade(p.Grading)+")")
		}
		list("Payments", lines)
		lines = nil
		for _, m := range s.Media {
			l := m.SHA256 + " " + m.Category
			if m.Series != "" {
				l += " series " + m.Series
			}
			lines = append(lines, l+" - "+m.HashSet+" - "+m.Exhibit)
		}
		list("Known material shared (SHA-256, hashes only)", lines)
		lines = nil
		for _, m := range s.Messages {
			lines = append(lines, m.Time+" "+m.Conversation+" #"+m.ID+": "+m.Text)
		}
		list("Messages written (text only)", lines)
	}
	if len(media) > 0 {
		pdf.AddPage()
		heading(13, "Known material (hashes only)")
		var lines []string
		for _, m := range media {
			lines = append(lines, m.SHA256+" "+m.Category+" - suspects "+strings.Join(m.Suspects, ", "))
		}
		list(fmt.Sprintf("%d files", len(media)), lines)
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		return nil, fmt.Errorf("PDF report: %w", err)
	}
	return b.Bytes(), nil
}
