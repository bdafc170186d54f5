"""A repository read once: its files, YAML documents, Kubernetes objects, compose services, SLO specs and alert
rules; and the words for what a dependency is (`redis:7` is a cache) and where an address points
(`postgres://u@db:5432/x` is `db`).
"""

from __future__ import annotations

import re
from pathlib import Path

from persona_mcp.evidence.compose import is_compose, read_compose
from persona_mcp.evidence.documents import Document, DocumentError, load_documents
from persona_mcp.evidence.helm import read_charts
from persona_mcp.evidence.kubernetes import Objects, Workload, read_objects
from persona_mcp.evidence.operations import read_slo_specs, rule_files
from persona_mcp.evidence.results import ServiceSeen, SkippedFile
from persona_mcp.evidence.terraform import ManagedStore, TerraformError, read_terraform
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
        for doc in self.documents:
            if is_compose(doc):
                self.objects.workloads.extend(read_compose(doc))
        self.objects.workloads.extend(read_charts(self.documents))
        self.stores: list[ManagedStore] = []
        for source in self.tree.by_suffix(".tf"):
            try:
                self.stores += read_terraform(source)
            except TerraformError as exc:
                self.skipped.append(SkippedFile(path=source.path, reason=str(exc)))
        self.slo_specs = read_slo_specs(self.documents)
        self.rule_docs = [*self.objects.rules, *rule_files(self.documents)]

    def store_named(self, name: str) -> ManagedStore | None:
        """The managed datastore a service reaches as `name` (its resource name, identifier or name)."""
        return next((store for store in self.stores if name in store.names), None)

    def seen(self) -> list[ServiceSeen]:
        """Every workload found, by name."""
        return sorted(
            (
                ServiceSeen(
                    name=w.name,
                    kind=w.kind,
                    path=w.origin(),
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
            if name in w.app_names
            or name in (w.labels.get("app.kubernetes.io/part-of"), w.pod_labels.get("app.kubernetes.io/part-of"))
        ]
