"""The SPARQL the pages run: constants, built once from the vocabulary (never from a request).

Request values reach these queries only as bindings of projected variables (pyoxigraph binds
only those). Labels are fetched in the same query as the facts they name (one round trip), and
every list that can grow with the graph has a ``LIMIT``.
"""

from __future__ import annotations

from kgcase.iris import inferred_graph_iri
from kgcase.pagecounts import OBSERVATION, USE_ROWS
from kgcase.vocab import IAO_DEFINITION, OBOINOWL, K

PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oio: <http://www.geneontology.org/formats/oboInOwl#>
"""

#: Predicates inside an OWL class expression, a datatype restriction or an RDF list.
EXPRESSION_LINK = (
    "(owl:onProperty|owl:someValuesFrom|owl:allValuesFrom|owl:hasValue|owl:intersectionOf"
    "|owl:unionOf|owl:complementOf|owl:oneOf|owl:inverseOf|owl:onClass|owl:onDataRange"
    "|owl:onDatatype|owl:withRestrictions|owl:propertyChainAxiom|owl:members"
    "|owl:distinctMembers|rdf:first|rdf:rest)"
)
EXPRESSION_PATH = EXPRESSION_LINK + "*"

#: Most incoming links read as examples (their counts are always exact).
INCOMING_SAMPLE = 400
#: Observed effects a drug or finding page lists; one more is read to tell that there are more
#: (the page then says so, counts them all from the build's summaries, and links to the named
#: query that lists them all). 5 000 made a drug page of 7.6 MB at 1 000 reports; 500 kept the
#: page of tocilizumab at 432 ms at 10 000 reports. The page's answer counts every effect (the
#: build's page counts), and its downloads and the named query list them.
EFFECT_ROWS = 100
#: Stands in for an absent node so that the next OPTIONAL stays a one-pattern lookup per row
#: (docs/sparql.md, "Writing a named query that scales"); it has no triples.
ABSENT = "<urn:x-kgcase:absent>"
#: Incoming links are counted per predicate in two groups, the reasoner's graph (whatever
#: ``base_iri`` mints it under) and all the others: a drug is used in one graph per report,
#: and one count row per graph made the page of a drug read 96 678 rows at 100 000 reports.
INFERRED_PATH = inferred_graph_iri(base="")
ASSERTED = "<urn:x-kgcase:asserted>"


def _k(name: str) -> str:
    return f"<{getattr(K, name)}>"


def _timed(link: str, var: str) -> str:
    """``?x link ?var`` with ``?var``'s months and label, bound only when it has months."""
    return (f"OPTIONAL {{ ?x {_k(link)} ?{var}0 }}\n"
            f"     BIND(COALESCE(?{var}0, {ABSENT}) AS ?{var}Key)\n"
            f"     OPTIONAL {{ ?{var}Key {_k('monthsFromIndex')} ?{var}m }}\n"
            f"     OPTIONAL {{ ?{var}Key rdfs:label ?{var}l0 }}\n"
            f"     BIND(IF(BOUND(?{var}m), ?{var}0, ?none) AS ?{var})\n"
            f"     BIND(IF(BOUND(?{var}m), ?{var}l0, ?none) AS ?{var}l)")


def _paired(value: str, unit: str, var: str, unit_var: str) -> str:
    """A value and its unit of ``?x``, both bound or neither."""
    return (f"OPTIONAL {{ ?x {_k(value)} ?{var}0 }} OPTIONAL {{ ?x {_k(unit)} ?{unit_var}0 }}\n"
            f"     BIND(IF(BOUND(?{unit_var}0), ?{var}0, ?none) AS ?{var})\n"
            f"     BIND(IF(BOUND(?{var}0), ?{unit_var}0, ?none) AS ?{unit_var})")


_OUTGOING = """
  { GRAPH ?g { ?s ?p ?o } BIND("out" AS ?dir)
     OPTIONAL { ?p rdfs:label ?pl } OPTIONAL { ?o rdfs:label ?ol } }"""
_COUNTED = f"""
  {{ {{ SELECT ?s ?p ?g (COUNT(*) AS ?n) (SUM(IF(isBlank(?x), 1, 0)) AS ?nb) WHERE {{
        GRAPH ?g0 {{ ?x ?p ?s }} FILTER(?p NOT IN (owl:annotatedSource, owl:annotatedTarget))
        BIND(IF(STRENDS(STR(?g0), "/{INFERRED_PATH}"), ?g0, {ASSERTED}) AS ?g)
     }} GROUP BY ?s ?p ?g }}
     BIND("count" AS ?dir) OPTIONAL {{ ?p rdfs:label ?pl }} }}"""
_SAMPLED = f"""
  {{ {{ SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?o ?p ?s }} FILTER(isIRI(?o)) }}
       LIMIT {INCOMING_SAMPLE} }}
     BIND("in" AS ?dir) OPTIONAL {{ ?p rdfs:label ?pl }} OPTIONAL {{ ?o rdfs:label ?ol }} }}"""

