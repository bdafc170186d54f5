"""What a repository says about operating a service beyond its deployment: SLO specs (Sloth, OpenSLO, Pyrra),
Prometheus alert rules, Grafana dashboards, CODEOWNERS, and runbook and postmortem documents.

Each reader returns what it found with the document and keys to cite. Matching a spec, a rule or a document
to the service is by its name, written as a word (so `cart` does not match `cartservice`).
"""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass
from typing import Any

from persona_mcp.evidence.documents import Document
from persona_mcp.evidence.kubernetes import Keys, mapping
from persona_mcp.evidence.tree import SourceFile

SLOTH_DEFAULT_WINDOW = "30d"
"""Sloth's SLO period when a spec names none (its documented default)."""
LATENCY = re.compile(r"latenc|duration|slow", re.IGNORECASE)


def mentions(text: str, name: str) -> bool:
    """Whether `text` names `name` as a word (hyphens and underscores are part of a word)."""
    return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text) is not None


@dataclass(frozen=True)
class SLOSpecFound:
    """An availability objective stated in an SLO spec."""

    format: str
    service: str
    name: str
    objective: float
    """Percent."""
    window: str | None
    doc: Document
    objective_keys: Keys
    window_keys: Keys
    alerts: bool
    """The spec makes its tool generate burn-rate alerts (Sloth, unless disabled)."""


def _percent(value: Any, fraction: bool) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    number = number * 100 if fraction else number
    return number if 0 < number < 100 else None


def read_slo_specs(docs: list[Document]) -> list[SLOSpecFound]:
    """The availability objectives of every Sloth, OpenSLO and Pyrra spec (latency objectives left out)."""
    found: list[SLOSpecFound] = []
    for doc in docs:
        data = doc.data
        if not isinstance(data, dict):
            continue
        api = str(data.get("apiVersion", ""))
        if data.get("version") == "prometheus/v1" or (api.startswith("sloth.slok.dev") and "spec" in data):
            found += _sloth(doc, ("spec",) if "spec" in data else ())
        elif api.startswith("openslo/") and data.get("kind") == "SLO":
            found += _openslo(doc)
        elif api.startswith("pyrra.dev/") and data.get("kind") == "ServiceLevelObjective":
            found += _pyrra(doc)
    return found


def _sloth(doc: Document, at: Keys) -> list[SLOSpecFound]:
    spec = mapping(doc.data.get("spec")) if at else doc.data
    service = str(spec.get("service", ""))
    found = []
    for index, slo in enumerate(spec.get("slos") or []):
        slo = mapping(slo)
        objective = _percent(slo.get("objective"), fraction=False)
        name = str(slo.get("name", ""))
        if objective is None or LATENCY.search(name):
            continue
        alerting = mapping(slo.get("alerting"))
        disabled = all(mapping(alerting.get(kind)).get("disable") is True for kind in ("page_alert", "ticket_alert"))
        found.append(
            SLOSpecFound(
                format="Sloth",
                service=service,
                name=name,
                objective=objective,
                window=None,
                doc=doc,
                objective_keys=(*at, "slos", index, "objective"),
                window_keys=(*at, "slos", index),
                alerts=bool(alerting) and not disabled,
            )
        )
    return found


def _openslo(doc: Document) -> list[SLOSpecFound]:
    spec = mapping(doc.data.get("spec"))
    indicator = mapping(mapping(spec.get("indicator")).get("spec"))
    if "thresholdMetric" in indicator:
        return []  # a threshold SLI is a latency or saturation objective
    windows = spec.get("timeWindow") or []
    window = mapping(windows[0]).get("duration") if windows and isinstance(windows, list) else None
    found = []
    for index, objective in enumerate(spec.get("objectives") or []):
        objective = mapping(objective)
        if "target" in objective:
            percent, key = _percent(objective["target"], fraction=True), "target"
        else:
            percent, key = _percent(objective.get("targetPercent"), fraction=False), "targetPercent"
        if percent is None:
            continue
        found.append(
            SLOSpecFound(
                format="OpenSLO",
                service=str(spec.get("service", "")),
                name=str(mapping(doc.data.get("metadata")).get("name", "")),
                objective=percent,
                window=str(window) if window else None,
                doc=doc,
                objective_keys=("spec", "objectives", index, key),
                window_keys=("spec", "timeWindow", 0, "duration"),
                alerts=False,
            )
        )
    return found


def _pyrra(doc: Document) -> list[SLOSpecFound]:
    spec = mapping(doc.data.get("spec"))
    metadata = mapping(doc.data.get("metadata"))
    if "latency" in mapping(spec.get("indicator")):
        return []
    objective = _percent(spec.get("target"), fraction=False)
    if objective is None:
        return []
    labels = " ".join(str(v) for v in mapping(metadata.get("labels")).values())
    return [
        SLOSpecFound(
            format="Pyrra",
            service=f"{metadata.get('name', '')} {labels}",
            name=str(metadata.get("name", "")),
            objective=objective,
            window=str(spec["window"]) if spec.get("window") else None,
            doc=doc,
            objective_keys=("spec", "target"),
            window_keys=("spec", "window"),
            alerts=True,  # Pyrra generates multiwindow burn-rate alerts for every objective
        )
    ]


def rule_files(docs: list[Document]) -> list[Document]:
    """Plain Prometheus rule files (top-level `groups` of `rules`) that hold at least one alert."""
    found = []
    for doc in docs:
        groups = doc.data.get("groups") if isinstance(doc.data, dict) else None
        if isinstance(groups, list) and any(
            isinstance(rule, dict) and "alert" in rule for group in groups for rule in mapping(group).get("rules") or []
        ):
            found.append(doc)
    return found


