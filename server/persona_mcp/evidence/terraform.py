"""Managed datastores declared in Terraform, where plainly written: how many instances, across zones or not,
and whether they are backed up.

HCL is parsed with python-hcl2 (a maintained parser; no regular expressions over HCL). Only values written
as literals, or as a `local.` name defined in the same file, are read; anything computed (a variable, a
module output, a conditional) is left unknown rather than guessed. Lines are found by the block's header
and the attribute's name within it, as python-hcl2 does not report them.

What counts, and the sources for each reading:
- `aws_db_instance` and the terraform-aws-modules RDS module: `multi_az = true` keeps a synchronous standby
  in a second zone (2 instances, 2 zones); `replicate_source_db` makes a read replica;
  `backup_retention_period` above 0 turns on automated backups (0 disables them), per the AWS provider docs.
- `aws_rds_cluster`: `backup_retention_period` (1 day when unset); its instances are separate resources,
  not counted here.
- `aws_elasticache_replication_group`: `num_cache_clusters` or `replicas_per_node_group` + 1 nodes,
  `multi_az_enabled` spreads them; `aws_elasticache_cluster`: `num_cache_nodes`.
- `google_redis_instance`: `tier = "STANDARD_HA"` has a replica in another zone, `BASIC` (the default) is one
  node; `google_sql_database_instance`: `settings.availability_type = "REGIONAL"` is highly available,
  `backup_configuration.enabled` turns on backups.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from persona_mcp.evidence.kubernetes import mapping
from persona_mcp.evidence.tree import SourceFile

MODULE_SOURCES = ("terraform-aws-modules/rds", "terraform-aws-modules/rds-aurora")


@dataclass
class ManagedStore:
    """A datastore a cloud provider runs, as declared."""

    names: tuple[str, ...]
    """The resource's name and its identifier or name attribute, any of which a service may use."""
    kind: str
    what: str
    path: str
    line: int
    instances: int | None = None
    zones: int | None = None
    backups: bool | None = None
    lines: dict[str, int] = field(default_factory=dict)
    """The line of each attribute read."""

    def line_of(self, attribute: str) -> int:
        """The line of `attribute`, or the block's header."""
        return self.lines.get(attribute, self.line)


class TerraformError(ValueError):
    """A .tf file python-hcl2 cannot parse."""


def _locals(parsed: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for block in parsed.get("locals") or []:
        values.update(mapping(block))
    return values


def _literal(value: Any, local: dict[str, Any]) -> Any:
    """`value` if it is a literal or built only of literals and same-file locals; else None."""
    if isinstance(value, bool | int | float):
        return value
    if not isinstance(value, str):
        return None
    if "${" not in value:
        return value
    whole = re.fullmatch(r"\$\{local\.(\w+)\}", value)
    if whole:
        return _literal(local.get(whole.group(1)), {})
    parts = re.split(r"(\$\{local\.\w+\})", value)
    out = []
    for part in parts:
        if part.startswith("${"):
            resolved = _literal(local.get(part[8:-1]), {})
            if not isinstance(resolved, str):
                return None
            out.append(resolved)
        elif "${" in part:
            return None
        else:
            out.append(part)
    return "".join(out)


def _lines(text: str, header: str, attributes: tuple[str, ...]) -> tuple[int, dict[str, int]]:
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if re.match(rf"\s*{header}\s*\{{", line)), 0)
    found: dict[str, int] = {}
    depth = 0
    for i in range(start, len(lines)):
        line = lines[i]
        for name in attributes:
            if name not in found and re.match(rf"\s*{re.escape(name)}\s*=", line):
                found[name] = i + 1
        depth += line.count("{") - line.count("}")
        if depth <= 0 and i > start:
            break
    return start + 1, found


def read_terraform(source: SourceFile) -> list[ManagedStore]:
    """The managed datastores declared in one .tf file.

    Raises:
        TerraformError: If python-hcl2 cannot parse the file.
    """
    import hcl2  # imported only when a repository has Terraform
    from hcl2.utils import SerializationOptions

    options = SerializationOptions(with_comments=False, explicit_blocks=False, strip_string_quotes=True)
    try:
        parsed = hcl2.loads(source.text, serialization_options=options)
    except Exception as exc:
        first = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise TerraformError(f"invalid HCL: {first}") from None
    local = _locals(parsed)
    stores: list[ManagedStore] = []
    for block in parsed.get("resource") or []:
        for kind, named in mapping(block).items():
            for name, body in mapping(named).items():
                store = _resource(kind, str(name), mapping(body), local, source)
                if store is not None:
                    stores.append(store)
    for block in parsed.get("module") or []:
        for name, body in mapping(block).items():
            body = mapping(body)
            module_source = str(body.get("source", ""))
            if "engine" in body or any(s in module_source for s in MODULE_SOURCES):
                store = _rds(f'module\\s+"{re.escape(str(name))}"', str(name), body, local, source, "RDS module")
                if store is not None:
                    stores.append(store)
    return stores


