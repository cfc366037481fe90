"""Typed model of a curated case report, validated by pydantic.

Term references (drugs, diseases, phenotypes, tests) are kept as written here: a CURIE or an
exact label/synonym. :mod:`kgcase.model.load` resolves them against the ontology afterwards.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kgcase.values import ReportedValue, parse_range, parse_value

Id = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=80)]
Certainty = Literal["certain", "probable", "uncertain"]
Status = Literal["draft", "curated"]
Direction = Literal[
    "improved",
    "resolved",
    "increased",
    "decreased",
    "appeared",
    "unchanged",
    "indeterminate",
    "worsened",
]
_QUANTITY = re.compile(r"^(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>\S.*)$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Source(_Strict):
    """Where a fact was read: a quoted sentence in a section, or a table cell."""

    section: str | None = None
    quote: str | None = None
    table: Id | None = None
    row: str | None = None
    column: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Source:
        if self.quote is None and self.table is None:
            raise ValueError("a source needs a 'quote' (with 'section') or a 'table' with 'row'")
        if self.table is not None and self.row is None:
            raise ValueError("a table source needs the 'row' label as printed")
        return self


class FoundBy(_Strict):
    """How a drafted fact was extracted: the rule or model, and its confidence (0–1)."""

    method: Literal["rule", "model", "table", "annotation"]
    rule: str
    confidence: float = Field(ge=0, le=1)


class Curated(_Strict):
    """Fields every curated fact may carry: how sure the curators are, and why.

    Facts drafted by ``kgcase draft`` say ``status: draft`` and how they were found until a
    curator accepts them.
    """

    certainty: Certainty = "certain"
    note: str | None = None
    status: Status = "curated"
    found_by: FoundBy | None = None


class Quantity(_Strict):
    """A number with a UCUM unit, written ``8 mg/kg``."""

    value: Decimal
    unit: str

    @classmethod
    def parse(cls, text: str) -> Quantity:
        m = _QUANTITY.match(str(text).strip())
        if not m:
            raise ValueError(
                f"{text!r} is not a quantity: write a number and a unit, e.g. '8 mg/kg'"
            )
        return cls(value=Decimal(m["value"]), unit=m["unit"].strip())


def _quantity(v: object) -> object:
    return Quantity.parse(v) if isinstance(v, str | int | float) else v


class Citation(_Strict):
    """Where the report was published. Only a draft may leave journal, year or DOI out."""

    authors: list[str]
    title: str
    journal: str | None = None
    year: int | None = None
    volume: str | None = None
    article: str | None = None
    doi: str | None = Field(default=None, pattern=r"^10\.\d{4,9}/\S+$")
    article_type: str | None = None


class Table(_Strict):
    caption: str
    rows: list[str]
    columns: list[str]


class TimePoint(_Strict):
    id: Id
    label: str
    months: int
    relative_to: Id | None = None
    column: str | None = None
    age: Decimal | None = None


class Diagnosis(Curated):
    id: Id
    disease: str
    age: Decimal | None = None
    criteria: str | None = None
    components: list[str] = []
    source: Source


class Finding(Curated):
    """A phenotype the report observes, or states to be absent (``absent: true``)."""

    id: Id
    phenotype: str
    absent: bool = False
    age: Decimal | None = None
    time_point: Id | None = None
    source: Source


class Exposure(Curated):
    id: Id
    drug: str
    dose: Quantity | None = None
    interval: Quantity | None = None
    dose_note: str | None = None
    start: Id | None = None
    end: Id | None = None
    start_age: Decimal | None = None
    end_age: Decimal | None = None
    ongoing: bool = False
    indication: list[str] = []
    concomitant: list[Id] = []
    source: Source
    # The stop, as its own event: at ``end``, or at an unknown time at or before ``end_before``
    # (a previous treatment); with the sentence that states it, its certainty and its reason.
    end_before: Id | None = None
    end_source: Source | None = None
    end_certainty: Certainty | None = None
    end_reason: str | None = None

    _parse_dose = field_validator("dose", "interval", mode="before")(_quantity)

    @model_validator(mode="after")
    def _one_end(self) -> Exposure:
        if self.end is not None and self.end_before is not None:
            raise ValueError("give 'end' (stopped at that time point) or 'end_before' (stopped "
                             "at an unknown time at or before it), not both")
        stop = (self.end_source, self.end_certainty, self.end_reason)
        if self.end is None and self.end_before is None and any(x is not None for x in stop):
            raise ValueError("'end_source', 'end_certainty' and 'end_reason' describe a stop: "
                             "give 'end' or 'end_before' too")
        return self


class CellValue(Curated):
    """A table cell whose value carries its own certainty or note."""

    value: str


class Measurement(Curated):
    """One table row (or text-reported series) for one patient: values per time point."""

    id: Id
    test: str
    unit: str | None = None
    unit_as_printed: str | None = None
    reference: str | None = None
    values: dict[Id, str | CellValue | None]
    source: Source

    @field_validator("values", mode="before")
    @classmethod
    def _stringify(cls, v: object) -> object:
        if isinstance(v, dict):
            return {k: (str(x) if isinstance(x, int | float) else x) for k, x in v.items()}
        return v

    @field_validator("reference")
    @classmethod
    def _check_reference(cls, v: str | None) -> str | None:
        if v is not None:
            parse_range(v)
        return v

    def parsed(self) -> dict[str, tuple[ReportedValue, CellValue | None]]:
        """Values that were reported, parsed, by time point id (missing cells left out)."""
        out: dict[str, tuple[ReportedValue, CellValue | None]] = {}
        for tp, cell in self.values.items():
            if cell is None:
                continue
            text = cell.value if isinstance(cell, CellValue) else cell
            out[tp] = (parse_value(text), cell if isinstance(cell, CellValue) else None)
        return out


class StatedEffect(Curated):
    """An effect the authors state in the text (not computed from values)."""

    id: Id
    exposure: Id
    target: str
    direction: Direction
    from_: Id | None = Field(default=None, alias="from")
    to: Id | None = None
    window_note: str | None = None
    source: Source
    also: list[Source] = []  # further sentences stating the same effect of the same patient

    model_config = ConfigDict(populate_by_name=True)


class Patient(_Strict):
    id: Id
    label: str
    sex: Literal["female", "male", "unknown"] = "unknown"
    time_points: list[TimePoint] = []
    diagnoses: list[Diagnosis] = []
    findings: list[Finding] = []
    exposures: list[Exposure] = []
    measurements: list[Measurement] = []
    effects: list[StatedEffect] = []


class Claim(Curated):
    """A statement the report makes about the literature, kept apart from observations."""

    id: Id
    kind: Literal["literature", "approval"] = "literature"
    statement: str
    subject: str | None = None
    object: str | None = None
    objects: list[str] = []  # further objects: a claim about several findings or diseases
    direction: Direction | None = None
    population: str | None = None
    region: str | None = None
    regions: list[str] = []  # regions as terms (Europe, North America, Japan)
    references: list[str] = []
    source: Source

    def all_objects(self) -> list[str]:
        return [x for x in (self.object, *self.objects) if x]


class HypothesisItem(Curated):
    id: Id
    statement: str
    concerns: list[str] = []
    rests_on: list[str] = []  # ids of the claims, or patient/effects/id of the effects
    source: Source


class Ambiguity(_Strict):
    """Something the source leaves unclear or contradicts, and how curation resolved it."""

    id: Id
    description: str
    resolution: str
    certainty: Certainty
    concerns: list[str] = []


class ReviewItem(_Strict):
    """Something a draft could not turn into a fact: a curator decides what it is."""

    text: str
    kind: str
    reason: str
    candidates: list[str] = []
    source: Source


class Case(_Strict):
    """One curated case report."""

    status: Status = "curated"
    id: Id
    title: str
    citation: Citation
    source_text: str | None = None
    synthetic: bool = False
    tables: dict[Id, Table] = {}
    patients: list[Patient]
    claims: list[Claim] = []
    hypotheses: list[HypothesisItem] = []
    ambiguities: list[Ambiguity] = []
    review: list[ReviewItem] = []

    @model_validator(mode="after")
    def _citation_complete(self) -> Case:
        missing = [k for k in ("journal", "year", "doi") if getattr(self.citation, k) is None]
        if missing and self.status != "draft":
            raise ValueError(
                f"citation: {', '.join(missing)} missing (only a draft may leave them out)"
            )
        return self
