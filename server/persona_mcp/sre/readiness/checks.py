"""The checklist's rule language: a check is a field comparison, an `all` or `any` of checks, a named rule,
or evidence only. Checks are validated against the manifest's fields when the checklist loads and compiled
once into evaluators, so a review resolves no field path, operator or rule argument per call.
"""

from __future__ import annotations

import difflib
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, Discriminator, Field, Tag, ValidationError, model_validator

from persona_mcp.sre.readiness.manifest import FieldKind, ServiceManifest, manifest_fields
from persona_mcp.sre.readiness.results import Status
from persona_mcp.sre.readiness.rules import (
    RULES,
    Outcome,
    RuleContext,
    RuleFn,
    Strict,
    failed_because,
    passed_because,
    show_value,
    unknown_because,
)

# --- the rule language -----------------------------------------------------------------------------------

Scalar = bool | int | float | str
_OPERATORS = ("is", "in", "gte", "gt", "lte", "lt", "present")


class FieldCheck(Strict):
    """Compare one manifest field: {field: deployment.rollback, is: true}."""

    field: str = Field(max_length=100)
    is_: Scalar | None = Field(default=None, alias="is")
    in_: list[Scalar] | None = Field(default=None, alias="in", min_length=1, max_length=20)
    gte: float | None = None
    gt: float | None = None
    lte: float | None = None
    lt: float | None = None
    present: Literal[True] | None = None

    @property
    def operator(self) -> tuple[str, Any]:
        """The one operator given and its operand."""
        return next((op, v) for op, v in self._operands().items() if v is not None)

    @model_validator(mode="after")
    def _valid(self) -> FieldCheck:
        given = [op for op, v in self._operands().items() if v is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of {', '.join(_OPERATORS)}; got {', '.join(given) or 'none'}")
        kind = manifest_fields().get(self.field)
        if kind is None:
            close = difflib.get_close_matches(self.field, sorted(manifest_fields()), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ValueError(f"unknown field path {self.field!r}{hint}")
        op, operand = self.operator
        if op == "present":
            return self
        if op in ("gte", "gt", "lte", "lt") and kind.kind != "number":
            raise ValueError(f"{op} needs a number field; {self.field} holds {kind.kind}")
        if kind.kind == "list":
            raise ValueError(f"{self.field} is a list: only present applies (use a named rule)")
        if op == "in" and kind.kind == "bool":
            raise ValueError(f"{self.field} holds true or false: use is")
        for value in operand if op == "in" else [operand] if op == "is" else []:
            _check_operand(self.field, kind, value)
        return self

    def _operands(self) -> dict[str, Any]:
        return {
            "is": self.is_,
            "in": self.in_,
            "gte": self.gte,
            "gt": self.gt,
            "lte": self.lte,
            "lt": self.lt,
            "present": self.present,
        }


def _check_operand(field: str, kind: FieldKind, value: Scalar) -> None:
    if kind.kind == "bool" and not isinstance(value, bool):
        raise ValueError(f"{field} holds true or false, got {show_value(value)}")
    if kind.kind == "number" and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise ValueError(f"{field} holds a number, got {show_value(value)}")
    if kind.kind == "text" and not isinstance(value, str):
        raise ValueError(f"{field} holds text, got {show_value(value)}")
    if kind.kind == "choice" and value not in kind.choices:
        raise ValueError(f"{field} is one of {', '.join(kind.choices)}; got {show_value(value)}")


class AllCheck(Strict):
    """Every check passes: {all: [...]}."""

    all: list[Check] = Field(min_length=1, max_length=20)


class AnyCheck(Strict):
    """At least one check passes: {any: [...]}."""

    any: list[Check] = Field(min_length=1, max_length=20)


class RuleCheck(Strict):
    """A named computed rule: {rule: toil_under_cap, args: {cap_fraction: 0.5, hours_per_engineer_week: 40}}."""

    rule: str = Field(max_length=64)
    args: dict[str, Scalar] = Field(default_factory=dict, max_length=10)

    @model_validator(mode="after")
    def _known(self) -> RuleCheck:
        rule = RULES.get(self.rule)
        if rule is None:
            raise ValueError(f"unknown rule {self.rule!r}; known rules: {', '.join(sorted(RULES))}")
        try:
            rule.args.model_validate(self.args)
        except ValidationError as exc:
            problem = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in problem["loc"])
            raise ValueError(f"args of rule {self.rule!r}: {where}: {problem['msg']}") from None
        return self


class EvidenceOnly(Strict):
    """The manifest cannot express the item: only an `evidence` link answers it."""

    evidence_only: Literal[True]


CHECK_TAGS = {"field": "field-check", "all": "all-check", "any": "any-check", "rule": "rule-check"}
CHECK_TAGS["evidence_only"] = "evidence-check"


def _check_tag(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        names = {
            FieldCheck: "field",
            AllCheck: "all",
            AnyCheck: "any",
            RuleCheck: "rule",
            EvidenceOnly: "evidence_only",
        }
        return CHECK_TAGS[names[type(value)]]
    if isinstance(value, Mapping):
        for key, tag in CHECK_TAGS.items():
            if key in value:
                return tag
    return None


Check = Annotated[
    Union[  # noqa: UP007 - Tag annotations need the Union form
        Annotated[FieldCheck, Tag("field-check")],
        Annotated[AllCheck, Tag("all-check")],
        Annotated[AnyCheck, Tag("any-check")],
        Annotated[RuleCheck, Tag("rule-check")],
        Annotated[EvidenceOnly, Tag("evidence-check")],
    ],
    Discriminator(
        _check_tag,
        custom_error_type="invalid_check",
        custom_error_message="a check needs one of: field, all, any, rule, evidence_only",
    ),
]
"""One node of the rule language."""

AllCheck.model_rebuild()
AnyCheck.model_rebuild()


def fields_read(check: Check) -> set[str]:
    """The manifest fields a check looks at (a computed rule's are declared with it in RULES)."""
    if isinstance(check, FieldCheck):
        return {check.field}
    if isinstance(check, RuleCheck):
        rule = RULES.get(check.rule)
        return set(rule.reads) if rule is not None else set()
    if isinstance(check, AllCheck | AnyCheck):
        parts = check.all if isinstance(check, AllCheck) else check.any
        return set().union(*(fields_read(part) for part in parts))
    return set()


# --- compiled checks -------------------------------------------------------------------------------------

Evaluator = Callable[[ServiceManifest, RuleContext], Outcome]
"""A check compiled once per checklist: the manifest and the review's context in, the outcome out."""


def _always(value: Any, operand: Any) -> bool:
    return True


def _one_of(value: Any, operand: Any) -> bool:
    return value in operand


_TESTS: dict[str, Callable[[Any, Any], Any]] = {
    "present": _always,
    "is": operator.eq,
    "in": _one_of,
    "gte": operator.ge,
    "gt": operator.gt,
    "lte": operator.le,
    "lt": operator.lt,
}
_NEEDS = {"present": "", "is": "", "in": "one of ", "gte": ">= ", "gt": "> ", "lte": "<= ", "lt": "< "}
_PASSED = passed_because()


@dataclass(frozen=True, slots=True)
class _FieldTest:
    """A compiled `FieldCheck`. A walk that stops at a part of the path gives that part's outcome: unknown when it
    is left out, failed when it is null, each naming the path up to there (`slo not given`, `slo is none`)."""

    field: str
    steps: tuple[tuple[str, Outcome, Outcome], ...]  # (attribute, outcome if absent, outcome if null)
    test: Callable[[Any, Any], Any]
    operand: Any
    needs: str  # the failure note's ending, e.g. ", needs >= 30"

    @classmethod
    def of(cls, check: FieldCheck) -> _FieldTest:
        steps = []
        where = ""
        for part in check.field.split("."):
            where = f"{where}.{part}" if where else part
            steps.append((part, unknown_because(f"{where} not given"), failed_because(f"{where} is none")))
        op, operand = check.operator
        return cls(check.field, tuple(steps), _TESTS[op], operand, f", needs {_NEEDS[op]}{show_value(operand)}")

    def __call__(self, manifest: ServiceManifest, ctx: RuleContext) -> Outcome:
        current: Any = manifest
        for name, absent, none in self.steps:
            if name not in current.model_fields_set:
                return absent
            current = getattr(current, name)
            if current is None:
                return none
        if self.test(current, self.operand):
            return _PASSED
        return failed_because(f"{self.field} is {show_value(current)}{self.needs}")


@dataclass(frozen=True, slots=True)
class _Group:
    """A compiled `all` (every) or `any`, three-valued; its outcome carries the notes of the checks that share its
    status."""

    checks: tuple[Evaluator, ...]
    every: bool

    def __call__(self, manifest: ServiceManifest, ctx: RuleContext) -> Outcome:
        outcomes = [check(manifest, ctx) for check in self.checks]
        statuses = {o.status for o in outcomes}
        status: Status
        if self.every:
            status = "failed" if "failed" in statuses else "unknown" if "unknown" in statuses else "passed"
        elif "passed" in statuses or "not_applicable" in statuses:
            status = "passed"
        else:
            status = "unknown" if "unknown" in statuses else "failed"
        return Outcome(status, tuple(n for o in outcomes if o.status == status for n in o.notes))


@dataclass(frozen=True, slots=True)
class _RuleCall:
    """A compiled `RuleCheck`: the rule with its arguments validated once."""

    fn: RuleFn
    args: Strict

    def __call__(self, manifest: ServiceManifest, ctx: RuleContext) -> Outcome:
        return self.fn(manifest, ctx, self.args)


@dataclass(frozen=True, slots=True)
class _Fixed:
    """A check whose outcome the manifest cannot change (`evidence_only`)."""

    outcome: Outcome

    def __call__(self, manifest: ServiceManifest, ctx: RuleContext) -> Outcome:
        return self.outcome


def compile_check(check: Check) -> Evaluator:
    """`check` as a callable, with field paths, operators and rule arguments resolved now rather than per review."""
    if isinstance(check, FieldCheck):
        return _FieldTest.of(check)
    if isinstance(check, AllCheck):
        return _Group(tuple(compile_check(c) for c in check.all), every=True)
    if isinstance(check, AnyCheck):
        return _Group(tuple(compile_check(c) for c in check.any), every=False)
    if isinstance(check, RuleCheck):
        rule = RULES[check.rule]
        return _RuleCall(rule.fn, rule.args.model_validate(check.args))
    return _Fixed(unknown_because("only evidence answers this item"))
