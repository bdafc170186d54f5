"""From a repository to a service's readiness manifest: which workloads are the service, what they depend on,
and every fact the files state, with the line that states it.

The rule for every fact is the same: set a manifest field only when a file says it (a Deployment's replicas
unset *is* a statement: the API server makes it 1), cite the line, and list as missing what was looked for
and not found, so the review asks about it instead of assuming. Absence of a file is never read as "no":
an autoscaler or an alert rule may live in another repository.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from persona_mcp.errors import InvalidArgument
from persona_mcp.evidence.cite import (
    BACKUP,
    STATEFUL,
    doc_evidence,
    evidence_at,
    image_path,
    is_window,
    replicas_keys,
    replicas_phrase,
    step_evidence,
)
from persona_mcp.evidence.compose import KIND as COMPOSE
from persona_mcp.evidence.documents import Document
from persona_mcp.evidence.helm import KIND as HELM
from persona_mcp.evidence.helm import autoscaling_switch, monitor_switch, other_values
from persona_mcp.evidence.kubernetes import Workload, mapping, selector_of, selects
from persona_mcp.evidence.operations import (
    DEPLOY,
    ROLLBACK,
    SLOTH_DEFAULT_WINDOW,
    ci_steps,
    dashboards,
    mentions,
    notes_about,
    owner_rules,
    owners_of,
)
from persona_mcp.evidence.repository import ENV_HINT, ENV_KINDS, Repository, host_of, image_kind
from persona_mcp.evidence.results import (
    Evidence,
    Fact,
    Inference,
    Missing,
    Observation,
    ServiceSeen,
    SkippedFile,
)
from persona_mcp.evidence.terraform import ManagedStore

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
        self.autoscaled_floor: int | None = None
        self.backups: list[tuple[bool, Evidence]] = []

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
        self.pipeline()
        self.autoscaling()
        self.metrics_and_alerts()
        self.dependencies()
        self.runtime()
        self.runtime_facts()
        self.backup_jobs()
        self.security()
        self.operations()

    def workload_kind(self) -> None:
        main = self.main
        if main.kind == COMPOSE:
            self.lack("workload", "a Kubernetes Service or Job for it (compose does not say how it is called)")
            return
        if main.kind == HELM:
            self.lack("workload", "the chart's Service or Job (its templates are not rendered)")
            return
        if main.kind in ("Job", "CronJob"):
            read = f"kind {main.kind}" + (f", schedule {main.schedule!r}" if main.schedule else "")
            self.set("workload", "batch", evidence_at(main, read, "kind"))
            return
        service = self._service_for(main)
        if service is not None:
            self.set("workload", "request", doc_evidence(service, "a Service selects its pods", "spec", "selector"))
        else:
            self.lack("workload", "a Service selecting its pods (request) or a Job/CronJob (batch)")

    def _service_for(self, workload: Workload) -> Document | None:
        return next(
            (s for s in self.repo.objects.services if selects(selector_of(s), workload.pod_labels)),
            None,
        )

    def deployment(self) -> None:
        main = self.main
        if main.kind in (COMPOSE, HELM):
            why = "compose replaces containers in place" if main.kind == COMPOSE else "templates are not rendered"
            for dotted in ("deployment.strategy", "deployment.rollback", "deployment.automated_rollback"):
                self.lack(dotted, f"a deployment pipeline or manifest ({why})")
            return
        strategy = main.strategy
        mapped = {"RollingUpdate": "rolling", "OnDelete": "manual", "canary": "canary", "blueGreen": "blue-green"}
        if strategy in mapped:
            unset = main.kind == "Deployment" and "strategy" not in main.doc.data.get("spec", {})
            read = f"{'strategy unset: ' if unset else ''}{strategy}"
            self.set("deployment.strategy", mapped[strategy], evidence_at(main, read, "spec", "strategy"))
        elif strategy == "Recreate":
            self.observe(
                "update strategy",
                "Recreate: every pod stops before the new ones start, so each release is an outage",
                evidence_at(main, "strategy.type: Recreate", "spec", "strategy", "type"),
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
                evidence_at(main, read + " (kubectl rollout undo)", "spec", "revisionHistoryLimit"),
            )
        else:
            self.lack("deployment.rollback", "a Deployment's revision history or a rollback job in CI")
        if main.kind == "Rollout":
            read = "canary analysis" if main.analysis else "no analysis step: a failed release is not aborted"
            self.set("deployment.automated_rollback", main.analysis, evidence_at(main, read, "spec", "strategy"))
        else:
            self.lack("deployment.automated_rollback", "an Argo Rollouts analysis or a CI job that reverts on SLIs")

    def pipeline(self) -> None:
        """CI steps that roll the service back (a fact when the manifests did not settle it) or deploy it."""
        named = [
            s for s in ci_steps(self.repo.documents, ROLLBACK) if mentions(s.command, self.name) or "$" in s.command
        ]
        if named and not any(f.field == "deployment.rollback" for f in self.facts):
            step = named[0]
            self.set("deployment.rollback", True, step_evidence(step, step.command))
            self.missing = [m for m in self.missing if m.field != "deployment.rollback"]
        for step in ci_steps(self.repo.documents, DEPLOY)[:3]:
            self.observe("deployed from CI", step.command, step_evidence(step, "a deploy step"))

    def autoscaling(self) -> None:
        main = self.main
        if main.kind == HELM:
            switch = autoscaling_switch(main)
            if switch is not None and switch.value is True:
                read = f"{'.'.join(map(str, switch.keys))}: true"
                self.set("capacity.autoscaling", True, evidence_at(main, read, *switch.keys))
            elif switch is not None:
                where = f"{'.'.join(map(str, switch.keys))}: false in {main.doc.where(*switch.keys)}"
                self.lack("capacity.autoscaling", f"the chart offers autoscaling, off by default ({where})")
            else:
                self.lack("capacity.autoscaling", "an autoscaling switch in the chart's values")
            return
        for doc in self.repo.objects.autoscalers:
            spec = mapping(doc.data.get("spec"))
            target = mapping(spec.get("scaleTargetRef"))
            if target.get("name") == main.name:
                low = spec.get("minReplicas", spec.get("minReplicaCount", 1))
                bounds = f"{low} to {spec.get('maxReplicas', spec.get('maxReplicaCount', '?'))}"
                self.set("capacity.autoscaling", True, doc_evidence(doc, f"scales {main.name} from {bounds}", "spec"))
                self.autoscaled = bounds
                self.autoscaled_floor = low if isinstance(low, int) and not isinstance(low, bool) else None
                return
        self.lack("capacity.autoscaling", f"a HorizontalPodAutoscaler targeting {main.name}")

    def metrics_and_alerts(self) -> None:
        main = self.main
        scrape = main.pod_annotations.get("prometheus.io/scrape")
        monitor_on = main.kind == HELM and (switch := monitor_switch(main)) is not None and switch.value is True
        if monitor_on and switch is not None:
            read = f"{'.'.join(map(str, switch.keys))}: true"
            self.set("observability.metrics", True, evidence_at(main, read, *switch.keys))
        elif scrape == "true":
            keys: tuple[str | int, ...] = (*main.pod[:-1], "metadata", "annotations", "prometheus.io/scrape")
            if main.kind == HELM:
                keys = ("podAnnotations", "prometheus.io/scrape")
            self.set("observability.metrics", True, evidence_at(main, "prometheus.io/scrape: true", *keys))
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
                    "observability.metrics", True, doc_evidence(monitor, "scraped by Prometheus", "spec", "selector")
                )
            else:
                self.lack("observability.metrics", "a prometheus.io/scrape annotation or a ServiceMonitor/PodMonitor")
        for doc in self.repo.rule_docs:
            if mentions(repr(doc.data), self.name):
                keys = ("spec",) if "spec" in doc.data else ("groups",)
                self.set("observability.alerts", True, doc_evidence(doc, f"alert rules name {self.name}", *keys))
                return
        for spec in self.repo.slo_specs:
            if spec.alerts and mentions(spec.service, self.name):
                read = f"{spec.format} SLO {spec.name!r}: its tool generates burn-rate alerts"
                self.set("observability.alerts", True, doc_evidence(spec.doc, read, *spec.window_keys))
                return
        self.lack("observability.alerts", f"a PrometheusRule, rule file or SLO spec alerting on {self.name}")

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
            if _same_context(workload, self.main):
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
                    cited = evidence_at(workload, f"{variable}={value}", *container.env_paths[variable])
                    found[host] = self._dependency(host, variable, target, cited)
            for index, name in enumerate(workload.depends_on):
                target = by_name.get(name)
                if name not in found and target is not None and id(target) not in own:
                    keys = (*workload.pod, "depends_on", name)  # the mapping form, with conditions
                    keys = keys if keys in workload.doc.lines else (*workload.pod, "depends_on", index)
                    cited = evidence_at(workload, f"depends_on {name}", *keys)
                    found[name] = self._dependency(name, "", target, cited)
        if self.backups:
            # Backed up only if every managed datastore it uses is; one without backups is the answer.
            every = all(on for on, _ in self.backups)
            self.set("disaster_recovery.backups", every, *(e for _, e in self.backups))
        if found:
            self.manifest["dependencies"] = list(found.values())
        else:
            self.lack(
                "dependencies", "environment variables naming other services (*_ADDR, *_HOST, *_URL, DATABASE_URL)"
            )

    def _dependency(self, host: str, variable: str, target: Workload | None, cited: Evidence) -> dict[str, Any]:
        entry: dict[str, Any] = {"name": host}
        label = f"dependencies[{host}]"
        store = self.repo.store_named(host) if target is None else None
        if store is not None:
            return self._managed(host, store, cited)
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
                evidence=[cited, evidence_at(target, f"image {image}", *image_path(target))],
            )
        )
        if target.replicas is not None:
            entry["instances"] = target.replicas
            keys = replicas_keys(target)
            read = f"replicas {target.replicas if keys in target.doc.lines else 'unset: 1'}"
            self.facts.append(
                Fact(field=f"{label}.instances", value=target.replicas, evidence=[evidence_at(target, read, *keys)])
            )
        stateful = kind in ("cache", "database", "datastore", "queue", "search", "storage")
        if stateful and target.kind == COMPOSE and not target.persistent:
            self.observe(
                f"{host} storage",
                f"{replicas_phrase(target.replicas or 1)}, no volume: its data is lost whenever the container is "
                "recreated",
                evidence_at(target, "no volumes", *target.pod),
            )
        if stateful and target.empty_dir and not target.persistent:
            volumes = ", ".join(target.empty_dir)
            self.observe(
                f"{host} storage",
                f"{replicas_phrase(target.replicas or 1)}, emptyDir storage ({volumes}): its data is lost whenever "
                "the pod is replaced",
                evidence_at(target, "volumes: emptyDir", *target.pod, "volumes"),
            )
        return entry

    def _managed(self, host: str, store: ManagedStore, cited: Evidence) -> dict[str, Any]:
        label = f"dependencies[{host}]"
        entry: dict[str, Any] = {"name": host, "kind": store.kind}
        declared = Evidence(path=store.path, line=store.line, object=store.what, read=f"declares {host}")
        self.facts.append(Fact(field=f"{label}.kind", value=store.kind, evidence=[cited, declared]))
        for key, value, attribute in (("instances", store.instances, "multi_az"), ("zones", store.zones, "multi_az")):
            if value is not None:
                entry[key] = value
                line = store.line_of(attribute) if attribute in store.lines else store.line_of("tier")
                said = Evidence(path=store.path, line=line, object=store.what, read=f"{key} {value}")
                self.facts.append(Fact(field=f"{label}.{key}", value=value, evidence=[said]))
        if store.backups is not None:
            line = (
                store.line_of("backup_retention_period")
                if "backup_retention_period" in store.lines
                else store.line_of("enabled")
            )
            read = f"{host}: automated backups {'on' if store.backups else 'off'}"
            self.backups.append((store.backups, Evidence(path=store.path, line=line, object=store.what, read=read)))
        return entry

    def runtime(self) -> None:
        main = self.main
        if self.autoscaled is not None:
            scaling = next(f for f in self.facts if f.field == "capacity.autoscaling")
            self.observe(
                "replicas", f"{main.name} runs {self.autoscaled} replicas, as its autoscaler sets", *scaling.evidence
            )
        if main.kind == COMPOSE:
            self._compose_runtime(main)
            return
        if main.kind == HELM:
            return  # probes and resources live in the templates, which are not rendered
        for container in main.containers:
            at = container.path
            missing = [p for p in ("readinessProbe", "livenessProbe") if p not in container.probes]
            if missing and main.kind not in ("Job", "CronJob"):  # a job runs to completion: nothing to probe
                self.observe(
                    "probes", f"container {container.name}: no {' or '.join(missing)}", evidence_at(main, "probes", *at)
                )
            if not (container.requests and container.limits):
                lacking = " and ".join(
                    k for k, ok in (("requests", container.requests), ("limits", container.limits)) if not ok
                )
                self.observe(
                    "resources",
                    f"container {container.name}: no resource {lacking}",
                    evidence_at(main, "resources", *at),
                )
        if main.max_unavailable is not None:
            keys = ("spec", "strategy", "rollingUpdate", "maxUnavailable")
            self.observe(
                "rollout", f"maxUnavailable {main.max_unavailable}", evidence_at(main, "maxUnavailable", *keys)
            )
        if main.non_root is not None:
            said = "runs as non-root" if main.non_root else "may run as root (runAsNonRoot: false)"
            self.observe("security context", said, evidence_at(main, "securityContext", *main.pod))
        for name in main.privileged:
            self.observe(
                "security context",
                f"container {name} is privileged or may escalate",
                evidence_at(main, name, *main.pod),
            )
        if (main.replicas or 0) > 1:
            budget = next(
                (d for d in self.repo.objects.disruption_budgets if selects(selector_of(d), main.pod_labels)), None
            )
            if budget is not None:
                self.observe(
                    "disruption budget",
                    "a PodDisruptionBudget covers it",
                    doc_evidence(budget, "PodDisruptionBudget", "spec"),
                )
            else:
                self.observe(
                    "disruption budget",
                    "no PodDisruptionBudget: a node drain may stop every replica at once",
                    evidence_at(main, "no PDB selects its pods", "spec"),
                )
            if main.zone_spread:
                self.observe(
                    "zones",
                    "spread across zones",
                    evidence_at(main, "topology spread or anti-affinity on the zone", *main.pod),
                )

    def operations(self) -> None:
        """SLO specs, dashboards, CODEOWNERS, runbooks and postmortems."""
        spec = next((s for s in self.repo.slo_specs if mentions(s.service, self.name)), None)
        if spec is not None:
            read = f"{spec.format} SLO {spec.name!r}: objective {spec.objective:g}"
            self.set("slo.availability", spec.objective, doc_evidence(spec.doc, read, *spec.objective_keys))
            window = spec.window or (SLOTH_DEFAULT_WINDOW if spec.format == "Sloth" else None)
            if window is not None and is_window(window):
                said = f"window {window}" if spec.window else f"no window: Sloth's default {window}"
                self.set("slo.window", window, doc_evidence(spec.doc, said, *spec.window_keys))
            elif window is not None:
                self.observe(
                    "SLO window",
                    f"{window!r} is not a window of a day or more (in OpenSLO, m is a minute and M a month): not used",
                    doc_evidence(spec.doc, f"window {window}", *spec.window_keys),
                )
        else:
            self.lack("slo", f"a Sloth, OpenSLO or Pyrra spec for {self.name}")
        board = next((b for b in dashboards(self.repo.tree.files) if mentions(b.text, self.name)), None)
        if board is not None:
            cited = Evidence(path=board.path, line=1, object=f"dashboard/{board.title}", read=f"names {self.name}")
            self.set("observability.dashboards", True, cited)
        else:
            self.lack("observability.dashboards", f"a Grafana dashboard naming {self.name}")
        rule = owners_of(owner_rules(self.repo.tree.files), self.main.doc.path)
        if rule is not None:
            read = f"{rule.pattern} {' '.join(rule.owners)}"
            self.set(
                "documentation.owner",
                rule.owners[0],
                Evidence(path=rule.path, line=rule.line, object="CODEOWNERS", read=read),
            )
        else:
            self.lack("documentation.owner", f"a CODEOWNERS rule covering {self.main.doc.path}")
        notes = notes_about(self.repo.tree.files, self.name)
        for kind, dotted in (
            ("runbook", "incident_response.runbooks"),
            ("postmortem", "incident_response.postmortems"),
        ):
            found = [n for n in notes if n.kind == kind]
            if found:
                cites = [Evidence(path=n.path, line=n.line, object=kind, read=n.title) for n in found[:5]]
                self.set(dotted, True, *cites)
            else:
                self.lack(dotted, f"a {kind} document naming {self.name}")

    def runtime_facts(self) -> None:
        """The service's instances, health checks and resource requests, as manifest facts."""
        main = self.main
        if main.kind in ("Job", "CronJob"):
            return  # a job runs to completion: none of the three is asked of it
        scaling = next((f for f in self.facts if f.field == "capacity.autoscaling" and f.value is True), None)
        if scaling is not None and self.autoscaled_floor is not None:
            self.set("topology.instances", self.autoscaled_floor, *scaling.evidence)
        elif main.replicas is not None:
            keys = replicas_keys(main)
            read = f"replicas {main.replicas if keys in main.doc.lines else 'unset: 1'}"
            self.set("topology.instances", main.replicas, evidence_at(main, read, *keys))
        else:
            self.lack("topology.instances", f"the replica count of {main.name} ({main.kind})")
        if main.kind == HELM:
            self.lack("resilience.health_checks", "the chart's probes (its templates are not rendered)")
            self._helm_requests(main)
            return
        probe = "healthcheck" if main.kind == COMPOSE else "readinessProbe"
        lacking = [c.name for c in main.containers if probe not in c.probes]
        said = f"no {probe} on {', '.join(lacking)}" if lacking else f"{probe} on every container"
        self.set("resilience.health_checks", not lacking, evidence_at(main, said, *main.containers[0].path))
        short = [c.name for c in main.containers if not c.requests]
        said = f"no cpu and memory requests on {', '.join(short)}" if short else "cpu and memory requests set"
        self.set("capacity.resource_requests", not short, evidence_at(main, said, *main.containers[0].path))

    def _helm_requests(self, chart: Workload) -> None:
        requests = mapping(mapping(chart.doc.data.get("resources")).get("requests"))
        if {"cpu", "memory"} <= {k for k, v in requests.items() if v not in (None, "")}:
            self.set(
                "capacity.resource_requests", True, evidence_at(chart, "resources.requests", "resources", "requests")
            )
        else:
            self.lack("capacity.resource_requests", "cpu and memory under resources.requests in the chart's values")

    def backup_jobs(self) -> None:
        """A CronJob that backs up the service or one of its datastores (by what it is named and runs)."""
        if any(f.field == "disaster_recovery.backups" for f in self.facts):
            return
        datastores = [
            d["name"] for d in self.manifest.get("dependencies", []) if d.get("kind") in STATEFUL and "name" in d
        ]
        own = {id(w) for w in self.workloads}
        for job in self.repo.objects.workloads:
            if job.kind != "CronJob" or not BACKUP.search(job.text):
                continue
            part_of = job.labels.get("app.kubernetes.io/part-of") or job.pod_labels.get("app.kubernetes.io/part-of")
            if id(job) in own or part_of == self.name or any(mentions(job.text, n) for n in (self.name, *datastores)):
                read = f"CronJob {job.name}, schedule {job.schedule!r}"
                self.set("disaster_recovery.backups", True, evidence_at(job, read, "spec", "schedule"))
                return
        self.lack("disaster_recovery.backups", "a backup CronJob or managed backups for its data")

    def _compose_runtime(self, main: Workload) -> None:
        container = main.containers[0]
        if not container.probes:
            self.observe("healthcheck", f"{main.name}: no healthcheck", evidence_at(main, "no healthcheck", *main.pod))
        if not main.restart or main.restart == "no":
            self.observe(
                "restart policy",
                f"{main.name}: no restart policy, so a container that exits stays down",
                evidence_at(main, f"restart: {main.restart or 'unset'}", *main.pod),
            )
        if not container.limits:
            self.observe(
                "resources", f"{main.name}: no resource limits", evidence_at(main, "deploy.resources", *main.pod)
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
                    doc_evidence(ingress, "Ingress with tls" if tls else "Ingress without tls", "spec"),
                )
                break
        else:
            self.lack("security.tls", "an Ingress with tls in front of it, or a service mesh")
        if self.repo.objects.secret_operators:
            doc = self.repo.objects.secret_operators[0]
            self.set("security.secrets_manager", True, doc_evidence(doc, f"{doc.data['kind']}", "kind"))
        else:
            self.lack("security.secrets_manager", "ExternalSecret, SealedSecret or SecretProviderClass objects")