#: Outgoing triples with labels, incoming counts per predicate (from IRIs and from class
#: expressions) and a sample of incoming IRIs: with :data:`USED`, everything a page shows of
#: any resource.
RESOURCE = PREFIXES + f"""
SELECT ?s ?dir ?p ?o ?g ?pl ?ol ?n ?nb WHERE {{{_OUTGOING}
  UNION{_COUNTED}
  UNION{_SAMPLED}
}}"""
#: :data:`RESOURCE` without the incoming counts, for a resource whose counts the build stored
#: (:mod:`kgcase.links`): counting millions of links took half a minute at 100 000 reports.
RESOURCE_UNCOUNTED = PREFIXES + f"""
SELECT ?s ?dir ?p ?o ?g ?pl ?ol ?n ?nb WHERE {{{_OUTGOING}
  UNION{_SAMPLED}
}}"""

#: How often a resource is used as a predicate, in rows shaped as :data:`RESOURCE`'s. A query of
#: its own, run beside it: as a fourth branch of that UNION, Virtuoso 7.2.5 segfaults on the
#: page of a property after a few other pages (measured: KGCASE_0000188, KGCASE_0000190, then
#: KGCASE_0001001 on a fresh server).
USED = PREFIXES + """
SELECT ?s ?dir ?n WHERE {
  { SELECT ?s (COUNT(*) AS ?n) WHERE { ?x ?s ?y } GROUP BY ?s } BIND("used" AS ?dir)
}"""

#: The blank-node structure under a resource (class expressions, lists) and the OWL axiom
#: annotations on its statements (a definition's xref, a synonym's source). The path walk is a
#: sub-SELECT of its own: Virtuoso 7.2's compiler rejects it with ``BIND`` in the same group
#: under the ``UNION`` ("SP031 … sparp_gp_deprecate(): equiv replaces filter but under
#: deprecation"); the answer is the same.
STRUCTURE = PREFIXES + f"""
SELECT ?s ?part ?b ?p ?o ?ol WHERE {{
  {{ {{ SELECT ?s ?b ?p ?o WHERE {{
        ?s ?p0 ?b0 FILTER(isBlank(?b0)) ?b0 {EXPRESSION_PATH} ?b FILTER(isBlank(?b)) ?b ?p ?o
     }} }}
     BIND("expr" AS ?part) }}
  UNION
  {{ ?b owl:annotatedSource ?s ; ?p ?o BIND("annotation" AS ?part) }}
  OPTIONAL {{ ?o rdfs:label ?ol }}
}}"""

#: Where a resource is used inside class expressions: the named class (or property) whose
#: axiom holds it, and that axiom's structure, to render it. The expression node is found
#: through the predicates an expression is built of (not ``?x ?q ?s``, which read every link
#: into the resource: 6 s for the value *certain* at 100 000 reports).
USAGES = PREFIXES + f"""
SELECT ?s ?root ?rl ?rp ?top ?b ?p ?o ?ol WHERE {{
  {{ SELECT DISTINCT ?s ?top WHERE {{
       ?x {EXPRESSION_LINK} ?s FILTER(isBlank(?x)) ?top {EXPRESSION_PATH} ?x FILTER(isBlank(?top))
  }} LIMIT 100 }}
  ?root ?rp ?top FILTER(isIRI(?root))
  ?top {EXPRESSION_PATH} ?b FILTER(isBlank(?b)) ?b ?p ?o
  OPTIONAL {{ ?o rdfs:label ?ol }} OPTIONAL {{ ?root rdfs:label ?rl }}
}}"""

#: The sentence or table cell behind a fact, directly or through what it was derived from.
EVIDENCE = PREFIXES + f"""
SELECT ?s ?via ?vl ?ev ?quote ?section ?table ?row ?col ?printed ?report ?rl WHERE {{
  ?s prov:wasDerivedFrom ?via . ?via prov:wasDerivedFrom* ?ev . ?ev prov:wasQuotedFrom ?report .
  OPTIONAL {{ ?ev {_k("quote")} ?quote }} OPTIONAL {{ ?ev {_k("sectionName")} ?section }}
  OPTIONAL {{ ?ev {_k("tableName")} ?table }} OPTIONAL {{ ?ev {_k("tableRow")} ?row }}
  OPTIONAL {{ ?ev {_k("tableColumn")} ?col }} OPTIONAL {{ ?ev prov:value ?printed }}
  OPTIONAL {{ ?report rdfs:label ?rl }} OPTIONAL {{ ?via rdfs:label ?vl }}
}} LIMIT 200"""

