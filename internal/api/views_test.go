package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// seedChats imports one synthetic WhatsApp group into cases alpha and
// beta: three messages from two members.
func (h *hub) seedChats(ctx context.Context) {
	t := h.t
	t.Helper()
	text := "1/15/24, 9:00 AM - Alex Example created group \"Side Group\"\n" +
		"1/15/24, 9:05 AM - +1 202-555-0170: hi from the other app\n" +
		"1/15/24, 9:06 AM - Alex Example: welcome\n" +
		"1/15/24, 9:07 AM - +1 202-555-0170: <script>alert(1)</script>\n"
	for _, c := range []string{"alpha", "beta"} {
		p := filepath.Join(t.TempDir(), "WhatsApp Chat with Side Group.txt")
		must(t, os.WriteFile(p, []byte(text), 0o600))
		if _, err := h.svc.ImportChat(ctx, c, p, investigation.ChatImportOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

// The routes of a case's exhibits, clusters, chats, people and leads in the
// permission matrix: another agency's case is not found, for every route.
func init() {
	alpha := want(unauth, ok, ok, ok, notFound, ok, notFound)
	beta := want(unauth, notFound, notFound, notFound, ok, notFound, notFound)
	none := want(unauth, notFound, notFound, notFound, notFound, notFound, notFound)
	matrix = append(matrix,
		matrixRow{"GET", "/api/v1/cases/alpha/exhibits", "", alpha},
		matrixRow{"GET", "/api/v1/cases/alpha/exhibits?limit=1", "", alpha},
		matrixRow{"GET", "/api/v1/cases/beta/exhibits", "", beta},
		matrixRow{"GET", "/api/v1/cases/alpha/exhibits/phone-1", "", alpha},
		matrixRow{"GET", "/api/v1/cases/beta/exhibits/phone-1", "", beta},
		matrixRow{"GET", "/api/v1/cases/alpha/exhibits/absent", "", none},
		matrixRow{"GET", "/api/v1/cases/alpha/exhibits/phone-1/custody", "", alpha},
		matrixRow{"GET", "/api/v1/cases/beta/exhibits/phone-1/custody", "", beta},
		matrixRow{"GET", "/api/v1/cases/alpha/clusters", "", alpha},
		matrixRow{"GET", "/api/v1/cases/alpha/clusters?max_distance=0&min_quality=0", "", alpha},
		matrixRow{"GET", "/api/v1/cases/beta/clusters", "", beta},
		matrixRow{"GET", "/api/v1/cases/alpha/chats", "", alpha},
		matrixRow{"GET", "/api/v1/cases/beta/chats", "", beta},
		matrixRow{"GET", "/api/v1/cases/alpha/chats/Side%20Group", "", alpha},
		matrixRow{"GET", "/api/v1/cases/beta/chats/Side%20Group", "", beta},
		matrixRow{"GET", "/api/v1/cases/alpha/chats/absent", "", none},
		matrixRow{"GET", "/api/v1/cases/alpha/chats/Side%20Group/messages?limit=1", "", alpha},
		matrixRow{"GET", "/api/v1/cases/beta/chats/Side%20Group/messages", "", beta},
		matrixRow{"GET", "/api/v1/cases/alpha/suspects", "", alpha},
		matrixRow{"GET", "/api/v1/cases/beta/suspects", "", beta},
		matrixRow{"GET", "/api/v1/cases/alpha/persons/%2B12025550170", "", alpha},
		matrixRow{"GET", "/api/v1/cases/beta/persons/%2B12025550170", "", beta},
		matrixRow{"GET", "/api/v1/cases/alpha/persons/nobody", "", none},
		matrixRow{"GET", "/api/v1/cases/alpha/leads", "", alpha},
		matrixRow{"GET", "/api/v1/cases/beta/leads", "", beta},
		matrixRow{"GET", "/api/v1/cases/nonexistent/suspects", "", none},
	)
}

// decodeStrictly decodes b into v refusing unknown fields.
func decodeStrictly(t *testing.T, b []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

// TestViewShapes: the API returns the documents --json prints (the same
// investigation view types, decoded strictly), pages messages and
// suspects by cursor, and audits person and message reads with the
// request's principal, method and id.
func TestViewShapes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := newHub(t, open)
		var sus struct {
			Suspects   []investigation.Suspect `json:"suspects"`
			NextCursor string                  `json:"next_cursor"`
		}
		_, b := h.do(analystNL, "GET", "/api/v1/cases/alpha/suspects", nil)
		decodeStrictly(t, b, &sus)
		want, err := h.svc.Suspects(h.seedCtx, "alpha")
		if err != nil || len(want) < 2 || !reflect.DeepEqual(sus.Suspects, want) || sus.NextCursor != "" {
			t.Fatalf("suspects %+v, want %+v (%v)", sus, want, err)
		}
		// One suspect a page: the cursor walks the ranking in order.
		var walked []investigation.Suspect
		cursor := ""
		for range len(want) + 1 {
			path := "/api/v1/cases/alpha/suspects?limit=1"
			if cursor != "" {
				path += "&cursor=" + url.QueryEscape(cursor)
			}
			var page struct {
				Suspects   []investigation.Suspect `json:"suspects"`
				NextCursor string                  `json:"next_cursor"`
			}
			_, b := h.do(analystNL, "GET", path, nil)
			decodeStrictly(t, b, &page)
			walked = append(walked, page.Suspects...)
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		if !reflect.DeepEqual(walked, want) {
			t.Errorf("paged suspects %+v, want %+v", walked, want)
		}

		var msgs []investigation.Message
		cursor = ""
		for range 10 {
			path := "/api/v1/cases/alpha/chats/Side%20Group/messages?limit=2"
			if cursor != "" {
				path += "&cursor=" + url.QueryEscape(cursor)
			}
			var page struct {
				Messages   []investigation.Message `json:"messages"`
				NextCursor string                  `json:"next_cursor"`
			}
			res, b := h.do(viewerNL, "GET", path, nil)
			if res.StatusCode != ok {
				t.Fatalf("%s: %d %s", path, res.StatusCode, b)
			}
			decodeStrictly(t, b, &page)
			msgs = append(msgs, page.Messages...)
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		var texts []string
		for _, m := range msgs {
			if !m.Service {
				texts = append(texts, m.Text)
			}
		}
		if got := strings.Join(texts, "|"); got != "hi from the other app|welcome|<script>alert(1)</script>" {
			t.Errorf("messages %q", got)
		}

		var persons struct {
			Persons []investigation.PersonView `json:"persons"`
		}
		_, b = h.do(viewerNL, "GET", "/api/v1/cases/alpha/persons/%2B12025550170", nil)
		decodeStrictly(t, b, &persons)
		if len(persons.Persons) != 1 || !strings.Contains(strings.Join(persons.Persons[0].Identifiers, " "), "phone:+12025550170") {
			t.Fatalf("persons %s", b)
		}
		var chat struct {
			Chat investigation.ConversationView `json:"chat"`
		}
		_, b = h.do(viewerNL, "GET", "/api/v1/cases/alpha/chats/Side%20Group", nil)
		decodeStrictly(t, b, &chat)
		if chat.Chat.Conversation.Name != "Side Group" || len(chat.Chat.Roster) != 2 {
			t.Errorf("chat %s", b)
		}
		var ex struct {
			Exhibit investigation.ExhibitDetail `json:"exhibit"`
		}
		_, b = h.do(viewerNL, "GET", "/api/v1/cases/alpha/exhibits/phone-1", nil)
		decodeStrictly(t, b, &ex)
		if ex.Exhibit.Label != "phone-1" || len(ex.Exhibit.Custody) == 0 {
			t.Errorf("exhibit %s", b)
		}

		reads := map[string][]audit.Record{}
		err = h.svc.AuditLog(h.seedCtx, "case:alpha/", func(r audit.Record) error {
			if strings.HasSuffix(r.Action, ".read") {
				reads[r.Action] = append(reads[r.Action], r)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(reads["person.read"]) != 1 || len(reads["chat.messages.read"]) < 2 {
			t.Fatalf("read records: %+v", reads)
		}
		for _, rs := range reads {
			for _, r := range rs {
				if r.ActorID == "" || r.Agency != "nl" || r.Roles != "viewer" || r.AuthMethod != "token" || r.RequestID == "" {
					t.Errorf("read record %+v: want the viewer, token and the request id", r)
				}
			}
		}
		h.chainIntact()
	})
}

// TestHostileViewInput: hostile values in the path and query parameters of
// these routes answer 4xx, never 5xx, and write nothing.
func TestHostileViewInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := newHub(t, open)
		before := h.auditCount()
		for _, v := range hostile {
			p, q := url.PathEscape(v), url.QueryEscape(v)
			paths := []string{
				"/api/v1/cases/" + p + "/exhibits", "/api/v1/cases/alpha/exhibits/" + p, "/api/v1/cases/alpha/exhibits/" + p + "/custody",
				"/api/v1/cases/" + p + "/clusters", "/api/v1/cases/" + p + "/chats", "/api/v1/cases/alpha/chats/" + p,
				"/api/v1/cases/alpha/chats/" + p + "/messages", "/api/v1/cases/" + p + "/suspects", "/api/v1/cases/alpha/persons/" + p,
				"/api/v1/cases/" + p + "/leads",
			}
			for _, param := range []string{"limit", "cursor"} {
				for _, route := range []string{"exhibits", "clusters", "chats", "chats/Side%20Group/messages", "suspects", "leads"} {
					paths = append(paths, "/api/v1/cases/alpha/"+route+"?"+param+"="+q)
				}
			}
			if v != "0" { // 0 is a valid distance and quality
				paths = append(paths, "/api/v1/cases/alpha/clusters?max_distance="+q, "/api/v1/cases/alpha/clusters?min_quality="+q)
			}
			for _, path := range paths {
				res, b := h.do(agencyAdminNL, "GET", path, nil)
				if res.StatusCode < 400 || res.StatusCode > 499 {
					t.Errorf("GET %.120q: %d %.200s", path, res.StatusCode, b)
				}
			}
		}
		for _, path := range []string{"/api/v1/cases/alpha/clusters?max_distance=32", "/api/v1/cases/alpha/clusters?max_distance=-1",
			"/api/v1/cases/alpha/clusters?min_quality=101", "/api/v1/cases/alpha/suspects?limit=0", "/api/v1/cases/alpha/suspects?limit=1001"} {
			if res, b := h.do(agencyAdminNL, "GET", path, nil); res.StatusCode != 400 {
				t.Errorf("GET %s: %d %s, want 400", path, res.StatusCode, b)
			}
		}
		if after := h.auditCount(); after != before {
			t.Errorf("refused requests wrote %d audit records", after-before)
		}
		h.chainIntact()
	})
}
