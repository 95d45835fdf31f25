package investigation

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/deconflict"
	"github.com/vibora-project/vibora/internal/store"
)

// The OPRF tier on a hub: one private key per operation (made on first
// use, kept in the store), evaluations of blinded elements for principals
// who may change the operation (its lead and partner agencies' analysts
// and administrators), a limit per principal over a
// sliding day, and an audit record of every evaluation (the count, never
// an element).

// DefaultOPRFLimit is how many evaluations one principal may have in 24
// hours unless WithOPRFLimit says otherwise.
const DefaultOPRFLimit = 1_000_000

// ErrRateLimited is returned when an evaluation would exceed the limit.
var ErrRateLimited = errors.New("oprf evaluation limit reached")

// WithOPRFLimit sets the evaluations a principal may have in 24 hours.
func WithOPRFLimit(n int64) Option { return func(s *Service) { s.oprfLimit = n } }

// OPRFKeyView is an operation's public OPRF key.
type OPRFKeyView struct {
	Operation string `json:"operation"`
	Suite     string `json:"suite"`
	PublicKey string `json:"public_key"` // hex, RFC 9497 serialisation
}

// OPRFRequest is the body of an evaluation request.
type OPRFRequest struct {
	Elements [][]byte `json:"elements"` // blinded elements, base64 in JSON
}

// OPRFEvaluationView is the hub's answer to an evaluation request.
type OPRFEvaluationView struct {
	Operation string   `json:"operation"`
	Evaluated [][]byte `json:"evaluated"` // base64 in JSON, one per element, in order
	Proof     []byte   `json:"proof"`     // the batch DLEQ proof (RFC 9497)
	Remaining int64    `json:"remaining"` // evaluations left in the day
}

// oprfAllowed checks that the operation exists on this hub and that the
// caller may change it (its agency leads it or takes part in it, with a
// role that writes); an operation it may not read is not found.
func (s *Service) oprfAllowed(ctx context.Context, op string) (access.Principal, error) {
	p, err := s.principal(ctx)
	if err != nil {
		return p, err
	}
	if op == "" || !nameMayExist(op) {
		return p, notFound("operation", op)
	}
	o, err := s.db.OperationByName(ctx, op)
	if err != nil {
		return p, err
	}
	role, err := s.db.OperationRole(ctx, o.ID, p.Agency)
	if err != nil {
		return p, err
	}
	perm := p.OperationPermission(access.OperationFacts{Lead: o.LeadAgency, Role: role})
	if !perm.Includes(access.Read) {
		return p, notFound("operation", op)
	}
	if !perm.Includes(access.Write) {
		return p, fmt.Errorf("operation %q: oprf evaluation: %w", op, access.ErrForbidden)
	}
	return p, nil
}

// oprfEvaluator returns the operation's evaluator, making its key on first
// use (audited as deconflict.oprf.key).
func (s *Service) oprfEvaluator(ctx context.Context, op string) (*deconflict.Evaluator, error) {
	k, err := s.db.OPRFKey(ctx, op)
	if errors.Is(err, store.ErrNotFound) {
		priv, err := deconflict.NewOPRFKey(rand.Reader)
		if err != nil {
			return nil, err
		}
		ch := &change{action: "deconflict.oprf.key", object: "operation:" + op}
		err = s.mutate(ctx, ch, func(tx *store.Tx) error {
			if err := tx.InsertOPRFKey(ctx, op, hex.EncodeToString(priv), s.timestamp(), s.actor(ctx)); err != nil {
				return err
			}
			ev, err := s.loadEvaluator(ctx, tx, op)
			if err == nil {
				ch.after = map[string]string{"public_key": ev.PublicKeyHex()}
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		return s.loadEvaluator(ctx, nil, op)
	}
	if err != nil {
		return nil, err
	}
	return evaluatorOf(k)
}

func (s *Service) loadEvaluator(ctx context.Context, tx *store.Tx, op string) (*deconflict.Evaluator, error) {
	var (
		k   string
		err error
	)
	if tx != nil {
		k, err = tx.OPRFKey(ctx, op)
	} else {
		k, err = s.db.OPRFKey(ctx, op)
	}
	if err != nil {
		return nil, err
	}
	return evaluatorOf(k)
}

func evaluatorOf(hexKey string) (*deconflict.Evaluator, error) {
	b, err := hex.DecodeString(hexKey)
	if err != nil {
		return nil, fmt.Errorf("stored oprf key: %w", err)
	}
	return deconflict.NewEvaluator(b)
}

// OPRFKey returns the operation's public OPRF key, making the key on
// first use.
func (s *Service) OPRFKey(ctx context.Context, op string) (OPRFKeyView, error) {
	if _, err := s.oprfAllowed(ctx, op); err != nil {
		return OPRFKeyView{}, err
	}
	ev, err := s.oprfEvaluator(ctx, op)
	if err != nil {
		return OPRFKeyView{}, err
	}
	return OPRFKeyView{Operation: op, Suite: deconflict.SchemeOPRF, PublicKey: ev.PublicKeyHex()}, nil
}

// OPRFEvaluate evaluates blinded elements under the operation's key. The
// evaluation is counted against the caller's daily limit and audited
// (operation and count) before the work is done; elements that do not
// decode fail the call but still count.
func (s *Service) OPRFEvaluate(ctx context.Context, op string, elements [][]byte) (OPRFEvaluationView, error) {
	p, err := s.oprfAllowed(ctx, op)
	if err != nil {
		return OPRFEvaluationView{}, err
	}
	if len(elements) == 0 || len(elements) > deconflict.MaxOPRFBatch {
		return OPRFEvaluationView{}, fmt.Errorf("%w: %d elements, 1..%d allowed", ErrInvalid, len(elements), deconflict.MaxOPRFBatch)
	}
	ev, err := s.oprfEvaluator(ctx, op)
	if err != nil {
		return OPRFEvaluationView{}, err
	}
	limit := s.oprfLimit
	if limit == 0 {
		limit = DefaultOPRFLimit
	}
	var remaining int64
	ch := &change{action: "deconflict.oprf.evaluate", object: "operation:" + op, detail: map[string]any{"count": len(elements)}}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error {
		used, err := tx.OPRFUsage(ctx, p.ID, audit.FormatTime(s.now().Add(-24*time.Hour)))
		if err != nil {
			return err
		}
		if used+int64(len(elements)) > limit {
			return fmt.Errorf("%w: %d of %d used in the last 24 hours, %d asked", ErrRateLimited, used, limit, len(elements))
		}
		remaining = limit - used - int64(len(elements))
		return tx.InsertOPRFEvaluation(ctx, p.ID, op, s.timestamp(), len(elements))
	})
	if err != nil {
		return OPRFEvaluationView{}, err
	}
	out, proof, err := ev.Evaluate(elements)
	if errors.Is(err, deconflict.ErrOPRFInput) {
		return OPRFEvaluationView{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if err != nil {
		return OPRFEvaluationView{}, err
	}
	return OPRFEvaluationView{Operation: op, Evaluated: out, Proof: proof, Remaining: remaining}, nil
}