#: What the page shows of each effect, and the sentence or table cells it rests on (a derived
#: effect: its two measurements'), a row per source: the source itself if it is quoted from the
#: report, else what it was derived from. Every OPTIONAL is one pattern on a bound subject (an
#: absent node stands in), so that it stays a lookup per effect; ``?ev`` without the ``?`` path,
#: which Virtuoso 7.2 answers with rows missing next to ``rdfs:subClassOf*``.
_EFFECT_DETAILS = f"""
  OPTIONAL {{ ?effect a ?derived FILTER(?derived = {_k("DerivedEffect")}) }}
  OPTIONAL {{ ?effect a ?whole FILTER(?whole = {_k("PatientLevelEffect")}) }}
  OPTIONAL {{ ?patient {_k("describedIn")} ?case }}
  OPTIONAL {{ ?effect {_k("fromTimePoint")} ?from }}
  OPTIONAL {{ ?effect {_k("toTimePoint")} ?to }}
  OPTIONAL {{ ?effect {_k("hasCertainty")} ?cert }}
  OPTIONAL {{ ?effect {_k("hasRangeCourse")} ?course }}
  BIND(COALESCE(?course, {ABSENT}) AS ?courseNode)
  OPTIONAL {{ ?courseNode rdfs:label ?coursel }}
  BIND(COALESCE(?case, {ABSENT}) AS ?caseNode)
  BIND(COALESCE(?from, {ABSENT}) AS ?fromNode)
  BIND(COALESCE(?to, {ABSENT}) AS ?toNode)
  BIND(COALESCE(?cert, {ABSENT}) AS ?certNode)
  OPTIONAL {{ ?caseNode {_k("caseIdentifier")} ?cl }}
  OPTIONAL {{ ?d rdfs:label ?dl }} OPTIONAL {{ ?t rdfs:label ?tl }}
  OPTIONAL {{ ?dir rdfs:label ?dirl }} OPTIONAL {{ ?patient rdfs:label ?pl }}
  OPTIONAL {{ ?fromNode rdfs:label ?froml }} OPTIONAL {{ ?fromNode {_k("monthsFromIndex")} ?fromm }}
  OPTIONAL {{ ?toNode rdfs:label ?tol }} OPTIONAL {{ ?toNode {_k("monthsFromIndex")} ?tom }}
  OPTIONAL {{ ?effect {_k("valueBefore")} ?before }}
  OPTIONAL {{ ?effect {_k("valueAfter")} ?after }}
  OPTIONAL {{ ?certNode rdfs:label ?certl }}
  BIND(IF(BOUND(?derived), "derived", "stated") AS ?kind)
  BIND(IF(BOUND(?whole), "patient", "") AS ?level)
  OPTIONAL {{ ?effect prov:wasDerivedFrom ?src }}
  BIND(COALESCE(?src, {ABSENT}) AS ?srcNode)
  OPTIONAL {{ ?srcNode prov:wasQuotedFrom ?quotedIn }}
  OPTIONAL {{ ?srcNode prov:wasDerivedFrom ?upstream }}
  BIND(COALESCE(IF(BOUND(?quotedIn), ?srcNode, ?upstream), {ABSENT}) AS ?ev0)
  OPTIONAL {{ ?ev0 prov:wasQuotedFrom ?evIn }}
  BIND(COALESCE(IF(BOUND(?evIn), ?ev0, ?none), {ABSENT}) AS ?evNode)
  OPTIONAL {{ ?evNode {_k("quote")} ?quote }} OPTIONAL {{ ?evNode {_k("sectionName")} ?section }}
  OPTIONAL {{ ?evNode {_k("tableName")} ?table }} OPTIONAL {{ ?evNode {_k("tableRow")} ?row }}
  OPTIONAL {{ ?evNode {_k("tableColumn")} ?col }} OPTIONAL {{ ?evNode prov:value ?printed }}
  BIND(IF(BOUND(?evIn), ?ev0, ?none) AS ?ev)
"""
_EFFECT_VARS = ("?effect ?kind ?d ?dl ?t ?tl ?dir ?dirl ?patient ?pl ?case ?cl ?from ?froml ?fromm "
                "?to ?tol ?tom ?before ?after ?certl ?ev ?quote ?section ?table ?row ?col ?printed "
                "?coursel ?level")
_AN_EFFECT = (f"?effect {_k('effectOfExposure')} ?exposure ; {_k('affects')} ?t ; "
              f"{_k('hasDirection')} ?dir ; {_k('effectInPatient')} ?patient . "
              f"?exposure {_k('exposureDrug')} ?d")

#: The first :data:`EFFECT_ROWS` observed effects of a drug's exposures (the drug or any
#: subclass, asserted or inferred), one more to tell that there are more, with their evidence:
#: the sub-select picks the effects, so every listed effect has all its sources.
EFFECTS_OF_DRUG = PREFIXES + f"""
SELECT ?s {_EFFECT_VARS} WHERE {{
  {{ SELECT ?s ?effect ?d ?t ?dir ?patient WHERE {{ ?d rdfs:subClassOf* ?s . {_AN_EFFECT} }}
     LIMIT {EFFECT_ROWS + 1} }}
{_EFFECT_DETAILS}}}"""

