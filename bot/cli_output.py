"""What every ``esmbot`` command shares: its exit codes and its JSON output."""

from __future__ import annotations

import json
from typing import Any

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
