"""Kubernetes objects read from YAML documents: workloads and the objects that say something about them.

Only what a production readiness review needs is kept, each with the document it came from so a fact can
cite its line: a workload's replicas (1 when unset, as the API server defaults it), update strategy,
containers (image, environment, probes, resources), pod labels and annotations, volumes, spread across
zones, security context; and the Services, PodDisruptionBudgets, HorizontalPodAutoscalers, ServiceMonitors,
PrometheusRules, Ingresses and secret operators' objects around them. No cluster is asked and nothing is
rendered: kustomize bases and overlays are read as the files they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from persona_mcp.evidence.documents import Document

WORKLOAD_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Rollout"})
ZONE_KEYS = frozenset({"topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"})
SECRET_OPERATOR_KINDS = frozenset({"ExternalSecret", "SealedSecret", "SecretProviderClass", "VaultStaticSecret"})


Keys = tuple[str | int, ...]


@dataclass
class Container:
    """One container of a pod template (or a compose service): where it is, and where each of its values is."""

    name: str
    image: str
    env: dict[str, str]
    env_paths: dict[str, Keys]
    probes: tuple[str, ...]
    requests: bool
    limits: bool
    path: Keys


@dataclass
class Workload:
    """A Deployment, StatefulSet, DaemonSet, Job, CronJob or Argo Rollout."""

    kind: str
    name: str
    namespace: str | None
    labels: dict[str, str]
    pod_labels: dict[str, str]
    pod_annotations: dict[str, str]
    replicas: int | None
    strategy: str | None
    revision_history: int | None
    containers: list[Container]
    doc: Document
    pod: Keys
    """The path of the pod spec in `doc` (for citing its lines); a compose service's own path."""
    empty_dir: tuple[str, ...] = ()
    persistent: bool = False
    zone_spread: bool = False
    host_spread: bool = False
    analysis: bool = False
    schedule: str | None = None
    restart: str = ""
    """compose only: the restart policy ("" when none is set)."""
    max_unavailable: str | None = None
    """A Deployment's rollingUpdate.maxUnavailable as written (None: unset, the API's 25%)."""
    non_root: bool | None = None
    """runAsNonRoot on the pod or on every container (None: not said)."""
    privileged: tuple[str, ...] = ()
    """Containers that run privileged or may escalate privileges."""
    text: str = ""
    """The object's commands and names, for telling a backup job by what it runs."""
    depends_on: tuple[str, ...] = ()
    """compose only: the services it waits for."""

    @property
    def app_names(self) -> set[str]:
        """The names this workload answers to: its own and its app labels."""
        names = {self.name}
        for labels in (self.labels, self.pod_labels):
            for key in ("app", "app.kubernetes.io/name", "k8s-app", "name"):
                if isinstance(labels.get(key), str):
                    names.add(labels[key])
        return names

    def where(self, *keys: str | int) -> str:
        """`path:line` of a key under the workload's spec (an empty key: the object itself)."""
        return self.doc.where(*keys)

    def origin(self) -> str:
        """`path:line` where the workload is defined."""
        return self.doc.where(*self.pod) if self.kind == "compose" else self.doc.where()


@dataclass
class Objects:
    """Everything read from a repository's Kubernetes YAML."""

    workloads: list[Workload] = field(default_factory=list)
    services: list[Document] = field(default_factory=list)
    disruption_budgets: list[Document] = field(default_factory=list)
    autoscalers: list[Document] = field(default_factory=list)
    monitors: list[Document] = field(default_factory=list)
    rules: list[Document] = field(default_factory=list)
    ingresses: list[Document] = field(default_factory=list)
    secret_operators: list[Document] = field(default_factory=list)


def mapping(value: Any) -> dict[str, Any]:
    """`value` if it is a mapping, else an empty one: files can put anything anywhere."""
    return value if isinstance(value, dict) else {}


def _strings(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in mapping(value).items() if v is not None}