#: The same for the observed effects on a finding or test (or any subclass of it).
EFFECTS_ON_TARGET = PREFIXES + f"""
SELECT ?s {_EFFECT_VARS} WHERE {{
  {{ SELECT ?s ?effect ?d ?t ?dir ?patient WHERE {{ ?t rdfs:subClassOf* ?s . {_AN_EFFECT} }}
     LIMIT {EFFECT_ROWS + 1} }}
{_EFFECT_DETAILS}}}"""

_SUMMARY = (f"{_k('summarisesDrug')} ?d ; {_k('summarisesTarget')} ?t ; "
            f"{_k('summarisesDirection')} ?dir ; {_k('effectKind')} ?kind ; "
            f"{_k('effectCount')} ?n ; {_k('patientCount')} ?np ; {_k('caseReportCount')} ?nc")
_SUMMARY_LABELS = ("OPTIONAL { ?d rdfs:label ?dl } OPTIONAL { ?t rdfs:label ?tl } "
                   "OPTIONAL { ?dir rdfs:label ?dirl }")

#: The build's effect summaries of a drug (or any subclass): how many effects, patients and
#: reports per target, direction and kind, over the whole release. Exact, and as cheap at
#: 100 000 reports as on one, where the page lists only the first :data:`EFFECT_ROWS` effects.
EFFECT_SUMMARIES_OF_DRUG = PREFIXES + f"""
SELECT ?s ?d ?dl ?t ?tl ?dir ?dirl ?kind ?n ?np ?nc WHERE {{
  ?d rdfs:subClassOf* ?s . ?summary {_SUMMARY} .
  {_SUMMARY_LABELS}
}}"""

#: The same for effects on a finding or test (or any subclass).
EFFECT_SUMMARIES_ON_TARGET = PREFIXES + f"""
SELECT ?s ?d ?dl ?t ?tl ?dir ?dirl ?kind ?n ?np ?nc WHERE {{
  ?t rdfs:subClassOf* ?s . ?summary {_SUMMARY} .
  {_SUMMARY_LABELS}
}}"""

#: Each effect of a drug (or any subclass) as its target, direction, patient and report: what
#: a page counts itself when the build did not (``kgcase.pagecounts``, whose rows these are).
EFFECT_PATIENTS_OF_DRUG = PREFIXES + f"""
SELECT ?s ?o ?dir ?patient ?case WHERE {{
  ?d rdfs:subClassOf* ?s . {_AN_EFFECT} BIND(?t AS ?o)
  {OBSERVATION}
  OPTIONAL {{ ?patient {_k("describedIn")} ?case }}
}}"""

#: The same for the effects on a finding or test (or any subclass), by drug.
EFFECT_PATIENTS_ON_TARGET = PREFIXES + f"""
SELECT ?s ?o ?dir ?patient ?case WHERE {{
  ?t rdfs:subClassOf* ?s . {_AN_EFFECT} BIND(?d AS ?o)
  {OBSERVATION}
  OPTIONAL {{ ?patient {_k("describedIn")} ?case }}
}}"""

#: The things of the case data that name a term, with their patients and reports.
USES_OF = PREFIXES + USE_ROWS

#: A test's values in a few patients (their ``VALUES`` block is added per page, of IRIs read
#: from the store): a small chart per patient on the test's page.
SERIES_OF_TEST = PREFIXES + f"""
SELECT ?s ?patient ?m ?months ?tpl ?reported ?num ?titre ?cmp WHERE {{{{
  {{values}}
  ?patient {_k("hasMeasurement")} ?m . ?m {_k("measuredEntity")} ?s ; {_k("atTimePoint")} ?tp ;
     {_k("reportedValue")} ?reported . ?tp {_k("monthsFromIndex")} ?months .
  OPTIONAL {{{{ ?tp rdfs:label ?tpl }}}} OPTIONAL {{{{ ?m {_k("numericValue")} ?num }}}}
  OPTIONAL {{{{ ?m {_k("titreDenominator")} ?titre }}}}
  OPTIONAL {{{{ ?m {_k("comparator")} ?cmp }}}}
}}}} LIMIT 2000"""

#: Literature claims, approvals and hypotheses a page lists; one more is read to tell that there
#: are more (a drug named by a claim in each of 100 000 reports has tens of thousands).
CLAIM_ROWS = 50

