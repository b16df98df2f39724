"""Retry schedules and batch timelines, table-driven."""

from __future__ import annotations

from typing import Any

import pytest

from connectedcar.delivery.policy import (
    MAX_BACKOFF_S,
    RETENTION_MS,
    SINGLE,
    Batcher,
    BatchPolicy,
    RetryPolicy,
    next_attempt_at,
)
from connectedcar.delivery.webhook import DeliveryConfigError

T0 = 1_700_000_000_000


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (None, RetryPolicy("None")),
        ({"policy": "None"}, RetryPolicy("None")),
        ({"policy": "Bounded", "retryNumber": 5, "retryDelay": 30}, RetryPolicy("Bounded", 5, 30)),
        ({"policy": "Bounded"}, RetryPolicy("Bounded", 3, 10)),
        # seed 001 spells it maxRetryNumber
        ({"policy": "Always", "maxRetryNumber": 3, "retryDelay": 120}, RetryPolicy("Always", 3, 120)),
        ({"policy": "Bounded", "retryNumber": 2.0}, RetryPolicy("Bounded", 2, 10)),
    ],
)
def test_retry_policy_parses(body: Any, expected: RetryPolicy) -> None:
    assert RetryPolicy.parse(body) == expected


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ([], "subscribeParam.retryPolicy"),
        ({}, "subscribeParam.retryPolicy.policy"),
        ({"policy": "Sometimes"}, "subscribeParam.retryPolicy.policy"),
        ({"policy": "Bounded", "retryNumber": 0}, "subscribeParam.retryPolicy.retryNumber"),
        ({"policy": "Bounded", "retryNumber": 101}, "subscribeParam.retryPolicy.retryNumber"),
        ({"policy": "Bounded", "retryNumber": "3"}, "subscribeParam.retryPolicy.retryNumber"),
        ({"policy": "Bounded", "retryNumber": True}, "subscribeParam.retryPolicy.retryNumber"),
        ({"policy": "Bounded", "retryNumber": 1.5}, "subscribeParam.retryPolicy.retryNumber"),
        ({"policy": "Always", "maxRetryNumber": -1}, "subscribeParam.retryPolicy.maxRetryNumber"),
        ({"policy": "Always", "retryDelay": 0}, "subscribeParam.retryPolicy.retryDelay"),
        ({"policy": "Always", "retryDelay": 86_401}, "subscribeParam.retryPolicy.retryDelay"),
    ],
)
def test_retry_policy_errors_name_the_field(body: Any, field: str) -> None:
    with pytest.raises(DeliveryConfigError) as info:
        RetryPolicy.parse(body)
    assert info.value.field == field


def schedule(policy: RetryPolicy, attempts: int) -> list[int | None]:
    """Delays in seconds after each of the first `attempts` failed attempts (None: given up)."""
    out: list[int | None] = []
    for n in range(1, attempts + 1):
        at = next_attempt_at(policy, n, T0)
        out.append(None if at is None else (at - T0) // 1000)
    return out


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (RetryPolicy("None"), [None, None, None]),
        (RetryPolicy("Bounded", 1, 10), [10, None, None]),
        (RetryPolicy("Bounded", 3, 120), [120, 120, 120, None, None]),
        (RetryPolicy("Bounded", 8, 10), [10, 10, 10, 10, 10, 20, 40, 80, None]),
        (RetryPolicy("Always", 3, 60), [60, 60, 60, 60, 60, 120, 240, 480, 960, 1920, 3600, 3600]),
        (RetryPolicy("Always", 3, 7200), [7200] * 8),
    ],
)
def test_retry_schedules(policy: RetryPolicy, expected: list[int | None]) -> None:
    assert schedule(policy, len(expected)) == expected


def test_always_backoff_is_capped_even_after_many_attempts() -> None:
    at = next_attempt_at(RetryPolicy("Always", 3, 1), 10_000, T0)
    assert at == T0 + MAX_BACKOFF_S * 1000


def test_always_gives_up_when_the_event_expires() -> None:
    policy = RetryPolicy("Always", 3, 60)
    deadline = T0 + RETENTION_MS
    assert next_attempt_at(policy, 1, deadline - 60_000, deadline_ms=deadline) == deadline
    assert next_attempt_at(policy, 1, deadline - 59_999, deadline_ms=deadline) is None


@pytest.mark.parametrize(
    ("retry_after", "delay"),
    [(None, 10), (5, 10), (30, 30), (10**9, MAX_BACKOFF_S)],
)
def test_retry_after_lengthens_never_shortens(retry_after: int | None, delay: int) -> None:
    at = next_attempt_at(RetryPolicy("Bounded", 3, 10), 1, T0, retry_after_s=retry_after)
    assert at == T0 + delay * 1000


