"""The entry model: one work of the knowledge base, as typed objects that remember where each value came from.

The same classes give the JSON Schema (`survey schema`). Controlled terms are plain strings here; which
vocabulary each field draws on is declared with `term_field` and checked against taxonomy.yaml by
`survey.check.rules`, so that the vocabulary lives in one place.
"""

from __future__ import annotations

import datetime
import math
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr
from pydantic.json_schema import JsonDict
from pydantic_core import PydanticCustomError

from survey.load.identifiers import ENTRY_ID
from survey.load.yamlsource import Path, SourceMap
from survey.report.diagnostics import Location


def _as_list(value: Any) -> Any:
    """Let a single value stand for a one-item list (`memory: hbm3` as well as `memory: [hbm3]`)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def term_field(vocabulary: str, description: str, many: bool = True, required: bool = False) -> Any:
    """A field holding taxonomy term ids from `vocabulary` (recorded in the schema as x-vocabulary)."""
    extra: JsonDict = {"x-vocabulary": vocabulary}
    if many:
        return Field(default_factory=list, description=description, json_schema_extra=extra)
    if required:
        return Field(description=description, json_schema_extra=extra)
    return Field(default=None, description=description, json_schema_extra=extra)


def _no_truth_value(value: Any) -> Any:
    """Refuse what JSON (and so the schema) does not call a number: true/false, .nan and .inf."""
    if isinstance(value, bool):
        raise PydanticCustomError("bool_as_number", "a number or text, not a truth value")
    if isinstance(value, float) and not math.isfinite(value):
        raise PydanticCustomError("finite_number", "a finite number")
    return value


def _number_only(value: Any) -> Any:
    """A number written as a number: '2024' in quotes is text to YAML and JSON, so it is refused, not converted."""
    if isinstance(value, str):
        raise PydanticCustomError("number_as_text", "a number, not text")
    return _no_truth_value(value)


# One value or a list; the schema says so too (json_schema_input_type), as `survey check` accepts both.
def _whole_number_only(value: Any) -> Any:
    if isinstance(value, str):
        raise PydanticCustomError("whole_number_as_text", "a whole number, not text")
    return _no_truth_value(value)


Terms = Annotated[list[str], BeforeValidator(_as_list, json_schema_input_type=list[str] | str | None)]
Texts = Annotated[list[str], BeforeValidator(_as_list, json_schema_input_type=list[str] | str | None)]
Int = Annotated[int, BeforeValidator(_whole_number_only)]
Number = Annotated[int | float, BeforeValidator(_number_only)]
IntOrText = Annotated[int | str, BeforeValidator(_no_truth_value)]
TextOrNumber = Annotated[str | int | float, BeforeValidator(_no_truth_value)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Person(Strict):
    """Someone who wrote, presented or spoke about the work."""

    name: str = Field(min_length=1, description="Full name as the person writes it in Latin script.")
    name_native: str | None = Field(None, description="The name in its native script (e.g. Chinese characters).")
    affiliations: Texts = Field(default_factory=list, description="Institutions, as the source states them.")
    email: str | None = None
    orcid: str | None = Field(None, description="ORCID iD, e.g. 0000-0002-1825-0097.")
    role: str = term_field("role", "speaker, presenter, author or chair.", many=False, required=True)
    consent: Literal["invited", "confirmed", "declined"] | None = Field(
        None, description="Co-authorship consent state for the survey (poster presenters and speakers).")
    not_same_as: Texts = Field(default_factory=list, description=(
        "Names, as other entries write them, of people this person is not although the names look alike "
        "('Meng Syuan Li' is not 'Meng Li'); for when no ORCID iD tells them apart."))


class Version(Strict):
    """Another version of the same work (preprint, conference paper, journal extension)."""

    kind: Literal["arxiv", "preprint", "conference", "journal", "extension", "talk"]
    title: str | None = None
    venue: str | None = None
    year: Int | None = None
    doi: str | None = None
    arxiv: str | None = None
    url: str | None = None


class ModelRef(Strict):
    """A model a work runs, with its size where the source states it."""

    name: str = Field(min_length=1, description="The model's name as the paper writes it, e.g. 'LLaMA-2 70B'.")
    parameters_billion: Number | None = Field(
        None, description="Parameters in billions as the source states them (175 for GPT-3 175B).")
    notes: str | None = None


def _as_model_ref(value: str | ModelRef) -> ModelRef:
    """Let a plain name stand for a model without a stated size (`GPT-3` as well as `{name: GPT-3, ...}`)."""
    return ModelRef(name=value) if isinstance(value, str) else value


class Host(Strict):
    """What runs outside the PIM part, and on which processor."""

    processor: str | None = term_field("host", "The host processor: gpu, npu, cpu, soc, fpga or standalone.", many=False)
    operators: Terms = term_field("operator", "Operators that stay on the host.")
    notes: str | None = None


class Precision(Strict):
    """Numeric formats used (format term ids), per operand."""

    weights: Terms = term_field("format", "Weight formats.")
    activations: Terms = term_field("format", "Activation (input) formats.")
    kv_cache: Terms = term_field("format", "KV-cache formats.")
    accumulation: Terms = term_field("format", "Accumulation formats.")
    adc_bits: Int | Annotated[list[Int], Field(min_length=2, max_length=2)] | None = Field(
        None, description="ADC resolution in bits, or [low, high].")
    notes: str | None = None


class Evaluation(Strict):
    """How the work's results were obtained (evidence level)."""

    method: str = term_field("evaluation", "Evidence level.", many=False, required=True)
    tool: str | None = term_field("simulator", "Simulator or model used, for simulations.", many=False)
    node_nm: Number | None = Field(None, description="Technology node in nm.")
    notes: str | None = None