#: The first :data:`CLAIM_ROWS` literature claims, approvals and hypotheses that name a
#: resource (a claim per role it gives the resource), with what the page shows of each: kept
#: apart from what was observed in patients.
CLAIMS = PREFIXES + f"""
SELECT ?s ?claim ?role ?kind ?statement ?subj ?subjl ?obj ?objl ?dirl ?population ?region ?ref
       ?quote ?section ?case ?cl ?certl WHERE {{
  {{ SELECT ?s ?claim ?role WHERE {{
       {{ ?claim {_k("claimSubject")} ?s BIND("subject" AS ?role) }}
       UNION {{ ?claim {_k("claimObject")} ?s BIND("object" AS ?role) }}
       UNION {{ ?claim {_k("approvedDrug")} ?s BIND("approved drug" AS ?role) }}
       UNION {{ ?claim {_k("approvedIndication")} ?s BIND("approved indication" AS ?role) }}
       UNION {{ ?claim {_k("hypothesisConcerns")} ?s BIND("concerns" AS ?role) }}
     }} LIMIT {CLAIM_ROWS + 1} }}
  OPTIONAL {{ ?claim rdfs:label ?statement }}
  BIND(IF(EXISTS {{ ?claim a {_k("Hypothesis")} }}, "hypothesis",
       IF(EXISTS {{ ?claim a {_k("RegulatoryApproval")} }}, "regulatory approval",
          "literature claim")) AS ?kind)
  OPTIONAL {{ ?claim {_k("claimSubject")} ?subj OPTIONAL {{ ?subj rdfs:label ?subjl }} }}
  OPTIONAL {{ ?claim {_k("claimObject")} ?obj OPTIONAL {{ ?obj rdfs:label ?objl }} }}
  OPTIONAL {{ ?claim {_k("claimDirection")} ?cdir . ?cdir rdfs:label ?dirl }}
  OPTIONAL {{ ?claim {_k("population")} ?population }} OPTIONAL {{ ?claim {_k("region")} ?region }}
  OPTIONAL {{ ?claim {_k("citedReference")} ?ref }}
  OPTIONAL {{ ?claim {_k("hasCertainty")} ?cert . ?cert rdfs:label ?certl }}
  OPTIONAL {{ ?claim {_k("describedIn")} ?case OPTIONAL {{ ?case rdfs:label ?cl }} }}
  OPTIONAL {{ ?claim prov:wasDerivedFrom ?ev . ?ev {_k("quote")} ?quote
             OPTIONAL {{ ?ev {_k("sectionName")} ?section }} }}
}}"""

#: A patient's time points, diagnoses, drug exposures and findings (the timeline).
#: Every OPTIONAL is one pattern on a bound subject, so it stays a per-row lookup (docs/sparql.md,
#: "Writing a named query that scales"); a time point counts only with its months, as before.
PATIENT_TIMELINE = PREFIXES + f"""
SELECT ?s ?kind ?x ?xl ?what ?wl ?start ?startl ?startm ?end ?endl ?endm ?age ?index ?certl
       ?dose ?doseu ?every ?everyu WHERE {{
  {{ ?s {_k("hasTimePoint")} ?x BIND("time" AS ?kind) BIND(?x AS ?start)
     OPTIONAL {{ ?x {_k("monthsFromIndex")} ?startm }} OPTIONAL {{ ?x {_k("ageYears")} ?age }}
     OPTIONAL {{ ?x {_k("relativeTo")} ?index }} }}
  UNION
  {{ ?s {_k("hasDiagnosis")} ?x . ?x {_k("diagnosedDisease")} ?what BIND("diagnosis" AS ?kind)
     OPTIONAL {{ ?what rdfs:label ?wl }} OPTIONAL {{ ?x {_k("ageYears")} ?age }} }}
  UNION
  {{ ?s {_k("hasDrugExposure")} ?x . ?x {_k("exposureDrug")} ?what BIND("exposure" AS ?kind)
     OPTIONAL {{ ?what rdfs:label ?wl }}
     {_timed("startsAt", "start")}
     {_timed("endsAt", "end")}
     OPTIONAL {{ ?x {_k("ageYears")} ?age }}
     {_paired("doseValue", "doseUnit", "dose", "doseu")}
     {_paired("intervalValue", "intervalUnit", "every", "everyu")} }}
  UNION
  {{ ?s {_k("hasFinding")} ?x . ?x {_k("findingPhenotype")} ?what BIND("finding" AS ?kind)
     OPTIONAL {{ ?what rdfs:label ?wl }}
     {_timed("atTimePoint", "start")}
     OPTIONAL {{ ?x {_k("ageYears")} ?age }} }}
  OPTIONAL {{ ?x rdfs:label ?xl }}
  OPTIONAL {{ ?x {_k("hasCertainty")} ?cert }}
  BIND(COALESCE(?cert, {ABSENT}) AS ?certKey)
  OPTIONAL {{ ?certKey rdfs:label ?certl }}
}} LIMIT 5000"""

