"""A repository read into facts (issue 16): the bounded walk, YAML with lines, and inference on real repositories.

The fixtures under tests/data/repos are public repositories' own deployment files (sources and licences in
tests/data/repos/README.md); hostile trees are built in a temporary directory by each test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from persona_mcp.cli.main import main
from persona_mcp.errors import InvalidArgument
from persona_mcp.evidence.documents import MAX_NODES, DocumentError, load_documents
from persona_mcp.evidence.infer import infer, services
from persona_mcp.evidence.report import manifest_yaml
from persona_mcp.evidence.repository import host_of, image_kind
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
def test_an_alias_bomb_is_refused_before_it_is_expanded(levels: int, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, levels)]
    never_built(monkeypatch)  # refused on the parsed graph: nothing of it is ever built
    with pytest.raises(DocumentError, match=f"over {MAX_NODES} values"):
        list(load_documents("\n".join(lines), "bomb.yaml"))


def never_built(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make building any document's values fail the test."""
    from persona_mcp.evidence import documents

    def refuse(*args: object) -> None:
        pytest.fail("a document over the alias budget was built")

    monkeypatch.setattr(documents._Builder, "build", refuse)


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


def test_a_wide_hostile_tree_is_read_without_expanding_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bomb = "\n".join(
        ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
        + [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 9)]
    )
    for i in range(200):
        folder = tmp_path / f"d{i % 20}"
        folder.mkdir(exist_ok=True)
        (folder / f"bomb{i}.yaml").write_text(bomb)
    never_built(monkeypatch)
    seen, skipped = services(tmp_path)
    assert seen == []
    assert len(skipped) == 200
    assert all("not expanded" in s.reason for s in skipped)


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
    assert result.manifest["capacity"] == {"autoscaling": True, "resource_requests": True}
    assert result.manifest["observability"] == {"metrics": True}
    assert result.manifest["deployment"] == {"strategy": "rolling", "rollback": True}
    assert result.manifest["topology"] == {"instances": 2}  # the autoscaler's floor
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
    assert result.manifest["topology"] == {"instances": 3}
    assert result.manifest["resilience"] == {"health_checks": True}
    assert observed["disruption budget"] == "a PodDisruptionBudget covers it"
    assert observed["zones"] == "spread across zones"
    assert "probes" not in observed


def test_the_voting_app_datastores_are_single_and_unprobed() -> None:
    result = infer(REPOS / "example-voting-app", "redis")
    observed = {o.subject: o.finding for o in result.observations}
    assert result.manifest["topology"] == {"instances": 1}
    assert result.manifest["resilience"] == {"health_checks": False}
    assert result.manifest["capacity"] == {"resource_requests": False}
    assert observed["probes"] == "container redis: no readinessProbe or livenessProbe"
    assert observed["resources"] == "container redis: no resource requests and limits"


# --- a review from a repository -------------------------------------------------------------------------------


def test_every_computed_rule_says_which_fields_it_reads() -> None:
    from persona_mcp.sre.readiness.rules import RULES

    assert all(rule.reads for rule in RULES.values())
    assert all(field.split(".")[0] in ServiceManifest.model_fields for rule in RULES.values() for field in rule.reads)


def test_stated_facts_win_over_read_ones_and_each_disagreement_is_reported() -> None:
    from persona_mcp.evidence.review import merge

    read = {
        "name": "web",
        "workload": "request",
        "deployment": {"strategy": "rolling", "rollback": True},
        "dependencies": [{"name": "db", "kind": "database", "instances": 1}, {"name": "cache", "kind": "cache"}],
    }
    stated = {
        "name": "web",
        "tier": "critical",
        "deployment": {"strategy": "canary"},
        "dependencies": [{"name": "db", "instances": 3, "critical": True}, {"name": "queue", "kind": "queue"}],
    }
    merged, conflicts = merge(read, stated)
    assert merged["deployment"] == {"strategy": "canary", "rollback": True}
    assert merged["tier"] == "critical"
    assert merged["dependencies"] == [
        {"name": "db", "kind": "database", "instances": 3, "critical": True},
        {"name": "queue", "kind": "queue"},
        {"name": "cache", "kind": "cache"},  # read and not stated: kept
    ]
    assert conflicts == [
        "deployment.strategy: stated 'canary', read 'rolling'",
        "dependencies[db].instances: stated 3, read 1",
    ]
    assert read["deployment"] == {"strategy": "rolling", "rollback": True}  # the inputs are left as they were


