package investigation

import (
	"cmp"
	"fmt"
	"math"
	"runtime"
	"strings"

	"github.com/vibora-project/vibora/internal/aigen"
	"github.com/vibora-project/vibora/internal/aigen/modelfile"
	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/evidence"
	"github.com/vibora-project/vibora/internal/identifier"
	"github.com/vibora-project/vibora/internal/stealerlog"
	"github.com/vibora-project/vibora/internal/store"
	"github.com/vibora-project/vibora/internal/video"
)

// The views below are the documents that both the command line's --json
// (docs/cli-json.md) and the REST API print, one type per document, so the
// two never drift apart. Field order is part of the contract: the golden
// files pin the bytes.

// VersionInfo is the document of vibora version.
type VersionInfo struct {
	Arch    string `json:"arch"`
	Go      string `json:"go"`
	OS      string `json:"os"`
	Version string `json:"version"`
}

// NewVersionInfo describes this build, version being the release name.
func NewVersionInfo(version string) VersionInfo {
	return VersionInfo{Arch: runtime.GOARCH, Go: runtime.Version(), OS: runtime.GOOS, Version: version}
}

// HashView is one hashed file (vibora hash).
type HashView struct {
	Path        string      `json:"path"`
	Size        int64       `json:"size"`
	MD5         string      `json:"md5,omitempty"`
	SHA1        string      `json:"sha1,omitempty"`
	SHA256      string      `json:"sha256,omitempty"`
	MediaType   string      `json:"media_type,omitempty"`
	PDQ         string      `json:"pdq,omitempty"`
	PDQQuality  *int        `json:"pdq_quality,omitempty"`
	PDQDihedral []string    `json:"pdq_dihedral,omitempty"`
	Video       *VideoView  `json:"video,omitempty"`
	VPDQ        []VPDQFrame `json:"vpdq,omitempty"`
	// Generation lists what image generators wrote into the file
	// (docs/ai.md): claims of the file, not findings.
	Generation []aigen.Record `json:"generation,omitempty"`
	// Model is a model file's format, hashes and training claims.
	Model    *modelfile.Facts `json:"model,omitempty"`
	Warnings []string         `json:"warnings,omitempty"`
	Error    string           `json:"error,omitempty"`
}

// VideoView is what a video's probe declared and how its frames were
// selected (vibora hash, files).
type VideoView struct {
	Format         string  `json:"format"`
	Codec          string  `json:"codec"`
	Width          int     `json:"width"`
	Height         int     `json:"height"`
	FPS            float64 `json:"fps"`
	Duration       float64 `json:"duration"`
	SecondsPerHash float64 `json:"seconds_per_hash"`
	FrameMod       int     `json:"frame_mod"`
	FrameSize      int     `json:"frame_size,omitempty"`
}

// VPDQFrame is one hashed frame of a video: the reference text format's
// fields (timestamp in seconds, rounded to milliseconds as it prints it).
type VPDQFrame struct {
	Frame     int     `json:"frame"`
	Quality   int     `json:"quality"`
	PDQ       string  `json:"pdq"`
	Timestamp float64 `json:"timestamp"`
}

