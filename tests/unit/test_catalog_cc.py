"""抄送 in the catalog: ``cc`` of an approval rule is read, and checked like an approver."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialogs.loader import demo_paths, load_bundle
from tests.unit.test_loader import SERVICE, assert_problem, broken, write_bundle

RULE = 'when = "amount >= 1000"\n'


def with_cc(cc: str) -> str:
    return broken(SERVICE, RULE, f"{RULE}cc = {cc}\n")


def test_a_rules_cc_is_read_in_order(tmp_path: Path) -> None:
    files = write_bundle(tmp_path, service=with_cc('["role:cfo", "dept_head", "field:buyer"]'))
    assert files.check() == []
    laptop = load_bundle(files.catalog, files.directory, files.calendars).catalog.get("it.laptop")
    assert laptop is not None
    assert laptop.approval_rules[1].cc == ("role:cfo", "dept_head", "field:buyer")
    assert laptop.approval_rules[0].cc == ()


def test_the_demo_laptop_copies_the_department_head() -> None:
    laptop = load_bundle(*demo_paths()).catalog.get("it.laptop")
    assert laptop is not None and laptop.approval_rules[1].cc == ("dept_head",)


@pytest.mark.parametrize(("cc", "words"), [
    ('["role:hr-bpp"]', ("cc: 'role:hr-bpp' names unknown role 'hr-bpp'",)),
    ('["user:nobody"]', ("cc: 'user:nobody' names unknown person 'nobody'",)),
    ('["manger"]', ("'manger' is not an approver reference", "did you mean 'manager'?")),
    ('["field:reason"]', ("'field:reason' names field 'reason', which is text, not user",)),
    ('"role:cfo"', ("'cc' must be a list of texts",)),
])
def test_a_bad_cc_is_a_problem_naming_the_rule(tmp_path: Path, cc: str,
                                               words: tuple[str, ...]) -> None:
    files = write_bundle(tmp_path, service=with_cc(cc))
    problems = files.check()
    assert_problem(problems, files.service, "approval.rule[2]", *words)
    assert len(problems) == 1, "\n".join(map(str, problems))