@dataclass(frozen=True)
class Dashboard:
    """A Grafana dashboard file."""

    path: str
    title: str
    text: str


def dashboards(files: list[SourceFile]) -> list[Dashboard]:
    """Grafana dashboards: JSON with a title and panels (also inside a `dashboard` wrapper)."""
    found = []
    for source in files:
        if not source.path.endswith(".json") or '"panels"' not in source.text:
            continue
        try:
            data = json.loads(source.text)
        except (ValueError, RecursionError):
            continue
        board = (mapping(data.get("dashboard")) or data) if isinstance(data, dict) else {}
        if "panels" in board and isinstance(board.get("title"), str):
            found.append(Dashboard(source.path, board["title"], source.text))
    return found


@dataclass(frozen=True)
class OwnerRule:
    """A CODEOWNERS line."""

    path: str
    line: int
    pattern: str
    owners: tuple[str, ...]


CODEOWNERS_PLACES = ("CODEOWNERS", ".github/CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")


def owner_rules(files: list[SourceFile]) -> list[OwnerRule]:
    """The rules of the repository's CODEOWNERS file (GitHub's first place found wins, as on GitHub)."""
    by_path = {f.path: f for f in files}
    source = next((by_path[p] for p in CODEOWNERS_PLACES if p in by_path), None)
    if source is None:
        return []
    rules = []
    for number, raw in enumerate(source.text.splitlines(), 1):
        parts = raw.split("#", 1)[0].split()
        if len(parts) >= 2:
            rules.append(OwnerRule(source.path, number, parts[0], tuple(parts[1:])))
    return rules


def owners_of(rules: list[OwnerRule], path: str) -> OwnerRule | None:
    """The rule that owns `path`: the last matching one, as CODEOWNERS reads."""
    for rule in reversed(rules):
        pattern = rule.pattern
        anchored = pattern.startswith("/")
        pattern = pattern.strip("/")
        candidates = (
            [path] if anchored else [path, *("/".join(path.split("/")[i:]) for i in range(1, path.count("/") + 1))]
        )
        for candidate in candidates:
            if (
                pattern == "*"
                or fnmatch.fnmatch(candidate, pattern)
                or candidate.startswith(f"{pattern}/")
                or fnmatch.fnmatch(candidate.split("/")[-1], pattern)
            ):
                return rule
    return None


@dataclass(frozen=True)
class Note:
    """A document of a kind (runbook, postmortem) that names the service."""

    kind: str
    path: str
    line: int
    title: str


KINDS = (
    ("runbook", re.compile(r"runbook|playbook", re.I)),
    ("postmortem", re.compile(r"post-?mortem|incident-?report", re.I)),
)


def notes_about(files: list[SourceFile], name: str) -> list[Note]:
    """Runbooks and postmortems (by path) that name the service; templates are not either."""
    found = []
    for source in files:
        if not source.path.endswith((".md", ".markdown", ".rst", ".txt")) or "template" in source.path.lower():
            continue
        for kind, pattern in KINDS:
            if pattern.search(source.path) and mentions(source.text, name):
                line = next((i for i, text in enumerate(source.text.splitlines(), 1) if mentions(text, name)), 1)
                title = next(
                    (t.lstrip("# ").strip() for t in source.text.splitlines() if t.startswith("#")), source.path
                )
                found.append(Note(kind, source.path, line, title[:120]))
    return found


ROLLBACK = re.compile(
    r"kubectl\s+rollout\s+undo|helm\s+rollback|kubectl[-\s]argo[-\s]rollouts\s+(?:undo|abort)|argocd\s+app\s+rollback"
    r"|gcloud\s+deploy\s+(?:targets\s+)?rollback"
)
DEPLOY = re.compile(
    r"kubectl\s+apply|helm\s+(?:upgrade|install)|skaffold\s+(?:run|deploy)|gcloud\s+deploy\s+releases\s+create"
    r"|argocd\s+app\s+sync|kustomize\s+build|docker\s+stack\s+deploy"
)


@dataclass(frozen=True)
class Step:
    """A CI step that deploys or rolls back."""

    doc: Document
    keys: Keys
    command: str
    offset: int = 0
    """Lines from the step's key to the command (a `run: |` block starts on the line after its key)."""

    @property
    def line(self) -> int:
        """The line of the command itself."""
        return self.doc.line(*self.keys) + self.offset


def ci_steps(docs: list[Document], pattern: re.Pattern[str]) -> list[Step]:
    """GitHub Actions and GitLab CI steps whose commands match `pattern`."""
    found = []
    for doc in docs:
        data = doc.data
        if not isinstance(data, dict):
            continue
        if doc.path.startswith(".github/workflows/"):
            for job_name, job in mapping(data.get("jobs")).items():
                for index, step in enumerate(mapping(job).get("steps") or []):
                    run = mapping(step).get("run")
                    if isinstance(run, str) and (match := pattern.search(run)):
                        keys = ("jobs", job_name, "steps", index, "run")
                        offset = run.count("\n", 0, match.start()) + (1 if "\n" in run.rstrip("\n") else 0)
                        found.append(Step(doc, keys, _line_of(run, match), offset))
        elif doc.path.endswith(".gitlab-ci.yml"):
            for job_name, job in data.items():
                for index, line in enumerate(mapping(job).get("script") or []):
                    if isinstance(line, str) and (match := pattern.search(line)):
                        found.append(Step(doc, (job_name, "script", index), _line_of(line, match)))
    return found


def _line_of(script: str, match: re.Match[str]) -> str:
    start = script.rfind("\n", 0, match.start()) + 1
    end = script.find("\n", match.end())
    return script[start : end if end != -1 else len(script)].strip()[:200]