class Conditions(Strict):
    """What a metric holds under."""

    model: str | None = None
    phase: str | None = term_field("phase", "Inference phase.", many=False)
    precision: Precision | None = None
    level: str | None = term_field("level", "Integration level the number describes.", many=False)
    evaluation: str | None = term_field("evaluation", "How this number was obtained.", many=False)
    tool: str | None = term_field("simulator", "Simulator used for this number.", many=False)
    batch: IntOrText | None = None
    context_length: IntOrText | None = None
    node_nm: Number | None = None
    voltage: TextOrNumber | None = Field(None, description="Supply voltage, e.g. '0.9 V' (a number means volts).")
    frequency: TextOrNumber | None = Field(None, description="Clock frequency, e.g. '200 MHz' (a number means MHz).")
    sparsity: TextOrNumber | None = None
    workload: str | None = None
    notes: str | None = None


class Source(Strict):
    """Where in the paper a number was read."""

    locator: str = Field(min_length=1, description="Abstract, Table 3, Fig. 9, Section 5.2, ...")
    quote: str = Field(min_length=1, description="Short verbatim quote that contains the number.")
    url: str | None = None


class Metric(Strict):
    """One reported number with its unit, conditions, baseline and source."""

    kind: str = term_field("metric", "Metric kind.", many=False, required=True)
    value: Number | None = None
    range: Annotated[list[Number], Field(min_length=2, max_length=2)] | None = Field(
        None, description="[low, high] when the paper reports a range.")
    qualifier: Literal["peak", "average", "geomean", "up-to", "min", "max", "median"] | None = None
    unit: str = Field(min_length=1, description="Unit, e.g. x, %, TOPS/W, GOPS/mW, uJ/token, ms, GB/s.")
    conditions: Conditions = Field(default_factory=Conditions)
    baseline: str | None = Field(None, description="What a relative metric is relative to.")
    baseline_class: str | None = term_field(
        "baseline-class", "The baseline's hardware class (gpu, cpu, npu, dram-pim, ...), for grouping.", many=False)
    source: Source | None = None
    note: str | None = None

    @property
    def low(self) -> float | None:
        return float(self.range[0]) if self.range else (float(self.value) if self.value is not None else None)

    @property
    def high(self) -> float | None:
        return float(self.range[1]) if self.range else (float(self.value) if self.value is not None else None)


class Verification(Strict):
    role: Literal["author", "editor"]
    name: str
    date: datetime.date | None = None


