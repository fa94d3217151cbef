"""The tables. Alembic migrations in ``store/migrations`` own the schema; these map it.

Every datetime is aware UTC (``UtcDateTime``); JSON columns hold plain dicts. A new table for a
later feature is a new model here plus a new revision in ``store/migrations/versions``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.types import JsonDocument, JsonVerbatim, UtcDateTime

metadata = SQLModel.metadata

REQUEST_STATUSES = (
    "submitted", "pending_approval", "rejected", "in_progress", "resolved", "closed", "withdrawn",
    "returned",  # sent back to the requester with a question, its approval step still open
)
OUTBOX_STATES = ("pending", "sending", "sent", "dead")
STEP_STATES = ("waiting", "pending", "approved", "rejected", "cancelled")
TASK_STATES = ("blocked", "ready", "claimed", "waiting_info", "done", "skipped", "cancelled")
SEAT_STATES = ("waiting", "pending", "approved", "rejected", "retired", "handed_over")
TIMER_STATES = ("pending", "claimed", "done", "cancelled", "dead")


def _utc(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UtcDateTime(), nullable=nullable, index=index))


def _json(*, nullable: bool = False, verbatim: bool = False) -> Any:
    kind = JsonVerbatim if verbatim else JsonDocument
    return Field(default=None, sa_column=Column(kind, nullable=nullable))


class RequestRow(SQLModel, table=True):
    """A service request, shown to people as ``REQ-<id>``."""

    __tablename__ = "request"
    __table_args__ = (
        Index("ix_request_requester_created_at", "requester", "created_at"),
        Index("ix_request_status", "status"),
        {"sqlite_autoincrement": True},  # never reuse a request number
    )

    id: int | None = Field(default=None, primary_key=True)
    service_id: str
    service_version: str
    requester: str
    title: str
    status: str = "submitted"
    status_reason: str | None = None
    answers: dict[str, Any] = _json()
    locale: str
    origin: dict[str, Any] = _json()
    created_at: datetime = _utc()
    updated_at: datetime = _utc()
    closed_at: datetime | None = _utc(nullable=True)


class DialogStateRow(SQLModel, table=True):
    """What one conversation is in the middle of, keyed by ``ConversationKey.lock_id``."""

    __tablename__ = "dialog_state"

    lock_id: str = Field(primary_key=True)
    person: str
    channel: str
    state: dict[str, Any] = _json()
    version: int = 1
    updated_at: datetime = _utc()
    expires_at: datetime = _utc(index=True)


class InboundEventRow(SQLModel, table=True):
    """A platform event taken in: the inbox row written before the platform is answered, and
    the dedupe of its redeliveries (``store.inbox``).

    ``payload`` is the neutral event (``store.inbox.event_to_dict``), ``processed_at`` is set in
    the turn's own transaction; an unprocessed row past a grace is claimed under a lease
    (``lease_owner``, ``lease_until``) by whichever process recovers it. Rows from before the
    inbox (revision 0008) have no payload and count as processed.
    """

    __tablename__ = "inbound_event"
    __table_args__ = (
        Index("ix_inbound_event_processed_at_received_at", "processed_at", "received_at"),
    )

    channel: str = Field(primary_key=True)
    event_id: str = Field(primary_key=True)
    received_at: datetime = _utc(index=True)
    lock_id: str | None = None
    payload: dict[str, Any] | None = _json(nullable=True)
    processed_at: datetime | None = _utc(nullable=True)
    lease_owner: str | None = None
    lease_until: datetime | None = _utc(nullable=True)
    attempts: int = 0


class SeenSignatureRow(SQLModel, table=True):
    """A callback signature (DingTalk's timestamp/sign pair, WeCom's nonce) already used, the
    digest of the body it came with, and until when it is remembered (replay guard)."""

    __tablename__ = "seen_signature"

    channel: str = Field(primary_key=True)
    nonce: str = Field(primary_key=True)
    digest: str
    expires_at: datetime = _utc(index=True)


class ReloadGenerationRow(SQLModel, table=True):
    """One row (``id`` 1): how many times a reload of the catalog, directory and calendars was
    asked for (``esmbot reload``, SIGHUP). Each replica re-reads its files when its own is older."""

    __tablename__ = "reload_generation"

    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    generation: int
    requested_at: datetime = _utc()
    requested_by: str


class OutboxRow(SQLModel, table=True):
    """A message to send (or a card to update) once the turn that queued it has committed."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_state_next_attempt_at", "state", "next_attempt_at"),
        Index("ix_outbox_recipient_key_state", "recipient_key", "state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = _utc()
    channel: str
    recipient: dict[str, Any] = _json()
    recipient_key: str  # one string per recipient conversation: rows to it go out in id order
    message: dict[str, Any] = _json()
    kind: str = "send"
    target_ref: dict[str, Any] | None = _json(nullable=True)
    correlation: str | None = Field(default=None, index=True)
    state: str = "pending"
    attempts: int = 0
    next_attempt_at: datetime = _utc()
    lease_owner: str | None = None
    lease_until: datetime | None = _utc(nullable=True)
    last_error: str | None = None
    sent_ref: dict[str, Any] | None = _json(nullable=True)
    sent_at: datetime | None = _utc(nullable=True)
    attempted_at: datetime | None = _utc(nullable=True)  # last handed to a sender (0009)
    retry_since: datetime | None = _utc(nullable=True)  # the current retry window opened


class AuditEventRow(SQLModel, table=True):
    """One link of the append-only, hash-chained audit trail. ``seq`` has no gaps."""

    __tablename__ = "audit_event"

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    at: datetime = _utc()
    actor: str
    on_behalf_of: str | None = None
    action: str
    subject: str = Field(index=True)
    data: dict[str, Any] = _json(verbatim=True)
    prev_hash: str
    hash: str
    # Where the action came from: {"channel", "event_id", "user"} (the platform's event id and
    # user id behind ``actor``), or {"channel": "timer" | "cli", ...}; None on older rows.
    source: dict[str, Any] | None = _json(nullable=True, verbatim=True)


class AuditHeadRow(SQLModel, table=True):
    """The newest link of the audit chain: one row (``id`` 1), written in the transaction of
    every append, so a chain that ends before it was cut short (``store/audit.py``)."""

    __tablename__ = "audit_head"

    id: int = Field(default=1, primary_key=True, sa_column_kwargs={"autoincrement": False})
    seq: int  # 0 before the first event
    hash: str  # the hash of event ``seq`` (64 zeros before the first)
    count: int  # events in the chain: ``seq`` too, as long as no row was removed
    updated_at: datetime = _utc()


class AuditAnchorRow(SQLModel, table=True):
    """A signed copy of the head at a moment, kept outside the chain's reach as well (a file,
    a chat message): a chain shorter than, or forking from, an anchor was truncated."""

    __tablename__ = "audit_anchor"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: int | None = Field(default=None, primary_key=True)
    seq: int
    hash: str
    at: datetime = _utc()
    signature: str  # HMAC-SHA256 of the anchor's text under ``[audit] anchor_secret``
    pushed_at: datetime | None = _utc(nullable=True)  # sent to the governance role in chat


class ConsoleInboxRow(SQLModel, table=True):
    """The terminal channel's mailbox for personas who are not at the keyboard."""

    __tablename__ = "console_inbox"
    __table_args__ = (Index("ix_console_inbox_person_seen", "person", "seen"),)

    id: int | None = Field(default=None, primary_key=True)
    person: str
    message: dict[str, Any] = _json()
    created_at: datetime = _utc()
    seen: bool = False


class ApprovalStepRow(SQLModel, table=True):
    """One step of a request's approval chain. An amendment starts a new ``round``.

    ``waiting`` until the steps before it approve, ``pending`` while its approvers decide, then
    ``approved``, ``rejected`` or ``cancelled`` (the chain was restarted or the request ended).
    """

    __tablename__ = "approval_step"
    __table_args__ = (Index("ix_approval_step_request_round", "request_id", "round"),
                      Index("ix_approval_step_finished_at", "finished_at"))  # metrics (0014)

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="request.id")
    round: int
    position: int  # 1-based, within the round
    total: int  # steps in the round
    mode: str  # all | any | quorum
    required: int  # approvals that finish the step
    state: str = "waiting"
    note: str | None = None  # why the step is not routed as its rule says: a fallback code (JSON,
    # bot/features/approvals/fallbacks.py); rows from before issue 16 hold an English sentence
    ended_because: str | None = None  # cancelled: restarted | withdrawn | rejected
    started_at: datetime | None = _utc(nullable=True)
    finished_at: datetime | None = _utc(nullable=True)


