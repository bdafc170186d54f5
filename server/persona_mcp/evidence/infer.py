"""From a repository to a service's readiness manifest: which workloads are the service, what they depend on,
and every fact the files state, with the line that states it.

The rule for every fact is the same: set a manifest field only when a file says it (a Deployment's replicas
unset *is* a statement: the API server makes it 1), cite the line, and list as missing what was looked for
and not found, so the review asks about it instead of assuming. Absence of a file is never read as "no":
an autoscaler or an alert rule may live in another repository.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from persona_mcp.errors import InvalidArgument
from persona_mcp.evidence.documents import Document, DocumentError, load_documents
from persona_mcp.evidence.kubernetes import Objects, Workload, mapping, read_objects, selector_of, selects
from persona_mcp.evidence.results import (
    Evidence,
    Fact,
    Inference,
    Missing,
    Observation,
    ServiceSeen,
    SkippedFile,
)
from persona_mcp.evidence.tree import Tree, walk

IMAGE_KINDS: tuple[tuple[str, str], ...] = (
    ("redis", "cache"),
    ("valkey", "cache"),
    ("memcached", "cache"),
    ("postgres", "database"),
    ("postgis", "database"),
    ("mysql", "database"),
    ("mariadb", "database"),
    ("mongo", "database"),
    ("cockroach", "database"),
    ("cassandra", "database"),
    ("scylla", "database"),
    ("kafka", "queue"),
    ("rabbitmq", "queue"),
    ("nats", "queue"),
    ("pulsar", "queue"),
    ("elasticsearch", "search"),
    ("opensearch", "search"),
    ("minio", "storage"),
    ("etcd", "datastore"),
    ("zookeeper", "datastore"),
)
"""A dependency's kind from the name of its image (the repository part, without registry or tag)."""

ENV_HINT = re.compile(r"(?:_|^)(?:ADDR|ADDRESS|HOST|HOSTNAME|URL|URI|DSN|ENDPOINT|SERVICE|SERVER|BROKERS?)$")
"""Environment variables that name another service."""
ENV_KINDS: tuple[tuple[str, str], ...] = (
    ("DATABASE", "database"),
    ("POSTGRES", "database"),
    ("MYSQL", "database"),
    ("MONGO", "database"),
    ("DB_", "database"),
    ("REDIS", "cache"),
    ("CACHE", "cache"),
    ("MEMCACHE", "cache"),
    ("KAFKA", "queue"),
    ("AMQP", "queue"),
    ("RABBIT", "queue"),
    ("QUEUE", "queue"),
    ("ELASTIC", "search"),
)


def image_kind(image: str) -> str | None:
    """The dependency kind an image name says (redis -> cache), or None for an ordinary service."""
    repository = image.rsplit("/", 1)[-1].split(":", 1)[0].split("@", 1)[0].lower()
    return next((kind for word, kind in IMAGE_KINDS if word in repository), None)