def test_a_repository_review_cites_the_lines_behind_its_blocker() -> None:
    from persona_mcp.evidence.review import review_repository

    result = review_repository(BOUTIQUE, "cartservice")
    blocker = next(f for f in result.blockers if f.item_id == "no-single-points-of-failure")
    assert any("REDIS_ADDR=redis-cart:6379" in cite for cite in blocker.evidence)
    assert any("replicas unset: 1" in cite and cite.startswith("cartservice.yaml:") for cite in blocker.evidence)
    assert any("emptyDir" in cite for cite in blocker.evidence)
    single = next(f for f in result.high if f.item_id == "service-redundant")
    assert single.evidence == ["cartservice.yaml:21 Deployment/cartservice: replicas unset: 1"]
    assert result.repository is not None
    assert result.repository.service == "cartservice"
    assert any(line.startswith("dependencies[redis-cart].instances = 1: ") for line in result.repository.facts)


def test_a_stated_manifest_overrides_the_repository_and_clears_the_blocker(tmp_path: Path) -> None:
    from persona_mcp.evidence.review import review_repository

    stated = {"name": "cartservice", "dependencies": [{"name": "redis-cart", "instances": 3}]}
    result = review_repository(BOUTIQUE, "cartservice", stated, "cart.yaml")
    assert "no-single-points-of-failure" not in {f.item_id for f in result.blockers}
    assert result.repository is not None
    assert result.repository.conflicts == ["dependencies[redis-cart].instances: stated 3, read 1"]


def test_review_repo_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", "--repo", str(BOUTIQUE), "--service", "cartservice"]) == 1
    report = capsys.readouterr().out
    assert "- Evidence: cartservice.yaml:51 Deployment/cartservice: REDIS_ADDR=redis-cart:6379" in report
    assert "### Evidence from the repository" in report
    stated = tmp_path / "cart.yaml"
    stated.write_text("name: cartservice\ntier: prototype\n", encoding="utf-8")
    assert main(["review", str(stated), "--repo", str(BOUTIQUE), "--service", "cartservice", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["tier"] == "prototype"
    assert main(["review", "--repo", str(BOUTIQUE)]) == 2
    assert "--repo needs --service NAME" in capsys.readouterr().err
    assert main(["review"]) == 2
    assert "give a manifest FILE, or --repo DIR --service NAME" in capsys.readouterr().err
    stated.write_text("[1, 2]\n", encoding="utf-8")
    assert main(["review", str(stated), "--repo", str(BOUTIQUE), "--service", "cartservice"]) == 2
    assert "a manifest is a mapping of fields" in capsys.readouterr().err


# --- docker-compose ---------------------------------------------------------------------------------------------


def test_a_compose_service_depends_on_its_database_with_the_lines_that_say_so() -> None:
    root = REPOS / "awesome-compose" / "nginx-golang-postgres"
    result = infer(root, "backend")
    assert result.manifest["dependencies"] == [{"name": "db", "kind": "database", "instances": 1}]
    facts = {f.field: f.evidence for f in result.facts}
    depends, image = facts["dependencies[db].kind"]
    assert _line(root, depends.path, depends.line).strip() == "db:"
    assert "image: postgres" in _line(root, image.path, image.line)
    (replicas,) = facts["dependencies[db].instances"]
    assert _line(root, replicas.path, replicas.line).strip() == "db:"  # unset: the service's own line
    observed = {o.subject: o.finding for o in result.observations}
    assert observed["healthcheck"] == "backend: no healthcheck"
    assert observed["restart policy"] == "backend: no restart policy, so a container that exits stays down"
    assert "workload" in {m.field for m in result.missing}


@pytest.mark.parametrize(
    ("folder", "service", "expected"),
    [
        ("nginx-nodejs-redis", "redis", {"healthcheck": "redis: no healthcheck"}),
        ("nginx-flask-mysql", "db", {}),
    ],
)
def test_compose_healthchecks_and_restart_policies(folder: str, service: str, expected: dict[str, str]) -> None:
    observed = {o.subject: o.finding for o in infer(REPOS / "awesome-compose" / folder, service).observations}
    for subject, finding in expected.items():
        assert observed[subject] == finding
    if not expected:
        assert "healthcheck" not in observed


def test_a_stack_file_s_replicas_and_a_name_defined_twice_is_noted() -> None:
    result = infer(REPOS / "example-voting-app", "vote")
    assert result.notes
    assert "vote is also defined at" in result.notes[0]
    assert "docker-stack.yml:" in result.notes[0]
    assert all("docker-compose" not in e.path for f in result.facts for e in f.evidence)  # never mixed in
    seen = {(s.name, s.path.split(":")[0]): s.replicas for s in services(REPOS / "example-voting-app")[0]}
    assert seen[("vote", "docker-stack.yml")] == 2
    assert seen[("vote", "docker-compose.yml")] == 1


# --- SLO specs, alert rules, dashboards, owners, runbooks ------------------------------------------------------


def _deployment(name: str) -> str:
    return yaml.safe_dump(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": name},
            "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": name, "image": f"{name}:1"}]}}},
        }
    )


