"""Loading the organisation's files: every problem is named by file, item and message.

Each case breaks one thing in a small, valid bundle (one service, a directory, a calendar)
and checks that the problem is reported where an administrator would look for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chat.locale import I18n
from dialogs.expr import Expr
from dialogs.loader import (
    BundleError,
    check_bundle,
    demo_paths,
    load_bundle,
    load_calendars,
    load_catalog,
    load_directory,
)
from org.model import Duration, Problem

SERVICE = """\
[service]
id = "it.laptop"
name = { zh = "笔记本电脑申请", en = "Laptop request" }
description = { zh = "新购或更换办公笔记本", en = "New or replacement work laptop" }
department = "IT"
keywords = ["笔记本", "laptop"]
owner = "group:it-desk"
priority = "normal"

[[field]]
id = "model"
type = "choice"
ask = { zh = "需要哪种型号？", en = "Which model?" }
options = [
  { value = "std", label = { zh = "标准办公本", en = "Standard" } },
  { value = "pro", label = { zh = "高性能本", en = "Performance" } },
]

[[field]]
id = "amount"
type = "money"
ask = { zh = "预算多少元？", en = "Budget in CNY?" }
min = 1
max = 50000

[[field]]
id = "gpu"
type = "bool"
ask = { zh = "需要独立显卡吗？", en = "Do you need a discrete GPU?" }
when = "model == 'pro'"

[[field]]
id = "buyer"
type = "user"
ask = { zh = "由谁来采购?", en = "Who buys it?" }
label = { zh = "采购人", en = "Buyer" }
required = false

[[field]]
id = "reason"
type = "text"
ask = { zh = "申请原因？", en = "Why do you need it?" }
help = { zh = "例如：旧电脑坏了", en = "e.g. the old one broke" }
min_length = 4

[[approval.rule]]
when = "amount < 1000"
steps = [{ approvers = ["manager"] }]

[[approval.rule]]
when = "amount >= 1000"
steps = [
  { approvers = ["manager:2", "dept_head", "field:buyer"] },
  { approvers = ["role:it-director", "role:cfo"], mode = "any" },
  { approvers = ["user:erin", "user:henry"], quorum = 1 },
]

[[task]]
id = "procure"
title = { zh = "采购 {model} 笔记本", en = "Buy a {model} laptop" }
group = "procurement"
sla = "2bd"

[[task]]
id = "setup"
title = { zh = "装机并交付", en = "Set up and hand over" }
description = { zh = "装好软件", en = "Install the tools" }
group = "it-desk"
depends_on = ["procure"]
when = "gpu == true or amount > 0"
sla = "1bd"

[sla]
response = "4bh"
resolution = "5bd"
calendar = "cn-office"

[completion]
confirm_by_requester = true
confirm_timeout = "3bd"

[exceptions.expedite]
approver = "role:it-director"
reasons = ["new-hire-start-date", "other"]
max_duration = "3bd"
"""

DIRECTORY = """\
[[person]]
id = "alice"
name = "王小丽"
dept = "Engineering"
level = 3
manager = "bob"
locale = "zh"
slack = "U01ALICE"

[[person]]
id = "bob"
name = "赵强"
dept = "Engineering"
level = 5
manager = "frank"

[[person]]
id = "frank"
name = "孙伟"
dept = "Engineering"

[[person]]
id = "carol"
name = "陈静"
dept = "IT"
manager = "frank"
locale = "en"
timezone = "Europe/London"
email = "carol@example.com"

[[person]]
id = "erin"
name = "Erin Li"
dept = "IT"
roles = ["it-director"]

[[person]]
id = "henry"
name = "吴刚"
dept = "IT"

[[group]]
id = "it-desk"
name = { zh = "IT 服务台", en = "IT desk" }
members = ["carol", "erin"]
lead = "carol"
chat = { slack = "C01ITDESK" }

[[group]]
id = "procurement"
name = { zh = "采购组", en = "Procurement" }
members = ["henry"]

[[role]]
id = "it-director"
members = ["erin"]

[[role]]
id = "cfo"
members = ["henry"]

[[dept]]
id = "Engineering"
head = "frank"

[[dept]]
id = "IT"
head = "erin"