def is_kubernetes(doc: Document) -> bool:
    """A document that is a Kubernetes object (apiVersion and kind at the top)."""
    data = doc.data
    return isinstance(data, dict) and isinstance(data.get("kind"), str) and isinstance(data.get("apiVersion"), str)


def read_objects(docs: list[Document]) -> Objects:
    """Sort `docs` into workloads and the objects around them; other documents are ignored."""
    found = Objects()
    for doc in docs:
        if not is_kubernetes(doc):
            continue
        kind = doc.data["kind"]
        if kind == "List":
            continue  # items of a List are rare in repositories and carry no line of their own
        if kind in WORKLOAD_KINDS:
            workload = _workload(doc)
            if workload is not None:
                found.workloads.append(workload)
        elif kind == "Service":
            found.services.append(doc)
        elif kind == "PodDisruptionBudget":
            found.disruption_budgets.append(doc)
        elif kind == "HorizontalPodAutoscaler" or kind == "ScaledObject":
            found.autoscalers.append(doc)
        elif kind in ("ServiceMonitor", "PodMonitor"):
            found.monitors.append(doc)
        elif kind == "PrometheusRule":
            found.rules.append(doc)
        elif kind == "Ingress":
            found.ingresses.append(doc)
        elif kind in SECRET_OPERATOR_KINDS:
            found.secret_operators.append(doc)
    return found


def _workload(doc: Document) -> Workload | None:
    data = doc.data
    kind = data["kind"]
    metadata = mapping(data.get("metadata"))
    name = metadata.get("name")
    if not isinstance(name, str):
        return None
    spec = mapping(data.get("spec"))
    prefix: tuple[str | int, ...] = ("spec",)
    if kind == "CronJob":
        spec = mapping(mapping(spec.get("jobTemplate")).get("spec"))
        prefix = ("spec", "jobTemplate", "spec")
    template = mapping(spec.get("template"))
    pod = mapping(template.get("spec"))
    template_meta = mapping(template.get("metadata"))
    replicas = data["spec"].get("replicas") if isinstance(data.get("spec"), dict) else None
    if kind in ("Deployment", "StatefulSet", "Rollout"):
        replicas = replicas if isinstance(replicas, int) and not isinstance(replicas, bool) else 1
    else:
        replicas = None  # a DaemonSet runs one per node; a job runs to completion
    workload = Workload(
        kind=kind,
        name=name,
        namespace=metadata.get("namespace") if isinstance(metadata.get("namespace"), str) else None,
        labels=_strings(metadata.get("labels")),
        pod_labels=_strings(template_meta.get("labels")),
        pod_annotations=_strings(template_meta.get("annotations")),
        replicas=replicas,
        strategy=_strategy(kind, mapping(data.get("spec"))),
        revision_history=_int(mapping(data.get("spec")).get("revisionHistoryLimit")),
        containers=_containers(pod, (*prefix, "template", "spec")),
        doc=doc,
        pod=(*prefix, "template", "spec"),
        schedule=str(mapping(data.get("spec")).get("schedule")) if kind == "CronJob" else None,
    )
    volumes = [mapping(v) for v in pod.get("volumes") or [] if isinstance(v, dict)]
    workload.empty_dir = tuple(str(v.get("name")) for v in volumes if "emptyDir" in v)
    workload.persistent = any("persistentVolumeClaim" in v for v in volumes) or bool(
        mapping(data.get("spec")).get("volumeClaimTemplates")
    )
    spread = [mapping(c).get("topologyKey") for c in pod.get("topologySpreadConstraints") or []]
    anti = mapping(mapping(pod.get("affinity")).get("podAntiAffinity"))
    terms = [
        mapping(mapping(term).get("podAffinityTerm") or term).get("topologyKey")
        for key in ("requiredDuringSchedulingIgnoredDuringExecution", "preferredDuringSchedulingIgnoredDuringExecution")
        for term in anti.get(key) or []
    ]
    rolling = mapping(mapping(mapping(data.get("spec")).get("strategy")).get("rollingUpdate"))
    if "maxUnavailable" in rolling:
        workload.max_unavailable = str(rolling["maxUnavailable"])
    contexts = [mapping(mapping(c).get("securityContext")) for c in pod.get("containers") or []]
    pod_context = mapping(pod.get("securityContext"))
    if pod_context.get("runAsNonRoot") is True or (contexts and all(c.get("runAsNonRoot") is True for c in contexts)):
        workload.non_root = True
    elif pod_context.get("runAsNonRoot") is False or any(c.get("runAsNonRoot") is False for c in contexts):
        workload.non_root = False
    workload.privileged = tuple(
        container.name
        for container, context in zip(workload.containers, contexts, strict=False)
        if context.get("privileged") is True or context.get("allowPrivilegeEscalation") is True
    )
    workload.text = " ".join(
        [name, *(str(mapping(c).get(k, "")) for c in pod.get("containers") or [] for k in ("command", "args", "image"))]
    )
    keys = {str(k) for k in [*spread, *terms] if k}
    workload.zone_spread = bool(keys & ZONE_KEYS)
    workload.host_spread = "kubernetes.io/hostname" in keys
    if kind == "Rollout":
        strategy = mapping(mapping(data.get("spec")).get("strategy"))
        canary = mapping(strategy.get("canary"))
        blue_green = mapping(strategy.get("blueGreen"))
        steps = canary.get("steps") or []
        workload.analysis = (
            "analysis" in canary
            or any(isinstance(s, dict) and "analysis" in s for s in steps)
            or "prePromotionAnalysis" in blue_green
            or "postPromotionAnalysis" in blue_green
        )
    return workload


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _strategy(kind: str, spec: dict[str, Any]) -> str | None:
    if kind == "Deployment":
        return str(mapping(spec.get("strategy")).get("type") or "RollingUpdate")
    if kind in ("StatefulSet", "DaemonSet"):
        return str(mapping(spec.get("updateStrategy")).get("type") or "RollingUpdate")
    if kind == "Rollout":
        strategy = mapping(spec.get("strategy"))
        return "canary" if "canary" in strategy else "blueGreen" if "blueGreen" in strategy else None
    return None


