package platform

import (
	"bytes"
	"errors"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// TagPack is a private GraphSense TagPack of a platform's deposit
// addresses: it says only that each address belongs to the platform, never
// which user it was assigned to (that stays in the case).
type TagPack struct {
	Title       string `yaml:"title"`
	Creator     string `yaml:"creator"`
	Description string `yaml:"description"`
	IsPublic    bool   `yaml:"is_public"`
	Confidence  string `yaml:"confidence"`
	Source      string `yaml:"source"`
	LastMod     string `yaml:"lastmod"`
	Tags        []Tag  `yaml:"tags"`
}

// Tag is one address of a TagPack.
type Tag struct {
	Address          string   `yaml:"address"`
	Currency         string   `yaml:"currency"`
	Network          string   `yaml:"network"`
	Label            string   `yaml:"label"`
	Actor            string   `yaml:"actor"`
	Concepts         []string `yaml:"concepts"`
	TagType          string   `yaml:"tag_type"`
	IsClusterDefiner bool     `yaml:"is_cluster_definer"`
}

// NewTagPack builds the TagPack of platform's deposit addresses, given as
// identifier keys ("btc:bc1…", "eth:0x…"); repeated keys count once and
// the tags are sorted. lastmod is a date (2006-01-02).
func NewTagPack(platform, creator, source, lastmod string, addressKeys []string) (TagPack, error) {
	if creator == "" || source == "" {
		return TagPack{}, errors.New("a TagPack needs a creator and a source")
	}
	tp := TagPack{
		Title:       platform + " (seized platform): user deposit addresses",
		Creator:     creator,
		Description: "Deposit addresses the platform " + platform + " assigned to its user accounts, from its seized database.",
		Confidence:  "forensic_investigation",
		Source:      source,
		LastMod:     lastmod,
		Tags:        []Tag{},
	}
	keys := slices.Clone(addressKeys)
	slices.Sort(keys)
	for _, k := range slices.Compact(keys) {
		kind, addr, ok := strings.Cut(k, ":")
		if !ok || addr == "" {
			continue
		}
		cur := strings.ToUpper(kind)
		tp.Tags = append(tp.Tags, Tag{Address: addr, Currency: cur, Network: cur, Label: platform + " user deposit address",
			Actor: platform, Concepts: []string{"child_sexual_abuse"}, TagType: "actor"})
	}
	return tp, nil
}

// Marshal writes the TagPack as YAML.
func (tp TagPack) Marshal() ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(tp); err != nil {
		return nil, err
	}
	err := enc.Close()
	return b.Bytes(), err
}
