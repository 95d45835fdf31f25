package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/investigation"
)

// tokensView is the API tokens the user may see (their own and those of
// the users they administer), and a new token's secret, shown once.
type tokensView struct {
	Tokens []investigation.Token
	User   string // the logged-in user: the create form's default
	New    *investigation.NewToken
	Done   string
}

func (u *UI) renderTokens(w http.ResponseWriter, r *http.Request, status int, v tokensView) error {
	list, err := u.svc.Tokens(r.Context())
	if err != nil {
		return err
	}
	p, _ := access.FromContext(r.Context())
	v.Tokens, v.User = list, p.Name
	return u.render(w, r, status, "token_list", "API tokens", "tokens", v)
}

// tokenList lists tokens with the form that creates one.
func (u *UI) tokenList(w http.ResponseWriter, r *http.Request) error {
	return u.renderTokens(w, r, http.StatusOK, tokensView{Done: r.URL.Query().Get("done")})
}

// tokenCreate creates a token and shows its secret on this response only
// (never stored in clear, never in an address): the page is not cached.
func (u *UI) tokenCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	var expires time.Duration
	if s := strings.TrimSpace(f.Get("days")); s != "" {
		days, err := strconv.Atoi(s)
		if err != nil || days < 0 || days > 5*365 {
			return badRequestf("days: want a whole number from 0 (no expiry) to %d", 5*365)
		}
		expires = time.Duration(days) * 24 * time.Hour
	}
	tok, err := u.svc.CreateToken(r.Context(), strings.TrimSpace(f.Get("user")), strings.TrimSpace(f.Get("name")), expires)
	if err != nil {
		return err
	}
	return u.renderTokens(w, r, http.StatusCreated, tokensView{New: &tok})
}

// tokenRevoke revokes a token.
func (u *UI) tokenRevoke(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("token"), 10, 64)
	if err != nil || id < 1 {
		return badRequestf("the token id is not a positive whole number")
	}
	tok, err := u.svc.RevokeToken(r.Context(), id)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/tokens?done="+strconv.FormatInt(tok.ID, 10)+"+revoked", http.StatusSeeOther)
	return nil
}
