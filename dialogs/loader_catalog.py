"""Reading service packages: one TOML file per service, anywhere under the catalog folder."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, Literal, cast

from chat.locale import I18n
from dialogs.loader_checks import read_checks
from dialogs.loader_exceptions import read_exceptions
from dialogs.loader_fields import read_fields
from dialogs.loader_flow import read_approval, read_tasks
from dialogs.loader_refs import OWNER_KINDS, parse_reference
from dialogs.model import CompletionDef, PolicyDef, Service, SlaDef
from org.model import Problem
from org.toml_tables import Report, Table, parse_toml, read_bytes

SERVICE_ID = re.compile(r"[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)+")
TOP_KEYS = ("service", "field", "approval", "task", "sla", "completion", "exceptions",
            "policies", "check")
SERVICE_KEYS = ("id", "name", "description", "department", "keywords", "owner", "priority")
SLA_KEYS = ("response", "resolution", "calendar")
COMPLETION_KEYS = ("confirm_by_requester", "confirm_timeout")
POLICY_KEYS = ("approval_reminder", "approval_escalation", "task_reminder_before",
               "task_escalation_after")
PRIORITIES = ("low", "normal", "high", "urgent")
Priority = Literal["low", "normal", "high", "urgent"]
_NO_TEXT = I18n("", "")


def service_files(folder: Path) -> list[Path]:
    """Every ``*.toml`` under ``folder`` (recursively), sorted; a file is taken as it is."""
    if folder.is_file():
        return [folder]
    return sorted(p for p in folder.rglob("*.toml") if p.is_file())


def read_catalog_folder(folder: Path, problems: list[Problem]) -> list[Service]:
    """The services of every file under ``folder``, each read as far as it goes."""
    if not folder.exists():
        problems.append(Problem(str(folder), "catalog", "the catalog folder does not exist"))
        return []
    files = service_files(folder)
    if not files:
        problems.append(Problem(str(folder), "catalog", "no service files (*.toml) found"))
    services = (read_service(path, problems) for path in files)
    return [service for service in services if service is not None]


def read_service(path: Path, problems: list[Problem]) -> Service | None:
    """The service in ``path``, read as far as it goes; None when the file is not TOML."""
    report = Report(path, problems)
    raw = read_bytes(path, report)
    data = None if raw is None else parse_toml(raw, report)
    if raw is None or data is None:
        return None
    top = Table(data, report, _item(data), TOP_KEYS)
    head = _read_head(top)
    fields = read_fields(top)
    sla = _read_sla(top)
    return Service(
        **head,
        fields=fields.definitions(),
        approval_rules=read_approval(top, fields),
        tasks=read_tasks(top, fields),
        sla=sla,
        completion=_read_completion(top),
        exceptions=read_exceptions(top, sla),
        policies=_read_policies(top),
        checks=read_checks(top, fields),
        version=hashlib.sha256(raw).hexdigest()[:16],
        source=str(path),
    )


def _item(data: dict[str, Any]) -> str:
    head = data.get("service")
    sid = head.get("id") if isinstance(head, dict) else None
    return f"service {sid}" if isinstance(sid, str) and sid.strip() else "service"


def _read_head(top: Table) -> dict[str, Any]:
    head = top.table("service", SERVICE_KEYS, required=True)
    if head is None:
        return {"id": "", "name": _NO_TEXT, "description": _NO_TEXT, "department": "",
                "keywords": (), "owner": "", "priority": "normal"}
    sid = head.text("id", required=True) or ""
    if sid and not SERVICE_ID.fullmatch(sid):
        head.problem("must be dotted lowercase like 'it.laptop' (letters, digits, '_', '-')",
                     "id")
    owner = head.text("owner", required=True) or ""
    if owner:
        _check_owner(head, owner)
    priority = head.choice("priority", PRIORITIES, what="priority") or "normal"
    return {
        "id": sid,
        "name": head.i18n("name", required=True) or _NO_TEXT,
        "description": head.i18n("description") or _NO_TEXT,
        "department": head.text("department", required=True) or "",
        "keywords": head.texts("keywords") or (),
        "owner": owner,
        "priority": cast(Priority, priority),
    }


def _check_owner(head: Table, owner: str) -> None:
    try:
        kind = parse_reference(owner).kind
    except ValueError:
        kind = ""
    if kind not in OWNER_KINDS:
        head.problem(f"must be group:<id>, role:<id> or user:<id>, not {owner!r}", "owner")


def _read_sla(top: Table) -> SlaDef:
    sla = top.table("sla", SLA_KEYS)
    if sla is None:
        return SlaDef()
    return SlaDef(sla.duration("response"), sla.duration("resolution"), sla.text("calendar"))


def _read_completion(top: Table) -> CompletionDef:
    completion = top.table("completion", COMPLETION_KEYS)
    if completion is None:
        return CompletionDef()
    return CompletionDef(completion.flag("confirm_by_requester", False),
                         completion.duration("confirm_timeout"))


def _read_policies(top: Table) -> PolicyDef:
    policies = top.table("policies", POLICY_KEYS)
    if policies is None:
        return PolicyDef()
    return PolicyDef(*(policies.duration(key) for key in POLICY_KEYS))