def test_attempts_must_be_counted_from_one() -> None:
    with pytest.raises(ValueError):
        next_attempt_at(RetryPolicy("Always"), 0, T0)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (None, SINGLE),
        ({"size": 10, "timeWindow": 300}, BatchPolicy(10, 300)),
        ({"size": 10}, BatchPolicy(10, 60)),
        ({"size": 1}, BatchPolicy(1, 60)),
    ],
)
def test_batch_policy_parses(body: Any, expected: BatchPolicy) -> None:
    assert BatchPolicy.parse(body) == expected


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("10", "subscribeParam.batchNotify"),
        ({}, "subscribeParam.batchNotify.size"),
        ({"timeWindow": 60}, "subscribeParam.batchNotify.size"),
        ({"size": 0}, "subscribeParam.batchNotify.size"),
        ({"size": 1001}, "subscribeParam.batchNotify.size"),
        ({"size": 5, "timeWindow": 4}, "subscribeParam.batchNotify.timeWindow"),
        ({"size": 5, "timeWindow": "60"}, "subscribeParam.batchNotify.timeWindow"),
    ],
)
def test_batch_policy_errors_name_the_field(body: Any, field: str) -> None:
    with pytest.raises(DeliveryConfigError) as info:
        BatchPolicy.parse(body)
    assert info.value.field == field


# Timelines: ("add", item, at_ms) or ("tick", at_ms); expected batches (as item strings) after each step.
Step = tuple[Any, ...]


def run(policy: BatchPolicy, steps: list[Step]) -> list[list[str]]:
    batcher: Batcher[str] = Batcher(policy)
    out: list[list[str]] = []
    for step in steps:
        if step[0] == "add":
            batches = batcher.add(step[1], step[2], key=step[3] if len(step) > 3 else None)
        else:
            batches = batcher.due(step[1])
        out.append(["".join(b.items) for b in batches])
    return out


@pytest.mark.parametrize(
    ("policy", "steps", "expected"),
    [
        # without batchNotify every event goes at once
        (SINGLE, [("add", "a", 0), ("add", "b", 0), ("tick", 10)], [["a"], ["b"], []]),
        # size reached first
        (
            BatchPolicy(3, 60),
            [("add", "a", 0), ("add", "b", 1000), ("add", "c", 2000), ("tick", 60_000)],
            [[], [], ["abc"], []],
        ),
        # time window elapsed first: measured from the first event
        (
            BatchPolicy(10, 60),
            [("add", "a", 0), ("tick", 59_999), ("add", "b", 30_000), ("tick", 60_000), ("tick", 120_000)],
            [[], [], [], ["ab"], []],
        ),
        # an event after the window closes the old batch and opens a new one
        (
            BatchPolicy(10, 60),
            [("add", "a", 0), ("add", "b", 60_000), ("tick", 119_999), ("tick", 120_000)],
            [[], ["a"], [], ["b"]],
        ),
        # an event that fills a batch opened in the same call
        (
            BatchPolicy(1, 60),
            [("add", "a", 0), ("add", "b", 5)],
            [["a"], ["b"]],
        ),
        # keys batch separately; due() returns them oldest first
        (
            BatchPolicy(2, 10),
            [
                ("add", "a", 0, "v1"),
                ("add", "x", 1000, "v2"),
                ("add", "b", 2000, "v1"),
                ("add", "y", 3000, "v3"),
                ("tick", 20_000),
            ],
            [[], [], ["ab"], [], ["x", "y"]],
        ),
    ],
)
def test_batcher_timelines(policy: BatchPolicy, steps: list[Step], expected: list[list[str]]) -> None:
    assert run(policy, steps) == expected


def test_batcher_next_due_pending_and_flush() -> None:
    batcher: Batcher[str] = Batcher(BatchPolicy(5, 30))
    assert batcher.next_due_ms is None
    batcher.add("a", 1000, key="k1")
    batcher.add("b", 4000, key="k2")
    batcher.add("c", 5000, key="k1")
    assert batcher.pending == 3
    assert batcher.next_due_ms == 31_000
    flushed = batcher.flush()
    assert [(b.key, b.opened_ms, b.items) for b in flushed] == [("k1", 1000, ("a", "c")), ("k2", 4000, ("b",))]
    assert batcher.pending == 0
    assert batcher.next_due_ms is None
