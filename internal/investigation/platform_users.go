package investigation

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/identifier"
	"github.com/vibora-project/vibora/internal/platform"
	"github.com/vibora-project/vibora/internal/store"
)

// Weights of the platform-user ranking (docs/platform.md). Uploading
// material no bank knows weighs most (possible new material: victim
// identification), then running the platform, then known material, then
// paying; volume and recency only order the rest.
const (
	WeightPlatformNewUpload   = 6.0  // per uploaded file no bank knows
	WeightPlatformKnownUpload = 3.0  // per uploaded known-material file
	WeightPlatformAdmin       = 8.0  // admin or moderator of the platform
	WeightPlatformPayer       = 4.0  // paid at least once
	WeightPlatformPayment     = 0.5  // per payment, at most MaxPlatformPayments
	MaxPlatformPayments       = 5.0  // cap of the per-payment part
	WeightPlatformVolume      = 0.01 // per download, view or message, at most MaxPlatformVolume
	MaxPlatformVolume         = 3.0
	WeightPlatformRecent      = 1.0                 // active in the last RecentWindow of the platform's data
	RecentWindow              = 90 * 24 * time.Hour // before the newest activity the platform recorded
)

// Platform roles a user can be filtered by.
const (
	PlatformRoleUploader = "uploader"
	PlatformRolePayer    = "payer"
	PlatformRoleAdmin    = "admin"
	PlatformRoleViewer   = "viewer"
)

// PlatformUsersOptions filter the list: by attributed country (ISO code,
// the best candidate) and by role.
type PlatformUsersOptions struct {
	Country string
	Role    string
}

// PlatformUserView is one ranked platform user (vibora platform users --json).
type PlatformUserView struct {
	Platform     string                 `json:"platform"`
	ID           string                 `json:"id"`
	Username     string                 `json:"username"`
	PlatformRole string                 `json:"platform_role"`
	Roles        []string               `json:"roles"`
	Score        float64                `json:"score"`
	Reasons      []string               `json:"reasons"`
	Uploads      int64                  `json:"uploads"`
	NewUploads   int64                  `json:"new_uploads"`
	KnownUploads int64                  `json:"known_uploads"`
	Downloads    int64                  `json:"downloads"`
	Views        int64                  `json:"views"`
	Messages     int64                  `json:"messages"`
	Payments     int64                  `json:"payments"`
	LastActivity string                 `json:"last_activity"`
	Logins       int64                  `json:"logins"`
	FirstLogin   string                 `json:"first_login"`
	LastLogin    string                 `json:"last_login"`
	Identifiers  []string               `json:"identifiers"`
	Country      string                 `json:"country"`
	Countries    []identifier.Candidate `json:"countries"`
}

// PlatformCountryView counts the users attributed to a country ("" for
// none) and, of them, uploaders of new material and payers.
type PlatformCountryView struct {
	Country          string `json:"country"`
	Users            int64  `json:"users"`
	NewMaterialUsers int64  `json:"new_material_uploaders"`
	Payers           int64  `json:"payers"`
	Admins           int64  `json:"admins"`
}

// PlatformUsersReport is the ranked list and the per-country summary of
// every user of every platform of a case (before filtering).
type PlatformUsersReport struct {
	Case      string                `json:"case"`
	Users     []PlatformUserView    `json:"users"`
	Countries []PlatformCountryView `json:"countries"`
}

