"""``python -m benchmarks``: how fast esmbot is, against the ceiling, in one run.

    python -m benchmarks                 # the full run (make bench)
    BENCH_QUICK=1 python -m benchmarks   # a small smoke run (also: --quick)
    python -m benchmarks --only turns --no-postgresql --output /tmp/r.json
    python -m benchmarks --only timers --timers-postgresql
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from benchmarks.run import FULL, QUICK, SCENARIOS, main_async

DEFAULT_OUTPUT = Path(__file__).resolve().parent / "results.json"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        default=os.environ.get("BENCH_QUICK", "") not in ("", "0"),
                        help="a small smoke run (also BENCH_QUICK=1)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--no-postgresql", action="store_true",
                        help="SQLite only (no PostgreSQL server is started)")
    parser.add_argument("--timers-postgresql", action="store_true",
                        help="run the timers on PostgreSQL too (another minute)")
    parser.add_argument("--only", default=",".join(SCENARIOS),
                        help=f"comma-separated scenarios among {', '.join(SCENARIOS)}")
    args = parser.parse_args()
    scenarios = tuple(s.strip() for s in args.only.split(",") if s.strip())
    unknown = set(scenarios) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    postgresql = not args.no_postgresql
    main_async(QUICK if args.quick else FULL, args.output, postgresql=postgresql,
               timers_postgresql=postgresql and (args.timers_postgresql or args.quick),
               scenarios=scenarios)


if __name__ == "__main__":
    main()
