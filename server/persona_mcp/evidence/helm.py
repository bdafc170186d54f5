"""Helm charts read from their values, without rendering a template.

A chart's templates need Helm and the values a release was installed with, neither of which a repository
holds for sure; so a chart (a Chart.yaml with a values.yaml beside it) is one workload named after the chart,
and only the values that charts conventionally use are read: `replicaCount`, `autoscaling.enabled` or
`hpa.enabled` (with `minReplicas`), and `serviceMonitor.enabled` or a `prometheus.io/scrape` pod annotation.
A switch the chart offers but leaves off is reported as such, not as a fact about a release. Other values
files beside it (values-prod.yaml) are named in a note: which one a release uses is not in the repository.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from persona_mcp.evidence.documents import Document
from persona_mcp.evidence.kubernetes import Container, Keys, Workload, mapping

KIND = "helm chart"


@dataclass(frozen=True)
class Switch:
    """A value of the chart: where it is, and what it is."""

    keys: Keys
    value: object


def _chart_name(doc: Document) -> str | None:
    data = doc.data
    if not isinstance(data, dict) or PurePosixPath(doc.path).name != "Chart.yaml" or "kind" in data:
        return None
    name = data.get("name")
    return name if isinstance(name, str) and "version" in data else None


def read_charts(docs: list[Document]) -> list[Workload]:
    """Each chart with a values.yaml, as a workload of kind `helm chart` whose document is its values."""
    by_path = {doc.path: doc for doc in docs if doc.index == 0}
    charts = []
    for doc in docs:
        name = _chart_name(doc)
        if name is None:
            continue
        folder = PurePosixPath(doc.path).parent
        values = by_path.get((folder / "values.yaml").as_posix())
        if values is None or not isinstance(values.data, dict):
            continue
        data = values.data
        replicas = data.get("replicaCount")
        image = mapping(data.get("image"))
        repository = image.get("repository")
        tag = image.get("tag")
        shown = f"{repository}:{tag}" if repository and tag else str(repository or "")
        charts.append(
            Workload(
                kind=KIND,
                name=name,
                namespace=None,
                labels={},
                pod_labels={},
                pod_annotations={str(k): str(v) for k, v in mapping(data.get("podAnnotations")).items()},
                replicas=replicas if isinstance(replicas, int) and not isinstance(replicas, bool) else None,
                strategy=None,
                revision_history=None,
                containers=[Container(name, shown, {}, {}, (), False, False, ("image",))],
                doc=values,
                pod=(),
            )
        )
    return charts


def autoscaling_switch(chart: Workload) -> Switch | None:
    """`autoscaling.enabled` or `hpa.enabled`, where the chart has one."""
    for section in ("autoscaling", "hpa"):
        block = chart.doc.data.get(section)
        if isinstance(block, dict) and isinstance(block.get("enabled"), bool):
            return Switch((section, "enabled"), block["enabled"])
    return None


def monitor_switch(chart: Workload) -> Switch | None:
    """`serviceMonitor.enabled` (or `metrics.serviceMonitor.enabled`), where the chart has one."""
    data = chart.doc.data
    for keys in (("serviceMonitor",), ("metrics", "serviceMonitor")):
        block: object = data
        for key in keys:
            block = mapping(block).get(key)
        if isinstance(block, dict) and isinstance(block.get("enabled"), bool):
            return Switch((*keys, "enabled"), block["enabled"])
    return None


def other_values(chart: Workload, docs: list[Document]) -> list[str]:
    """Values files beside the chart's values.yaml (values-prod.yaml...)."""
    folder = PurePosixPath(chart.doc.path).parent
    return sorted(
        {
            doc.path
            for doc in docs
            if PurePosixPath(doc.path).parent == folder
            and PurePosixPath(doc.path).name.startswith("values")
            and doc.path != chart.doc.path
        }
    )