class ApprovalSeatRow(SQLModel, table=True):
    """One approver's place on a step, and their decision once made.

    ``decided_by`` differs from ``approver`` when a delegate decided on the approver's behalf.
    ``retired``: the step finished without needing this approver (any-one, quorum, rejection).
    ``handed_over``: the approver (or their delegate, ``decided_by``) gave the seat to
    ``handed_to`` (转交), who has a seat of their own. ``added_by``: the approver who added this
    seat to the step (加签); the step does not finish before an added seat approves.
    """

    __tablename__ = "approval_seat"
    __table_args__ = (
        UniqueConstraint("step_id", "approver", name="uq_approval_seat_step_approver"),
        Index("ix_approval_seat_approver_state", "approver", "state"),
        Index("ix_approval_seat_decided_at", "decided_at"),  # metrics (0014)
    )

    id: int | None = Field(default=None, primary_key=True)
    step_id: int = Field(foreign_key="approval_step.id")
    request_id: int = Field(foreign_key="request.id", index=True)
    approver: str
    state: str = "waiting"
    decided_by: str | None = None
    comment: str | None = None
    decided_at: datetime | None = _utc(nullable=True)
    handed_to: str | None = None
    added_by: str | None = None


class DelegationRow(SQLModel, table=True):
    """A delegation made in chat; it overrides the directory file's for the days it covers.

    ``to_person`` is None for "no delegate on these days" (the person cancelled a delegation
    that the directory file gives them).
    """

    __tablename__ = "delegation"
    __table_args__ = (Index("ix_delegation_from_person", "from_person"),)

    id: int | None = Field(default=None, primary_key=True)
    from_person: str
    to_person: str | None = None
    starts_on: date
    ends_on: date
    created_at: datetime = _utc()
    cancelled_at: datetime | None = _utc(nullable=True)


