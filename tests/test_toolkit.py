"""Where tool bodies run: on the event loop when light, on a worker thread when a call may be heavy."""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable
from typing import Any

import pytest
from mcp import Client
from mcp.server.mcpserver.exceptions import ToolError

from persona_mcp import slo, tools_roster
from persona_mcp.catalog import Catalog
from persona_mcp.errors import InvalidArgument
from persona_mcp.overlap import persona_overlap
from persona_mcp.routing import recommend_personas
from persona_mcp.server import build_server
from persona_mcp.toolkit import tool_body

pytestmark = pytest.mark.anyio


def recording(threads: list[threading.Thread], fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn`, noting the thread each call runs on."""

    def call(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread())
        return fn(*args, **kwargs)

    return call


async def test_a_light_body_runs_on_the_event_loop_thread() -> None:
    threads: list[threading.Thread] = []
    wrapped = tool_body()(recording(threads, lambda x: x * 2))
    assert await wrapped(x=21) == 42
    assert threads == [threading.current_thread()]


async def test_a_heavy_call_runs_on_a_worker_thread_and_the_offload_rule_sees_the_arguments() -> None:
    threads: list[threading.Thread] = []
    seen: list[dict[str, Any]] = []

    def heavy(kwargs: Any) -> bool:
        seen.append(dict(kwargs))
        return bool(kwargs["big"])

    wrapped = tool_body(offload=heavy)(recording(threads, lambda big: big))
    await wrapped(big=True)
    await wrapped(big=False)
    assert seen == [{"big": True}, {"big": False}]
    assert threads[0] is not threading.current_thread()
    assert threads[1] is threading.current_thread()


async def test_core_errors_become_tool_errors_inline_and_on_a_thread() -> None:
    def fail(where: str) -> None:
        raise InvalidArgument("where", f"is wrong: {where}")

    def always(_kwargs: Any) -> bool:
        return True

    for wrapped in (tool_body()(fail), tool_body(offload=always)(fail)):
        with pytest.raises(ToolError, match=r"^where: is wrong: here$"):
            await wrapped(where="here")


def test_the_wrapper_keeps_the_signature_the_sdk_derives_the_schema_from() -> None:
    def body(task: str, limit: int = 3) -> str:
        """Docs."""
        return task * limit

    wrapped = tool_body()(body)
    assert inspect.iscoroutinefunction(wrapped)
    assert inspect.signature(wrapped) == inspect.signature(body)
    assert wrapped.__doc__ == "Docs."
    assert wrapped.__name__ == "body"


async def test_slo_tools_run_inline(monkeypatch: pytest.MonkeyPatch, catalog: Catalog) -> None:
    threads: list[threading.Thread] = []
    monkeypatch.setattr(slo, "error_budget", recording(threads, slo.error_budget))
    async with Client(build_server(catalog)) as client:
        result = await client.call_tool("slo_error_budget", {"objective": 99.9})
    assert not result.is_error, result.content
    assert threads == [threading.current_thread()]


async def test_routing_builds_its_index_on_a_worker_thread_then_runs_inline(
    monkeypatch: pytest.MonkeyPatch, catalog: Catalog
) -> None:
    threads: list[threading.Thread] = []
    monkeypatch.setattr("persona_mcp.tools_roster.recommend_personas", recording(threads, recommend_personas))
    long_task = "Our checkout retries every failed payment without a timeout. " * 100
    assert len(long_task) > tools_roster.INLINE_MAX_CHARS
    async with Client(build_server(catalog)) as client:
        for task in ("review the retry logic", "is this lock safe?", long_task):
            result = await client.call_tool("recommend_personas", {"task": task})
            assert not result.is_error, result.content
    here = threading.current_thread()
    assert [thread is here for thread in threads] == [False, True, False]


async def test_every_roster_call_on_a_large_catalog_goes_to_a_worker_thread(
    monkeypatch: pytest.MonkeyPatch, catalog: Catalog
) -> None:
    threads: list[threading.Thread] = []
    monkeypatch.setattr("persona_mcp.tools_roster.persona_overlap", recording(threads, persona_overlap))
    monkeypatch.setattr(tools_roster, "INLINE_MAX_PERSONAS", len(catalog) - 1)
    async with Client(build_server(catalog)) as client:
        for _ in range(3):
            result = await client.call_tool("persona_overlap", {"persona_id": "sre"})
            assert not result.is_error, result.content
    assert len(threads) == 3
    assert all(thread is not threading.current_thread() for thread in threads)


async def test_a_first_roster_call_that_fails_leaves_the_index_build_to_the_next_one_on_a_thread(
    monkeypatch: pytest.MonkeyPatch, catalog: Catalog
) -> None:
    threads: list[threading.Thread] = []
    monkeypatch.setattr("persona_mcp.tools_roster.recommend_personas", recording(threads, recommend_personas))
    async with Client(build_server(catalog)) as client:
        failed = await client.call_tool("recommend_personas", {"task": "review the retry logic", "limit": 0})
        assert failed.is_error
        for _ in range(2):
            result = await client.call_tool("recommend_personas", {"task": "review the retry logic"})
            assert not result.is_error, result.content
    here = threading.current_thread()
    assert [thread is here for thread in threads] == [False, False, True]
