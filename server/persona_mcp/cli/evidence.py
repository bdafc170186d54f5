"""CLI commands over a repository's evidence: `infer DIR [--service NAME]`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def cmd_infer(args: argparse.Namespace) -> int:
    """List the workloads of a repository, or derive one service's manifest with the evidence for each fact."""
    from persona_mcp.evidence.infer import infer, services
    from persona_mcp.evidence.report import manifest_yaml, services_text

    root = Path(args.dir)
    if args.service is None:
        seen, skipped = services(root)
        if args.format == "json":
            payload = {"services": [s.model_dump() for s in seen], "skipped": [s.model_dump() for s in skipped]}
            print(json.dumps(payload, indent=2, ensure_ascii=False))
        else:
            print(services_text(seen, skipped), end="")
        return 0
    result = infer(root, args.service)
    if args.format == "json":
        print(json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False))
    else:
        print(manifest_yaml(result, args.dir), end="")
    return 0


def add_evidence_commands(sub: Any) -> None:
    """Register `infer` on the top-level sub-parsers."""
    infer = sub.add_parser(
        "infer",
        help="derive a service's readiness manifest from its repository, citing the line of each fact",
        description="Derive a service's readiness manifest from the files of its repository. Nothing is executed.",
    )
    infer.add_argument("dir", metavar="DIR", help="the repository (or a folder of it) to read")
    infer.add_argument("--service", metavar="NAME", help="the service; without it, list the workloads found")
    infer.add_argument("--format", choices=["yaml", "json"], default="yaml", help="default: yaml")
    infer.set_defaults(handler=cmd_infer)
