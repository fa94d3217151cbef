"""Intent matching over a large synthetic catalog, in Chinese and English.

5,000 services are made from 10 offices x 50 things x 10 actions (笔记本 / laptop, 报修 /
repair, 上海 / Shanghai ...), each with both names and keywords like a real package's. The
1,000 queries are what people type: Chinese and English sentences with amounts, a few typos,
some naming only the thing, and some that match nothing. Each ``Matcher.match`` is timed on
its own; ``intake`` also times the "did you mean" search the bot runs when nothing is found.
"""

from __future__ import annotations

import random
import statistics
import time
from collections import Counter
from typing import Any

from chat.locale import I18n
from dialogs.matching import Matcher
from dialogs.model import Catalog, Service

OFFICES = [("北京", "Beijing"), ("上海", "Shanghai"), ("深圳", "Shenzhen"), ("杭州", "Hangzhou"),
           ("成都", "Chengdu"), ("广州", "Guangzhou"), ("武汉", "Wuhan"), ("西安", "Xian"),
           ("南京", "Nanjing"), ("苏州", "Suzhou")]
THINGS = [
    ("笔记本", "laptop"), ("显示器", "monitor"), ("键盘", "keyboard"), ("鼠标", "mouse"),
    ("耳机", "headset"), ("手机", "phone"), ("门禁卡", "access card"), ("工牌", "badge"),
    ("会议室", "meeting room"), ("停车位", "parking space"), ("打印机", "printer"),
    ("投影仪", "projector"), ("服务器", "server"), ("数据库", "database"),
    ("测试环境", "test environment"),
    ("代码仓库", "code repository"), ("邮箱", "mailbox"), ("VPN", "VPN"), ("密码", "password"),
    ("软件许可", "software license"), ("云主机", "cloud instance"), ("域名", "domain name"),
    ("证书", "certificate"), ("名片", "business card"), ("文具", "stationery"), ("快递", "courier"),
    ("差旅", "business trip"), ("机票", "flight"), ("酒店", "hotel"), ("报销单", "expense claim"),
    ("发票", "invoice"), ("合同", "contract"), ("印章", "company seal"), ("付款", "payment"),
    ("预算", "budget"), ("采购单", "purchase order"), ("供应商", "supplier"), ("培训", "training"),
    ("体检", "health check"), ("在职证明", "employment certificate"),
    ("收入证明", "income certificate"), ("社保", "social insurance"), ("公积金", "housing fund"),
    ("年假", "annual leave"), ("加班", "overtime"), ("入职", "onboarding"), ("离职", "offboarding"),
    ("工位", "desk"), ("储物柜", "locker"), ("班车", "shuttle bus"),
]
ACTIONS = [("申请", "request"), ("报修", "repair"), ("变更", "change"), ("注销", "cancel"),
           ("续期", "renewal"), ("预订", "booking"), ("领用", "pickup"), ("退还", "return"),
           ("开通", "activation"), ("查询", "inquiry")]
NOTHING = ["今天天气怎么样", "你好呀", "what time is the all-hands", "午饭吃什么",
           "tell me a joke", "周末有什么安排"]


def catalog() -> Catalog:
    services: dict[str, Service] = {}
    for o, (office_zh, office_en) in enumerate(OFFICES):
        for t, (thing_zh, thing_en) in enumerate(THINGS):
            for a, (act_zh, act_en) in enumerate(ACTIONS):
                service_id = f"s{o:02d}.{t:02d}.{a:02d}"
                services[service_id] = Service(
                    id=service_id,
                    name=I18n(f"{office_zh}{thing_zh}{act_zh}",
                              f"{office_en} {thing_en} {act_en}"),
                    description=I18n(f"{office_zh}办公室的{thing_zh}{act_zh}",
                                     f"{thing_en} {act_en} at the {office_en} office"),
                    department=f"D{t % 7}", keywords=(thing_zh, thing_en, f"{thing_zh}{act_zh}"),
                    owner="group:it-desk", priority="normal", fields=())
    return Catalog(services)


def queries(count: int, seed: int = 10) -> list[str]:
    rng = random.Random(seed)
    made = []
    for _ in range(count):
        office, thing, action = rng.choice(OFFICES), rng.choice(THINGS), rng.choice(ACTIONS)
        kind = rng.random()
        if kind < 0.4:
            made.append(f"我要{action[0]}{office[0]}的{thing[0]}，预算{rng.randint(1, 90)}00元")
        elif kind < 0.75:
            made.append(f"I need a {thing[1]} {action[1]} in {office[1]} please")
        elif kind < 0.85:
            made.append(f"{thing[1]} {action[1]}".replace("e", "", 1))  # a typo
        elif kind < 0.95:
            made.append(f"{thing[0]}{action[0]}")
        else:
            made.append(rng.choice(NOTHING))
    return made


def run(services: int, count: int) -> dict[str, Any]:
    full = catalog()
    chosen = dict(list(full.services.items())[:services])
    started = time.perf_counter()
    matcher = Matcher(Catalog(chosen))
    build = time.perf_counter() - started
    asked = queries(count)
    for text in asked[:20]:  # warm caches, as a running bot would have
        matcher.match(text)
    times, intake, kinds = [], [], Counter[str]()
    for text in asked:
        started = time.perf_counter()
        result = matcher.match(text)
        matched = time.perf_counter() - started
        if result.kind == "none":
            matcher.suggest(text)
        intake.append(time.perf_counter() - started)
        times.append(matched)
        kinds[result.kind] += 1
    return {"services": len(chosen), "queries": count, "build_seconds": round(build, 2),
            "p50_ms": _ms(statistics.median(times)), "p95_ms": _ms(percentile(times, 95)),
            "p99_ms": _ms(percentile(times, 99)), "intake_p99_ms": _ms(percentile(intake, 99)),
            "throughput": round(count / sum(times), 1), **{k: kinds[k] for k in sorted(kinds)}}


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), -(-len(ordered) * pct // 100)))
    return ordered[int(rank) - 1]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)