[[delegation]]
from = "bob"
to = "carol"
start = "2027-01-05"
end = "2027-01-09"
"""

CALENDARS = """\
[[calendar]]
id = "cn-office"
timezone = "Asia/Shanghai"
hours = ["09:00-12:00", "13:30-18:00"]
weekdays = ["mon", "tue", "wed", "thu", "fri"]
holidays = ["2026-10-01", "2026-10-02"]
workdays = ["2026-10-10"]
"""


@dataclass
class Files:
    catalog: Path
    service: Path
    directory: Path
    calendars: Path

    def check(self) -> list[Problem]:
        return check_bundle(self.catalog, self.directory, self.calendars)


def write_bundle(tmp_path: Path, service: str = SERVICE, directory: str = DIRECTORY,
                 calendars: str = CALENDARS) -> Files:
    catalog = tmp_path / "catalog"
    catalog.mkdir(exist_ok=True)
    files = Files(catalog, catalog / "it.laptop.toml", tmp_path / "directory.toml",
                  tmp_path / "calendars.toml")
    files.service.write_text(service, encoding="utf-8")
    files.directory.write_text(directory, encoding="utf-8")
    files.calendars.write_text(calendars, encoding="utf-8")
    return files


def broken(text: str, old: str, new: str) -> str:
    assert old in text, f"the fixture has no {old!r}"
    return text.replace(old, new, 1)


def assert_problem(problems: list[Problem], file: Path, item: str, *words: str) -> None:
    found = [p for p in problems
             if p.file == str(file) and p.item == item and all(w in p.message for w in words)]
    assert found, "expected a problem in {} at {!r} saying {}; got:\n{}".format(
        file.name, item, words, "\n".join(map(str, problems)) or "(no problems)")


# --- the happy path -----------------------------------------------------------------------


def test_the_fixture_bundle_loads_without_problems(tmp_path: Path) -> None:
    files = write_bundle(tmp_path)
    assert files.check() == []
    bundle = load_bundle(files.catalog, files.directory, files.calendars)
    laptop = bundle.catalog.get("it.laptop")
    assert laptop is not None
    assert [f.id for f in laptop.fields] == ["model", "amount", "gpu", "buyer", "reason"]
    assert laptop.source == str(files.service)
    assert re.fullmatch(r"[0-9a-f]{16}", laptop.version)


def test_values_are_read_with_their_defaults(tmp_path: Path) -> None:
    files = write_bundle(tmp_path)
    laptop = load_bundle(files.catalog, files.directory, files.calendars).catalog.services[
        "it.laptop"]
    model, amount, gpu, buyer, reason = laptop.fields
    assert model.label == I18n("需要哪种型号", "Which model?".rstrip("?"))
    assert buyer.label == I18n("采购人", "Buyer") and buyer.required is False
    assert model.required is True and [o.value for o in model.options] == ["std", "pro"]
    assert amount.min == Decimal(1) and amount.max == Decimal(50000)
    assert isinstance(gpu.when, Expr) and gpu.when.evaluate({"model": "pro"})
    assert reason.help == I18n("例如：旧电脑坏了", "e.g. the old one broke")
    assert reason.min_length == 4
    second = laptop.approval_rules[1]
    assert second.steps[1].mode == "any" and second.steps[2].quorum == 1
    assert laptop.tasks[1].depends_on == ("procure",)
    assert laptop.tasks[1].sla == Duration(1, "bd")
    assert laptop.tasks[1].description == I18n("装好软件", "Install the tools")
    assert laptop.sla.calendar == "cn-office" and laptop.sla.response == Duration(4, "bh")
    assert laptop.completion.confirm_by_requester is True
    assert laptop.completion.confirm_timeout == Duration(3, "bd")
    assert laptop.expedite is not None and laptop.expedite.max_duration == Duration(3, "bd")


def test_the_directory_and_calendars_are_read(tmp_path: Path) -> None:
    files = write_bundle(tmp_path)
    bundle = load_bundle(files.catalog, files.directory, files.calendars)
    people = bundle.directory.persons
    assert people["alice"].manager == "bob" and people["alice"].timezone == "Asia/Shanghai"
    assert people["frank"].manager is None and people["frank"].level == 0
    assert people["carol"].locale == "en" and people["carol"].email == "carol@example.com"
    assert people["erin"].roles == ("it-director",)
    assert people["henry"].roles == ("cfo",)  # from the role's members
    assert bundle.directory.roles["it-director"].members == ("erin",)
    assert bundle.directory.groups["it-desk"].chat == {"slack": "C01ITDESK"}
    assert bundle.directory.find_by_identity("slack", "U01ALICE") == people["alice"]
    assert bundle.directory.depts["IT"].head == "erin"
    [delegation] = bundle.directory.delegations
    assert (delegation.from_person, delegation.to_person) == ("bob", "carol")
    office = bundle.calendars["cn-office"]
    assert office.weekdays == frozenset(range(5)) and len(office.hours) == 2
    assert str(office.hours[1].start) == "13:30:00"
    assert {str(d) for d in office.workdays} == {"2026-10-10"}


def test_services_are_found_in_subfolders_in_order(tmp_path: Path) -> None:
    files = write_bundle(tmp_path)
    (files.catalog / "hr").mkdir()
    other = broken(SERVICE, 'id = "it.laptop"', 'id = "hr.laptop"')
    (files.catalog / "hr" / "laptop.toml").write_text(other, encoding="utf-8")
    catalog, problems = load_catalog(files.catalog)
    assert problems == [] and sorted(catalog.services) == ["hr.laptop", "it.laptop"]


def test_the_building_blocks_return_values_and_problems(tmp_path: Path) -> None:
    files = write_bundle(tmp_path)
    directory, problems = load_directory(files.directory)
    assert problems == [] and "alice" in directory.persons
    calendars, problems = load_calendars(files.calendars)
    assert problems == [] and "cn-office" in calendars
    catalog, problems = load_catalog(files.catalog)
    assert problems == [] and catalog.get("it.laptop") is not None


def test_the_demo_bundle_loads_with_zero_problems() -> None:
    assert check_bundle(*demo_paths()) == []
    bundle = load_bundle(*demo_paths())
    assert set(bundle.catalog.services) >= {
        "it.laptop", "it.access", "it.password", "hr.onboarding", "hr.certificate",
        "fin.expense", "fin.travel", "admin.meeting_room", "admin.supplies", "admin.badge",
        "proc.purchase",
    }
    expense = bundle.catalog.services["fin.expense"]
    amount, category = expense.field("amount"), expense.field("category")
    assert amount is not None and amount.type == "money"
    assert category is not None and "travel" in [o.value for o in category.options]
    laptop = bundle.catalog.services["it.laptop"]
    assert {"model", "amount", "gpu", "reason"} <= {f.id for f in laptop.fields}
    people = bundle.directory.persons
    assert people["alice"].manager == "bob" and people["bob"].manager == "frank"
    assert people["leo"].manager is None and people["sam"].locale == "en"
    assert len(people) >= 13
    assert len(bundle.calendars["cn-office"].holidays) >= 33
    assert {"cn-office", "us-office"} <= set(bundle.calendars)


def test_load_bundle_raises_with_every_problem_one_per_line(tmp_path: Path) -> None:
    service = broken(broken(SERVICE, "max = 50000", "mx = 50000"), "min_length = 4",
                     'min_length = "four"')
    files = write_bundle(tmp_path, service=service,
                         directory=broken(DIRECTORY, 'locale = "en"', 'locale = "fr"'))
    with pytest.raises(BundleError) as raised:
        load_bundle(files.catalog, files.directory, files.calendars)
    assert len(raised.value.problems) == 3
    lines = str(raised.value).splitlines()
    assert len(lines) == 3
    assert any("it.laptop.toml: field amount: unknown key 'mx'" in line for line in lines)


# --- the catalog: one broken thing per case -----------------------------------------------

# Cases whose one change really breaks several things (the id renamed away is used elsewhere);
# every other case must report exactly one problem: no cascades of follow-up noise.
MORE_THAN_ONE = {"duplicate field id", "duplicate option", "expedite unknown key",
                 "unknown top table", "duplicate person"}

OPTIONS = SERVICE[SERVICE.index("options = ["):SERVICE.index("]\n", SERVICE.index("options"))+2]
CATALOG_CASES = [
    # (name, old, new, item, words in the message)
    ("invalid toml", 'department = "IT"', 'department = "IT', "TOML", "invalid TOML", "line 5"),
    ("unknown key", "max = 50000", "mx = 50000", "field amount", "unknown key 'mx'",
     "did you mean 'max'?"),
    ("unknown top table", "[sla]", "[slas]", "service it.laptop", "unknown key 'slas'",
     "did you mean 'sla'?"),
    ("unknown service key", 'priority = "normal"', 'priorty = "normal"', "service it.laptop",
     "unknown key 'service.priorty'", "did you mean 'priority'?"),
    ("unknown step key", '{ approvers = ["manager"] }', '{ approvers = ["manager"], mod = "all" }',
     "approval.rule[1]", "unknown key 'steps[1].mod'", "did you mean 'mode'?"),
    ("unknown option key", 'label = { zh = "标准办公本"', 'lable = { zh = "标准办公本"',
     "field model", "unknown key 'options[1].lable'"),
    ("min not a number", "min = 1", 'min = "ten"', "field amount",
     "'min' must be a number, not the text 'ten'"),
    ("required not a flag", "required = false", 'required = "yes"', "field buyer",
     "'required' must be true or false"),
    ("missing service id", 'id = "it.laptop"\n', "", "service",
     "missing required key 'service.id'"),
    ("missing english name", ', en = "Laptop request"', "", "service it.laptop",
     "missing required key 'service.name.en'"),
    ("name not a table", 'name = { zh = "笔记本电脑申请", en = "Laptop request" }',
     'name = "笔记本"', "service it.laptop", "'service.name' must be a table { zh"),
    ("missing field ask", 'ask = { zh = "申请原因？", en = "Why do you need it?" }\n', "",
     "field reason", "missing required key 'ask'"),
    ("missing field type", 'type = "text"\n', "", "field reason", "missing required key 'type'"),
    ("missing field id", 'id = "reason"\n', "", "field #5", "missing required key 'id'"),
    ("bad field id", 'id = "reason"', 'id = "Reason-Text"', "field Reason-Text",
     "'id' must be lowercase letters"),
    ("duplicate field id", 'id = "gpu"', 'id = "amount"', "field amount",
     "'id' is defined twice"),
    ("unknown field type", 'type = "money"', 'type = "currency"', "field amount",
     "unknown field type 'currency'", "one of: text, number, money"),
    ("choice without options", OPTIONS, "", "field model", "a choice field needs 'options'"),
    ("empty options", OPTIONS, "options = []\n", "field model", "at least one option"),
    ("duplicate option", '{ value = "pro"', '{ value = "std"', "field model",
     "lists the value 'std' more than once"),
    ("options on a money field", "max = 50000", 'max = 50000\noptions = ["a"]', "field amount",
     "'options' only applies to choice"),
    ("min_length on money", "max = 50000", "max = 50000\nmin_length = 2", "field amount",
     "'min_length' only applies to text"),
    ("min above max", "min = 1", "min = 60000", "field amount", "'min' (60000) is more than"),
    ("field when does not parse", "when = \"model == 'pro'\"", "when = \"model = 'pro'\"",
     "field gpu", "when: \"model = 'pro'\" does not parse", "at position 7"),
    ("field when unknown name", "when = \"model == 'pro'\"", "when = \"modle == 'pro'\"",
     "field gpu", "when: 'modle' is not a field of this service", "did you mean 'model'?"),
    ("field when later field", "when = \"model == 'pro'\"", "when = \"reason == 'pro'\"",
     "field gpu", "'reason' is asked after this field"),
    ("field when itself", "when = \"model == 'pro'\"", "when = \"gpu\"", "field gpu",
     "'gpu' is this field itself"),
    ("field when bad option", "when = \"model == 'pro'\"", "when = \"model == 'ultra'\"",
     "field gpu", "'ultra' is not an option of 'model'"),
    ("rule when unknown name", 'when = "amount < 1000"', 'when = "amont < 1000"',
     "approval.rule[1]", "when: 'amont' is not a field of this service",
     "did you mean 'amount'?"),
    ("rule when type error", 'when = "amount < 1000"', "when = \"amount < 'ten'\"",
     "approval.rule[1]", "'amount' is money; compare it with a number"),
    ("rule when requester attribute", 'when = "amount < 1000"', 'when = "requester.grade > 3"',
     "approval.rule[1]", "'requester.grade' is not known"),
    ("task when unknown name", 'when = "gpu == true or amount > 0"', 'when = "gpus == true"',
     "task setup", "when: 'gpus' is not a field"),
    ("rule without steps", 'steps = [{ approvers = ["manager"] }]', "", "approval.rule[1]",
     "missing required key 'steps'"),
    ("empty approvers", 'approvers = ["manager"]', "approvers = []", "approval.rule[1]",
     "'steps[1].approvers' must name at least one approver"),
    ("bad mode", 'mode = "any"', 'mode = "either"', "approval.rule[2]",
     "unknown approval mode 'either'"),
    ("quorum below one", "quorum = 1", "quorum = 0", "approval.rule[2]",
     "'steps[3].quorum' must be at least 1"),
    ("quorum above listed users", "quorum = 1", "quorum = 3", "approval.rule[2]",
     "'steps[3].quorum' 3 is more than the 2 approvers listed"),
    ("approver typo", '["manager"]', '["manger"]', "approval.rule[1]",
     "'manger' is not an approver reference", "did you mean 'manager'?"),
    ("approver manager:0", "manager:2", "manager:0", "approval.rule[2]",
     "number of levels after 'manager:' must be 1 or more"),
    ("approver empty role", "role:cfo", "role:", "approval.rule[2]",
     "steps[2].approvers: 'role:' needs an id: role:<id>"),
    ("approver unknown kind", "role:cfo", "team:cfo", "approval.rule[2]",
     "'team:cfo' is not an approver reference; use manager, manager:N, dept_head"),
    ("approver field not a user", "manager:2", "field:reason", "approval.rule[2]",
     "'field:reason' names field 'reason', which is text, not user"),
    ("approver field unknown", "manager:2", "field:buyr", "approval.rule[2]",
     "'field:buyr' names 'buyr', which is not a field", "did you mean 'buyer'?"),
    ("approver unknown role", "role:cfo", "role:cfoo", "approval.rule[2]",
     "steps[2].approvers: 'role:cfoo' names unknown role 'cfoo'", "did you mean 'cfo'?"),
    ("approver unknown user", "user:henry", "user:henri", "approval.rule[2]",
     "steps[3].approvers: 'user:henri' names unknown person 'henri'"),
    ("approver unknown group", "manager:2", "group:it-dsk", "approval.rule[2]",
     "unknown group 'it-dsk'", "did you mean 'it-desk'?"),
    ("depends on unknown task", 'depends_on = ["procure"]', 'depends_on = ["procur"]',
     "task setup", "'depends_on' names unknown task 'procur'", "did you mean 'procure'?"),
    ("depends on itself", 'depends_on = ["procure"]', 'depends_on = ["setup"]', "task setup",
     "'depends_on' names the task itself"),
    ("dependency cycle", 'group = "procurement"', 'group = "procurement"\ndepends_on = ["setup"]',
     "task procure", "makes a cycle: procure -> setup -> procure"),
    ("duplicate task", 'id = "setup"', 'id = "procure"', "task procure", "'id' is defined twice"),
    ("unknown task group", 'group = "it-desk"', 'group = "it-dsk"', "task setup",
     "'group' names unknown group 'it-dsk'", "did you mean 'it-desk'?"),
    ("missing task group", 'group = "it-desk"\n', "", "task setup",
     "missing required key 'group'"),
    ("unknown title placeholder", "采购 {model} 笔记本", "采购 {modle} 笔记本", "task procure",
     "title.zh: placeholder '{modle}' is not a field", "did you mean 'model'?"),
    ("unknown owner", 'owner = "group:it-desk"', 'owner = "group:it-dsk"', "service it.laptop",
     "service.owner: 'group:it-dsk' names unknown group 'it-dsk'"),
    ("owner not a name", 'owner = "group:it-desk"', 'owner = "manager"', "service it.laptop",
     "'service.owner' must be group:<id>, role:<id> or user:<id>, not 'manager'"),
    ("bad task duration", 'sla = "2bd"', 'sla = "2w"', "task procure",
     "'sla' is not a valid duration", "unknown unit 'w'"),
    ("fractional duration", 'resolution = "5bd"', 'resolution = "1.5h"', "service it.laptop",
     "'sla.resolution' is not a valid duration", "whole number"),
    ("zero duration", 'response = "4bh"', 'response = "0h"', "service it.laptop",
     "'sla.response' is not a valid duration", "more than zero"),
    ("unknown calendar", 'calendar = "cn-office"', 'calendar = "cn-ofice"', "service it.laptop",
     "'sla.calendar' names unknown calendar 'cn-ofice'", "did you mean 'cn-office'?"),
    ("bad priority", 'priority = "normal"', 'priority = "asap"', "service it.laptop",
     "unknown priority 'asap'", "one of: low, normal, high, urgent"),
    ("bad service id", 'id = "it.laptop"', 'id = "Laptop"', "service Laptop",
     "'service.id' must be dotted lowercase"),
    ("undotted service id", 'id = "it.laptop"', 'id = "laptop"', "service laptop",
     "'service.id' must be dotted lowercase"),
    ("confirm not a flag", "confirm_by_requester = true", 'confirm_by_requester = "yes"',
     "service it.laptop", "'completion.confirm_by_requester' must be true or false"),
    ("expedite without reasons", 'reasons = ["new-hire-start-date", "other"]', "reasons = []",
     "service it.laptop", "'exceptions.expedite.reasons' must list at least one reason"),
    ("expedite unknown key", "max_duration =", "max_duraton =", "service it.laptop",
     "unknown key 'exceptions.expedite.max_duraton'"),
    ("expedite unknown role", 'approver = "role:it-director"', 'approver = "role:it-boss"',
     "service it.laptop", "exceptions.expedite.approver: 'role:it-boss' names unknown role"),
    ("keywords not a list", 'keywords = ["笔记本", "laptop"]', 'keywords = "laptop"',
     "service it.laptop", "'service.keywords' must be a list of texts"),
]


@pytest.mark.parametrize(("name", "old", "new", "item", "words"),
                         [pytest.param(*c[:4], c[4:], id=c[0]) for c in CATALOG_CASES])
def test_a_broken_service_is_reported_by_file_item_and_message(
    tmp_path: Path, name: str, old: str, new: str, item: str, words: tuple[str, ...]
) -> None:
    files = write_bundle(tmp_path, service=broken(SERVICE, old, new))
    problems = files.check()
    assert_problem(problems, files.service, item, *words)
    assert len(problems) == 1 or name in MORE_THAN_ONE, "\n".join(map(str, problems))


def test_a_service_id_used_twice_names_both_files(tmp_path: Path) -> None:
    files = write_bundle(tmp_path)
    copy = files.catalog / "zz-copy.toml"
    copy.write_text(SERVICE, encoding="utf-8")
    assert_problem(files.check(), copy, "service it.laptop", "already used by",
                   str(files.service))


def test_an_empty_or_missing_catalog_folder_is_a_problem(tmp_path: Path) -> None:
    files = write_bundle(tmp_path)
    files.service.unlink()
    assert_problem(files.check(), files.catalog, "catalog", "no service files")
    missing = tmp_path / "nowhere"
    problems = check_bundle(missing, files.directory, files.calendars)
    assert_problem(problems, missing, "catalog", "does not exist")


def test_a_missing_directory_is_one_problem_not_many(tmp_path: Path) -> None:
    files = write_bundle(tmp_path)
    files.directory.unlink()
    problems = files.check()
    assert len(problems) == 1
    assert_problem(problems, files.directory, "file", "cannot be read")


def test_every_problem_of_a_file_is_reported_not_just_the_first(tmp_path: Path) -> None:
    service = SERVICE
    for old, new in [("max = 50000", "mx = 50000"), ('sla = "2bd"', 'sla = "2w"'),
                     ('["procure"]', '["procur"]'), ('"amount < 1000"', '"amont < 1000"')]:
        service = broken(service, old, new)
    files = write_bundle(tmp_path, service=service)
    items = {p.item for p in files.check()}
    assert items == {"field amount", "task procure", "task setup", "approval.rule[1]"}


# --- the directory ------------------------------------------------------------------------

DIRECTORY_CASES = [
    ("invalid toml", 'name = "王小丽"', 'name = 王小丽', "TOML", "invalid TOML", "line 3"),
    ("unknown key", 'locale = "zh"', 'lcoale = "zh"', "person alice", "unknown key 'lcoale'",
     "did you mean 'locale'?"),
    ("unknown top table", "[[dept]]", "[[department]]", "directory", "unknown key 'department'"),
    ("missing name", 'name = "王小丽"\n', "", "person alice", "missing required key 'name'"),
    ("missing name of a manager", 'name = "赵强"\n', "", "person bob",
     "missing required key 'name'"),
    ("missing dept head", 'head = "erin"\n', "", "dept IT", "missing required key 'head'"),
    ("level not a number", "level = 3", 'level = "three"', "person alice",
     "'level' must be a whole number"),
    ("duplicate person", 'id = "bob"', 'id = "alice"', "person alice", "'id' is defined twice"),
    ("unknown manager", 'manager = "bob"', 'manager = "bobb"', "person alice",
     "'manager' names unknown person 'bobb'", "did you mean 'bob'?"),
    ("manager cycle", 'name = "孙伟"', 'name = "孙伟"\nmanager = "alice"', "person alice",
     "managers form a cycle: alice -> bob -> frank -> alice"),
    ("own manager", 'name = "孙伟"', 'name = "孙伟"\nmanager = "frank"', "person frank",
     "managers form a cycle: frank -> frank"),
    ("unknown person role", 'roles = ["it-director"]', 'roles = ["it-directr"]', "person erin",
     "'roles' names unknown role 'it-directr'"),
    ("unknown person dept", 'dept = "IT"', 'dept = "ITT"', "person carol",
     "'dept' names unknown dept 'ITT'"),
    ("unknown group member", 'members = ["carol", "erin"]', 'members = ["carol", "erinn"]',
     "group it-desk", "'members' names unknown person 'erinn'"),
    ("unknown group lead", 'lead = "carol"', 'lead = "karol"', "group it-desk",
     "'lead' names unknown person 'karol'"),
    ("group without name", 'name = { zh = "采购组", en = "Procurement" }\n', "",
     "group procurement", "missing required key 'name'"),
    ("unknown chat channel", 'chat = { slack = "C01ITDESK" }', 'chat = { teams = "x" }',
     "group it-desk", "unknown key 'chat.teams'"),
    ("unknown role member", 'members = ["henry"]\n\n[[dept]]', 'members = ["henri"]\n\n[[dept]]',
     "role cfo", "'members' names unknown person 'henri'"),
    ("unknown dept head", 'head = "erin"', 'head = "erik"', "dept IT",
     "'head' names unknown person 'erik'"),
    ("unknown delegator", 'from = "bob"', 'from = "bobby"', "delegation[1]",
     "'from' names unknown person 'bobby'"),
    ("unknown delegate", 'to = "carol"', 'to = "caro"', "delegation[1]",
     "'to' names unknown person 'caro'"),
    ("delegation ends before it starts", 'end = "2027-01-09"', 'end = "2027-01-01"',
     "delegation[1]", "'end' (2027-01-01) is before 'start' (2027-01-05)"),
    ("delegation bad date", 'start = "2027-01-05"', 'start = "next monday"', "delegation[1]",
     "'start' must be a date written YYYY-MM-DD"),
    ("bad locale", 'locale = "en"', 'locale = "fr"', "person carol", "unknown locale 'fr'"),
    ("unknown timezone", 'timezone = "Europe/London"', 'timezone = "Mars/Olympus"',
     "person carol", "unknown time zone 'Mars/Olympus'"),
]


@pytest.mark.parametrize(("name", "old", "new", "item", "words"),
                         [pytest.param(*c[:4], c[4:], id=c[0]) for c in DIRECTORY_CASES])
def test_a_broken_directory_is_reported_by_item_and_message(
    tmp_path: Path, name: str, old: str, new: str, item: str, words: tuple[str, ...]
) -> None:
    files = write_bundle(tmp_path, directory=broken(DIRECTORY, old, new))
    problems = files.check()
    assert_problem(problems, files.directory, item, *words)
    assert len(problems) == 1 or name in MORE_THAN_ONE, "\n".join(map(str, problems))


def test_a_native_toml_date_is_a_date_too(tmp_path: Path) -> None:
    files = write_bundle(tmp_path, directory=broken(DIRECTORY, 'start = "2027-01-05"',
                                                    "start = 2027-01-05"))
    assert files.check() == []


# --- the calendars ------------------------------------------------------------------------

CALENDAR_CASES = [
    ("invalid toml", 'id = "cn-office"', 'id = "cn-office', "TOML", "invalid TOML", "line 2"),
    ("unknown key", "holidays =", "holiday =", "calendar cn-office", "unknown key 'holiday'",
     "did you mean 'holidays'?"),
    ("unknown timezone", 'timezone = "Asia/Shanghai"', 'timezone = "Asia/Beijing"',
     "calendar cn-office", "unknown time zone 'Asia/Beijing'"),
    ("missing timezone", 'timezone = "Asia/Shanghai"\n', "", "calendar cn-office",
     "missing required key 'timezone'"),
    ("hours not HH:MM", '"09:00-12:00"', '"9-12"', "calendar cn-office",
     "period '9-12' is not written \"HH:MM-HH:MM\""),
    ("hours not a time", '"09:00-12:00"', '"09:00-25:00"', "calendar cn-office",
     "period '09:00-25:00' is not written"),
    ("end before start", '"13:30-18:00"', '"18:00-13:30"', "calendar cn-office",
     "period '18:00-13:30' ends before it starts"),
    ("empty period", '"13:30-18:00"', '"13:30-13:30"', "calendar cn-office",
     "ends before it starts"),
    ("overlapping periods", '"13:30-18:00"', '"11:00-18:00"', "calendar cn-office",
     "period '11:00-18:00' overlaps or comes before '09:00-12:00'"),
    ("unordered periods", '["09:00-12:00", "13:30-18:00"]', '["13:30-18:00", "09:00-12:00"]',
     "calendar cn-office", "period '09:00-12:00' overlaps or comes before '13:30-18:00'"),
    ("unknown weekday", '"mon"', '"monday"', "calendar cn-office", "unknown day 'monday'",
     "did you mean 'mon'?"),
    ("bad holiday", '"2026-10-02"', '"2026-02-30"', "calendar cn-office",
     "'holidays[2]' must be a date written YYYY-MM-DD, not the text '2026-02-30'"),
    ("bad workday", '"2026-10-10"', '"10/10/2026"', "calendar cn-office",
     "'workdays[1]' must be a date"),
    ("holiday and workday", 'workdays = ["2026-10-10"]', 'workdays = ["2026-10-01"]',
     "calendar cn-office", "lists 2026-10-01 as both a holiday and a workday"),
    ("duplicate calendar", 'workdays = ["2026-10-10"]',
     'workdays = ["2026-10-10"]\n\n[[calendar]]\nid = "cn-office"\ntimezone = "UTC"\n'
     'hours = ["09:00-17:00"]', "calendar cn-office", "'id' is defined twice"),
]


@pytest.mark.parametrize(("name", "old", "new", "item", "words"),
                         [pytest.param(*c[:4], c[4:], id=c[0]) for c in CALENDAR_CASES])
def test_a_broken_calendar_is_reported_by_item_and_message(
    tmp_path: Path, name: str, old: str, new: str, item: str, words: tuple[str, ...]
) -> None:
    files = write_bundle(tmp_path, calendars=broken(CALENDARS, old, new))
    problems = files.check()
    assert_problem(problems, files.calendars, item, *words)
    assert len(problems) == 1 or name in MORE_THAN_ONE, "\n".join(map(str, problems))


def test_odd_time_zone_names_are_problems_not_crashes(tmp_path: Path) -> None:
    for name in ("America", "a" * 300, "../etc/passwd", ""):
        calendars = broken(CALENDARS, '"Asia/Shanghai"', f"{name!r}")
        files = write_bundle(tmp_path, calendars=calendars)
        assert [p.item for p in files.check()] in (["calendar cn-office"],
                                                   ["calendar cn-office"] * 2)


# --- whatever the files say, the loader reports problems and never crashes ----------------

ODD_VALUES = ['"x"', '""', "0", "-3", "1.5", "true", "[]", '["a", "b"]', "[1, 2]", "{}",
              "{ a = 1 }", "2026-01-01", '[{ value = 1 }]', '"manager:x"', '"1 < "', '"{}"']
FIXTURES = {"service": SERVICE, "directory": DIRECTORY, "calendars": CALENDARS}


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(sorted(FIXTURES)), st.data())
def test_any_value_in_any_place_is_a_problem_not_a_crash(tmp_path: Path, which: str,
                                                         data: st.DataObject) -> None:
    lines = FIXTURES[which].splitlines()
    keyed = [n for n, line in enumerate(lines) if " = " in line]
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        n = data.draw(st.sampled_from(keyed))
        key = lines[n].split(" = ", 1)[0]
        lines[n] = f"{key} = {data.draw(st.sampled_from(ODD_VALUES))}"
    files = write_bundle(tmp_path, **{which: "\n".join(lines) + "\n"})
    problems = files.check()
    assert all(isinstance(p, Problem) and p.message for p in problems)