def _repo_with(tmp_path: Path, name: str, files: dict[str, str]) -> Path:
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / f"{name}.yaml").write_text(_deployment(name), encoding="utf-8")
    for path, text in files.items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return tmp_path


def test_a_sloth_spec_states_the_slo_and_its_alerts(tmp_path: Path) -> None:
    sloth = (REPOS / "sloth" / "examples" / "getting-started.yml").read_text(encoding="utf-8")
    root = _repo_with(tmp_path, "myservice", {"slo/myservice.yml": sloth})
    result = infer(root, "myservice")
    assert result.manifest["slo"] == {"availability": 99.9, "window": "30d"}
    facts = {f.field: f.evidence[0] for f in result.facts}
    assert _line(root, facts["slo.availability"].path, facts["slo.availability"].line).strip() == "objective: 99.9"
    assert facts["slo.window"].read == "no window: Sloth's default 30d"
    assert result.manifest["observability"]["alerts"] is True


def test_sloth_with_both_alerts_disabled_generates_none(tmp_path: Path) -> None:
    spec = (REPOS / "sloth" / "examples" / "no-alerts.yml").read_text(encoding="utf-8")
    service = yaml.safe_load(spec)["service"]
    result = infer(_repo_with(tmp_path, service, {"slo.yml": spec}), service)
    assert "slo" in result.manifest
    assert "observability.alerts" in {m.field for m in result.missing}


@pytest.mark.parametrize(
    ("example", "slo"),
    [
        ("budgeting-method/timeslices-slo.yaml", {"availability": 99.5}),  # "1m" is a minute: not a window
        ("budgeting-method/ratio-timeslices.yaml", "ratio"),
        ("budgeting-method/occurences-slo.yaml", None),  # a latency threshold, not an availability objective
    ],
)
def test_openslo_ratio_objectives_and_their_windows(tmp_path: Path, example: str, slo: object) -> None:
    spec = (REPOS / "openslo" / "examples" / example).read_text(encoding="utf-8")
    data = yaml.safe_load(spec)
    service = data["spec"]["service"]
    result = infer(_repo_with(tmp_path, service, {"slo.yaml": spec}), service)
    if slo is None:
        assert "slo" not in result.manifest
    elif slo == "ratio":
        assert result.manifest["slo"]["availability"] == pytest.approx(data["spec"]["objectives"][0]["target"] * 100)
    else:
        assert result.manifest["slo"] == slo
        (seen,) = [o for o in result.observations if o.subject == "SLO window"]
        assert seen.finding.startswith("'1m' is not a window of a day or more")


def test_a_pyrra_objective_names_its_service_by_name_or_label(tmp_path: Path) -> None:
    spec = (REPOS / "pyrra" / "examples" / "prometheus-http.yaml").read_text(encoding="utf-8")
    result = infer(_repo_with(tmp_path, "prometheus-api-query", {"slo.yaml": spec}), "prometheus-api-query")
    assert result.manifest["slo"] == {"availability": 99.0, "window": "7d"}


def test_a_generated_rule_file_naming_the_service_means_alerts(tmp_path: Path) -> None:
    rules = (REPOS / "sloth" / "examples" / "_gen" / "getting-started.yml").read_text(encoding="utf-8")
    result = infer(_repo_with(tmp_path, "myservice", {"monitoring/rules.yml": rules}), "myservice")
    (evidence,) = next(f for f in result.facts if f.field == "observability.alerts").evidence
    assert evidence.path == "monitoring/rules.yml"
    (tmp_path / "other").mkdir()
    other = infer(_repo_with(tmp_path / "other", "cart", {"monitoring/rules.yml": rules}), "cart")
    assert "observability.alerts" in {m.field for m in other.missing}  # rules for another service


