"""docker-compose (and `docker stack`) files read as workloads: each service with its image, replicas
(`deploy.replicas`, 1 when unset), environment, healthcheck, restart policy, resource limits, volumes and the
services it depends on. A compose file is recognised by its content (a `services` mapping whose entries have
an image or a build), not by its name, so `docker-compose.prod.yml` and `stack.yml` are read alike.
"""

from __future__ import annotations

from typing import Any

from persona_mcp.evidence.documents import Document
from persona_mcp.evidence.kubernetes import Container, Keys, Workload, mapping

KIND = "compose"


def is_compose(doc: Document) -> bool:
    """A document that is a compose file."""
    data = doc.data
    if not isinstance(data, dict) or "apiVersion" in data or not isinstance(data.get("services"), dict):
        return False
    entries = [v for v in data["services"].values() if isinstance(v, dict)]
    return bool(entries) and all("image" in v or "build" in v or "extends" in v for v in entries)


def _environment(raw: Any, at: Keys) -> tuple[dict[str, str], dict[str, Keys]]:
    env: dict[str, str] = {}
    paths: dict[str, Keys] = {}
    if isinstance(raw, dict):
        for key, value in raw.items():
            env[str(key)] = "" if value is None else str(value)
            paths[str(key)] = (*at, str(key))
    elif isinstance(raw, list):
        for index, item in enumerate(raw):
            if isinstance(item, str):
                key, _, value = item.partition("=")
                env[key] = value
                paths[key] = (*at, index)
    return env, paths


def depends_on(service: dict[str, Any]) -> list[str]:
    """The services a compose service names in `depends_on` (a list, or a mapping with conditions)."""
    raw = service.get("depends_on")
    if isinstance(raw, dict):
        return [str(name) for name in raw]
    if isinstance(raw, list):
        return [str(name) for name in raw if isinstance(name, str)]
    return []


def read_compose(doc: Document) -> list[Workload]:
    """The services of a compose file as workloads of kind `compose`."""
    workloads = []
    for name, raw in doc.data["services"].items():
        service = mapping(raw)
        at: Keys = ("services", str(name))
        deploy = mapping(service.get("deploy"))
        replicas = deploy.get("replicas")
        resources = mapping(deploy.get("resources"))
        env, env_paths = _environment(service.get("environment"), (*at, "environment"))
        container = Container(
            name=str(name),
            image=str(service.get("image", "")),
            env=env,
            env_paths=env_paths,
            probes=("healthcheck",)
            if "healthcheck" in service and not mapping(service["healthcheck"]).get("disable")
            else (),
            requests={"cpus", "memory"} <= set(mapping(resources.get("reservations"))),
            limits=bool(resources.get("limits")),
            path=at,
        )
        volumes = service.get("volumes") or []
        workloads.append(
            Workload(
                kind=KIND,
                name=str(name),
                namespace=None,
                labels={},
                pod_labels={},
                pod_annotations={},
                replicas=replicas if isinstance(replicas, int) and not isinstance(replicas, bool) else 1,
                strategy=None,
                revision_history=None,
                containers=[container],
                doc=doc,
                pod=at,
                persistent=bool(volumes),
                restart=str(service.get("restart") or mapping(deploy.get("restart_policy")).get("condition") or ""),
                depends_on=tuple(depends_on(service)),
            )
        )
    return workloads