def _containers(pod: dict[str, Any], at: Keys) -> list[Container]:
    containers = []
    for index, raw in enumerate(pod.get("containers") or []):
        item = mapping(raw)
        env: dict[str, str] = {}
        env_paths: dict[str, Keys] = {}
        for i, var in enumerate(item.get("env") or []):
            var = mapping(var)
            if isinstance(var.get("name"), str):
                value = var.get("value")
                env[var["name"]] = "" if value is None else str(value)
                env_paths[var["name"]] = (*at, "containers", index, "env", i, "value")
        resources = mapping(item.get("resources"))
        containers.append(
            Container(
                name=str(item.get("name", "")),
                image=str(item.get("image", "")),
                env=env,
                env_paths=env_paths,
                probes=tuple(p for p in ("readinessProbe", "livenessProbe", "startupProbe") if p in item),
                requests={"cpu", "memory"} <= set(mapping(resources.get("requests"))),
                limits=bool(resources.get("limits")),
                path=(*at, "containers", index),
            )
        )
    return containers


def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """True if a label selector (plain or with matchLabels) matches `labels`; an empty selector matches none."""
    wanted = mapping(selector.get("matchLabels")) if "matchLabels" in selector else selector
    wanted = {k: v for k, v in wanted.items() if k != "matchExpressions"}
    return bool(wanted) and all(labels.get(str(k)) == str(v) for k, v in wanted.items())


def selector_of(doc: Document) -> dict[str, Any]:
    """The pod selector of a Service, PodDisruptionBudget, ServiceMonitor or PodMonitor."""
    spec = mapping(doc.data.get("spec"))
    return mapping(spec.get("selector"))
