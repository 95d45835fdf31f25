package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// VictimFolders generates n victim folders, alternating RedLine- and
// Vidar-style layouts, and hands every file to write (a path with '/'
// separators and its content). Each folder holds a system-information
// file, 20 credentials, 30 cookies and a few autofill values; about one
// folder in 50 has a credential on a host from watched.
func VictimFolders(n int, seed uint64, watched []string, write func(name string, data []byte) error) error {
	rng := NewRand(seed)
	for i := 0; i < n; i++ {
		if err := victimFolder(i, rng, watched, write); err != nil {
			return err
		}
	}
	return nil
}

func victimFolder(i int, rng *rand.Rand, watched []string, write func(string, []byte) error) error {
	hwid := fmt.Sprintf("%032X", rng.Uint64())
	ip := fmt.Sprintf("203.0.113.%d", rng.IntN(254)+1)
	user := fmt.Sprintf("user%d", i)
	var creds strings.Builder
	host := func(j int) string {
		if len(watched) > 0 && j == 0 && rng.IntN(50) == 0 {
			return watched[rng.IntN(len(watched))]
		}
		return fmt.Sprintf("site%06d.example.%s", rng.IntN(1_000_000), genTLDs[rng.IntN(len(genTLDs))])
	}
	vidar := i%2 == 1
	dir := fmt.Sprintf("batch%03d/US[%s] [2024-01-20T14_05_%02d.0000000]", i/1000, hwid, i%60)
	if vidar {
		dir = fmt.Sprintf("batch%03d/%s_%d", i/1000, hwid[:10], i)
	}
	for j := 0; j < 20; j++ {
		login := fmt.Sprintf("%s_%d@example.com", user, j%3)
		pw := fmt.Sprintf("Pw-%x", rng.Uint32())
		if vidar {
			fmt.Fprintf(&creds, "Soft: Google Chrome (Default)\nHost: https://%s/login\nLogin: %s\nPassword: %s\n\n", host(j), login, pw)
		} else {
			fmt.Fprintf(&creds, "URL: https://%s/login\nUsername: %s\nPassword: %s\nApplication: Google_[Chrome]_Default\n===============\n", host(j), login, pw)
		}
	}
	var cookies strings.Builder
	cookies.WriteString("# Netscape HTTP Cookie File\n")
	for j := 0; j < 30; j++ {
		fmt.Fprintf(&cookies, ".site%06d.example.org\tTRUE\t/\tFALSE\t1767225600\tc%d\tplaceholder-%x\n", rng.IntN(1_000_000), j, rng.Uint32())
	}
	autofill := fmt.Sprintf("Name: email\nValue: %s@example.net\n\nName: phone\nValue: +1 202 555 01%02d\n\nName: firstname\nValue: Sample%d\n", user, rng.IntN(100), i)
	var files map[string]string
	if vidar {
		files = map[string]string{
			"information.txt":                    fmt.Sprintf("Version: 9.9\nDate: 2024-03-05 10:11:12\nMachineID: %s\nHWID: %s\nComputer Name: PC-%d\nUser Name: %s\nIp: %s\nCountry: US\n", hwid, hwid, i, user, ip),
			"passwords.txt":                      creds.String(),
			"Cookies/Google Chrome_Default.txt":  cookies.String(),
			"Autofill/Google Chrome_Default.txt": autofill,
		}
	} else {
		files = map[string]string{
			"UserInformation.txt": fmt.Sprintf("Build ID: synth\r\nIP: %s\r\nUserName: %s\r\nMachineName: PC-%d\r\nCountry: US\r\nHWID: %s\r\nOperation System: Windows 10 Pro x64\r\nLog date: 1/20/2024 2:05:33 PM\r\n", ip, user, i, hwid),
			"Passwords.txt":       creds.String(),
			"Cookies/Google_[Chrome]_Default Network.txt": cookies.String(),
			"Autofills/Google_[Chrome]_Default.txt":       autofill,
			"InstalledSoftware.txt":                       "1) Example Office Suite [1.0.0]\n",
		}
	}
	for name, data := range files {
		if err := write(dir+"/"+name, []byte(data)); err != nil {
			return fmt.Errorf("write %s/%s: %w", dir, name, err)
		}
	}
	return nil
}
