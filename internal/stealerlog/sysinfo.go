package stealerlog

import (
	"strings"
	"time"
)

// sysKeys maps lowercase system-information keys of every family to the
// SystemInfo field they fill. The first occurrence wins.
var sysKeys = map[string]string{
	"ip": "ip", "ip address": "ip", "ip info": "ipinfo", "ipaddress": "ip",
	"country": "country", "country code": "country",
	"location": "location", "city": "location",
	"zip code": "zip", "zip": "zip", "zip (autofills)": "zip", "postal code": "zip",
	"hwid": "hwid", "machineid": "machineid", "machine id": "machineid", "guid": "guid",
	"machinename": "machine", "machine name": "machine", "computer name": "machine", "computername": "machine", "computer": "machine", "pc name": "machine", "hostname": "machine",
	"username": "user", "user name": "user", "user": "user", "current user": "user",
	"operation system": "os", "os": "os", "windows": "os", "os version": "os", "operating system": "os",
	"timezone": "tz", "time zone": "tz",
	"current language": "lang", "language": "lang", "locale": "lang",
	"build id": "build", "build": "build", "lummac2 build": "build", "lummac2, build": "build",
	"install date": "install",
	"log date":     "date", "date": "date", "local time": "date", "local date": "date", "launched at": "date", "last seen": "date",
}

// parseSysInfo reads "Key: value" lines, also indented "- Key: value"
// (StealC, Lumma, Raccoon). Lines without a value (section headers) and
// lines inside list sections are kept in Fields only when they have a
// value.
func parseSysInfo(text, file string, maxLine int, warn func(Warning)) (SystemInfo, string) {
	si := SystemInfo{Source: file}
	set := map[string]bool{}
	var banner []string
	lines(text, maxLine, func(n int, reason string) {
		warn(Warning{File: file, Line: n, Reason: reason})
	}, func(n int, line string) {
		s := strings.TrimSpace(line)
		s = strings.TrimLeft(s, "-•* \t")
		i := strings.IndexByte(s, ':')
		if i <= 0 || i > 40 {
			if s != "" && len(si.Fields) == 0 {
				banner = append(banner, s)
			}
			return
		}
		key := strings.TrimSpace(s[:i])
		val := strings.TrimSpace(s[i+1:])
		if val == "" {
			return
		}
		if len(si.Fields) < 1000 {
			si.Fields = append(si.Fields, Field{Key: key, Value: val, Line: n})
		}
		f, ok := sysKeys[strings.ToLower(key)]
		if !ok || set[f] {
			return
		}
		set[f] = true
		switch f {
		case "ip":
			si.IP = val
		case "ipinfo": // Raccoon v2: "IP info: PL 203.0.113.5"
			if cc, ip, ok := strings.Cut(val, " "); ok && len(cc) == 2 {
				if si.Country == "" {
					si.Country = cc
				}
				si.IP = strings.TrimSpace(ip)
			} else {
				si.IP = val
			}
		case "country":
			si.Country = val
		case "location":
			si.Location = val
		case "zip":
			si.ZIP = val
		case "hwid":
			si.HWID = val
		case "machineid":
			si.MachineID = val
		case "guid":
			si.GUID = val
		case "machine":
			si.MachineName = val
		case "user":
			si.UserName = val
		case "os":
			si.OS = val
		case "tz":
			si.TimeZone = val
		case "lang":
			si.Language = val
		case "build":
			si.BuildID = val
		case "install":
			si.InstallDate = val
		case "date":
			si.LogDate = val
			si.LogTime = parseLogTime(val)
		}
	})
	if si.IP == "" {
		// Raccoon v2 writes "IP info: PL 203.0.113.5" as "IP info" only.
		for _, f := range si.Fields {
			if strings.EqualFold(f.Key, "ip") {
				si.IP = f.Value
				break
			}
		}
	}
	if si.Country == "" && len(si.Location) > 3 && si.Location[2] == ',' && isUpper2(si.Location[:2]) {
		si.Country = si.Location[:2] // RisePro: "Location: EG, Cairo"
	}
	if len(banner) > 20 {
		banner = banner[:20]
	}
	return si, strings.Join(banner, "\n")
}

func isUpper2(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

// Log-date layouts seen: RedLine "1/20/2024 2:05:33 PM", Lumma
// "26.10.2024 19:00:18", StealC "2024/6/22 15:49:7", Vidar ISO-like.
// Times without a zone are taken as UTC (the zone is in TimeZone).
var logTimeLayouts = []string{
	"1/2/2006 3:04:05 PM",
	"01/02/2006 15:04:05",
	"1/2/2006 15:04:05",
	"2.1.2006 15:04:05",
	"02.01.2006 15:04:05",
	"2006/1/2 15:4:5",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05",
	"02/01/2006 15:04:05",
	"Mon Jan 02 2006 15:04:05",
	time.RFC3339,
}

func parseLogTime(s string) time.Time {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, " ("); i > 0 {
		s = s[:i]
	}
	for _, l := range logTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}
