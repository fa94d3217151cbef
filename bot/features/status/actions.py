"""The ids of status buttons: ``mine`` (my requests) and ``st:<request>`` (its status), both in
``bot.action_ids`` since other features' cards link to them, and ``wd:<request>`` (withdraw it,
asking why)."""

from __future__ import annotations

from bot.action_ids import MyRequestsClick, RequestClick, StatusClick

__all__ = ["MyRequestsClick", "StatusClick", "WithdrawClick"]


class WithdrawClick(RequestClick):
    PREFIX = "wd"