def test_a_dashboard_an_owner_a_runbook_and_a_postmortem(tmp_path: Path) -> None:
    dashboard = json.dumps({"title": "Checkout", "panels": [{"targets": [{"expr": 'rate(x{job="checkout"}[5m])'}]}]})
    root = _repo_with(
        tmp_path,
        "checkout",
        {
            "dashboards/checkout.json": dashboard,
            ".github/CODEOWNERS": "* @org/platform\n/deploy/ @org/payments # the deploy files\n*.md @org/docs\n",
            "docs/runbooks/checkout.md": "# Checkout is down\n\nWhen checkout pages, look at the queue.\n",
            "docs/runbooks/cart.md": "# Cart\n\nnothing about the other service\n",
            "docs/postmortems/2026-03-01.md": "# Outage\n\nThe checkout service lost its database.\n",
            "docs/postmortem-template.md": "# Postmortem template for checkout\n",
        },
    )
    result = infer(root, "checkout")
    assert result.manifest["observability"]["dashboards"] is True
    assert result.manifest["documentation"] == {"owner": "@org/payments"}
    assert result.manifest["incident_response"] == {"runbooks": True, "postmortems": True}
    facts = {f.field: f.evidence for f in result.facts}
    assert [e.path for e in facts["incident_response.runbooks"]] == ["docs/runbooks/checkout.md"]
    assert facts["incident_response.runbooks"][0].line == 3
    assert [e.path for e in facts["incident_response.postmortems"]] == ["docs/postmortems/2026-03-01.md"]
    assert facts["documentation.owner"][0].line == 2


@pytest.mark.parametrize(
    ("rules", "path", "owner"),
    [
        ("* @a\n", "deploy/x.yaml", "@a"),
        ("* @a\n/deploy/ @b\n", "deploy/x.yaml", "@b"),
        ("/deploy/ @b\n* @a\n", "deploy/x.yaml", "@a"),  # the last match wins
        ("/deploy/ @b\n", "other/deploy/x.yaml", None),  # anchored at the root
        ("deploy/ @b\n", "other/deploy/x.yaml", "@b"),  # not anchored: anywhere
        ("*.yaml @c\n", "a/b/c.yaml", "@c"),
        ("*.json @c\n", "a/b/c.yaml", None),
        ("# a comment\n\n", "a.yaml", None),
    ],
)
def test_codeowners_rules_as_github_reads_them(rules: str, path: str, owner: str | None) -> None:
    from persona_mcp.evidence.operations import owner_rules, owners_of
    from persona_mcp.evidence.tree import SourceFile

    rule = owners_of(owner_rules([SourceFile("CODEOWNERS", rules)]), path)
    assert (rule.owners[0] if rule else None) == owner


@pytest.mark.parametrize(
    ("text", "found"),
    [("the cart service", True), ("cartservice", False), ("cart-db", False), ("(cart)", True), ("my_cart", False)],
)
def test_a_service_is_named_as_a_word(text: str, found: bool) -> None:
    from persona_mcp.evidence.operations import mentions

    assert mentions(text, "cart") is found


# --- Terraform ---------------------------------------------------------------------------------------------------

RDS = REPOS / "terraform-aws-rds" / "examples"


def _stores(path: Path) -> dict[str, Any]:
    from persona_mcp.evidence.terraform import read_terraform
    from persona_mcp.evidence.tree import SourceFile

    text = path.read_text(encoding="utf-8")
    return {s.names[-1]: s for s in read_terraform(SourceFile(path.name, text))}


def test_rds_multi_az_backups_and_a_module_that_creates_nothing() -> None:
    stores = _stores(RDS / "complete-postgres" / "main.tf")
    main = stores["complete-postgresql"]
    assert (main.kind, main.instances, main.zones, main.backups) == ("database", 2, 2, True)
    assert main.what == "RDS module (postgres)"
    text = (RDS / "complete-postgres" / "main.tf").read_text(encoding="utf-8").splitlines()
    assert text[main.line_of("multi_az") - 1].strip().startswith("multi_az")
    assert text[main.line_of("backup_retention_period") - 1].strip() == "backup_retention_period = 1"
    default = stores["complete-postgresql-default"]
    assert (default.instances, default.backups) == (1, False)  # single-AZ by default; retention 0: no backups
    assert "complete-postgresql-disabled" not in stores  # create_db_instance = false


