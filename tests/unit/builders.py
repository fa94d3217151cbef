"""Small builders for catalog values in tests (no TOML, no loader)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from chat.locale import I18n
from dialogs.model import Catalog, FieldDef, Option, Service
from org.model import Directory, Person


def field(fid: str, ftype: str, zh: str = "", en: str = "", **extra: Any) -> FieldDef:
    """A field whose label is its question without the question mark."""
    zh, en = zh or fid, en or fid
    label = I18n(zh.rstrip("？?吗"), en.rstrip("?"))
    return FieldDef(id=fid, type=ftype, ask=I18n(zh, en), label=label, **extra)  # type: ignore[arg-type]


def options(*items: tuple[str, str, str]) -> tuple[Option, ...]:
    return tuple(Option(value, I18n(zh, en)) for value, zh, en in items)


def service(sid: str, zh: str, en: str, keywords: tuple[str, ...] = (),
            fields: tuple[FieldDef, ...] = (), department: str = "IT") -> Service:
    return Service(id=sid, name=I18n(zh, en), description=I18n("", ""), department=department,
                   keywords=keywords, owner="group:desk", priority="normal", fields=fields)


def money(fid: str = "amount", zh: str = "金额多少元？", en: str = "Amount in CNY?",
          low: int | None = 1, high: int | None = 50_000) -> FieldDef:
    return field(fid, "money", zh, en,
                 min=None if low is None else Decimal(low),
                 max=None if high is None else Decimal(high))


LAPTOP = service("it.laptop", "笔记本电脑申请", "Laptop request",
                 ("电脑", "笔记本", "换电脑", "laptop", "notebook", "macbook"), (
    field("model", "choice", "需要哪种型号？", "Which model?",
          options=options(("std", "标准办公本", "Standard"), ("pro", "高性能本", "Performance"))),
    money("amount", "预算多少元？", "Budget in CNY?"),
    field("gpu", "bool", "需要独立显卡吗？", "Do you need a discrete GPU?"),
    field("reason", "text", "申请原因？", "Why do you need it?", min_length=4),
))
EXPENSE = service("fin.expense", "费用报销", "Expense reimbursement",
                  ("报销", "差旅费报销", "reimbursement", "expense claim", "expense",
                   "reimburse"), (
    field("category", "choice", "费用类别？", "Which category?", options=options(
        ("travel", "差旅费", "Travel"),
        ("meals", "餐费/招待费", "Meals / entertainment"),
        ("office", "办公用品", "Office supplies"),
    )),
    money("amount", "报销金额多少元？", "Amount to claim in CNY?"),
    field("spent_on", "date", "消费日期？", "When was it spent?"),
    field("description", "text", "费用说明？", "What was it for?"),
), department="Finance")
TRAVEL = service("hr.travel", "出差申请", "Business travel",
                 ("出差", "差旅", "business trip", "travel", "trip"), (
    field("destination", "text", "去哪里？", "Where to?"),
    field("depart", "date", "出发日期？", "Departure date?"),
    field("return_on", "date", "返回日期？", "Return date?"),
    field("days", "number", "出差几天？", "How many days?", min=Decimal(1), max=Decimal(60)),
    money("budget", "预算多少元？", "Budget in CNY?"),
), department="HR")
ACCESS = service("it.access", "系统权限申请", "System access",
                 ("权限", "开通权限", "vpn", "账号", "access", "permission", "account"))
PASSWORD = service("it.password", "密码重置", "Password reset",
                   ("重置密码", "忘记密码", "改密码", "password", "reset password", "locked out"))
ONBOARDING = service("hr.onboarding", "新员工入职", "New employee onboarding",
                     ("入职", "新人入职", "onboarding", "new hire"), department="HR")
CERTIFICATE = service("hr.certificate", "在职证明", "Employment certificate",
                      ("在职证明", "工作证明", "收入证明", "employment certificate",
                       "employment letter", "certificate"), department="HR")
MEETING_ROOM = service("admin.room", "会议室预订", "Meeting room booking",
                       ("会议室", "订会议室", "meeting room", "book a room"), department="Admin")
SUPPLIES = service("admin.supplies", "办公用品领用", "Office supplies",
                   ("办公用品", "文具", "领用", "stationery", "office supplies", "supplies"),
                   department="Admin")
BADGE = service("admin.badge", "工牌办理", "Badge request",
                ("工牌", "门禁卡", "胸卡", "badge", "access card", "id card"), department="Admin")
PURCHASE = service("fin.purchase", "采购申请", "Purchase request",
                   ("采购", "购买", "买东西", "purchase", "procurement", "buy"), (
    field("item", "text", "买什么？", "What to buy?"),
    field("quantity", "number", "需要几个？", "How many units?", min=Decimal(1)),
    money("amount", "预算多少元？", "Budget in CNY?", high=1_000_000),
), department="Finance")

SERVICES = (LAPTOP, EXPENSE, TRAVEL, ACCESS, PASSWORD, ONBOARDING, CERTIFICATE, MEETING_ROOM,
            SUPPLIES, BADGE, PURCHASE)


def catalog(*services: Service) -> Catalog:
    return Catalog({s.id: s for s in services or SERVICES})


def directory(*people: Person) -> Directory:
    people = people or (
        Person("alice", "王小丽", slack="U01ALICE"), Person("bob", "李强"),
        Person("carol", "Carol Chen"), Person("dave", "张伟"), Person("erin", "张伟华"),
        Person("frank", "Frank Li"),
    )
    return Directory(persons={p.id: p for p in people}, groups={}, roles={}, depts={})