// PlatformUsers ranks the users of a case's seized platforms with the
// reasons behind each score and attributes them to countries (login and
// registration IPs through the service's GeoIP database, phone numbers,
// e-mail domains, a country the platform recorded).
func (s *Service) PlatformUsers(ctx context.Context, caseName string, opt PlatformUsersOptions) (PlatformUsersReport, error) {
	rep := PlatformUsersReport{Case: caseName, Users: []PlatformUserView{}, Countries: []PlatformCountryView{}}
	c, err := s.caseFor(ctx, caseName, access.Read)
	if err != nil {
		return rep, err
	}
	if opt.Role != "" && !slices.Contains([]string{PlatformRoleUploader, PlatformRolePayer, PlatformRoleAdmin, PlatformRoleViewer}, opt.Role) {
		return rep, fmt.Errorf("role %q: one of uploader, payer, admin, viewer: %w", opt.Role, ErrInvalid)
	}
	opt.Country = strings.ToUpper(opt.Country)
	platforms, err := s.db.Platforms(ctx, c.ID)
	if err != nil {
		return rep, err
	}
	byCountry := map[string]*PlatformCountryView{}
	for _, p := range platforms {
		users, err := s.platformUsersOf(ctx, p)
		if err != nil {
			return rep, err
		}
		if opt.Country == "" && opt.Role == "" {
			rep.Users = slices.Grow(rep.Users, len(users)) // the views are not copied again each time the slice would grow
		}
		for _, u := range users {
			cv := byCountry[u.Country]
			if cv == nil {
				cv = &PlatformCountryView{Country: u.Country}
				byCountry[u.Country] = cv
			}
			cv.Users++
			if u.NewUploads > 0 {
				cv.NewMaterialUsers++
			}
			if u.Payments > 0 {
				cv.Payers++
			}
			if slices.Contains(u.Roles, PlatformRoleAdmin) {
				cv.Admins++
			}
			if (opt.Country == "" || u.Country == opt.Country) && (opt.Role == "" || slices.Contains(u.Roles, opt.Role)) {
				rep.Users = append(rep.Users, u)
			}
		}
	}
	slices.SortFunc(rep.Users, func(a, b PlatformUserView) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), strings.Compare(a.Platform, b.Platform), strings.Compare(a.ID, b.ID))
	})
	for _, cv := range byCountry {
		rep.Countries = append(rep.Countries, *cv)
	}
	slices.SortFunc(rep.Countries, func(a, b PlatformCountryView) int {
		return cmp.Or(cmp.Compare(b.Users, a.Users), strings.Compare(a.Country, b.Country))
	})
	return rep, nil
}