def test_an_rds_read_replica_and_a_basic_memorystore() -> None:
    replicas = _stores(RDS / "replica-postgres" / "main.tf")
    assert replicas["replica-postgresql-replica"].instances == 1
    assert replicas["replica-postgresql-master"].instances == 2
    memorystore = _stores(REPOS / "microservices-demo" / "terraform" / "memorystore.tf")
    assert memorystore["redis-cart"].instances == 1  # no tier: BASIC, one node
    assert memorystore["redis-cart"].kind == "cache"


def test_a_service_on_a_managed_database_reads_its_instances_zones_and_backups(tmp_path: Path) -> None:
    deployment = yaml.safe_load(_deployment("orders"))
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    container["env"] = [{"name": "DATABASE_URL", "value": "postgres://app@complete-postgresql:5432/orders"}]
    (tmp_path / "orders.yaml").write_text(yaml.safe_dump(deployment), encoding="utf-8")
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.tf").write_text((RDS / "complete-postgres" / "main.tf").read_text(encoding="utf-8"))
    result = infer(tmp_path, "orders")
    assert result.manifest["dependencies"] == [
        {"name": "complete-postgresql", "kind": "database", "instances": 2, "zones": 2}
    ]
    assert result.manifest["disaster_recovery"] == {"backups": True}
    (backups,) = next(f for f in result.facts if f.field == "disaster_recovery.backups").evidence
    assert backups.path == "infra/main.tf"
    assert _line(tmp_path, backups.path, backups.line).strip() == "backup_retention_period = 1"


def test_hcl_that_does_not_parse_is_listed_as_not_read(tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text(_deployment("app"), encoding="utf-8")
    (tmp_path / "broken.tf").write_text('resource "aws_db_instance" "x" {\n  multi_az = \n', encoding="utf-8")
    result = infer(tmp_path, "app")
    (skipped,) = [s for s in result.skipped if s.path == "broken.tf"]
    assert skipped.reason.startswith("invalid HCL")


# --- Helm charts -------------------------------------------------------------------------------------------------


def test_a_chart_is_read_from_its_values_and_says_its_templates_are_not_rendered() -> None:
    root = REPOS / "podinfo" / "charts"
    result = infer(root, "podinfo")
    missing = {m.field: m.looked_for for m in result.missing}
    assert missing["capacity.autoscaling"] == (
        "the chart offers autoscaling, off by default (hpa.enabled: false in podinfo/values.yaml:159)"
    )
    assert _line(root, "podinfo/values.yaml", 159).strip() == "enabled: false"
    assert result.manifest["topology"] == {"instances": 1}
    (replicas,) = next(f for f in result.facts if f.field == "topology.instances").evidence
    assert _line(root, replicas.path, replicas.line) == "replicaCount: 1"
    assert result.manifest["capacity"] == {"resource_requests": True}  # resources.requests in the values
    assert "podinfo/values-prod.yaml" in result.notes[0]
    assert "templates not rendered" in result.notes[0]
    assert any(s.reason == "a Helm template: templates are not rendered" for s in result.skipped)
    assert not [o for o in result.observations if o.subject in ("probes", "resources")]  # unknown, not absent


def test_a_chart_that_turns_on_autoscaling_and_its_service_monitor(tmp_path: Path) -> None:
    chart = tmp_path / "chart"
    chart.mkdir()
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: api\nversion: 1.2.3\n", encoding="utf-8")
    (chart / "values.yaml").write_text(
        "replicaCount: 3\nautoscaling:\n  enabled: true\n  minReplicas: 3\nserviceMonitor:\n  enabled: true\n",
        encoding="utf-8",
    )
    result = infer(tmp_path, "api")
    assert result.manifest["capacity"] == {"autoscaling": True}
    assert result.manifest["observability"] == {"metrics": True}
    facts = {f.field: f.evidence[0] for f in result.facts}
    assert (facts["capacity.autoscaling"].line, facts["observability.metrics"].line) == (3, 6)
    seen = services(tmp_path)[0]
    assert [(s.name, s.kind, s.replicas) for s in seen] == [("api", "helm chart", 3)]


# --- CI pipelines -------------------------------------------------------------------------------------------------


def test_a_rollback_job_in_ci_answers_rollback_for_a_workload_the_manifests_do_not(tmp_path: Path) -> None:
    stateful = yaml.safe_load(_deployment("ledger"))
    stateful["kind"] = "StatefulSet"
    (tmp_path / "ledger.yaml").write_text(yaml.safe_dump(stateful), encoding="utf-8")
    workflow = {
        "on": "workflow_dispatch",
        "jobs": {
            "rollback": {
                "runs-on": "ubuntu-latest",
                "steps": [
                    {"uses": "actions/checkout@v4"},
                    {"run": "echo rolling back\nkubectl rollout undo statefulset/ledger\necho done\n"},
                ],
            }
        },
    }
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "rollback.yml").write_text(yaml.safe_dump(workflow), encoding="utf-8")
    result = infer(tmp_path, "ledger")
    assert result.manifest["deployment"]["rollback"] is True
    (evidence,) = next(f for f in result.facts if f.field == "deployment.rollback").evidence
    assert _line(tmp_path, evidence.path, evidence.line).strip() == "kubectl rollout undo statefulset/ledger"
    assert evidence.object == "job/rollback"
    assert "deployment.rollback" not in {m.field for m in result.missing}


