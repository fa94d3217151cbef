"""Colleagues by directory id (carol, @carol), Slack mention (<@U01ALICE>) or name (王小丽)."""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

from dialogs.parsing.result import Invalid, Parsed, Reason, invalid, listing
from dialogs.parsing.text import SHORT_ANSWER_MAX, clean, has_cjk
from org.model import Directory, Person

NAME_MATCH_MIN = 90  # fuzz.WRatio to accept a Latin name with a typo, if it is the only one
SUGGEST_MIN = 50  # close enough to be offered as "did you mean"
_SLACK_MENTION = re.compile(r"<@(?P<id>[A-Z0-9]+)(?:\|[^>]*)?>")
_ID_LIKE = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")


def user_reason() -> Invalid:
    return invalid("parse.user.type_a_name")


def parse_user(text: str, directory: Directory | None) -> Parsed | Invalid:
    raw = clean(text)
    mention = _SLACK_MENTION.fullmatch(raw)
    if mention and directory is not None:
        person = directory.find_by_identity("slack", mention["id"])
        return Parsed(person.id) if person else user_reason()
    s = raw.lstrip("@").strip().casefold()
    if not s or len(s) > SHORT_ANSWER_MAX:
        return user_reason()
    if directory is None:  # nobody to check against: accept what looks like an id
        return Parsed(s) if _ID_LIKE.fullmatch(s) else user_reason()
    return _find_person(s, directory)


def _find_person(s: str, directory: Directory) -> Parsed | Invalid:
    people = list(directory.persons.values())
    for person in people:
        if s in (person.id.casefold(), person.name.casefold()):
            return Parsed(person.id)
    if has_cjk(s) and len(s) >= 2:
        holders = [p for p in people if s in p.name]
        if len(holders) == 1:  # 小丽 -> 王小丽
            return Parsed(holders[0].id)
    names = {p.id: p.name.casefold() for p in people}
    ranked = process.extract(s, names, scorer=fuzz.WRatio, limit=3, score_cutoff=SUGGEST_MIN)
    confident = [r for r in ranked if r[1] >= NAME_MATCH_MIN]
    if len(confident) == 1 and not has_cjk(s):
        return Parsed(str(confident[0][2]))
    return _unknown(s, [directory.persons[str(r[2])] for r in ranked])


def _unknown(s: str, close: list[Person]) -> Invalid:
    if not close:
        return invalid("parse.user.not_found", text=s)
    names = listing([Reason("parse.user.name_with_id", (("name", p.name), ("id", p.id)))
                     for p in close])
    return invalid("parse.user.did_you_mean", text=s, names=names)