#: A patient's measurements: value as printed and parsed, time point, unit, reference range.
PATIENT_LABS = PREFIXES + f"""
SELECT ?s ?m ?test ?tl ?tp ?tpl ?months ?reported ?num ?cmp ?unit ?lower ?upper ?range ?titre
       ?qual ?status ?certl WHERE {{
  ?s {_k("hasMeasurement")} ?m .
  ?m {_k("measuredEntity")} ?test ; {_k("atTimePoint")} ?tp ; {_k("reportedValue")} ?reported .
  OPTIONAL {{ ?test rdfs:label ?tl }} OPTIONAL {{ ?tp rdfs:label ?tpl }}
  OPTIONAL {{ ?tp {_k("monthsFromIndex")} ?months }}
  OPTIONAL {{ ?m {_k("numericValue")} ?num }} OPTIONAL {{ ?m {_k("comparator")} ?cmp }}
  OPTIONAL {{ ?m {_k("unit")} ?unit }} OPTIONAL {{ ?m {_k("referenceRange")} ?range }}
  OPTIONAL {{ ?m {_k("referenceLower")} ?lower }} OPTIONAL {{ ?m {_k("referenceUpper")} ?upper }}
  OPTIONAL {{ ?m {_k("titreDenominator")} ?titre }}
  OPTIONAL {{ ?m {_k("hasQualitativeResult")} ?q . ?q rdfs:label ?qual }}
  OPTIONAL {{ ?m {_k("hasReferenceStatus")} ?st . ?st rdfs:label ?status }}
  OPTIONAL {{ ?m {_k("hasCertainty")} ?cert . ?cert rdfs:label ?certl }}
}} LIMIT 5000"""

#: A case report: what was extracted from it (typed things in its named graph, by class) and
#: its curation notes (the recorded ambiguities) with the facts they concern.
CASE_REPORT = PREFIXES + f"""
SELECT ?s ?part ?type ?tl ?n ?note ?comment ?resolution ?certl ?fact ?fl WHERE {{
  {{ {{ SELECT ?s ?type (COUNT(DISTINCT ?x) AS ?n) WHERE {{
        GRAPH ?g {{ ?s a {_k("CaseReport")} . ?x a ?type }}
        FILTER(isIRI(?type) && ?type NOT IN (owl:NamedIndividual, prov:Entity))
     }} GROUP BY ?s ?type }}
     BIND("count" AS ?part) OPTIONAL {{ ?type rdfs:label ?tl }} }}
  UNION
  {{ ?s {_k("hasCurationNote")} ?note BIND("note" AS ?part)
     OPTIONAL {{ ?note rdfs:comment ?comment }} OPTIONAL {{ ?note {_k("resolution")} ?resolution }}
     OPTIONAL {{ ?note {_k("hasCertainty")} ?cert . ?cert rdfs:label ?certl }}
     OPTIONAL {{ ?note {_k("concernsFact")} ?fact OPTIONAL {{ ?fact rdfs:label ?fl }} }} }}
}} LIMIT 5000"""

#: The home page: instances per kgcase class, drugs given (both counted at build time, see
#: kgcase.summary), case reports, ontology size.
HOME = PREFIXES + f"""
SELECT ?part ?x ?xl ?n ?np ?v WHERE {{
  {{ ?count a {_k("ClassCount")} ; {_k("countsClass")} ?x ; {_k("instanceCount")} ?n
     BIND("class" AS ?part) OPTIONAL {{ ?x rdfs:label ?xl }} }}
  UNION
  {{ ?count a {_k("DrugExposureCount")} ; {_k("countsExposuresTo")} ?x ;
            {_k("exposureCount")} ?n ; {_k("exposedPatientCount")} ?np
     BIND("drug" AS ?part) OPTIONAL {{ ?x rdfs:label ?xl }} }}
  UNION
  {{ {{ SELECT ?x WHERE {{ ?x a {_k("CaseReport")} }} LIMIT 50 }}
     BIND("case" AS ?part) OPTIONAL {{ ?x rdfs:label ?xl }} }}
  UNION
  {{ {{ SELECT ?x (COUNT(DISTINCT ?c) AS ?n) WHERE {{
        VALUES ?x {{ owl:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty }}
        ?c a ?x FILTER(isIRI(?c)) }} GROUP BY ?x }}
     BIND("ontology" AS ?part) }}
  UNION
  {{ ?x a owl:Ontology ; owl:versionIRI ?v BIND("owl" AS ?part)
     OPTIONAL {{ ?x <http://purl.org/dc/terms/title> ?xl }} }}
}}"""

_SEARCHED = (f"rdfs:label oio:hasExactSynonym oio:hasRelatedSynonym oio:hasNarrowSynonym "
             f"oio:hasBroadSynonym <{IAO_DEFINITION}>")

