"""``make soak`` in miniature: a kill -9 and a short Slack outage, counted at the fake Slack.

Nothing about time is asserted; only what the fault test promises that does not depend on
the machine: nothing sent twice but what was in flight at a kill, every conversation in order,
nothing lost or dead-lettered through the outage.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_small_soak_kills_and_cuts_slack_and_counts(tmp_path: Path) -> None:
    output = tmp_path / "soak.json"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.soak", "--seconds", "6", "--conversations", "4",
         "--kills", "1", "--outage-seconds", "4", "--outage-at", "2", "--after-outage", "2",
         "--answer-limit", "20", "--lease-seconds", "3", "--output", str(output)],
        cwd=ROOT, capture_output=True, text=True, timeout=400, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    kills, outage = json.loads(output.read_text(encoding="utf-8"))
    assert (kills["phase"], kills["kills"], outage["phase"]) == ("kills", 1, "outage")
    for phase in (kills, outage):
        assert phase["deliveries"] > 0 and phase["acknowledged_events"] > 0
        assert phase["conversations_out_of_order"] == 0
        assert phase["duplicates"] == phase["duplicates_across_a_kill"]
    assert outage["refused_calls"] > 0
    assert outage["acknowledged_unanswered_messages"] == 0
    assert set(outage["outbox"]) == {"sent"}  # nothing pending, nothing dead
