package demo

import (
	"fmt"
	"path/filepath"
	"strings"
)

// victim is an invented infected machine.
type victim struct {
	folder, ip, country, machine, user, hwid string
	creds                                    [][3]string // url, login, password
}

// writeStealerLogs writes RedLine/META-style victim folders and a
// watchlist. Two machines touch watched sites with contact details that
// demo chat members posted; one touches none.
func writeStealerLogs(l *Layout) error {
	dir := filepath.Join(l.Root, "stealer")
	l.Stealer = filepath.Join(dir, "logs")
	l.Watchlist = filepath.Join(dir, "watchlist.txt")
	wl := "# Demo watchlist (synthetic)\nboard.watchlist-demo.example.org\nexchange.example.net/forum/*\n"
	if err := writeFile(l.Watchlist, []byte(wl)); err != nil {
		return err
	}
	victims := []victim{
		{"NL[A1B2C3D4E5F60718293A4B5C6D7E8F90] [2024-02-11T10_15_00.0000001]", "203.0.113.77", "NL", "DESKTOP-DEMO01", "sky", "A1B2C3D4E5F60718293A4B5C6D7E8F90",
			[][3]string{
				{"https://board.watchlist-demo.example.org/login", skyEmail, "Demo-Passw0rd!"},
				{"https://exchange.example.net/forum/login.php", "sky_s", "Demo-Passw0rd!"},
				{"https://mail.example.com/", skyEmail, "another:demo:pass"},
				{"https://shop.example.com/account", skyEmail, "shop-demo-1"},
			}},
		{"US[0F1E2D3C4B5A69788796A5B4C3D2E1F0] [2024-02-12T08_00_00.0000002]", "198.51.100.23", "US", "LAPTOP-DEMO02", "rowan", "0F1E2D3C4B5A69788796A5B4C3D2E1F0",
			[][3]string{
				{"android://ZGVtb19hcHBfaGFzaA==@org.example.board/", "+12025550171", "1234"},
				{"https://board.watchlist-demo.example.org/member.php", "+12025550171", "Rowan-demo-9"},
			}},
		{"DE[99887766554433221100FFEEDDCCBBAA] [2024-02-13T09_30_00.0000003]", "192.0.2.10", "DE", "PC-DEMO03", "erin", "99887766554433221100FFEEDDCCBBAA",
			[][3]string{{"https://news.example.com/", "erin.placeholder@example.com", "unrelated-demo"}}},
	}
	for _, v := range victims {
		root := filepath.Join(l.Stealer, v.folder)
		info := fmt.Sprintf("Build ID: demo\r\nIP: %s\r\nUserName: %s\r\nMachineName: %s\r\nCountry: %s\r\nHWID: %s\r\nTimeZone: (UTC+01:00) Amsterdam, Berlin\r\nOperation System: Windows 10 Pro x64\r\nLog date: 2/11/2024 10:15:00 AM\r\n",
			v.ip, v.user, v.machine, v.country, v.hwid)
		if err := writeFile(filepath.Join(root, "UserInformation.txt"), []byte(info)); err != nil {
			return err
		}
		var pw strings.Builder
		for _, c := range v.creds {
			fmt.Fprintf(&pw, "URL: %s\r\nUsername: %s\r\nPassword: %s\r\nApplication: Google_[Chrome]_Default\r\n===============\r\n", c[0], c[1], c[2])
		}
		if err := writeFile(filepath.Join(root, "Passwords.txt"), []byte(pw.String())); err != nil {
			return err
		}
	}
	return nil
}
