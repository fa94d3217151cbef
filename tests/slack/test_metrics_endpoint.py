"""Prometheus /metrics (issue 21): an operator scrapes before and after alice files a request
on Slack and sees the turn counter and the latency histogram move; the store's gauges are
there; the endpoint is not public."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path
from unittest.mock import Mock

from aiohttp.test_utils import make_mocked_request
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from bot.observability import _refusal
from bot.settings import MetricsSettings, StoreSettings
from devtools.postgres import start_server
from tests.platform import serving
from tests.slack.conftest import SlackHarness, running, slack_settings
from tests.slack.fake_slack import FakeSlack


async def scrape(slack: SlackHarness, **headers: str) -> dict[str, float]:
    answer = await slack.http.get("/metrics", headers=headers)
    assert answer.status == 200, await answer.text()
    samples = {}
    for family in text_string_to_metric_families(await answer.text()):
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            samples[f"{sample.name}{{{labels}}}"] = sample.value
    return samples


async def test_a_conversation_moves_the_counters(slack: SlackHarness) -> None:
    before = await scrape(slack)
    await slack.say("U01ALICE", "我要申请一台笔记本，预算8000")
    await slack.settle()
    after = await scrape(slack)
    handled = "esmbot_turns_total{channel=slack,outcome=handled}"
    assert after[handled] == before.get(handled, 0) + 1
    count = "esmbot_turn_seconds_count{channel=slack}"
    assert after[count] == before.get(count, 0) + 1
    assert after["esmbot_outbox_rows{state=sent}"] >= 1
    assert "esmbot_timers_due{}" in after and "esmbot_sweeper_lag_seconds{}" in after
    assert "esmbot_event_loop_lag_seconds{}" in after


async def test_metrics_ask_for_basic_auth_when_it_is_configured(tmp_path: Path,
                                                               fake_slack: FakeSlack) -> None:
    settings = slack_settings(tmp_path, fake_slack).model_copy(update={
        "metrics": MetricsSettings(username="prom", password=SecretStr("s3cret"))})
    async with running(settings, fake_slack) as slack:
        assert (await slack.http.get("/metrics")).status == 401
        wrong = base64.b64encode(b"prom:nope").decode()
        assert (await slack.http.get("/metrics",
                                     headers={"Authorization": f"Basic {wrong}"})).status == 401
        right = base64.b64encode(b"prom:s3cret").decode()
        assert "esmbot_turns_total" in str(await scrape(slack, Authorization=f"Basic {right}"))


async def test_without_credentials_only_loopback_may_scrape(tmp_path: Path,
                                                            fake_slack: FakeSlack) -> None:
    async with serving(slack_settings(tmp_path, fake_slack)) as (_bot, http):
        assert (await http.get("/metrics")).status == 200  # the test client is on loopback
    transport = Mock()
    transport.get_extra_info.side_effect = lambda name, default=None: (
        ("203.0.113.9", 40000) if name == "peername" else default)
    stranger = make_mocked_request("GET", "/metrics", transport=transport)
    refused = _refusal(stranger, "", "")
    assert stranger.remote == "203.0.113.9"
    assert refused is not None and refused.status == 403


async def test_readyz_turns_unready_when_the_database_stops(tmp_path: Path,
                                                           fake_slack: FakeSlack) -> None:
    """Issue 21: /readyz for load balancers; /healthz stays the process answering."""
    server = await asyncio.to_thread(start_server, prefix="esm-readyz-", max_connections=20,
                                     install=True)
    try:
        settings = slack_settings(tmp_path, fake_slack).model_copy(update={
            "store": StoreSettings(url=server.database_url("postgres"))})
        async with serving(settings) as (_bot, http):
            ready = await http.get("/readyz")
            assert ready.status == 200
            assert (await ready.json())["checks"] == {"database": "ok", "slack": "ok"}
            await asyncio.to_thread(server.stop, "immediate")
            unready = await http.get("/readyz")
            assert unready.status == 503
            body = await unready.text()
            assert '"database": "unreachable"' in body and str(server.port) not in body
    finally:
        await asyncio.to_thread(server.stop, "immediate")


async def test_refusals_and_platform_errors_are_counted(slack: SlackHarness) -> None:
    """An unsigned POST is counted as refused; a 503 from Slack as a platform error by code."""
    before = await scrape(slack)
    forged = await slack.http.post("/slack/events", data=b'{"type": "event_callback"}',
                                   headers={"Content-Type": "application/json"})
    assert forged.status == 401
    slack.fake.fail_next("chat.postMessage", status=503, error="service_unavailable",
                         retry_after=None)
    await slack.say("U01ALICE", "我要申请一台笔记本，预算8000")
    await slack.settle()
    after = await scrape(slack)
    unsigned = "esmbot_inbound_refused_total{channel=slack,reason=unsigned}"
    assert after[unsigned] == before.get(unsigned, 0) + 1
    errors = [k for k in after if k.startswith("esmbot_platform_errors_total{")
              and "platform=slack" in k]
    assert sum(after[k] - before.get(k, 0) for k in errors) >= 1