// platformUsersOf scores the users of one platform.
func (s *Service) platformUsersOf(ctx context.Context, p store.Platform) ([]PlatformUserView, error) {
	users, err := s.db.PlatformUsers(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	keys, err := s.db.PlatformUserKeys(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	counts, err := s.db.PlatformActivityCounts(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	views := make([]PlatformUserView, len(users))
	index := map[int64]int{}
	newest := ""
	for i, u := range users {
		index[u.ID] = i
		views[i] = PlatformUserView{Platform: p.Name, ID: u.ExtID, Username: u.Username, PlatformRole: u.Role, Identifiers: orEmpty(keys[u.ID])}
	}
	for _, c := range counts {
		v := &views[index[c.UserID]]
		switch c.Kind {
		case "upload":
			v.Uploads += c.Count
			switch c.Status {
			case "matched":
				v.KnownUploads += c.Count
			case "unknown":
				v.NewUploads += c.Count
			}
		case "download":
			v.Downloads += c.Count
		case "view":
			v.Views += c.Count
		case "message":
			v.Messages += c.Count
		case "payment":
			v.Payments += c.Count
		}
		v.LastActivity = max(v.LastActivity, c.Last)
		newest = max(newest, c.Last)
	}
	logins, err := s.db.PlatformLoginStats(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	for _, l := range logins {
		if i, ok := index[l.UserID]; ok {
			views[i].Logins, views[i].FirstLogin, views[i].LastLogin = l.Count, l.First, l.Last
		}
	}
	var recentFrom string
	if t, err := time.Parse(time.RFC3339, newest); err == nil {
		recentFrom = t.Add(-RecentWindow).Format(time.RFC3339)
	}
	a := s.attributor()
	for i, u := range users {
		v := &views[i]
		v.score(u.Role, recentFrom)
		var sig []identifier.Signal
		for _, k := range v.Identifiers {
			// By key: its kind was classified when it was stored.
			kind, _, _ := strings.Cut(k, ":")
			if kind == "email" || kind == "phone" || kind == "ipv4" || kind == "ipv6" || s.exchanges[k].Country != "" { // or an exchange's address
				sig = append(sig, identifier.Signal{Kind: identifier.SignalKey, Value: k})
			}
		}
		if u.Country != "" {
			sig = append(sig, identifier.Signal{Kind: identifier.SignalDeclaredLocation, Value: identifier.CountryName(u.Country)})
		}
		v.Countries = orEmpty(a.Attribute(sig))
		if len(v.Countries) > 0 {
			v.Country = v.Countries[0].Country
		}
	}
	return views, nil
}

// isAdminRole reports whether a platform's role name runs the platform.
func isAdminRole(role string) bool {
	r := strings.ToLower(role)
	return strings.Contains(r, "admin") || strings.Contains(r, "moderator") || r == "mod" || r == "owner" || r == "staff"
}

// score computes the documented ranking of a platform user.
func (v *PlatformUserView) score(role, recentFrom string) {
	add := func(w float64, reason string) {
		if w > 0 {
			v.Score += w
			v.Reasons = append(v.Reasons, fmt.Sprintf("+%.1f %s", w, reason))
		}
	}
	v.Roles = []string{}
	if isAdminRole(role) {
		v.Roles = append(v.Roles, PlatformRoleAdmin)
	}
	if v.Uploads > 0 {
		v.Roles = append(v.Roles, PlatformRoleUploader)
	}
	if v.Payments > 0 {
		v.Roles = append(v.Roles, PlatformRolePayer)
	}
	if v.Downloads+v.Views > 0 {
		v.Roles = append(v.Roles, PlatformRoleViewer)
	}
	add(WeightPlatformNewUpload*float64(v.NewUploads), fmt.Sprintf("uploaded %d file(s) no bank knows: possible new material, flag for victim identification", v.NewUploads))
	if isAdminRole(role) {
		add(WeightPlatformAdmin, fmt.Sprintf("platform role %q", role))
	}
	add(WeightPlatformKnownUpload*float64(v.KnownUploads), fmt.Sprintf("uploaded %d known-material file(s)", v.KnownUploads))
	if v.Payments > 0 {
		add(WeightPlatformPayer+min(WeightPlatformPayment*float64(v.Payments), MaxPlatformPayments), fmt.Sprintf("paid %d time(s)", v.Payments))
	}
	add(min(WeightPlatformVolume*float64(v.Downloads+v.Views+v.Messages), MaxPlatformVolume),
		fmt.Sprintf("volume: %d download(s), %d view(s), %d message(s)", v.Downloads, v.Views, v.Messages))
	if recentFrom != "" && v.LastActivity >= recentFrom {
		add(WeightPlatformRecent, "active in the last 90 days of the platform's data (last "+v.LastActivity+")")
	}
	v.Reasons = orEmpty(v.Reasons)
}

// PlatformTagPackOptions name the creator (the unit) and the source
// (a case reference that reveals nothing) of a TagPack.
type PlatformTagPackOptions struct {
	Platform string
	Creator  string
	Source   string
}

// PlatformTagPack exports the deposit addresses of a case's platform as a
// private GraphSense TagPack (docs/platform.md): the addresses the
// platform assigned (deposit address rows) and those its payments went to,
// never the users behind them. The export is audited (platform.tagpack).
func (s *Service) PlatformTagPack(ctx context.Context, caseName string, opt PlatformTagPackOptions) ([]byte, error) {
	c, err := s.caseFor(ctx, caseName, access.Read)
	if err != nil {
		return nil, err
	}
	platforms, err := s.db.Platforms(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(platforms, func(p store.Platform) bool { return p.Name == opt.Platform })
	if i < 0 {
		return nil, fmt.Errorf("platform %q in case %s: %w", opt.Platform, c.Name, store.ErrNotFound)
	}
	acts, err := s.db.PlatformActivityOf(ctx, platforms[i].ID, "deposit_address", "payment")
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, a := range acts {
		if a.Address != "" {
			keys = append(keys, a.Address)
		}
	}
	tp, err := platform.NewTagPack(opt.Platform, opt.Creator, opt.Source, s.now().UTC().Format(time.DateOnly), keys)
	if err != nil {
		return nil, fmt.Errorf("%v: %w", err, ErrInvalid)
	}
	out, err := tp.Marshal()
	if err != nil {
		return nil, err
	}
	ch := &change{action: "platform.tagpack", object: "case:" + c.Name, detail: map[string]any{"platform": opt.Platform, "addresses": len(tp.Tags)}}
	if err := s.mutate(ctx, ch, func(*store.Tx) error { return nil }); err != nil {
		return nil, err
	}
	return out, nil
}