def test_a_rollback_for_another_service_does_not_count(tmp_path: Path) -> None:
    stateful = yaml.safe_load(_deployment("ledger"))
    stateful["kind"] = "StatefulSet"
    (tmp_path / "ledger.yaml").write_text(yaml.safe_dump(stateful), encoding="utf-8")
    gitlab = {
        "rollback": {"script": ["helm rollback payments 3"]},
        "deploy": {"script": ["helm upgrade ledger ./chart"]},
    }
    (tmp_path / ".gitlab-ci.yml").write_text(yaml.safe_dump(gitlab), encoding="utf-8")
    result = infer(tmp_path, "ledger")
    assert "deployment.rollback" in {m.field for m in result.missing}
    deploys = [o for o in result.observations if o.subject == "deployed from CI"]
    assert [o.finding for o in deploys] == ["helm upgrade ledger ./chart"]


# --- a service made of parts, its backups, rollout and security context ---------------------------------------


def test_a_service_made_of_parts_is_its_stateful_core_with_its_backup_job() -> None:
    root = REPOS / "podinfo" / "deploy"
    result = infer(root, "database")
    assert result.manifest["disaster_recovery"] == {"backups": True}
    (backup,) = next(f for f in result.facts if f.field == "disaster_recovery.backups").evidence
    assert backup.object == "CronJob/backup-daily"
    assert _line(root, backup.path, backup.line).strip() == 'schedule: "0 0 * * *"'
    assert "database is made of database-primary and" in result.notes[0]
    observed = {o.subject: o.finding for o in result.observations}
    assert result.manifest["topology"] == {"instances": 1}
    assert "probes" not in observed  # a CronJob is not probed, and the primary has its probes


def test_a_deployment_s_max_unavailable_and_security_context(tmp_path: Path) -> None:
    deployment = yaml.safe_load(_deployment("api"))
    deployment["spec"]["strategy"] = {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0}}
    pod = deployment["spec"]["template"]["spec"]
    pod["securityContext"] = {"runAsNonRoot": True}
    pod["containers"].append({"name": "sidecar", "image": "x:1", "securityContext": {"privileged": True}})
    (tmp_path / "api.yaml").write_text(yaml.safe_dump(deployment), encoding="utf-8")
    observed = [(o.subject, o.finding) for o in infer(tmp_path, "api").observations]
    assert ("rollout", "maxUnavailable 0") in observed
    assert ("security context", "runs as non-root") in observed
    assert ("security context", "container sidecar is privileged or may escalate") in observed


def test_a_backup_job_for_another_datastore_does_not_count(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_text(_deployment("api"), encoding="utf-8")
    job = {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "billing-backup"},
        "spec": {
            "schedule": "@daily",
            "jobTemplate": {
                "spec": {"template": {"spec": {"containers": [{"name": "b", "image": "pg", "command": ["pg_dump"]}]}}}
            },
        },
    }
    (tmp_path / "job.yaml").write_text(yaml.safe_dump(job), encoding="utf-8")
    assert "disaster_recovery.backups" in {m.field for m in infer(tmp_path, "api").missing}