def _header(kind: str, name: str) -> str:
    return rf'resource\s+"{re.escape(kind)}"\s+"{re.escape(name)}"'


def _rds(
    header: str, name: str, body: dict[str, Any], local: dict[str, Any], source: SourceFile, what: str
) -> ManagedStore | None:
    if _literal(body.get("create_db_instance"), local) is False:
        return None
    attributes = ("identifier", "multi_az", "backup_retention_period", "replicate_source_db")
    line, lines = _lines(source.text, header, attributes)
    identifier = _literal(body.get("identifier"), local)
    multi_az = _literal(body.get("multi_az"), local)
    retention = _literal(body.get("backup_retention_period"), local)
    engine = _literal(body.get("engine"), local)
    store = ManagedStore(
        names=tuple(n for n in (name, identifier) if isinstance(n, str)),
        kind="database",
        what=f"{what} ({engine})" if isinstance(engine, str) else what,
        path=source.path,
        line=line,
        lines=lines,
    )
    if multi_az is True:
        store.instances, store.zones = 2, 2
    elif multi_az is False or "multi_az" not in body:
        store.instances, store.zones = 1, 1  # the provider's default is a single instance
    if isinstance(retention, int) and not isinstance(retention, bool):
        store.backups = retention > 0
    return store


def _resource(
    kind: str, name: str, body: dict[str, Any], local: dict[str, Any], source: SourceFile
) -> ManagedStore | None:
    header = _header(kind, name)
    if kind == "aws_db_instance":
        return _rds(header, name, body, local, source, "aws_db_instance")
    if kind == "google_redis_instance":
        line, lines = _lines(source.text, header, ("name", "tier"))
        tier = _literal(body.get("tier", "BASIC"), local)
        store = ManagedStore(
            (name, str(_literal(body.get("name"), local) or name)),
            "cache",
            "Memorystore",
            source.path,
            line,
            lines=lines,
        )
        if tier in ("BASIC", "STANDARD_HA"):
            store.instances = 1 if tier == "BASIC" else 2
            store.zones = store.instances
        return store
    if kind == "google_sql_database_instance":
        settings = mapping(
            (body.get("settings") or [{}])[0] if isinstance(body.get("settings"), list) else body.get("settings")
        )
        line, lines = _lines(source.text, header, ("name", "availability_type", "enabled"))
        availability = _literal(settings.get("availability_type", "ZONAL"), local)
        store = ManagedStore(
            (name, str(_literal(body.get("name"), local) or name)),
            "database",
            "Cloud SQL",
            source.path,
            line,
            lines=lines,
        )
        if availability in ("ZONAL", "REGIONAL"):
            store.instances = store.zones = 2 if availability == "REGIONAL" else 1
        backup = settings.get("backup_configuration")
        backup = mapping(backup[0] if isinstance(backup, list) and backup else backup)
        enabled = _literal(backup.get("enabled"), local)
        if isinstance(enabled, bool):
            store.backups = enabled
        return store
    if kind == "aws_rds_cluster":
        line, lines = _lines(source.text, header, ("cluster_identifier", "backup_retention_period"))
        identifier = _literal(body.get("cluster_identifier"), local)
        names = tuple(n for n in (name, identifier) if isinstance(n, str))
        store = ManagedStore(names, "database", "RDS cluster", source.path, line, lines=lines)
        retention = _literal(body.get("backup_retention_period", 1), local)
        if isinstance(retention, int) and not isinstance(retention, bool):
            store.backups = retention > 0
        return store  # its instances are aws_rds_cluster_instance resources, counted by nobody here
    if kind in ("aws_elasticache_replication_group", "aws_elasticache_cluster"):
        attributes = ("num_cache_clusters", "replicas_per_node_group", "num_cache_nodes", "multi_az_enabled")
        line, lines = _lines(source.text, header, attributes)
        store = ManagedStore((name,), "cache", "ElastiCache", source.path, line, lines=lines)
        clusters = _literal(body.get("num_cache_clusters") or body.get("num_cache_nodes"), local)
        replicas = _literal(body.get("replicas_per_node_group"), local)
        if isinstance(clusters, int):
            store.instances = clusters
        elif isinstance(replicas, int):
            store.instances = replicas + 1
        multi_az = _literal(body.get("multi_az_enabled"), local)
        if multi_az is True and store.instances:
            store.zones = min(store.instances, 3)
        return store
    return None