#: Search labels and synonyms (``?q`` lower case): exact, then prefix, then word start, then
#: anywhere; classes before individuals; shorter first. Definitions match last. Equal ranks and
#: lengths go by text and IRI, and the outer query is ordered too (down to the label and type
#: shown): otherwise which 80 are kept, which dozen come first and which of two labels is shown
#: follow the store's own order (Virtuoso's differs from Oxigraph's).
SEARCH = PREFIXES + f"""
SELECT ?q ?s ?text ?prop ?rank ?label ?type ?typel WHERE {{
  {{ SELECT ?q ?s ?text ?prop ?rank ?lt WHERE {{
       VALUES ?prop {{ {_SEARCHED} }}
       ?s ?prop ?text FILTER(isIRI(?s))
       BIND(LCASE(STR(?text)) AS ?lt)
       FILTER(CONTAINS(?lt, ?q))
       BIND(IF(?lt = ?q, 0, IF(STRSTARTS(?lt, ?q), 1,
            IF(CONTAINS(?lt, CONCAT(" ", ?q)) || CONTAINS(?lt, CONCAT("-", ?q)), 2, 3)))
            + IF(?prop = rdfs:label, 0, 0.5) + IF(?prop = <{IAO_DEFINITION}>, 4, 0)
            + IF(EXISTS {{ ?s a owl:Class }}, 0, 0.25) AS ?rank)
     }} ORDER BY ?rank STRLEN(?lt) ?lt STR(?s) STR(?prop) STR(?text) LIMIT 80 }}
  OPTIONAL {{ ?s rdfs:label ?label }}
  OPTIONAL {{ ?s a ?type FILTER(isIRI(?type) && ?type != owl:NamedIndividual)
             OPTIONAL {{ ?type rdfs:label ?typel }} }}
}} ORDER BY ?rank STRLEN(?lt) ?lt STR(?s) STR(?prop) STR(?text) STR(?label) STR(?type)
           STR(?typel)"""

#: The kinds the editor's completion tells apart (``?kind`` is bound to one of "class",
#: "property" or "term", which takes any).
_KIND_FILTER = """FILTER(?kind = "term" || (?kind = "class" && EXISTS { ?s a owl:Class })
         || (?kind = "property" && EXISTS { VALUES ?pt { owl:ObjectProperty owl:DatatypeProperty
              owl:AnnotationProperty rdf:Property } ?s a ?pt }))"""
_KIND_OF = """BIND(IF(EXISTS { ?s a owl:Class }, "class", IF(EXISTS { VALUES ?pt2 {
    owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty rdf:Property } ?s a ?pt2 },
    "property", "term")) AS ?k)"""
#: The editor's completion by label or synonym (``?q`` lower case): exact, prefix, word start,
#: anywhere; classes first, then shorter texts. At most 50 terms (the endpoint's largest ``limit``).
COMPLETE_LABEL = PREFIXES + f"""
SELECT ?q ?kind ?s ?rank ?len ?label ?k WHERE {{
  {{ SELECT ?q ?kind ?s (MIN(?r) AS ?rank) (MIN(STRLEN(?lt)) AS ?len) WHERE {{
       VALUES ?prop {{ rdfs:label oio:hasExactSynonym oio:hasRelatedSynonym
                      oio:hasNarrowSynonym oio:hasBroadSynonym }}
       ?s ?prop ?text FILTER(isIRI(?s))
       BIND(LCASE(STR(?text)) AS ?lt)
       FILTER(CONTAINS(?lt, ?q))
       {_KIND_FILTER}
       BIND(IF(?lt = ?q, 0, IF(STRSTARTS(?lt, ?q), 1,
            IF(CONTAINS(?lt, CONCAT(" ", ?q)) || CONTAINS(?lt, CONCAT("-", ?q)), 2, 3)))
            + IF(?prop = rdfs:label, 0, 0.5) + IF(EXISTS {{ ?s a owl:Class }}, 0, 0.25) AS ?r)
     }} GROUP BY ?q ?kind ?s ORDER BY ?rank ?len STR(?s) LIMIT 50 }}
  OPTIONAL {{ ?s rdfs:label ?label }}
  {_KIND_OF}
}} ORDER BY ?rank ?len STR(?s) STR(?label)"""
#: The editor's completion by the start of an IRI (``?q``), for a CURIE or ``<…`` being typed.
COMPLETE_IRI = PREFIXES + f"""
SELECT ?q ?kind ?s ?label ?k WHERE {{
  {{ SELECT DISTINCT ?q ?kind ?s WHERE {{
       ?s rdfs:label ?any FILTER(isIRI(?s) && STRSTARTS(STR(?s), ?q))
       {_KIND_FILTER}
     }} ORDER BY STR(?s) LIMIT 50 }}
  OPTIONAL {{ ?s rdfs:label ?label }}
  {_KIND_OF}
}} ORDER BY STR(?s) STR(?label)"""
#: The labels of one resource (``?s`` bound), for the editor's hover.
LABEL_OF = PREFIXES + "SELECT ?s ?l WHERE { ?s rdfs:label ?l } ORDER BY STR(?l) LIMIT 5"

#: Whether a resource exists (as subject or object) and which ontology document it names.
KIND = PREFIXES + """
SELECT ?s ?exists ?onto WHERE {
  BIND(EXISTS { { ?s ?p ?o } UNION { ?x ?p2 ?s } UNION { ?x2 ?s ?o2 } } AS ?exists)
  OPTIONAL { { ?s a owl:Ontology BIND(?s AS ?onto) } UNION { ?onto owl:versionIRI ?s } }
}"""