class TaskRow(SQLModel, table=True):
    """A fulfilment task of a request, shown to people as ``TASK-<id>``.

    ``blocked`` until every task it depends on is done or skipped, then ``ready`` for its
    group, ``claimed`` by an agent, ``waiting_info`` while the requester is asked something,
    ``done``. ``skipped``: its ``when`` did not hold. ``cancelled``: the request ended.
    """

    __tablename__ = "task"
    __table_args__ = (
        Index("ix_task_group_state", "group_id", "state"),
        Index("ix_task_assignee_state", "assignee", "state"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="request.id", index=True)
    key: str  # the task's id in the service package
    title: dict[str, Any] = _json()  # {"zh": ..., "en": ...}
    group_id: str
    depends_on: list[str] = _json()  # keys of tasks of the same request
    state: str = "blocked"
    assignee: str | None = None
    note: str | None = None  # the agent's note when done, or why it was reopened
    question: str | None = None  # what the agent asked the requester
    created_at: datetime = _utc()
    ready_at: datetime | None = _utc(nullable=True)
    claimed_at: datetime | None = _utc(nullable=True)
    done_at: datetime | None = _utc(nullable=True)
    updated_at: datetime = _utc()
    recovery: bool = False  # undoes access or takes back an asset (issue 18)


class SurveyResponseRow(SQLModel, table=True):
    """The requester's satisfaction (1-5) with a closed request, for the service and groups."""

    __tablename__ = "survey_response"

    request_id: int = Field(foreign_key="request.id", primary_key=True)
    service_id: str = Field(index=True)
    groups: list[str] = _json()  # the groups whose tasks fulfilled the request
    score: int | None = None  # None until the requester taps a score
    comment: str | None = None
    sent_at: datetime = _utc()
    answered_at: datetime | None = _utc(nullable=True)


class TimerRow(SQLModel, table=True):
    """Something to do at a moment: a reminder, an escalation, an SLA breach, a digest, a notice.

    ``pending`` until ``due_at``, then ``claimed`` by one sweeper under a lease
    (``lease_owner``, ``lease_until``) and ``done`` once its handler's work committed.
    ``cancelled`` by update, never deleted; ``dead`` after its attempts (``last_error`` says why).
    A pending timer whose handler failed keeps its ``due_at`` and waits in ``lease_until`` (its
    "not before") for the retry. ``dedupe_key``: one timer per key, ever. ``recipient`` (a person
    id) lets several reminders for one person be coalesced into one message.
    """

    __tablename__ = "timer"
    __table_args__ = (
        UniqueConstraint("dedupe_key", name="uq_timer_dedupe_key"),
        Index("ix_timer_state_due_at", "state", "due_at"),
        Index("ix_timer_subject_state", "subject", "state"),
        Index("ix_timer_recipient_kind_state", "recipient", "kind", "state"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str
    subject: str  # what it is about: "seat:5", "task:7", "request:3", "digest"
    recipient: str | None = None
    payload: dict[str, Any] = _json()
    due_at: datetime = _utc()
    state: str = "pending"
    dedupe_key: str | None = None
    lease_owner: str | None = None
    lease_until: datetime | None = _utc(nullable=True)
    attempts: int = 0
    created_at: datetime = _utc()
    fired_at: datetime | None = _utc(nullable=True)
    last_error: str | None = None


class LeaseRow(SQLModel, table=True):
    """A named leader lease: ``owner`` holds ``name`` until ``until`` unless it renews."""

    __tablename__ = "lease"

    name: str = Field(primary_key=True)
    owner: str
    until: datetime = _utc()


class NumberedChoiceRow(SQLModel, table=True):
    """The numbered choices of the latest message to one conversation on one channel (where a
    platform shows buttons as numbers): what "1" clicks there, on any replica, after restarts."""

    __tablename__ = "numbered_choice"

    conversation: str = Field(primary_key=True)  # the adapter's key: channel, tenant, target
    shown: dict[str, Any] = _json()  # the buttons and the message they came with
    shown_at: datetime = _utc(index=True)


EXCEPTION_STATES = ("draft", "requested", "granted", "denied", "ended")


class ExceptionGrantRow(SQLModel, table=True):
    """A governed exception (例外) on one request, shown to people as ``EXC-<id>``.

    ``draft`` while the requester answers the bot's questions, ``requested`` while its
    approvers decide, then ``granted`` (until ``ends_at``) or ``denied``; ``ended`` by expiry,
    revocation, the request closing or (defer_approval) a late rejection: ``end_cause``.
    ``seats``: who must grant, by part (``approver``, and ``high`` for impact high), each a
    list of people any one of whom decides; ``decisions``: part -> {by, for, verdict, comment}.
    """

    __tablename__ = "exception_grant"
    __table_args__ = (
        Index("ix_exception_grant_request", "request_id"),
        Index("ix_exception_grant_service_granted", "service_id", "granted_at"),
        Index("ix_exception_grant_state", "state"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="request.id")
    service_id: str
    kind: str
    effect: str  # expedite | defer_approval | allow
    state: str = "draft"
    requested_by: str
    reason: str | None = None  # the reason's value in the service package
    reason_text: str | None = None  # "other": what the requester wrote
    impact: str | None = None  # low | medium | high
    validity: str | None = None  # a duration, e.g. "2bd"
    justification: str | None = None
    seats: dict[str, Any] = _json()
    decisions: dict[str, Any] = _json()
    granted_at: datetime | None = _utc(nullable=True)
    ends_at: datetime | None = _utc(nullable=True)
    ended_at: datetime | None = _utc(nullable=True)
    end_cause: str | None = None  # expired | revoked | closed | rejected
    end_note: str | None = None  # why it was denied or revoked
    created_at: datetime = _utc()
    updated_at: datetime = _utc()


class AuditCheckRow(SQLModel, table=True):
    """One verification of the audit chain (``esmbot audit verify`` or the daily anchor timer):
    whether the chain verified, how many links were walked, the first bad one. The compliance
    figure ``audit_chain`` shows the latest."""

    __tablename__ = "audit_check"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _utc(index=True)
    source: str  # cli | timer
    chain_ok: bool  # the hash chain (and its anchors) verified
    checked: int  # links of the chain walked
    first_bad_seq: int | None = None
    problems: int = 0  # everything verify reported (chain, anchors, request rows vs trail)
    since: datetime | None = _utc(nullable=True)  # a walk from this moment on (--since)


class RequestFactRow(SQLModel, table=True):
    """The summary of one request for the metrics (issue 19): a pure fold of its audit trail,
    its service and the service's calendar (``bot.features.time.facts``), refreshed in the
    transaction that extends the trail and rebuildable (``esmbot metrics rebuild``).

    Times are aware UTC; durations are seconds (``*_s``) or, in ``stage_wall`` and
    ``stage_business``, seconds per stage (approval, claim_wait, work, requester_wait,
    confirmation, other). ``statuses``: ``[[iso_at, status], ...]`` in trail order.
    ``ended_at``: when it last entered a final status (closed, rejected, withdrawn) and stayed
    there, None while it may still move. ``folded_seq``: the last audit seq folded in.
    Nothing here depends on when it was folded: a rebuild writes the same row.
    """

    __tablename__ = "request_fact"
    __table_args__ = (
        Index("ix_request_fact_submitted_at", "submitted_at"),
        Index("ix_request_fact_first_resolved_at", "first_resolved_at"),
        Index("ix_request_fact_closed_at", "closed_at"),
        Index("ix_request_fact_first_claim_at", "first_claim_at"),
        Index("ix_request_fact_ended_at", "ended_at"),
        Index("ix_request_fact_service", "service_id"),
    )

    request_id: int = Field(primary_key=True, foreign_key="request.id")
    service_id: str
    service_department: str | None = None
    requester: str
    requester_department: str | None = None
    groups: list[str] = _json()
    status: str
    statuses: list[Any] = _json()
    submitted_at: datetime = _utc()
    first_response_at: datetime | None = _utc(nullable=True)
    first_resolved_at: datetime | None = _utc(nullable=True)
    closed_at: datetime | None = _utc(nullable=True)
    ended_at: datetime | None = _utc(nullable=True)
    completion_wall_s: float | None = None
    completion_business_s: float | None = None
    response_target: str | None = None  # "4bh": the service's target, None without one
    response_late: bool | None = None  # at the first response; None until then / no target
    resolution_target: str | None = None  # the target that held at the first resolution
    resolution_late: bool | None = None  # at the first resolution; None until then / no target
    expedited: bool = False  # an expedite exception held at the first resolution (or now)
    need_info_rounds: int = 0  # task.info_requested + approval.sent_back
    reopens: int = 0  # request.reopened (the requester said No)
    amendments: int = 0  # request.amended
    rejections: int = 0  # request.rejected
    resubmission_of: int | None = None  # the rejected request this one resubmits
    stage_wall: dict[str, Any] = _json()
    stage_business: dict[str, Any] = _json()
    approval_required: bool = False  # the rule recorded at submission asked for approval
    approval_done_at: datetime | None = _utc(nullable=True)  # its approval completed
    first_claim_at: datetime | None = _utc(nullable=True)
    deferred_approval: bool = False  # a defer_approval exception was granted before the claim
    trail_complete: bool = False
    folded_seq: int = 0
    folded_at: datetime | None = _utc(nullable=True)  # the moment of the last folded event
    # while open: its SLA clocks at the end of the trail (bot/features/time/clock_state.py);
    # None once not open, and in rows folded before revision 0018 (the metrics replay those)
    open_clocks: list[Any] | None = _json(nullable=True)


class ConsoleSessionRow(SQLModel, table=True):
    """A browser signed in to the web console (``bot/console/session.py``): the SHA-256 of the
    token in its signed cookie, whose it is, until when, and when it was signed out."""

    __tablename__ = "console_session"

    token_hash: str = Field(primary_key=True)
    person_id: str
    created_at: datetime = _utc()
    expires_at: datetime = _utc(index=True)
    ended_at: datetime | None = _utc(nullable=True)
    locale: str | None = None  # the page language chosen with ?lang=, else the person's
    signed_in_by: str  # "link", or the single sign-on platform ("wecom", "slack", ...)


class ConsoleLinkRow(SQLModel, table=True):
    """A one-time sign-in link sent in chat: the SHA-256 of its token, for whom, until when,
    and when it was used (once)."""

    __tablename__ = "console_link"

    token_hash: str = Field(primary_key=True)
    person_id: str
    created_at: datetime = _utc()
    expires_at: datetime = _utc(index=True)
    used_at: datetime | None = _utc(nullable=True)


class SsoStateRow(SQLModel, table=True):
    """One single sign-on attempt (``bot/console/sso``): the ``state`` sent to the platform
    (only its SHA-256 is kept), the browser that started it (the SHA-256 of its short cookie),
    the OpenID nonce, where to go afterwards. Spent (``used_at``) by the first callback."""

    __tablename__ = "sso_state"
    __table_args__ = (Index("ix_sso_state_expires", "expires_at"),)

    state_hash: str = Field(primary_key=True)
    platform: str  # wecom | dingtalk | slack
    browser_hash: str
    nonce: str
    next_path: str
    created_at: datetime = _utc()
    expires_at: datetime = _utc()
    used_at: datetime | None = _utc(nullable=True)