// NewVideoView is the view of a video's facts, and its frames.
func NewVideoView(info *video.Info) (*VideoView, []VPDQFrame) {
	if info == nil {
		return nil, nil
	}
	v := &VideoView{Format: info.Format, Codec: info.Codec, Width: info.Width, Height: info.Height,
		FPS: round3(info.FPS), Duration: round3(info.Duration), SecondsPerHash: info.SecondsPerHash,
		FrameMod: info.FrameMod, FrameSize: info.Size}
	frames := make([]VPDQFrame, len(info.Frames))
	for i, f := range info.Frames {
		frames[i] = VPDQFrame{Frame: f.Number, Quality: f.Quality, PDQ: f.PDQ.String(), Timestamp: round3(f.Timestamp)}
	}
	return v, frames
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// NewHashView is the view of one processed file.
func NewHashView(r evidence.Result) HashView {
	v := HashView{Path: r.Path, Size: r.Size, MediaType: r.MediaType, Warnings: r.Warnings, Error: r.Err}
	if r.Hashed {
		v.MD5, v.SHA1, v.SHA256 = r.Digests.MD5Hex(), r.Digests.SHA1Hex(), r.Digests.SHA256Hex()
	}
	if r.PDQ != nil {
		q := r.PDQQuality
		v.PDQ, v.PDQQuality = r.PDQ.String(), &q
		for _, d := range r.Dihedral {
			v.PDQDihedral = append(v.PDQDihedral, d.String())
		}
	}
	v.Video, v.VPDQ = NewVideoView(r.Video)
	v.Generation, v.Model = r.Generation, r.Model
	return v
}

// QueryMatches is what one query (a file or a hash) matched (vibora match,
// and each result of the API's match).
type QueryMatches struct {
	Query   string  `json:"query"`
	Kind    string  `json:"kind"`
	Status  string  `json:"status,omitempty"`
	Matches []Match `json:"matches"`
	Error   string  `json:"error,omitempty"`
}

// FileEntry is one file of a case with its triage status and matches
// (vibora files).
type FileEntry struct {
	Exhibit    string      `json:"exhibit"`
	Path       string      `json:"path"`
	Size       int64       `json:"size"`
	MTime      string      `json:"mtime,omitempty"`
	MD5        string      `json:"md5,omitempty"`
	SHA1       string      `json:"sha1,omitempty"`
	SHA256     string      `json:"sha256,omitempty"`
	MediaType  string      `json:"media_type,omitempty"`
	PDQ        string      `json:"pdq,omitempty"`
	PDQQuality *int        `json:"pdq_quality,omitempty"`
	Status     string      `json:"status"`
	Matches    []FileMatch `json:"matches"`
	Error      string      `json:"error,omitempty"`
	Warnings   []string    `json:"warnings,omitempty"`
	Root       string      `json:"root"`
	Member     string      `json:"member"`
	Occurrence int         `json:"occurrence"`
	Video      *VideoView  `json:"video,omitempty"`
	VPDQ       []VPDQFrame `json:"vpdq,omitempty"`
}

// storedVideoView is the view of a stored video.
func storedVideoView(v *store.FileVideo) (*VideoView, []VPDQFrame) {
	if v == nil {
		return nil, nil
	}
	vv := &VideoView{Format: v.Format, Codec: v.Codec, Width: v.Width, Height: v.Height, FPS: round3(v.FPS), Duration: round3(v.Duration),
		SecondsPerHash: v.SecondsPerHash, FrameMod: v.FrameMod, FrameSize: v.FrameSize}
	frames := make([]VPDQFrame, len(v.Frames))
	for i, f := range v.Frames {
		frames[i] = VPDQFrame{Frame: f.Frame, Quality: f.Quality, PDQ: f.PDQ, Timestamp: round3(f.Timestamp)}
	}
	return vv, frames
}

// Entry is the file's view.
func (f FileView) Entry() FileEntry {
	e := FileEntry{Exhibit: f.Exhibit, Path: f.Path, Size: f.Size, MTime: f.ModTime, MD5: f.MD5, SHA1: f.SHA1, SHA256: f.SHA256,
		MediaType: f.MediaType, PDQ: f.PDQ, Status: f.Status, Matches: views(f.Matches, fileMatchView), Error: f.Error,
		Root: f.Root, Member: f.Member, Occurrence: f.Seq}
	if f.PDQ != "" {
		q := f.PDQQuality
		e.PDQQuality = &q
	}
	if f.Warnings != "" {
		e.Warnings = strings.Split(f.Warnings, "\n")
	}
	e.Video, e.VPDQ = storedVideoView(f.Video)
	return e
}

// StealerHit is one credential or trace on a watched site.
type StealerHit struct {
	Site  string `json:"site"`
	URL   string `json:"url"`
	Login string `json:"login"`
}

// StealerProfileView is one hit machine of a stealer scan (vibora stealer scan).
type StealerProfileView struct {
	LogID       string                         `json:"log_id"`
	Family      string                         `json:"family"`
	Hits        []StealerHit                   `json:"hits"`
	Identifiers []stealerlog.ProfileIdentifier `json:"identifiers"`
	Country     string                         `json:"country"`
	Reuse       []stealerlog.LoginReuse        `json:"reuse"`
	Source      string                         `json:"source"`
}

// NewStealerProfileView is the view of a scanned profile.
func NewStealerProfileView(p *stealerlog.Profile) StealerProfileView {
	v := StealerProfileView{LogID: p.LogID, Family: string(p.Family), Identifiers: orEmptySlice(p.Identifiers), Country: p.System.Country,
		Reuse: orEmptySlice(p.Reuse), Hits: []StealerHit{}, Source: p.LogPath}
	for _, s := range p.Sites {
		for _, a := range s.Accounts {
			v.Hits = append(v.Hits, StealerHit{Site: s.Entry.Pattern, URL: a.URL, Login: a.Login})
		}
		for _, e := range s.Evidence {
			v.Hits = append(v.Hits, StealerHit{Site: s.Entry.Pattern, URL: cmp.Or(e.URL, e.Kind+" "+e.Host)})
		}
	}
	return v
}

// Suspect is one ranked person of a case (vibora suspects); person show
// has the evidence behind it.
type Suspect struct {
	ID            string   `json:"id"`
	Person        string   `json:"person"`
	Identifiers   []string `json:"identifiers"`
	Conversations []string `json:"conversations"`
	Leads         []string `json:"leads"`
	KnownShared   int64    `json:"known_shared"`
	NewShared     int64    `json:"new_shared"`
	Score         float64  `json:"score"`
	Reasons       []string `json:"reasons"`
	Country       string   `json:"country,omitempty"`   // the best candidate
	Paid          int      `json:"paid,omitempty"`      // payments made
	Received      int      `json:"received,omitempty"`  // payments received
	Safeguard     []string `json:"safeguard,omitempty"` // cross-border payments: payees to safeguard
}

// Suspect is the person's line in the ranking.
func (p Person) Suspect() Suspect {
	v := Suspect{ID: p.ID, Person: p.Name, Identifiers: p.Identifiers, Conversations: p.Conversations, Leads: p.Leads, KnownShared: p.KnownShared,
		NewShared: p.NewShared, Score: p.Score, Reasons: p.Reasons, Paid: len(p.Paid), Received: len(p.Received), Safeguard: p.Safeguard}
	if len(p.Countries) > 0 {
		v.Country = p.Countries[0].Country
	}
	return v
}

// IdentifierView is one identifier found in a text (vibora id extract).
type IdentifierView struct {
	Kind       identifier.Kind `json:"kind"`
	Value      string          `json:"value"`
	Normalized string          `json:"normalized"`
	Offset     int             `json:"offset"`
	Valid      bool            `json:"valid"`
	Platform   string          `json:"platform,omitempty"`
	Context    string          `json:"context,omitempty"`
}

// NewIdentifierView is the view of an extracted identifier.
func NewIdentifierView(id identifier.Identifier) IdentifierView {
	return IdentifierView{id.Kind, id.Value, id.Normalized, id.Offset, id.Valid, id.Platform, id.Context}
}

// NormalizedIdentifier is an identifier's canonical form (vibora id normalize).
type NormalizedIdentifier struct {
	Kind       identifier.Kind `json:"kind"`
	Value      string          `json:"value"`
	Normalized string          `json:"normalized"`
	Key        string          `json:"key"`
}

// Attribution is the candidate countries of a value, or of several values
// combined (vibora id attribute).
type Attribution struct {
	Value      string                 `json:"value"`
	Kind       string                 `json:"kind"`
	Candidates []identifier.Candidate `json:"candidates"`
}

// AuditVerifyView is the result of re-computing the audit chain (vibora
// audit verify).
type AuditVerifyView struct {
	OK       bool            `json:"ok"`
	Records  int64           `json:"records"`
	Head     audit.Head      `json:"head"`
	Problems []audit.Problem `json:"problems"`
}

// View is the report's document.
func (rep AuditReport) View() AuditVerifyView {
	return AuditVerifyView{rep.OK(), rep.Records, rep.Head, orEmptySlice(rep.Problems)}
}

// BankRemoved says which bank was removed (vibora bank remove).
type BankRemoved struct {
	Removed string `json:"removed"`
}

// PersonView is what the evidence says about one person (vibora person
// show): links and roles as the sentences a reader sees.
type PersonView struct {
	ID            string                 `json:"id"` // P<participant row> or L<lead row>: stable
	Name          string                 `json:"person"`
	Names         []string               `json:"names"`
	Identifiers   []string               `json:"identifiers"` // keys, e.g. phone:+12025550143
	Conversations []string               `json:"conversations"`
	Leads         []string               `json:"leads"`
	Links         []string               `json:"links"`          // why the pieces are one person
	PossibleLinks []string               `json:"possible_links"` // weaker ties, not merged
	Roles         []string               `json:"roles"`
	Messages      int64                  `json:"messages"`
	Forwards      int64                  `json:"forwards"`
	First         string                 `json:"first_activity,omitempty"`
	Last          string                 `json:"last_activity,omitempty"`
	KnownShared   int64                  `json:"known_shared"`
	KnownSeries   map[string]int64       `json:"known_by_series"`
	NewShared     int64                  `json:"new_shared"`
	Invited       int64                  `json:"invited"`
	Joins         int64                  `json:"joins"`
	Departures    int64                  `json:"departures"`
	InvitedBy     []string               `json:"invited_by"`
	WatchedSites  int                    `json:"watched_sites"`
	Exhibits      []string               `json:"exhibits,omitempty"` // seized devices attributed to the person
	Countries     []identifier.Candidate `json:"countries"`
	Paid          []PaymentFlow          `json:"paid,omitempty"`      // payments made (docs/payments.md)
	Received      []PaymentFlow          `json:"received,omitempty"`  // payments received
	Safeguard     []string               `json:"safeguard,omitempty"` // cross-border payments: payees to safeguard
	Score         float64                `json:"score"`
	Reasons       []string               `json:"reasons"`
}

// View is the person's document.
func (p Person) View() PersonView {
	return PersonView{
		ID: p.ID, Name: p.Name, Names: p.Names, Identifiers: p.Identifiers, Conversations: p.Conversations, Leads: p.Leads,
		Links: sentences(p.Links), PossibleLinks: sentences(p.PossibleLinks), Roles: sentences(p.Roles),
		Messages: p.Messages, Forwards: p.Forwards, First: p.First, Last: p.Last,
		KnownShared: p.KnownShared, KnownSeries: p.KnownSeries, NewShared: p.NewShared,
		Invited: p.Invited, Joins: p.Joins, Departures: p.Departures, InvitedBy: p.InvitedBy, WatchedSites: p.WatchedSites, Exhibits: p.Exhibits,
		Countries: p.Countries, Paid: p.Paid, Received: p.Received, Safeguard: p.Safeguard, Score: p.Score, Reasons: p.Reasons,
	}
}

// sentences is the text of typed values (links, roles); nil stays nil.
func sentences[T fmt.Stringer](xs []T) []string {
	if xs == nil {
		return nil
	}
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = x.String()
	}
	return out
}
