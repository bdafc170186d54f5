"""A repository read into facts (issue 16): the bounded walk, YAML with lines, and inference on real repositories.

The fixtures under tests/data/repos are public repositories' own deployment files (sources and licences in
tests/data/repos/README.md); hostile trees are built in a temporary directory by each test.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import yaml

from persona_mcp.cli.main import main
from persona_mcp.errors import InvalidArgument
from persona_mcp.evidence.documents import MAX_NODES, DocumentError, load_documents
from persona_mcp.evidence.infer import host_of, image_kind, infer, services
from persona_mcp.evidence.report import manifest_yaml
from persona_mcp.evidence.results import Inference
from persona_mcp.evidence.tree import walk
from persona_mcp.sre.readiness import ServiceManifest, load_manifest, review

from .conftest import ROOT

REPOS = ROOT / "tests" / "data" / "repos"
BOUTIQUE = REPOS / "microservices-demo" / "kubernetes-manifests"


# --- YAML with lines ---------------------------------------------------------------------------------------


def test_every_value_keeps_its_line_across_documents_merge_keys_and_custom_tags() -> None:
    text = (
        "x-base: &base\n  restart: always\n  image: redis:7\n"
        "services:\n  cache:\n    <<: *base\n    image: redis:6\n"
        "---\n"
        "kind: Deployment\nspec:\n  replicas: 3\n  image: !Ref Image\n  port: 0x1F\n  flag: yes\n"
    )
    first, second = load_documents(text, "a.yaml")
    assert first.data["services"]["cache"] == {"image": "redis:6", "restart": "always"}  # explicit key wins
    assert first.where("services", "cache", "image") == "a.yaml:7"
    assert second.index == 1
    assert second.where("spec", "replicas") == "a.yaml:11"
    assert second.where("spec", "nothing", "here") == "a.yaml:10"  # the nearest ancestor with a line
    # A custom tag is its text; YAML 1.1's hex and yes/no are text too, as everywhere in persona-mcp.
    assert second.data["spec"] == {"replicas": 3, "image": "Image", "port": "0x1F", "flag": "yes"}


@pytest.mark.parametrize("levels", [6, 9, 12])
def test_an_alias_bomb_is_refused_before_it_is_expanded(levels: int) -> None:
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, levels)]
    started = time.perf_counter()
    with pytest.raises(DocumentError, match=f"over {MAX_NODES} values"):
        list(load_documents("\n".join(lines), "bomb.yaml"))
    assert time.perf_counter() - started < 5  # never expanded: 10**12 values would never finish


def test_a_few_aliases_under_the_budget_are_read() -> None:
    text = "a: &a {k: v}\nb: [*a, *a, *a]\n"
    (doc,) = load_documents(text, "ok.yaml")
    assert doc.data["b"] == [{"k": "v"}] * 3


@pytest.mark.parametrize(
    ("text", "problem"),
    [("a: [unclosed", r"invalid YAML \(line"), ("n: " + "9" * 4301, "4300"), ("a: " + "[" * 80 + "]" * 80, "deeper")],
)
def test_malformed_or_oversized_yaml_is_a_document_error(text: str, problem: str) -> None:
    with pytest.raises(DocumentError, match=problem):
        list(load_documents(text, "bad.yaml"))


# --- the walk ------------------------------------------------------------------------------------------------


def test_the_walk_never_leaves_the_root_and_lists_what_it_skipped(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("password: hunter2\n")
    repo = tmp_path / "repo"
    (repo / "deploy").mkdir(parents=True)
    (repo / "deploy" / "app.yaml").write_text("kind: Deployment\n")
    (repo / "escape.yaml").symlink_to(outside / "secret.yaml")
    (repo / "escape-dir").symlink_to(outside)
    (repo / "inside.yaml").symlink_to(repo / "deploy" / "app.yaml")
    (repo / "loop").symlink_to(repo)  # a cycle inside the root: each directory is read once
    (repo / "image.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (repo / "latin1.yaml").write_bytes("caf\xe9: 1\n".encode("latin-1"))
    (repo / "huge.yaml").write_bytes(b"a: b\n" * 300_000)
    (repo / "node_modules").mkdir()
    (repo / "node_modules" / "dep.yaml").write_text("kind: Deployment\n")
    (repo / "notes.bin").write_bytes(b"ignored by suffix")
    tree = walk(repo)
    read = [f.path for f in tree.files]
    assert read == ["deploy/app.yaml", "inside.yaml"]
    assert all("hunter2" not in f.text for f in tree.files)
    reasons = {s.path: s.reason for s in tree.skipped}
    assert reasons["escape.yaml"] == reasons["escape-dir"] == "a symlink out of the repository: not followed"
    assert reasons["image.yaml"] == reasons["latin1.yaml"] == "binary or not UTF-8"
    assert reasons["huge.yaml"].startswith("1500000 bytes, over the")


def test_the_walk_stops_at_its_file_budget_and_says_where(tmp_path: Path) -> None:
    for i in range(30):
        (tmp_path / f"f{i:02}.yaml").write_text("a: 1\n")
    tree = walk(tmp_path, max_files=10)
    assert len(tree.files) == 10
    assert tree.skipped[-1].reason == "the walk stopped here: 10 files were read"
    bytes_tree = walk(tmp_path, max_tree_bytes=20)
    assert len(bytes_tree.files) == 4
    assert "bytes were read" in bytes_tree.skipped[-1].reason


def test_a_wide_hostile_tree_ends_in_bounded_time(tmp_path: Path) -> None:
    bomb = "\n".join(
        ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
        + [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 9)]
    )
    for i in range(200):
        folder = tmp_path / f"d{i % 20}"
        folder.mkdir(exist_ok=True)
        (folder / f"bomb{i}.yaml").write_text(bomb)
    started = time.perf_counter()
    seen, skipped = services(tmp_path)
    assert seen == []
    assert len(skipped) == 200
    assert all("not expanded" in s.reason for s in skipped)
    assert time.perf_counter() - started < 30


def test_a_repository_that_is_not_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgument, match="is not a directory"):
        walk(tmp_path / "missing")


# --- reading addresses and images ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "host"),
    [
        ("redis-cart:6379", "redis-cart"),
        ("postgres://user:pa:ss@db:5432/app?sslmode=require", "db"),
        ("http://productcatalogservice.default.svc.cluster.local:3550", "productcatalogservice"),
        ("kafka-0.kafka-headless:9092,kafka-1.kafka-headless:9092", "kafka-0"),
        ("true", "true"),
        ("", None),
        ("/var/run/socket", None),
        ("-bad-", None),
    ],
)
def test_the_host_an_address_names(value: str, host: str | None) -> None:
    assert host_of(value) == host


@pytest.mark.parametrize(
    ("image", "kind"),
    [
        ("redis:alpine", "cache"),
        ("docker.io/bitnami/postgresql:16@sha256:abc", "database"),
        ("mysql:8", "database"),
        ("confluentinc/cp-kafka:7.6.0", "queue"),
        ("docker.elastic.co/elasticsearch/elasticsearch:8.13.0", "search"),
        ("us-docker.pkg.dev/x/frontend:v1", None),
        ("bitnami/redis-cluster:7", "cache"),
    ],
)
def test_a_dependency_kind_from_its_image(image: str, kind: str | None) -> None:
    assert image_kind(image) == kind


# --- inference on real repositories -------------------------------------------------------------------------


def _line(root: Path, cite_path: str, line: int) -> str:
    return (root / cite_path).read_text(encoding="utf-8").splitlines()[line - 1]


def test_the_boutique_cart_service_is_read_with_its_single_redis_on_empty_dir() -> None:
    result = infer(BOUTIQUE, "cartservice")
    assert result.manifest["workload"] == "request"
    assert result.manifest["deployment"] == {"strategy": "rolling", "rollback": True}
    assert result.manifest["dependencies"] == [{"name": "redis-cart", "kind": "cache", "instances": 1}]
    facts = {f.field: f for f in result.facts}
    env, image = facts["dependencies[redis-cart].kind"].evidence
    assert "REDIS_ADDR" in _line(BOUTIQUE, env.path, env.line + 0) or "redis-cart:6379" in _line(
        BOUTIQUE, env.path, env.line
    )
    assert "image: redis:alpine" in _line(BOUTIQUE, image.path, image.line)
    storage = next(o for o in result.observations if o.subject == "redis-cart storage")
    assert "emptyDir" in storage.finding
    assert "emptyDir" in _line(BOUTIQUE, storage.evidence[0].path, storage.evidence[0].line + 2)
    missing = {m.field for m in result.missing}
    assert {"capacity.autoscaling", "observability.metrics", "observability.alerts"} <= missing


def test_the_derived_manifest_reviews_and_the_single_redis_is_the_blocker(tmp_path: Path) -> None:
    result = review(reviewable(infer(BOUTIQUE, "cartservice"), tmp_path))
    blocker = next(f for f in result.blockers if f.item_id == "no-single-points-of-failure")
    assert blocker.detail is not None
    assert "redis-cart (cache) has 1 instance" in blocker.detail
    assert result.assessment == "not_ready"


def reviewable(result: Inference, folder: Path) -> ServiceManifest:
    """The derived manifest as `infer` writes it, loaded as `persona-mcp review` loads a file."""
    path = folder / f"{result.service}.yaml"
    path.write_text(manifest_yaml(result, "repo"), encoding="utf-8")
    return load_manifest(path)


def _all_services() -> list[tuple[Path, str]]:
    found = []
    for repo in sorted(p for p in REPOS.iterdir() if p.is_dir()):
        seen, _ = services(repo)
        found += [(repo, name) for name in sorted({s.name for s in seen})]
    return found


@pytest.mark.parametrize(("repo", "name"), _all_services(), ids=lambda v: v if isinstance(v, str) else v.name)
def test_every_service_of_every_fixture_infers_a_reviewable_manifest_citing_real_lines(
    repo: Path, name: str, tmp_path: Path
) -> None:
    result = infer(repo, name)
    assert reviewable(result, tmp_path).name == name
    for fact in result.facts:
        assert fact.evidence, fact.field
        for evidence in [*fact.evidence, *(e for o in result.observations for e in o.evidence)]:
            lines = (repo / evidence.path).read_text(encoding="utf-8").splitlines()
            assert 1 <= evidence.line <= len(lines), evidence


# --- the command line ----------------------------------------------------------------------------------------


def test_infer_lists_workloads_then_writes_a_manifest_review_accepts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["infer", str(BOUTIQUE)]) == 0
    listing = capsys.readouterr().out
    assert "redis-cart" in listing
    assert "cartservice.yaml:89" in listing
    assert main(["infer", str(BOUTIQUE), "--service", "cartservice"]) == 0
    text = capsys.readouterr().out
    assert "# cartservice.yaml:51 " in text or "REDIS_ADDR=redis-cart:6379" in text
    (tmp_path / "cart.yaml").write_text(text, encoding="utf-8")
    assert main(["review", str(tmp_path / "cart.yaml"), "--format", "json"]) == 1  # the blocker fails the gate
    assert json.loads(capsys.readouterr().out)["assessment"] == "not_ready"
    assert main(["infer", str(BOUTIQUE), "--service", "cartservice", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["manifest"]["dependencies"][0]["name"] == "redis-cart"


def test_infer_names_the_workloads_when_the_service_is_unknown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["infer", str(BOUTIQUE), "--service", "no-such"]) == 2
    err = capsys.readouterr().err
    assert "service: no workload named 'no-such'" in err
    assert "cartservice" in err


def test_a_value_with_a_line_break_cannot_inject_yaml_through_a_comment(tmp_path: Path) -> None:
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [
                        {"name": "web", "image": "web:1", "env": [{"name": "DB_HOST", "value": "db\ntier: prototype"}]}
                    ]
                },
            }
        },
    }
    (tmp_path / "web.yaml").write_text(yaml.safe_dump(deployment), encoding="utf-8")
    manifest = reviewable(infer(tmp_path, "web"), tmp_path)
    assert manifest.tier == "standard"
    assert manifest.dependencies is not None
    assert manifest.dependencies[0].name == "db"


def test_an_autoscaled_deployment_with_scraping_on_kustomize_podinfo() -> None:
    root = REPOS / "podinfo" / "kustomize"
    result = infer(root, "podinfo")
    assert result.manifest["capacity"] == {"autoscaling": True}
    assert result.manifest["observability"] == {"metrics": True}
    assert result.manifest["deployment"] == {"strategy": "rolling", "rollback": True}
    facts = {f.field: f.evidence[0] for f in result.facts}
    assert "kind: HorizontalPodAutoscaler" in (root / facts["capacity.autoscaling"].path).read_text(encoding="utf-8")
    scrape = facts["observability.metrics"]
    assert "prometheus.io/scrape" in _line(root, scrape.path, scrape.line)
    assert "revisionHistoryLimit 5" in facts["deployment.rollback"].read
    replicas = next(o for o in result.observations if o.subject == "replicas")
    assert replicas.finding == "podinfo runs 2 to 4 replicas, as its autoscaler sets"


@pytest.mark.parametrize(
    ("name", "strategy", "automated"),
    [
        ("rollout-analysis-step", "canary", True),
        ("rollout-background-analysis", "canary", True),
        ("rollout-canary", "canary", False),
        ("rollout-bluegreen", "blue-green", False),
    ],
)
def test_argo_rollouts_strategies_and_their_analysis(name: str, strategy: str, automated: bool) -> None:
    deployment = infer(REPOS / "argo-rollouts", name).manifest["deployment"]
    assert deployment["strategy"] == strategy
    assert deployment["automated_rollback"] is automated


def test_a_replicated_stateful_set_with_a_budget_and_zone_spread_on_gke_samples() -> None:
    result = infer(REPOS / "gke-samples", "dbc1")
    observed = {o.subject: o.finding for o in result.observations}
    assert observed["replicas"] == "dbc1 runs 3 replicas"
    assert observed["disruption budget"] == "a PodDisruptionBudget covers it"
    assert observed["zones"] == "spread across zones"
    assert "probes" not in observed


def test_the_voting_app_datastores_are_single_and_unprobed() -> None:
    result = infer(REPOS / "example-voting-app", "redis")
    observed = {o.subject: o.finding for o in result.observations}
    assert observed["replicas"] == "redis runs 1 replica"
    assert observed["probes"] == "container redis: no readinessProbe or livenessProbe"
    assert observed["resources"] == "container redis: no resource requests and limits"