#: A resource as RDF: its concise bounded description (outgoing triples, the blank nodes under
#: them, and OWL axiom annotations on its statements).
DESCRIPTION = PREFIXES + f"""
CONSTRUCT {{ ?s ?p ?o . ?b ?bp ?bo }} WHERE {{
  {{ ?s ?p ?o }}
  UNION {{ ?s ?p0 ?b0 FILTER(isBlank(?b0))
          ?b0 {EXPRESSION_PATH} ?b FILTER(isBlank(?b)) ?b ?bp ?bo }}
  UNION {{ ?b owl:annotatedSource ?s ; ?bp ?bo }}
}}"""

#: A resource's description with the named graph of each statement (N-Quads, TriG), as rows:
#: ``?x ?xp ?xo`` in graph ``?g``, where ``?x`` is the resource or a blank node under it.
DESCRIPTION_QUADS = PREFIXES + f"""
SELECT ?s ?g ?x ?xp ?xo WHERE {{
  {{ GRAPH ?g {{ ?s ?xp ?xo }} BIND(?s AS ?x) }}
  UNION {{ ?s ?p0 ?b0 FILTER(isBlank(?b0))
          ?b0 {EXPRESSION_PATH} ?x FILTER(isBlank(?x)) GRAPH ?g {{ ?x ?xp ?xo }} }}
  UNION {{ GRAPH ?g {{ ?x owl:annotatedSource ?s ; ?xp ?xo }} }}
}}"""

#: One whole named graph, ``?g`` (a case report's, the ontology's …).
GRAPH_DOCUMENT = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"

#: The ontology document: every triple of the named graph holding ``?onto``, one ontology
#: header, no ``owl:imports`` (the import modules are merged in the same graph).
ONTOLOGY_DOCUMENT = PREFIXES + """
CONSTRUCT { ?s ?p ?o } WHERE {
  GRAPH ?g { ?onto a owl:Ontology }
  GRAPH ?g { ?s ?p ?o }
  FILTER(?p != owl:imports)
  FILTER NOT EXISTS { GRAPH ?g { ?s a owl:Ontology } FILTER(?s != ?onto) }
}"""

#: Labels of IRIs found in a query's results (the VALUES block is added per page, of IRIs
#: read from the store; see ``runner.values_block``).
LABELS = PREFIXES + "SELECT ?s ?l WHERE {{ {values} ?s rdfs:label ?l }}"

#: Page queries bound as a ``VALUES`` block on the embedded store rather than by pyoxigraph's
#: ``substitutions`` (the others): planned with the bound term, these stream the first rows
#: from it. At 100 000 reports, the evidence of the effects on anti-dsDNA took 21.6 s with
#: substitutions and 0.90 s with ``VALUES`` (docs/decisions.md, "How parameters are bound").
VALUES_BOUND = frozenset({EFFECTS_OF_DRUG, EFFECTS_ON_TARGET, EFFECT_PATIENTS_OF_DRUG,
                          EFFECT_PATIENTS_ON_TARGET})

#: Every page query, by name (a test runs each through the safety gate).
ALL = {"RESOURCE": RESOURCE, "RESOURCE_UNCOUNTED": RESOURCE_UNCOUNTED, "USED": USED,
       "STRUCTURE": STRUCTURE, "USAGES": USAGES,
       "EVIDENCE": EVIDENCE,
       "EFFECTS_OF_DRUG": EFFECTS_OF_DRUG, "EFFECTS_ON_TARGET": EFFECTS_ON_TARGET,
       "EFFECT_SUMMARIES_OF_DRUG": EFFECT_SUMMARIES_OF_DRUG,
       "EFFECT_SUMMARIES_ON_TARGET": EFFECT_SUMMARIES_ON_TARGET,
       "EFFECT_PATIENTS_OF_DRUG": EFFECT_PATIENTS_OF_DRUG,
       "EFFECT_PATIENTS_ON_TARGET": EFFECT_PATIENTS_ON_TARGET, "USES_OF": USES_OF,
       "CLAIMS": CLAIMS, "PATIENT_TIMELINE": PATIENT_TIMELINE, "PATIENT_LABS": PATIENT_LABS,
       "CASE_REPORT": CASE_REPORT, "HOME": HOME, "SEARCH": SEARCH, "KIND": KIND,
       "COMPLETE_LABEL": COMPLETE_LABEL, "COMPLETE_IRI": COMPLETE_IRI, "LABEL_OF": LABEL_OF,
       "DESCRIPTION": DESCRIPTION, "ONTOLOGY_DOCUMENT": ONTOLOGY_DOCUMENT,
       "DESCRIPTION_QUADS": DESCRIPTION_QUADS, "GRAPH_DOCUMENT": GRAPH_DOCUMENT,
       "LABELS": LABELS.format(values="VALUES ?s { <urn:x> }"),
       "SERIES_OF_TEST": SERIES_OF_TEST.format(values="VALUES ?patient { <urn:x> }")}
SYNONYM_SCOPES = {
    str(OBOINOWL.hasExactSynonym): "exact",
    str(OBOINOWL.hasRelatedSynonym): "related",
    str(OBOINOWL.hasNarrowSynonym): "narrow",
    str(OBOINOWL.hasBroadSynonym): "broad",
}
