package webtest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/investigation"
)

// Payloads are script and HTML that evidence text may carry: every page
// must show them as text. Each calls alert or names an element the tests
// look for, so a page that ran or built one is caught.
var Payloads = []string{
	`<script>alert("xss-script")</script>`,
	`<img src=x onerror=alert("xss-img") id=xss-img>`,
	`javascript:alert("xss-link")`,
	`"><svg onload=alert("xss-svg") id=xss-svg>`,
	`{{.}}`,
}

// HostileChat is the name of the chat SeedHostile imports.
const HostileChat = `Hostile <b id=xss-b>group</b> "><svg onload=alert("xss-name")>`

// SeedHostile imports into case CaseNL a WhatsApp chat whose group name,
// member names, message texts and attachment file names carry Payloads,
// and stealer logs whose machine, user, logins and addresses do, and
// returns the conversation's address (platform:id) in the UI.
func (h *Hub) SeedHostile(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	var lines []string
	lines = append(lines, "1/15/24, 9:00 AM - Alex Example created group \""+HostileChat+"\"")
	for i, p := range Payloads {
		lines = append(lines,
			"1/15/24, 9:0"+string(rune('1'+i))+" AM - "+strings.ReplaceAll(p, ": ", " ")+": "+p,
			"1/15/24, 9:1"+string(rune('1'+i))+" AM - +1 202-555-0171: "+p+" and a link "+p,
			"1/15/24, 9:2"+string(rune('1'+i))+" AM - +1 202-555-0171: "+strings.ReplaceAll(p, "/", "_")+".jpg (file attached)")
	}
	chat := filepath.Join(dir, "WhatsApp Chat with "+strings.ReplaceAll(HostileChat, "/", "_")+".txt")
	if err := os.WriteFile(chat, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	rep, err := h.Service.ImportChat(h.Seed, CaseNL, chat, investigation.ChatImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Messages < int64(len(Payloads)*3) {
		t.Fatalf("hostile chat: %d messages imported", rep.Messages)
	}
	watch := filepath.Join(dir, "watchlist.txt")
	if err := os.WriteFile(watch, []byte("board.example.org\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	logs := filepath.Join(dir, "logs")
	victim := filepath.Join(logs, "NL[A1B2C3D4E5F60718293A4B5C6D7E8F91] [2024-02-11T10_15_00.0000001]")
	if err := os.MkdirAll(victim, 0o700); err != nil {
		t.Fatal(err)
	}
	info := "Build ID: test\r\nIP: 203.0.113.9\r\nUserName: " + Payloads[3] + "\r\nMachineName: " + Payloads[1] + "\r\nCountry: NL\r\n"
	var pw strings.Builder
	for _, p := range Payloads {
		pw.WriteString("URL: https://board.example.org/" + p + "\r\nUsername: " + p + "\r\nPassword: Secret-" + p + "\r\nApplication: " + p + "\r\n===============\r\n")
	}
	for name, text := range map[string]string{"UserInformation.txt": info, "Passwords.txt": pw.String()} {
		if err := os.WriteFile(filepath.Join(victim, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	st, err := h.Service.ScanStealer(h.Seed, CaseNL, investigation.StealerScanOptions{Watchlist: watch, Paths: []string{logs}})
	if err != nil {
		t.Fatal(err)
	}
	if st.Leads == 0 {
		t.Fatalf("hostile stealer logs: no lead: %+v", st)
	}
	convs, err := h.Service.Conversations(h.Seed, CaseNL)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range convs {
		if strings.Contains(c.Name, "Hostile") {
			return c.Platform + ":" + c.ExtID
		}
	}
	t.Fatalf("hostile chat not among %+v", convs)
	return ""
}
