"""`esmbot catalog check` lints date bounds and [[check]] rules (issue 15)."""

from __future__ import annotations

import shutil
from pathlib import Path

from dialogs.loader import demo_paths
from tests.cli.conftest import Esmbot


def test_catalog_check_names_a_check_on_an_unknown_field_and_a_bad_bound(
    esmbot: Esmbot, tmp_path: Path
) -> None:
    folder = tmp_path / "catalog"
    shutil.copytree(demo_paths()[0], folder)
    travel = folder / "fin.travel.toml"
    text = travel.read_text(encoding="utf-8")
    text = text.replace('when = "end_date < start_date"', 'when = "return_date < start_date"')
    text = text.replace('max = "+1y"', 'max = "next year"', 1)
    travel.write_text(text, encoding="utf-8")
    checked = esmbot("catalog", "check", str(folder), check=False)
    assert checked.returncode == 1
    assert "fin.travel.toml" in checked.stdout
    assert "'return_date' is not a field of this service" in checked.stdout
    assert "'max' must be \"today\"" in checked.stdout and "'next year'" in checked.stdout
