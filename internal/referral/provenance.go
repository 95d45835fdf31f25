package referral

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
)

// ucoContext is the JSON-LD context of case-uco.jsonld.
var ucoContext = map[string]string{
	"kb":                 "http://example.org/kb/",
	"case-investigation": "https://ontology.caseontology.org/case/investigation/",
	"uco-action":         "https://ontology.unifiedcyberontology.org/uco/action/",
	"uco-core":           "https://ontology.unifiedcyberontology.org/uco/core/",
	"uco-identity":       "https://ontology.unifiedcyberontology.org/uco/identity/",
	"uco-observable":     "https://ontology.unifiedcyberontology.org/uco/observable/",
	"uco-tool":           "https://ontology.unifiedcyberontology.org/uco/tool/",
	"uco-types":          "https://ontology.unifiedcyberontology.org/uco/types/",
	"xsd":                "http://www.w3.org/2001/XMLSchema#",
}

type node = map[string]any

// kbID is a node identifier derived from the referral and a key, so the
// same package gets the same identifiers.
func kbID(referral, kind, key string) string {
	sum := sha256.Sum256([]byte(referral + "\x00" + kind + "\x00" + key))
	return "kb:" + kind + "-" + hex.EncodeToString(sum[:12])
}

func ref(id string) node { return node{"@id": id} }

func xsdTime(t string) node { return node{"@type": "xsd:dateTime", "@value": t} }

// writeProvenance writes the CASE/UCO graph: the tool, the sending
// agency, one ProvenanceRecord per exhibit, one InvestigativeAction per
// derivation (objects: its exhibits; result: a record of what it found),
// and the referral itself as the last action, whose result lists the
// referred files by hash.
func writeProvenance(r Referral, media []mediaRow, derivations []Derivation) ([]byte, error) {
	id := r.ID
	tool := kbID(id, "tool", r.Tool.Name+" "+r.Tool.Version)
	org := kbID(id, "organization", r.Sender.Agency)
	graph := []node{
		{"@id": tool, "@type": "uco-tool:AnalyticTool", "uco-core:name": r.Tool.Name, "uco-tool:version": r.Tool.Version},
		{"@id": org, "@type": "uco-identity:Organization", "uco-core:name": r.Sender.Agency},
	}
	var exhibits []string
	for _, d := range derivations {
		for _, e := range d.Objects {
			if !slices.Contains(exhibits, e) {
				exhibits = append(exhibits, e)
			}
		}
	}
	for _, m := range media {
		for _, e := range m.Exhibits {
			if !slices.Contains(exhibits, e) {
				exhibits = append(exhibits, e)
			}
		}
	}
	slices.Sort(exhibits)
	for _, e := range exhibits {
		graph = append(graph, node{"@id": kbID(id, "exhibit", e), "@type": "case-investigation:ProvenanceRecord", "case-investigation:exhibitNumber": e})
	}
	performers := map[string]string{}
	var results []node
	for i, d := range derivations {
		who, ok := performers[d.Performer]
		if !ok {
			who = kbID(id, "performer", d.Performer)
			performers[d.Performer] = who
			graph = append(graph, node{"@id": who, "@type": "uco-identity:Identity", "uco-core:name": d.Performer})
		}
		key := d.Name + "\x00" + d.Start + "\x00" + itoa(i)
		result := kbID(id, "result", key)
		objects := []node{}
		for _, e := range d.Objects {
			objects = append(objects, ref(kbID(id, "exhibit", e)))
		}
		graph = append(graph,
			node{"@id": result, "@type": "case-investigation:ProvenanceRecord", "uco-core:description": d.Result},
			node{"@id": kbID(id, "action", key), "@type": "case-investigation:InvestigativeAction",
				"uco-core:name": d.Name, "uco-action:startTime": xsdTime(d.Start), "uco-action:endTime": xsdTime(d.End),
				"uco-action:performer": ref(who), "uco-action:instrument": ref(tool),
				"uco-action:object": objects, "uco-action:result": []node{ref(result)}})
		results = append(results, ref(result))
	}
	files := []node{}
	for _, m := range media {
		fid := kbID(id, "file", m.SHA256)
		hashes := []node{{"@id": kbID(id, "hash", m.SHA256), "@type": "uco-types:Hash", "uco-types:hashMethod": "SHA256",
			"uco-types:hashValue": node{"@type": "xsd:hexBinary", "@value": m.SHA256}}}
		graph = append(graph, node{"@id": fid, "@type": "uco-observable:File", "uco-core:hasFacet": []node{
			{"@id": kbID(id, "content", m.SHA256), "@type": "uco-observable:ContentDataFacet", "uco-observable:hash": hashes}}})
		files = append(files, ref(fid))
	}
	pkg := kbID(id, "referral", id)
	graph = append(graph,
		node{"@id": pkg, "@type": "case-investigation:ProvenanceRecord", "uco-core:description": "referral package " + id + " for " + r.Recipient.Country, "uco-core:object": files},
		node{"@id": kbID(id, "action", "referral"), "@type": "case-investigation:InvestigativeAction",
			"uco-core:name": "referral", "uco-action:startTime": xsdTime(r.CreatedAt), "uco-action:endTime": xsdTime(r.CreatedAt),
			"uco-action:performer": ref(org), "uco-action:instrument": ref(tool),
			"uco-action:object": nonNil(results), "uco-action:result": []node{ref(pkg)}})
	return marshal(node{"@context": ucoContext, "@graph": graph})
}