def services(root: Path) -> tuple[list[ServiceSeen], list[SkippedFile]]:
    """The workloads a repository defines, and what was not read."""
    repo = Repository(root)
    return repo.seen(), repo.skipped


def infer(root: Path, service: str, argument: str = "service") -> Inference:
    """Derive `service`'s readiness manifest from the repository at `root`.

    Raises:
        InvalidArgument: If `root` is not a directory, or no workload is the service (the message lists those seen).
    """
    repo = Repository(root)
    named = repo.workloads_named(service)
    if not named:
        seen = sorted({s.name for s in repo.seen()})
        listed = ", ".join(seen[:40]) + (" ..." if len(seen) > 40 else "") if seen else "none"
        shown = service if len(service) <= 80 else service[:77] + "..."
        raise InvalidArgument(argument, f"no workload named {shown!r} in {root}; workloads seen: {listed}")
    # One definition is the service: the first with containers (a kustomize patch has none). Others of the same
    # kind (a Deployment and its HPA-less twin in an overlay, say) add their dependencies; other definitions
    # (a compose file beside the Kubernetes manifests) are named in a note, never mixed in.
    rank = {"StatefulSet": 0, "Rollout": 1, "Deployment": 2, "DaemonSet": 3}  # the stateful core of a group first
    serving = sorted(
        (w for w in named if w.containers and w.kind not in ("Job", "CronJob")),
        key=lambda w: (w.name != service, rank.get(w.kind, 4)),
    )
    main = next(iter(serving), next((w for w in named if w.containers), named[0]))
    workloads = [main, *(w for w in named if w is not main and _same_context(w, main))]
    others = [w.origin() for w in named if w not in workloads]
    notes = list(repo.notes)
    parts = sorted({w.name for w in workloads} - {main.name})
    if parts:
        notes.append(f"{service} is made of {main.name} and {', '.join(parts)}; replicas and rollout are {main.name}'s")
    if main.kind == HELM:
        extra = other_values(main, repo.documents)
        notes.append(
            f"{service} is a Helm chart: facts from {main.doc.path}, its templates not rendered"
            + (f"; other values files, one of which a release may use: {', '.join(extra)}" if extra else "")
        )
    if others:
        notes.append(f"{service} is also defined at {', '.join(others)}; these facts are from {main.origin()}")
    derivation = _Derivation(repo, service, workloads)
    derivation.run()
    return Inference(
        service=service,
        manifest=derivation.manifest,
        facts=derivation.facts,
        observations=derivation.observations,
        missing=derivation.missing,
        skipped=repo.skipped,
        notes=notes,
    )


def _same_context(workload: Workload, main: Workload) -> bool:
    """Whether `workload` is deployed alongside `main`: the same compose file, or Kubernetes with Kubernetes."""
    if main.kind == COMPOSE or workload.kind == COMPOSE:
        return workload.kind == main.kind and workload.doc.path == main.doc.path
    return True
