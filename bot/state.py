"""What a conversation is waiting for, as typed values, and their ``dialog_state`` row.

``FormState``: a dialog filling a service. ``ChooseState``: we asked "did you mean A or B?" and
keep the sentence for prefill. ``PromptState``: we asked one free-text question (a reason, a new
holder); it may have interrupted a form, which it resumes afterwards. ``DoneState``: a form was
submitted; kept for a while so a second Submit click is recognised. ``SwitchState``: a new
request came while a form was open; we asked which one to go on with.

A row is JSON with ``"v": 1`` and ``"kind"``. Rows written before the version existed (no
``"v"``) have the same keys and load the same way; a row that fits no kind loads as no state.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from dialogs.engine import DialogState

ROW_VERSION = 1


@dataclass(frozen=True)
class FormState:
    dialog: DialogState
    resubmits: int = 0  # the rejected request this form files again (重新提交), if any
    # someone else's question that was waiting when the form opened; it waits again once the
    # form is submitted or cancelled
    after: PromptState | None = None

    def to_row(self) -> dict[str, Any]:
        row = {"v": ROW_VERSION, "kind": "form", **self.dialog.to_json()}
        row |= {"resubmits": self.resubmits} if self.resubmits else {}
        return row | ({"after": self.after.to_row()} if self.after is not None else {})

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> FormState:
        resubmits = row.get("resubmits")
        after = row.get("after")
        return cls(DialogState.from_json(row),
                   resubmits if isinstance(resubmits, int) and resubmits > 0 else 0,
                   PromptState.from_row(after) if isinstance(after, Mapping) else None)


@dataclass(frozen=True)
class ChooseState:
    text: str
    options: tuple[str, ...]

    def to_row(self) -> dict[str, Any]:
        return {"v": ROW_VERSION, "kind": "choose", "text": self.text,
                "options": list(self.options)}

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> ChooseState:
        return cls(str(row.get("text", "")), tuple(str(o) for o in row.get("options") or ()))


@dataclass(frozen=True)
class PromptState:
    """One question; ``purpose`` names the feature's prompt that takes the answer."""

    purpose: str
    request: int = 0
    task: int = 0
    step: int = 0
    seat: str = ""
    resume: FormState | None = None  # the form the question interrupted
    note: str = ""  # what the person already said (the reason, while we ask which task)

    def to_row(self) -> dict[str, Any]:
        row: dict[str, Any] = {"v": ROW_VERSION, "kind": "prompt", "purpose": self.purpose}
        row |= {name: value for name, value in (("request", self.request), ("task", self.task),
                                                ("step", self.step), ("seat", self.seat),
                                                ("note", self.note))
                if value}
        if self.resume is not None:
            row["resume"] = self.resume.to_row()
        return row

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> PromptState:
        resume = row.get("resume")
        return cls(purpose=str(row["purpose"]), request=int(row.get("request") or 0),
                   task=int(row.get("task") or 0), step=int(row.get("step") or 0),
                   seat=str(row.get("seat") or ""), note=str(row.get("note") or ""),
                   resume=FormState.from_row(resume) if isinstance(resume, Mapping) else None)


@dataclass(frozen=True)
class DoneState:
    instance: str
    request: int

    def to_row(self) -> dict[str, Any]:
        return {"v": ROW_VERSION, "kind": "done", "instance": self.instance,
                "request": self.request}

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> DoneState:
        return cls(str(row["instance"]), int(row.get("request") or 0))


@dataclass(frozen=True)
class SwitchState:
    """A new request came while ``form`` was open: we asked "continue it, or start
    ``service``?" and keep the sentence (``text``) to prefill the new form."""

    form: FormState
    service: str
    text: str

    def to_row(self) -> dict[str, Any]:
        return {"v": ROW_VERSION, "kind": "switch", "form": self.form.to_row(),
                "service": self.service, "text": self.text}

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> SwitchState:
        return cls(FormState.from_row(row["form"]), str(row["service"]), str(row.get("text", "")))


ConversationState = FormState | ChooseState | PromptState | DoneState | SwitchState

_KINDS: dict[str, Callable[[Mapping[str, Any]], ConversationState]] = {
    "form": FormState.from_row, "choose": ChooseState.from_row, "prompt": PromptState.from_row,
    "done": DoneState.from_row, "switch": SwitchState.from_row,
}


def state_from_row(row: Mapping[str, Any]) -> ConversationState | None:
    """The state a row holds; None for an unknown version or kind, or a garbled row."""
    load = _KINDS.get(str(row.get("kind")))
    if load is None or row.get("v", ROW_VERSION) != ROW_VERSION:
        return None
    try:
        return load(row)
    except (KeyError, TypeError, ValueError):
        return None