class Entry(Strict):
    """One work: a keynote, invited talk, poster or related published work."""

    id: str = Field(pattern=ENTRY_ID.pattern, description="Equals the file name without .yaml.")
    type: str = term_field("contribution-type", "keynote, invited-talk, poster or related-work.", many=False, required=True)
    title: str = Field(min_length=1)
    short_name: str | None = Field(None, min_length=1, max_length=24,
                                   description="Short display name for tables and figures, e.g. 'AttAcc'.")
    scope: str | None = term_field("scope", "Why the work is in the survey: llm, transformer, foundation or survey.",
                                   many=False)
    people: list[Person] = Field(min_length=1)
    venue: str | None = None
    year: Annotated[int, Field(ge=1950, le=2100), BeforeValidator(_whole_number_only)] | None = None
    doi: str | None = None
    arxiv: str | None = None
    url: str | None = None
    bibtex: str | None = Field(None, description="One BibTeX record.")
    draws_on: Texts = Field(default_factory=list, description="Ids of the entries a talk draws on.")
    versions: list[Version] = Field(default_factory=list)
    architecture: Terms = term_field("architecture", "Architecture kinds.")
    primary_architecture: str | None = term_field(
        "architecture", "The one class a work is listed under in class-based tables.", many=False)
    operators: Terms = term_field("operator", "Operators the design runs in or near memory.")
    host: Host | None = None
    level: Terms = term_field("level", "Integration levels.")
    memory: Terms = term_field("memory", "Memory technologies.")
    domain: Terms = term_field("domain", "Computing domains.")
    precision: Precision | None = None
    compression: Terms = term_field("compression", "Compression methods.")
    models: list[Annotated[Annotated[str, Field(min_length=1)] | ModelRef, AfterValidator(_as_model_ref)]] = Field(
        default_factory=list, description="Models run, as names or {name, parameters_billion}.")
    workloads: Texts = Field(default_factory=list)
    evaluation: list[Evaluation] = Field(default_factory=list)
    phases: Terms = term_field("phase", "Inference phases targeted.")
    challenges: Terms = term_field("challenge", "Challenges or sub-challenges addressed.")
    topics: Terms = term_field("topic", "Workshop topics.")
    summary: str | None = None
    verified_by: list[Verification] = Field(default_factory=list)
    notes: str | None = None
    metrics: list[Metric] = Field(default_factory=list)

    _source: SourceMap | None = PrivateAttr(default=None)

    def locate(self, *path: str | int, key: bool = False) -> Location:
        """Where the value at `path` (e.g. 'metrics', 0, 'unit') was written."""
        if self._source is None:
            return Location(f"<{self.id}>")
        return self._source.locate(tuple(path), key=key)

    @property
    def path(self) -> str:
        return self._source.path if self._source else f"<{self.id}>"

    @property
    def model_names(self) -> list[str]:
        return [model.name if isinstance(model, ModelRef) else model for model in self.models]

    @property
    def primary_class(self) -> str | None:
        """The class a work is listed under: `primary_architecture`, or its only architecture term."""
        if self.primary_architecture:
            return self.primary_architecture
        return self.architecture[0] if len(self.architecture) == 1 else None

    @property
    def display_name(self) -> str:
        return self.short_name or self.id

    @property
    def evidence(self) -> list[str]:
        return [e.method for e in self.evaluation]

    def attach_source(self, source: SourceMap) -> None:
        self._source = source


def term_fields() -> list[tuple[Path, str]]:
    """Every (path pattern, vocabulary) pair in the model; '*' stands for a list index."""
    found: list[tuple[Path, str]] = []

    def walk(model: type[BaseModel], prefix: Path) -> None:
        for name, info in model.model_fields.items():
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            vocabulary = extra.get("x-vocabulary")
            here = prefix + (name,)
            if vocabulary:
                found.append((here, str(vocabulary)))
            nested = _nested_model(info.annotation)
            if nested is not None:
                many = "list[" in str(info.annotation)
                walk(nested, here + (("*",) if many else ()))

    walk(Entry, ())
    return found


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    import typing

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _nested_model(arg)
        if found is not None:
            return found
    return None
