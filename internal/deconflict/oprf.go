package deconflict

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"github.com/cloudflare/circl/oprf"
	"github.com/cloudflare/circl/zk/dleq"
)

// The OPRF tier: RFC 9497, suite ristretto255-SHA512, verifiable mode (the
// client checks a batch proof that the hub used the operation's published
// key). Elements and proofs travel in their RFC 9497 serialisations.

var suite = oprf.SuiteRistretto255

// ElementSize is the size of a serialised ristretto255 element.
const ElementSize = 32

// MaxOPRFBatch is the most elements one evaluation request may carry.
const MaxOPRFBatch = 16384

// ErrOPRFInput is returned for elements that do not decode.
var ErrOPRFInput = errors.New("oprf: bad element")

// NewOPRFKey returns a new private OPRF key, serialised.
func NewOPRFKey(rnd io.Reader) ([]byte, error) {
	k, err := oprf.GenerateKey(suite, rnd)
	if err != nil {
		return nil, fmt.Errorf("oprf key: %w", err)
	}
	return k.MarshalBinary()
}

// Evaluator is the hub's side: it evaluates blinded elements under one
// operation's private key. It never sees identifiers.
type Evaluator struct {
	srv oprf.VerifiableServer
	pub []byte
}

// NewEvaluator returns the evaluator of a serialised private key.
func NewEvaluator(private []byte) (*Evaluator, error) {
	var k oprf.PrivateKey
	if err := k.UnmarshalBinary(suite, private); err != nil {
		return nil, fmt.Errorf("oprf key: %w", err)
	}
	pub, err := k.Public().MarshalBinary()
	if err != nil {
		return nil, err
	}
	return &Evaluator{srv: oprf.NewVerifiableServer(suite, &k), pub: pub}, nil
}

// PublicKey is the serialised public key clients verify against.
func (e *Evaluator) PublicKey() []byte { return e.pub }

// PublicKeyHex is PublicKey in hex, as a token file's header names it.
func (e *Evaluator) PublicKeyHex() string { return hex.EncodeToString(e.pub) }

// Evaluate evaluates serialised blinded elements and returns the evaluated
// elements and the batch proof, serialised.
func (e *Evaluator) Evaluate(blinded [][]byte) ([][]byte, []byte, error) {
	if len(blinded) == 0 || len(blinded) > MaxOPRFBatch {
		return nil, nil, fmt.Errorf("%w: %d elements, 1..%d allowed", ErrOPRFInput, len(blinded), MaxOPRFBatch)
	}
	g := suite.Group()
	req := &oprf.EvaluationRequest{Elements: make([]oprf.Blinded, len(blinded))}
	for i, b := range blinded {
		el := g.NewElement()
		if len(b) != ElementSize || el.UnmarshalBinary(b) != nil || el.IsIdentity() {
			return nil, nil, fmt.Errorf("%w: element %d", ErrOPRFInput, i)
		}
		req.Elements[i] = el
	}
	ev, err := e.srv.Evaluate(req)
	if err != nil {
		return nil, nil, fmt.Errorf("oprf evaluate: %w", err)
	}
	out := make([][]byte, len(ev.Elements))
	for i, el := range ev.Elements {
		if out[i], err = el.MarshalBinaryCompress(); err != nil {
			return nil, nil, err
		}
	}
	proof, err := ev.Proof.MarshalBinary()
	if err != nil {
		return nil, nil, err
	}
	return out, proof, nil
}

// Blinder is the client's side for one operation's public key.
type Blinder struct {
	client oprf.VerifiableClient
}

// NewBlinder returns a blinder that verifies evaluations against the
// hub's serialised public key.
func NewBlinder(public []byte) (*Blinder, error) {
	var pk oprf.PublicKey
	if err := pk.UnmarshalBinary(suite, public); err != nil {
		return nil, fmt.Errorf("oprf public key: %w", err)
	}
	return &Blinder{client: oprf.NewVerifiableClient(suite, &pk)}, nil
}

// Blinding is the client's secret state between Blind and Finalize.
type Blinding struct {
	fin *oprf.FinalizeData
	req *oprf.EvaluationRequest
}

// Blind blinds identifier keys with fresh random scalars; the serialised
// elements go to the hub, the Blinding stays with the caller.
func (b *Blinder) Blind(keys []string) (*Blinding, [][]byte, error) {
	in := make([][]byte, len(keys))
	for i, k := range keys {
		in[i] = []byte(k)
	}
	fin, req, err := b.client.Blind(in)
	if err != nil {
		return nil, nil, fmt.Errorf("oprf blind: %w", err)
	}
	out := make([][]byte, len(req.Elements))
	for i, el := range req.Elements {
		if out[i], err = el.MarshalBinaryCompress(); err != nil {
			return nil, nil, err
		}
	}
	return &Blinding{fin: fin, req: req}, out, nil
}

// Finalize checks the hub's proof and unblinds its evaluations into
// tokens, in the order of the keys blinded.
func (b *Blinder) Finalize(bl *Blinding, evaluated [][]byte, proof []byte) ([]Token, error) {
	if len(evaluated) != len(bl.req.Elements) {
		return nil, fmt.Errorf("%w: %d evaluations for %d elements", ErrOPRFInput, len(evaluated), len(bl.req.Elements))
	}
	g := suite.Group()
	ev := &oprf.Evaluation{Elements: make([]oprf.Evaluated, len(evaluated)), Proof: new(dleq.Proof)}
	for i, e := range evaluated {
		el := g.NewElement()
		if len(e) != ElementSize || el.UnmarshalBinary(e) != nil {
			return nil, fmt.Errorf("%w: evaluation %d", ErrOPRFInput, i)
		}
		ev.Elements[i] = el
	}
	if err := ev.Proof.UnmarshalBinary(g, proof); err != nil {
		return nil, fmt.Errorf("oprf proof: %w", err)
	}
	outs, err := b.client.Finalize(bl.fin, ev)
	if err != nil {
		return nil, fmt.Errorf("oprf finalize: %w", err)
	}
	ts := make([]Token, len(outs))
	for i, o := range outs {
		copy(ts[i][:], o)
	}
	return ts, nil
}