def host_of(value: str) -> str | None:
    """The host an address names: `redis-cart:6379`, `postgres://u:p@db:5432/x`, `http://api.ns.svc` -> the
    first label (`redis-cart`, `db`, `api`); None for something that is not an address."""
    text = value.strip().split("://", 1)[-1].rsplit("@", 1)[-1]
    host = re.split(r"[:/?,;\s]", text, maxsplit=1)[0].split(".", 1)[0].lower()
    return host if re.fullmatch(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?", host) else None


# --- reading the repository -------------------------------------------------------------------------------


class Repository:
    """A repository's files, documents and Kubernetes objects, read once."""

    def __init__(self, root: Path) -> None:
        self.tree: Tree = walk(root)
        self.skipped = [SkippedFile(path=s.path, reason=s.reason) for s in self.tree.skipped]
        self.notes: list[str] = []
        self.documents: list[Document] = []
        for source in self.tree.by_suffix(".yaml", ".yml"):
            if "{{" in source.text and "/templates/" in f"/{source.path}":
                self.skipped.append(SkippedFile(path=source.path, reason="a Helm template: templates are not rendered"))
                continue
            try:
                self.documents.extend(load_documents(source.text, source.path))
            except DocumentError as exc:
                self.skipped.append(SkippedFile(path=source.path, reason=str(exc)))
        self.objects: Objects = read_objects(self.documents)

    def seen(self) -> list[ServiceSeen]:
        """Every workload found, by name."""
        return sorted(
            (
                ServiceSeen(
                    name=w.name,
                    kind=w.kind,
                    path=w.where(),
                    replicas=w.replicas,
                    image=w.containers[0].image if w.containers else "",
                )
                for w in self.objects.workloads
            ),
            key=lambda s: (s.name, s.path),
        )

    def workloads_named(self, name: str) -> list[Workload]:
        """The workloads that are the service `name`: by name first, else by app label or part-of."""
        exact = [w for w in self.objects.workloads if w.name == name]
        if exact:
            return exact
        return [
            w
            for w in self.objects.workloads
            if name in w.app_names or name in (w.labels.get("app.kubernetes.io/part-of"), w.pod_labels.get("app"))
        ]


def _replicas(count: int) -> str:
    return f"{count} replica" + ("" if count == 1 else "s")


def _evidence(workload: Workload, read: str, *keys: str | int) -> Evidence:
    return Evidence(
        path=workload.doc.path, line=workload.doc.line(*keys), object=f"{workload.kind}/{workload.name}", read=read
    )


def _doc_evidence(doc: Document, read: str, *keys: str | int) -> Evidence:
    data = doc.data if isinstance(doc.data, dict) else {}
    name = (data.get("metadata") or {}).get("name", "?") if isinstance(data.get("metadata"), dict) else "?"
    return Evidence(path=doc.path, line=doc.line(*keys), object=f"{data.get('kind', 'document')}/{name}", read=read)


# --- inference --------------------------------------------------------------------------------------------


class _Derivation:
    def __init__(self, repo: Repository, name: str, workloads: list[Workload]) -> None:
        self.repo = repo
        self.name = name
        self.workloads = workloads
        self.main = workloads[0]
        self.manifest: dict[str, Any] = {"name": name}
        self.facts: list[Fact] = []
        self.observations: list[Observation] = []
        self.missing: list[Missing] = []
        self.autoscaled: str | None = None

    def set(self, dotted: str, value: Any, *evidence: Evidence) -> None:
        section, _, key = dotted.partition(".")
        if key:
            self.manifest.setdefault(section, {})[key] = value
        else:
            self.manifest[section] = value
        self.facts.append(Fact(field=dotted, value=value, evidence=list(evidence)))

    def lack(self, dotted: str, looked_for: str) -> None:
        self.missing.append(Missing(field=dotted, looked_for=looked_for))

    def observe(self, subject: str, finding: str, *evidence: Evidence) -> None:
        self.observations.append(Observation(subject=subject, finding=finding, evidence=list(evidence)))

    def run(self) -> None:
        self.workload_kind()
        self.deployment()
        self.autoscaling()
        self.metrics_and_alerts()
        self.dependencies()
        self.runtime()
        self.security()

    def workload_kind(self) -> None:
        main = self.main
        if main.kind in ("Job", "CronJob"):
            read = f"kind {main.kind}" + (f", schedule {main.schedule!r}" if main.schedule else "")
            self.set("workload", "batch", _evidence(main, read, "kind"))
            return
        service = self._service_for(main)
        if service is not None:
            self.set("workload", "request", _doc_evidence(service, "a Service selects its pods", "spec", "selector"))
        else:
            self.lack("workload", "a Service selecting its pods (request) or a Job/CronJob (batch)")

    def _service_for(self, workload: Workload) -> Document | None:
        return next(
            (s for s in self.repo.objects.services if selects(selector_of(s), workload.pod_labels)),
            None,
        )

    def deployment(self) -> None:
        main = self.main
        strategy = main.strategy
        mapped = {"RollingUpdate": "rolling", "OnDelete": "manual", "canary": "canary", "blueGreen": "blue-green"}
        if strategy in mapped:
            unset = main.kind == "Deployment" and "strategy" not in main.doc.data.get("spec", {})
            read = f"{'strategy unset: ' if unset else ''}{strategy}"
            self.set("deployment.strategy", mapped[strategy], _evidence(main, read, "spec", "strategy"))
        elif strategy == "Recreate":
            self.observe(
                "update strategy",
                "Recreate: every pod stops before the new ones start, so each release is an outage",
                _evidence(main, "strategy.type: Recreate", "spec", "strategy", "type"),
            )
            self.lack("deployment.strategy", "a rolling, blue-green or canary strategy")
        elif main.kind not in ("Job", "CronJob"):
            self.lack("deployment.strategy", "the workload's update strategy")
        if main.kind in ("Deployment", "Rollout"):
            kept = 10 if main.revision_history is None else main.revision_history
            read = f"revisionHistoryLimit {'unset: 10' if main.revision_history is None else kept}"
            self.set(
                "deployment.rollback",
                kept > 0,
                _evidence(main, read + " (kubectl rollout undo)", "spec", "revisionHistoryLimit"),
            )
        else:
            self.lack("deployment.rollback", "a Deployment's revision history or a rollback job in CI")
        if main.kind == "Rollout":
            read = "canary analysis" if main.analysis else "no analysis step: a failed release is not aborted"
            self.set("deployment.automated_rollback", main.analysis, _evidence(main, read, "spec", "strategy"))
        else:
            self.lack("deployment.automated_rollback", "an Argo Rollouts analysis or a CI job that reverts on SLIs")

    def autoscaling(self) -> None:
        main = self.main
        for doc in self.repo.objects.autoscalers:
            spec = mapping(doc.data.get("spec"))
            target = mapping(spec.get("scaleTargetRef"))
            if target.get("name") == main.name:
                low = spec.get("minReplicas", spec.get("minReplicaCount", 1))
                bounds = f"{low} to {spec.get('maxReplicas', spec.get('maxReplicaCount', '?'))}"
                self.set("capacity.autoscaling", True, _doc_evidence(doc, f"scales {main.name} from {bounds}", "spec"))
                self.autoscaled = bounds
                return
        self.lack("capacity.autoscaling", f"a HorizontalPodAutoscaler targeting {main.name}")

    def metrics_and_alerts(self) -> None:
        main = self.main
        scrape = main.pod_annotations.get("prometheus.io/scrape")
        if scrape == "true":
            keys = (*main.pod[:-1], "metadata", "annotations", "prometheus.io/scrape")
            self.set("observability.metrics", True, _evidence(main, "prometheus.io/scrape: true", *keys))
        else:
            monitor = next(
                (
                    m
                    for m in self.repo.objects.monitors
                    if selects(selector_of(m), main.pod_labels) or self._monitors_service(m)
                ),
                None,
            )
            if monitor is not None:
                self.set(
                    "observability.metrics", True, _doc_evidence(monitor, "scraped by Prometheus", "spec", "selector")
                )
            else:
                self.lack("observability.metrics", "a prometheus.io/scrape annotation or a ServiceMonitor/PodMonitor")
        for doc in self.repo.objects.rules:
            text = repr(doc.data)
            if self.name in text:
                self.set("observability.alerts", True, _doc_evidence(doc, f"alert rules mention {self.name}", "spec"))
                return
        self.lack("observability.alerts", f"a PrometheusRule or rule file alerting on {self.name}")

    def _monitors_service(self, monitor: Document) -> bool:
        service = self._service_for(self.main)
        if service is None:
            return False
        labels = (
            service.data.get("metadata", {}).get("labels") if isinstance(service.data.get("metadata"), dict) else None
        )
        return isinstance(labels, dict) and selects(selector_of(monitor), {str(k): str(v) for k, v in labels.items()})

    def dependencies(self) -> None:
        by_name: dict[str, Workload] = {}
        for workload in self.repo.objects.workloads:
            for name in workload.app_names:
                by_name.setdefault(name, workload)
        for service in self.repo.objects.services:
            service_name = mapping(service.data.get("metadata")).get("name")
            selected = next(
                (w for w in self.repo.objects.workloads if selects(selector_of(service), w.pod_labels)), None
            )
            if isinstance(service_name, str) and selected is not None:
                by_name.setdefault(service_name, selected)
        own = {id(w) for w in self.workloads}
        found: dict[str, dict[str, Any]] = {}
        for workload in self.workloads:
            for container in workload.containers:
                for variable, value in sorted(container.env.items()):
                    host = host_of(value) if value else None
                    if host is None or host in found:
                        continue
                    target = by_name.get(host)
                    if target is not None and id(target) in own:
                        continue
                    if target is None and not ENV_HINT.search(variable):
                        continue
                    keys = (*workload.pod, "containers", container.index, "env", container.env_index[variable], "value")
                    cited = _evidence(workload, f"{variable}={value}", *keys)
                    found[host] = self._dependency(host, variable, target, cited)
        if found:
            self.manifest["dependencies"] = list(found.values())
        else:
            self.lack(
                "dependencies", "environment variables naming other services (*_ADDR, *_HOST, *_URL, DATABASE_URL)"
            )

    def _dependency(self, host: str, variable: str, target: Workload | None, cited: Evidence) -> dict[str, Any]:
        entry: dict[str, Any] = {"name": host}
        label = f"dependencies[{host}]"
        if target is None:
            kind = next((k for word, k in ENV_KINDS if word in variable.upper()), None)
            if kind:
                entry["kind"] = kind
                self.facts.append(Fact(field=f"{label}.kind", value=kind, evidence=[cited]))
            self.facts.append(Fact(field=f"{label}.name", value=host, evidence=[cited]))
            self.lack(f"{label}.instances", f"{host} is not defined in this repository")
            return entry
        image = target.containers[0].image if target.containers else ""
        kind = image_kind(image) or "service"
        entry["kind"] = kind
        self.facts.append(
            Fact(
                field=f"{label}.kind",
                value=kind,
                evidence=[cited, _evidence(target, f"image {image}", *target.pod, "containers", 0, "image")],
            )
        )
        if target.replicas is not None:
            entry["instances"] = target.replicas
            unset = "replicas" not in (target.doc.data.get("spec") or {})
            read = f"replicas {'unset: 1' if unset else target.replicas}"
            self.facts.append(
                Fact(
                    field=f"{label}.instances",
                    value=target.replicas,
                    evidence=[_evidence(target, read, "spec", "replicas")],
                )
            )
        stateful = kind in ("cache", "database", "datastore", "queue", "search", "storage")
        if stateful and target.empty_dir and not target.persistent:
            volumes = ", ".join(target.empty_dir)
            self.observe(
                f"{host} storage",
                f"{_replicas(target.replicas or 1)}, emptyDir storage ({volumes}): its data is lost whenever the pod "
                "is replaced",
                _evidence(target, "volumes: emptyDir", *target.pod, "volumes"),
            )
        return entry

    def runtime(self) -> None:
        main = self.main
        if self.autoscaled is not None:
            scaling = next(f for f in self.facts if f.field == "capacity.autoscaling")
            self.observe(
                "replicas", f"{main.name} runs {self.autoscaled} replicas, as its autoscaler sets", *scaling.evidence
            )
        if main.replicas is not None and self.autoscaled is None:
            unset = "replicas" not in (main.doc.data.get("spec") or {})
            read = f"replicas {'unset: 1' if unset else main.replicas}"
            self.observe(
                "replicas", f"{main.name} runs {_replicas(main.replicas)}", _evidence(main, read, "spec", "replicas")
            )
        for container in main.containers:
            at = (*main.pod, "containers", container.index)
            missing = [p for p in ("readinessProbe", "livenessProbe") if p not in container.probes]
            if missing:
                self.observe(
                    "probes", f"container {container.name}: no {' or '.join(missing)}", _evidence(main, "probes", *at)
                )
            if not (container.requests and container.limits):
                lacking = " and ".join(
                    k for k, ok in (("requests", container.requests), ("limits", container.limits)) if not ok
                )
                self.observe(
                    "resources", f"container {container.name}: no resource {lacking}", _evidence(main, "resources", *at)
                )
        if (main.replicas or 0) > 1:
            budget = next(
                (d for d in self.repo.objects.disruption_budgets if selects(selector_of(d), main.pod_labels)), None
            )
            if budget is not None:
                self.observe(
                    "disruption budget",
                    "a PodDisruptionBudget covers it",
                    _doc_evidence(budget, "PodDisruptionBudget", "spec"),
                )
            else:
                self.observe(
                    "disruption budget",
                    "no PodDisruptionBudget: a node drain may stop every replica at once",
                    _evidence(main, "no PDB selects its pods", "spec"),
                )
            if main.zone_spread:
                self.observe(
                    "zones",
                    "spread across zones",
                    _evidence(main, "topology spread or anti-affinity on the zone", *main.pod),
                )

    def security(self) -> None:
        service = self._service_for(self.main)
        service_name = (service.data.get("metadata") or {}).get("name") if service is not None else None
        for ingress in self.repo.objects.ingresses:
            if service_name and service_name in repr(ingress.data.get("spec")):
                tls = bool((ingress.data.get("spec") or {}).get("tls"))
                self.set(
                    "security.tls",
                    tls,
                    _doc_evidence(ingress, "Ingress with tls" if tls else "Ingress without tls", "spec"),
                )
                break
        else:
            self.lack("security.tls", "an Ingress with tls in front of it, or a service mesh")
        if self.repo.objects.secret_operators:
            doc = self.repo.objects.secret_operators[0]
            self.set("security.secrets_manager", True, _doc_evidence(doc, f"{doc.data['kind']}", "kind"))
        else:
            self.lack("security.secrets_manager", "ExternalSecret, SealedSecret or SecretProviderClass objects")


def services(root: Path) -> tuple[list[ServiceSeen], list[SkippedFile]]:
    """The workloads a repository defines, and what was not read."""
    repo = Repository(root)
    return repo.seen(), repo.skipped


def infer(root: Path, service: str) -> Inference:
    """Derive `service`'s readiness manifest from the repository at `root`.

    Raises:
        InvalidArgument: If `root` is not a directory, or no workload is the service (the message lists those seen).
    """
    repo = Repository(root)
    workloads = repo.workloads_named(service)
    if not workloads:
        seen = sorted({s.name for s in repo.seen()})
        listed = ", ".join(seen[:40]) + (" ..." if len(seen) > 40 else "") if seen else "none"
        raise InvalidArgument("service", f"no workload named {service!r} in {root}; workloads seen: {listed}")
    derivation = _Derivation(repo, service, workloads)
    derivation.run()
    return Inference(
        service=service,
        manifest=derivation.manifest,
        facts=derivation.facts,
        observations=derivation.observations,
        missing=derivation.missing,
        skipped=repo.skipped,
        notes=repo.notes,
    )
