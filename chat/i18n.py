"""Every user-facing sentence, in Chinese and English.

Keys are grouped by the room that speaks them. ``say(key, locale, **values)`` formats one.
Kept as one table so translators see everything in one place.
"""

from __future__ import annotations

from typing import Any

_TEXTS: dict[str, tuple[str, str]] = {
    # --- dialog: asking and validating -----------------------------------------------------
    "dlg.start": ("好的，我们来办「{service}」。", "Sure, let's do \"{service}\"."),
    "dlg.prefilled": ("已从你的话里记下：{items}。", "From your message I noted: {items}."),
    "dlg.progress": ("第 {n}/{total} 项", "Question {n} of {total}"),
    "dlg.optional": ("（可选：回复「跳过」跳过）", "(optional: reply \"skip\" to skip)"),
    "dlg.commands_hint": (
        "随时可回复「上一步」「跳过」「帮助」或「取消」。",
        "You can reply \"back\", \"skip\", \"help\" or \"cancel\" at any time.",
    ),
    "dlg.invalid": ("{reason}", "{reason}"),
    "dlg.required": (
        "「{label}」是必填项，不能跳过。",
        "\"{label}\" is required and cannot be skipped.",
    ),
    "dlg.first_question": ("这已经是第一个问题了。", "This is already the first question."),
    "dlg.cancelled": (
        "已取消「{service}」，没有提交任何内容。需要时随时再找我。",
        "Cancelled \"{service}\"; nothing was submitted. Ask me again any time.",
    ),
    "dlg.confirm_title": ("请确认：{service}", "Please confirm: {service}"),
    "dlg.confirm_body": (
        "以下信息无误吗？确认后提交。",
        "Is everything right? Submit when it is.",
    ),
    "dlg.confirm_footer": (
        "回复「提交」提交，「修改」修改某一项，「取消」放弃。",
        "Reply \"submit\" to submit, \"edit\" to change an answer, \"cancel\" to drop it.",
    ),
    "dlg.confirm_again": (
        "还没有提交。请点「提交」，或回复「修改」「取消」。",
        "Not submitted yet. Tap Submit, or reply \"edit\" or \"cancel\".",
    ),
    "dlg.edit_pick": ("要修改哪一项？", "Which answer do you want to change?"),
    "dlg.edit_pick_unknown": (
        "没找到这一项。请点下面的按钮或回复编号。",
        "I could not find that one. Tap a button below or reply with its number.",
    ),
    "dlg.skipped": ("（已跳过）", "(skipped)"),
    "dlg.yes": ("是", "Yes"),
    "dlg.no": ("否", "No"),
    "dlg.submit": ("提交", "Submit"),
    "dlg.edit": ("修改", "Edit"),
    "dlg.cancel": ("取消", "Cancel"),
    "dlg.back_to_confirm": ("返回确认", "Back to summary"),
    "dlg.help": (
        "正在填写「{service}」。当前问题：{ask}\n{hint}\n可用命令：上一步、跳过（可选项）、"
        "取消、帮助。",
        "Filling in \"{service}\". Current question: {ask}\n{hint}\nCommands: back, skip "
        "(optional questions), cancel, help.",
    ),
    "dlg.nothing_open": (
        "现在没有正在填写的表单，不需要取消或返回。告诉我你要办什么，或回复「帮助」。",
        "There is no form open, so nothing to cancel or go back to. Tell me what you need, "
        "or reply \"help\".",
    ),
    "dlg.stale": (
        "这个表单已经结束了，按钮不再有效。需要办事请直接告诉我。",
        "That form has ended, so its buttons no longer work. Tell me what you need.",
    ),
    "dlg.expired": (
        "你之前的「{service}」因 {minutes} 分钟没有操作已过期，没有提交。需要时请重新开始。",
        "Your \"{service}\" form expired after {minutes} minutes without activity and was not "
        "submitted. Start again whenever you like.",
    ),
    "hint.money": ("例如 8000、8千 或 ¥8,000.50", "e.g. 8000, 8k or ¥8,000.50"),
    "hint.number": ("请输入数字，例如 3", "Type a number, e.g. 3"),
    "hint.date": ("例如 2026-12-01、12月1日、明天、下周一", "e.g. 2026-12-01, Dec 1, tomorrow"),
    "hint.bool": ("请回复「是」或「否」", "Reply yes or no"),
    "hint.choice": ("点选一项，或回复编号/名称", "Tap one, or reply with its number or name"),
    "hint.multichoice": (
        "可多选，用逗号分隔，例如 1,3",
        "Pick one or more, separated by commas, e.g. 1,3",
    ),
    "hint.user": ("请输入同事的姓名或账号", "Type a colleague's name or id"),
    "hint.text": ("请直接输入文字", "Type your answer"),
    # --- requests ---------------------------------------------------------------------------
    "req.submitted": (
        "已提交 {rid}「{service}」。回复「{rid}」可随时查看进度，「撤回 {rid}」可撤回。",
        "Submitted {rid} \"{service}\". Reply \"{rid}\" any time for its status, or "
        "\"withdraw {rid}\" to withdraw it.",
    ),
    "req.already_submitted": (
        "这份表单已经提交过了（{rid}），不会重复提交。",
        "This form was already submitted as {rid}; it will not be submitted twice.",
    ),
    "req.none": (
        "你还没有提交过申请。告诉我你要办什么，例如「我要申请笔记本」。",
        "You have no requests yet. Tell me what you need, e.g. \"I need a laptop\".",
    ),
    "req.mine_title": ("我的申请（最近 {n} 条）", "My requests (latest {n})"),
    "req.not_found": (
        "没有找到 {rid}，或者你无权查看。请检查编号，或回复「我的申请」查看你的申请。",
        "{rid} was not found, or you may not see it. Check the number, or reply \"my "
        "requests\" to list yours.",
    ),
    "req.status_title": ("{rid} {service}", "{rid} {service}"),
    "req.field_status": ("状态", "Status"),
    "req.field_requester": ("申请人", "Requester"),
    "req.field_submitted": ("提交时间", "Submitted"),
    "req.field_step": ("当前环节", "Current step"),
    "req.field_holder": ("处理人", "In the hands of"),
    "req.field_since": ("自", "Since"),
    "req.step_waiting": ("已提交，等待受理", "Submitted, waiting to be picked up"),
    "req.step_done": ("已结束", "Finished"),
    "req.withdraw_ask_reason": (
        "请告诉我撤回 {rid} 的原因（回复「取消」则不撤回）：",
        "Why do you want to withdraw {rid}? (Reply \"cancel\" to keep it.)",
    ),
    "req.withdrawn": ("已撤回 {rid}。原因：{reason}", "Withdrew {rid}. Reason: {reason}"),
    "req.withdraw_kept": ("好的，{rid} 保持不变。", "OK, {rid} stays as it is."),
    "req.cannot_withdraw": (
        "{rid} 当前状态为「{status}」，不能撤回。",
        "{rid} is {status} and can no longer be withdrawn.",
    ),
    "req.only_requester_withdraws": (
        "只有申请人本人可以撤回 {rid}。",
        "Only the requester can withdraw {rid}.",
    ),
    "req.reason_empty": (
        "原因不能为空，请写一句话说明（或回复「取消」）。",
        "The reason cannot be empty; write a sentence (or reply \"cancel\").",
    ),
    "status.submitted": ("已提交", "submitted"),
    "status.pending_approval": ("审批中", "pending approval"),
    "status.rejected": ("已驳回", "rejected"),
    "status.in_progress": ("处理中", "in progress"),
    "status.resolved": ("已解决", "resolved"),
    "status.closed": ("已关闭", "closed"),
    "status.withdrawn": ("已撤回", "withdrawn"),
    "req.step_approval": (
        "审批第 {n}/{total} 步 · {mode}",
        "Approval step {n} of {total} · {mode}",
    ),
    "req.step_fulfilment": ("已批准，办理中", "Approved, being fulfilled"),
    "req.field_approvals": ("审批记录", "Approvals"),
    "req.field_reason": ("原因", "Reason"),
    # --- approvals --------------------------------------------------------------------------
    "apr.card_title": ("审批 {rid}「{service}」", "Approve {rid} \"{service}\""),
    "apr.field_step": ("审批环节", "Step"),
    "apr.step_of": ("第 {n}/{total} 步 · {mode}", "step {n} of {total} · {mode}"),
    "apr.field_approvers": ("本步审批人", "Approvers on this step"),
    "apr.field_on_behalf": ("代谁审批", "On behalf of"),
    "apr.field_note": ("说明", "Note"),
    "apr.approve": ("同意", "Approve"),
    "apr.reject": ("驳回", "Reject"),
    "apr.details": ("详情", "Details"),
    "apr.footer_open": (
        "也可以回复「同意 {rid} 意见」或「驳回 {rid} 原因」。",
        "You can also reply \"approve {rid} comment\" or \"reject {rid} reason\".",
    ),
    "apr.seat_pending": ("待审批", "waiting"),
    "apr.seat_waiting": ("未开始", "not yet"),
    "apr.seat_approved": ("已同意 {at}", "approved {at}"),
    "apr.seat_rejected": ("已驳回 {at}", "rejected {at}"),
    "apr.seat_retired": ("无需审批", "not needed"),
    "apr.seat_by": ("（{who} 代）", " (by {who})"),
    "apr.outcome_approved": ("本步已通过。", "This step is approved."),
    "apr.outcome_rejected": ("已驳回：{reason}", "Rejected: {reason}"),
    "apr.outcome_cancelled": ("本次审批已结束：{why}", "This approval has ended: {why}"),
    "apr.why_restarted": (
        "申请已修改，审批重新开始",
        "the request was changed and approval restarted",
    ),
    "apr.why_withdrawn": ("申请人已撤回", "the requester withdrew it"),
    "apr.why_rejected": ("申请已被驳回", "the request was rejected"),
    "apr.mode_any": ("或签（任一人）", "any one"),
    "apr.mode_single": ("单人审批", "one approver"),
    "apr.mode_all": ("会签（全部）", "all of them"),
    "apr.mode_quorum": ("{required}/{of} 人同意", "{required} of {of}"),
    "apr.waiting_for": (
        "{rid} 等待 {names} 审批（第 {n}/{total} 步，{mode}）。",
        "{rid} is waiting for approval by {names} (step {n} of {total}, {mode}).",
    ),
    "apr.decided_approved": (
        "{who} 同意了 {rid}（第 {n}/{total} 步）。{comment}",
        "{who} approved {rid} (step {n} of {total}). {comment}",
    ),
    "apr.comment": ("意见：{comment}", "Comment: {comment}"),
    "apr.still_needed": (
        "本步还需 {left} 人同意。",
        "{left} more approval(s) needed on this step.",
    ),
    "apr.all_approved": (
        "{rid} 审批通过，已交给 {holder} 办理。",
        "{rid} is approved and now with {holder}.",
    ),
    "apr.rejected": (
        "{rid} 被 {who} 驳回。原因：{reason}",
        "{who} rejected {rid}. Reason: {reason}",
    ),
    "apr.unroutable": (
        "没能为 {rid} 自动找到审批人（{problem}），已转给服务负责人 {owner} 决定。",
        "I could not find an approver for {rid} ({problem}), so the service owner {owner} will "
        "decide.",
    ),
    "apr.unroutable_stuck": (
        "没能为 {rid} 找到任何审批人（{problem}），服务负责人也无人可审批。"
        "请联系管理员修正通讯录或服务包。",
        "I could not find anyone to approve {rid} ({problem}), not even the service owner. "
        "Please ask your admin to fix the directory or the service package.",
    ),
    "apr.you_approved": ("已同意 {rid}。", "You approved {rid}."),
    "apr.you_rejected": (
        "已驳回 {rid}，已通知申请人。",
        "You rejected {rid}; the requester has been told.",
    ),
    "apr.you_on_behalf": ("（代 {who}）", " (on behalf of {who})"),
    "apr.ask_reason": (
        "请写下驳回 {rid} 的原因，申请人会看到（回复「取消」则不驳回）：",
        "Why are you rejecting {rid}? The requester will see it. (Reply \"cancel\" to keep it "
        "open.)",
    ),
    "apr.reject_kept": ("好的，没有驳回 {rid}。", "OK, {rid} was not rejected."),
    "apr.not_yours": (
        "{rid} 的当前环节不需要你审批（审批人：{names}）。",
        "You are not an approver of {rid}'s current step (approvers: {names}).",
    ),
    "apr.own_request": (
        "你不能审批自己的申请 {rid}。",
        "You cannot approve your own request {rid}.",
    ),
    "apr.you_already": (
        "你已于 {at} {verdict} {rid}，不会重复记录。",
        "You already {verdict} {rid} at {at}; nothing changed.",
    ),
    "apr.step_decided": (
        "{rid} 的第 {n} 步已经结束：{decisions}。这次点击没有改变任何内容。",
        "Step {n} of {rid} has already ended: {decisions}. Your click changed nothing.",
    ),
    "apr.step_ended": (
        "这张审批卡片已失效：{why}（{at}）。",
        "This approval card is no longer valid: {why} ({at}).",
    ),
    "apr.nothing_pending": (
        "{rid} 当前没有等你审批的环节（状态：{status}）。",
        "{rid} has nothing waiting for your approval (status: {status}).",
    ),
    "apr.verb_approved": ("同意了", "approved"),
    "apr.verb_rejected": ("驳回了", "rejected"),
    "apr.my_title": ("待你审批（{n}）", "Waiting for your approval ({n})"),
    "apr.my_none": ("没有等你审批的申请。", "Nothing is waiting for your approval."),
    "apr.my_more": ("还有 {n} 项，处理完这些后再回复「待我审批」查看。",
                    "{n} more; reply \"my approvals\" again once these are done."),
    "apr.delegated_notice": (
        "{rid}「{service}」需要你审批。你已委托 {delegate} 代批，审批卡片已发给 TA；"
        "你也可以自己回复「同意 {rid}」。",
        "{rid} \"{service}\" needs your approval. You delegated to {delegate}, who has the card; "
        "you can still reply \"approve {rid}\" yourself.",
    ),
    "apr.restarted_notice": (
        "{who} 修改了 {rid}（{change}），之前的审批作废，审批从第 1 步重新开始。",
        "{who} changed {rid} ({change}), so the earlier approval no longer counts and approval "
        "starts again from step 1.",
    ),
    "apr.withdrawn_notice": (
        "{rid} 已被申请人撤回，无需再审批。",
        "{rid} was withdrawn by the requester; no approval needed any more.",
    ),
    # --- delegation ---------------------------------------------------------------------------
    "deleg.created": (
        "已委托 {to} 代你审批，{start} 至 {end}。{moved}回复「取消委托」可随时取消。",
        "{to} approves on your behalf from {start} to {end}. {moved}Reply \"cancel delegation\" "
        "to end it.",
    ),
    "deleg.moved": ("{n} 个待审批已转给 TA。", "{n} pending approval(s) went to them. "),
    "deleg.to_delegate": (
        "{who} 委托你代为审批，{start} 至 {end}。",
        "{who} asked you to approve on their behalf from {start} to {end}.",
    ),
    "deleg.cancelled": (
        "已取消委托，审批回到你本人。",
        "Delegation cancelled; approvals come to you again.",
    ),
    "deleg.cancelled_to_delegate": (
        "{who} 取消了对你的审批委托。",
        "{who} cancelled their delegation to you.",
    ),
    "deleg.none": ("你目前没有委托。", "You have no delegation."),
    "deleg.current": (
        "你已委托 {to} 代批，{start} 至 {end}。",
        "{to} approves for you from {start} to {end}.",
    ),
    "deleg.usage": (
        "请这样写：委托 carol 代批到12月10日（或 delegate to carol until 2026-12-10）。",
        "Write it like: delegate to carol until 2026-12-10 (or 委托 carol 代批到12月10日).",
    ),
    "deleg.self": ("不能委托给自己。", "You cannot delegate to yourself."),
    "deleg.past": ("结束日期 {end} 已经过去了，请给一个今天或以后的日期。",
                  "The end date {end} is in the past; give today or a later date."),
    "deleg.too_long": ("委托最长 {days} 天，请缩短结束日期。",
                      "A delegation can last at most {days} days; choose an earlier end date."),
    # --- amendment --------------------------------------------------------------------------
    "amd.done": (
        "已修改 {rid}：{change}。审批重新开始。",
        "Changed {rid}: {change}. Approval starts again.",
    ),
    "amd.done_no_approval": ("已修改 {rid}：{change}。", "Changed {rid}: {change}."),
    "amd.only_requester": (
        "只有申请人本人可以修改 {rid}。",
        "Only the requester can change {rid}.",
    ),
    "amd.not_now": (
        "{rid} 当前状态为「{status}」，只能在审批中修改。如需变更，请撤回后重新提交。",
        "{rid} is {status}; answers can only be changed while it waits for approval. Withdraw "
        "it and submit again instead.",
    ),
    "amd.unknown_field": (
        "没找到要修改的项。{rid} 可以修改的项有：{fields}。例如「修改 {rid} {example} 新值」。",
        "I could not tell which answer to change. {rid} has: {fields}. E.g. \"change {rid} "
        "{example} <new value>\".",
    ),
    "amd.needs_more": (
        "改成这样后还需要回答「{label}」，聊天里没法直接补充。请撤回 {rid} 后重新提交。",
        "With that change \"{label}\" would also need an answer, which cannot be added here. "
        "Withdraw {rid} and submit again.",
    ),
    "amd.same": (
        "「{label}」已经是 {value} 了，没有改动。",
        "\"{label}\" is already {value}; nothing changed.",
    ),
    "amd.invalid": ("「{label}」：{reason}", "\"{label}\": {reason}"),
    # --- fulfilment tasks -------------------------------------------------------------------
    "task.card_title": ("任务 {tid}：{title}", "Task {tid}: {title}"),
    "task.field_request": ("申请", "Request"),
    "task.field_group": ("负责组", "Group"),
    "task.field_state": ("任务状态", "Task status"),
    "task.field_question": ("待申请人回复", "Asked the requester"),
    "task.field_note": ("备注", "Note"),
    "task.state_blocked": ("等待前置任务：{waits}", "waiting for: {waits}"),
    "task.state_ready": ("待认领", "waiting to be claimed"),
    "task.state_claimed": ("{who} 处理中（自 {at}）", "with {who} since {at}"),
    "task.state_waiting_info": ("{who} 等待申请人回复（自 {at}）",
                                "{who} is waiting for the requester (since {at})"),
    "task.state_done": ("{who} 已完成（{at}）", "done by {who} ({at})"),
    "task.state_skipped": ("不需要", "not needed"),
    "task.state_cancelled": ("已取消", "cancelled"),
    "task.claim": ("认领", "Claim"),
    "task.done": ("完成", "Done"),
    "task.info": ("需要信息", "Need info"),
    "task.handover": ("转交", "Hand over"),
    "task.release": ("释放", "Release"),
    "task.footer_ready": (
        "点「认领」接手，或回复「认领 {tid}」。",
        "Tap Claim to take it, or reply \"claim {tid}\".",
    ),
    "task.footer_mine": (
        "完成后点「完成」，或回复「完成 {tid} 备注」；「转交 {tid} 给 某人」；「问 {tid} 问题」。",
        "When finished tap Done or reply \"done {tid} note\"; \"hand over {tid} to someone\"; "
        "\"ask {tid} question\".",
    ),
    "task.you_claimed": ("你已认领 {tid}「{title}」。", "You claimed {tid} \"{title}\"."),
    "task.claimed_by_other": (
        "{tid} 已由 {who} 于 {at} 认领，这次操作没有改变任何内容。",
        "{tid} was claimed by {who} at {at}; nothing changed.",
    ),
    "task.blocked": (
        "{tid} 还在等待 {waits} 完成，暂时不能认领或完成。",
        "{tid} is still waiting for {waits}; it cannot be claimed or completed yet.",
    ),
    "task.finished": ("{tid} 当前为「{state}」，这次操作没有改变任何内容。",
                      "{tid} is already {state}; nothing changed."),
    "task.not_member": (
        "{tid} 属于「{group}」，只有该组成员可以处理。",
        "{tid} belongs to \"{group}\"; only its members can work on it.",
    ),
    "task.not_assignee": (
        "{tid} 现在由 {who} 处理，只有 TA 可以这样操作。",
        "{tid} is with {who}; only they can do that.",
    ),
    "task.not_found": (
        "没有找到 {tid}，或者你无权查看。",
        "{tid} was not found, or you may not see it.",
    ),
    "task.you_done": ("已完成 {tid}「{title}」。", "Done: {tid} \"{title}\"."),
    "task.requester_claimed": ("{who} 开始处理 {rid} 的「{title}」。",
                               "{who} is now working on \"{title}\" for {rid}."),
    "task.requester_done": ("{rid} 的「{title}」已完成（{who}）。{note}",
                            "\"{title}\" for {rid} is done ({who}). {note}"),
    "task.note": ("备注：{note}", "Note: {note}"),
    "task.released": ("已释放 {tid}，回到「{group}」的队列。",
                      "Released {tid}; it is back in the \"{group}\" queue."),
    "task.ask_handover": (
        "要把 {tid} 转交给谁？回复同事的姓名或账号，或一个组（例如 it-desk）。"
        "回复「取消」则不转交。",
        "Who should take {tid}? Reply with a colleague's name or id, or a group (e.g. it-desk). "
        "Reply \"cancel\" to keep it.",
    ),
    "task.handover_unknown": (
        "没找到「{who}」这个同事或组。请回复姓名、账号或组名（例如 it-desk）。",
        "I can't find a colleague or group called \"{who}\". Reply with a name, an id or a "
        "group (e.g. it-desk).",
    ),
    "task.handed_over": ("已把 {tid} 转交给 {to}。", "Handed {tid} over to {to}."),
    "task.handed_to_you": ("{who} 把 {tid}「{title}」转交给了你。",
                           "{who} handed {tid} \"{title}\" over to you."),
    "task.ask_question": (
        "要问申请人什么？写下你的问题（回复「取消」则不问）：",
        "What do you need to ask the requester? Write your question (reply \"cancel\" not to "
        "ask):",
    ),
    "task.question_sent": ("已把问题发给 {who}，TA 回复后会转给你。",
                           "Your question went to {who}; their answer will come to you."),
    "task.question_to_requester": (
        "{who} 在处理 {rid} 的「{title}」时需要你补充：\n{question}\n直接回复这条消息即可"
        "（或「回复 {tid} 内容」）。",
        "{who} needs something from you for \"{title}\" ({rid}):\n{question}\nJust reply "
        "to this message (or \"reply {tid} <answer>\").",
    ),
    "task.answer_relayed": ("已把你的回复转给 {who}。", "Your answer went to {who}."),
    "task.answer_to_agent": ("{who} 回复了 {tid}：{answer}", "{who} answered on {tid}: {answer}"),
    "task.no_question": (
        "{tid} 现在没有等你回复的问题。",
        "{tid} has no question waiting for you.",
    ),
    "task.kept": ("好的，{tid} 保持不变。", "OK, {tid} stays as it is."),
    "task.mine_title": ("我的任务（{n}）", "My tasks ({n})"),
    "task.mine_none": ("你手上没有进行中的任务。回复「队列」看看组里待认领的任务。",
                       "You have no open tasks. Reply \"queue\" to see what your groups have "
                       "waiting."),
    "task.queue_title": ("「{group}」待认领（{n}）", "Waiting in \"{group}\" ({n})"),
    "task.queue_none": ("「{group}」没有待认领的任务。", "Nothing is waiting in \"{group}\"."),
    "task.queue_unknown": ("没有找到组「{group}」。你所在的组：{mine}",
                           "There is no group \"{group}\". Your groups: {mine}"),
    "task.queue_not_member": ("你不在「{group}」组里，不能查看它的队列。",
                              "You are not in \"{group}\", so you cannot see its queue."),
    "task.no_groups": ("你不在任何处理组里。", "You are not in any fulfilment group."),
    "task.reopened_to_agent": (
        "{who} 表示 {rid} 还没解决，{tid}「{title}」重新打开。原因：{reason}",
        "{who} says {rid} is not solved yet, so {tid} \"{title}\" is open again. Reason: "
        "{reason}",
    ),
    "req.tasks_done": ("已完成", "Done"),
    "req.tasks_open": ("进行中", "In hand"),
    "req.tasks_waiting": ("等待中", "Waiting"),
    "req.tasks_queue": ("待认领", "To be claimed"),
    "req.step_tasks": (
        "办理中：{done}/{total} 项任务已完成",
        "Fulfilment: {done} of {total} tasks done",
    ),
    "req.step_confirm": (
        "已办结，等待申请人确认",
        "Resolved, waiting for the requester to confirm",
    ),
    # --- completion and satisfaction ---------------------------------------------------------
    "cfm.title": ("{rid}「{service}」已办结", "{rid} \"{service}\" is resolved"),
    "cfm.body": ("问题解决了吗？确认后申请将关闭。", "Is everything sorted? Confirming closes it."),
    "cfm.yes": ("是，已解决", "Yes, solved"),
    "cfm.no": ("否，还有问题", "No, not yet"),
    "cfm.ask_reason": (
        "哪里还没解决？写一句话，我会转给处理人（回复「取消」则不变）：",
        "What is still missing? Write a sentence and it goes to the agent (reply \"cancel\" to "
        "leave it):",
    ),
    "cfm.reopened": (
        "已重新打开 {rid}，{who} 会继续处理。",
        "{rid} is open again; {who} will carry on.",
    ),
    "cfm.closed": ("{rid} 已关闭。谢谢！", "{rid} is closed. Thank you!"),
    "cfm.not_now": (
        "{rid} 当前状态为「{status}」，不需要确认。",
        "{rid} is {status}; there is nothing to confirm.",
    ),
    "cfm.only_requester": ("只有申请人可以确认 {rid}。", "Only the requester can confirm {rid}."),
    "cfm.kept": ("好的，{rid} 保持「已解决」。", "OK, {rid} stays resolved."),
    "csat.title": ("给这次服务打个分吧：{rid}「{service}」", "How did we do? {rid} \"{service}\""),
    "csat.body": (
        "1 = 很不满意，5 = 非常满意。点一下即可。",
        "1 = very poor, 5 = excellent. One tap is enough.",
    ),
    "csat.thanks": (
        "谢谢你的 {score} 分！想补充一句吗？直接回复（或回复「跳过」）。",
        "Thanks for the {score}! Anything to add? Just reply (or reply \"skip\").",
    ),
    "csat.comment_saved": ("收到，谢谢你的反馈。", "Got it, thank you for the feedback."),
    "csat.already": (
        "{rid} 已经评过分了（{score} 分），谢谢！",
        "{rid} was already rated ({score}); thanks!",
    ),
    "csat.only_requester": ("只有申请人可以评价 {rid}。", "Only the requester can rate {rid}."),
    # --- time: reminders, escalations, breaches ---------------------------------------------
    "time.late": (
        "（此提醒晚到 {by}：到期时系统未在运行）",
        " (this comes {by} late: esmbot was not running when it fell due)",
    ),
    "time.minutes": ("{n} 分钟", "{n} min"),
    "time.hours": ("{n} 小时", "{n} h"),
    "time.days": ("{n} 天", "{n} days"),
    "time.approval_reminder": (
        "提醒：{rid} 等你审批已 {waited}。",
        "Reminder: {rid} has waited {waited} for your approval.",
    ),
    "time.approval_escalation": (
        "{who} 还没有处理 {rid} 的审批（已等待 {waited}），请跟进。",
        "{who} has not decided {rid} yet (waiting {waited}); please follow up.",
    ),
    "time.task_reminder": (
        "提醒：{tid}「{title}」将于 {due} 到期。",
        "Reminder: {tid} \"{title}\" is due at {due}.",
    ),
    "time.task_breach": (
        "{tid}「{title}」已超出处理时限（当前处理：{who}）。",
        "{tid} \"{title}\" is past its deadline (with {who}).",
    ),
    "time.task_escalation": (
        "升级：{rid} 的 {tid}「{title}」超时后仍未完成，请服务负责人介入。",
        "Escalation: {tid} \"{title}\" of {rid} is still open after its deadline; the service "
        "owner is asked to step in.",
    ),
    "time.request_breach": (
        "抱歉，{rid} 超出了承诺的处理时间，我们已提醒相关负责人，会尽快处理。",
        "Sorry, {rid} has taken longer than promised; the people responsible have been "
        "reminded.",
    ),
    "time.auto_closed": (
        "{rid} 办结后一直没有确认，已自动关闭。如果还有问题，请重新提交。",
        "{rid} was resolved and not confirmed, so it is now closed. If something is still "
        "missing, file a new request.",
    ),
    "time.due": ("处理时限", "Due"),
    "time.due_left": ("{due}（剩余 {left}）", "{due} ({left} left)"),
    "time.due_over": ("{due}（已超时 {over}）", "{due} ({over} overdue)"),
    "time.due_paused": ("已暂停：等待申请人回复", "paused: waiting for the requester"),
    "time.due_met": ("已按时完成", "met"),
    "time.due_missed": ("已超时完成", "missed"),
    "time.response": ("首次响应", "First response"),
    "time.resolution": ("解决时限", "Resolution"),
    "time.working": ("{n} 工作小时", "{n} working hours"),
    "time.digest_approvals": (
        "早上好！有 {n} 个审批在等你：",
        "Good morning! {n} approval(s) wait for you:",
    ),
    "time.digest_overdue": (
        "「{group}」有 {n} 个任务已超时：",
        "\"{group}\" has {n} overdue task(s):",
    ),
    # --- matching and help ------------------------------------------------------------------
    "match.ambiguous": ("你是想办下面哪一项？", "Did you mean one of these?"),
    "match.none": (
        "抱歉，我没听懂你要办什么。可以换个说法，或者从服务目录里选：",
        "Sorry, I did not catch what you need. Try other words, or pick from the catalog:",
    ),
    "catalog.title": ("服务目录", "Service catalog"),
    "catalog.dept_title": ("{dept} 的服务", "Services of {dept}"),
    "help.title": (
        "我是 esmbot，公司办事的统一入口",
        "I'm esmbot, one door for getting things done",
    ),
    "help.body": (
        "直接说你要办的事，例如「我要申请一台笔记本，预算8000」「我要报销差旅费」。\n"
        "常用命令：\n· 我的申请 — 查看你提交的申请\n· REQ-12 — 查看某个申请的进度\n"
        "· 撤回 REQ-12 — 撤回申请\n· 修改 REQ-12 预算 6000 — 审批中修改一项\n"
        "· 待我审批 — 等你审批的申请\n· 同意 REQ-12 / 驳回 REQ-12 原因 — 审批\n"
        "· 委托 carol 代批到12月10日 / 取消委托 — 外出时委托审批\n"
        "· 我的任务 / 队列 it-desk — 处理人看任务\n· 认领 / 完成 / 转交 / 问 TASK-7 — 处理任务\n"
        "· 服务目录 — 看看能办哪些事\n· 取消 / 上一步 / 跳过 — 填表时使用",
        "Just say what you need, e.g. \"I need a laptop, budget 8000\" or \"claim travel "
        "expenses\".\nCommands:\n· my requests — your requests\n· REQ-12 — where a request "
        "is\n· withdraw REQ-12 — withdraw one\n· change REQ-12 budget 6000 — change an "
        "answer while it waits for approval\n· my approvals — what waits for you\n· approve "
        "REQ-12 / reject REQ-12 <reason>\n· delegate to carol until 2026-12-10 / cancel "
        "delegation\n· my tasks / queue it-desk — for agents\n· claim / done / hand over / ask "
        "TASK-7 — work a task\n· catalog — what I can do\n· cancel / back / skip — while "
        "filling a form",
    ),
    "who.unknown": (
        "我还不认识你（{channel} 账号 {user}）。请联系管理员把你加入 esmbot 的通讯录。",
        "I don't know you yet ({channel} account {user}). Ask your admin to add you to "
        "esmbot's directory.",
    ),
    "err.internal": (
        "抱歉，处理你的消息时出错了，已记录下来。请稍后再试；你的内容没有丢失。",
        "Sorry, something went wrong handling that. It has been logged; please try again in a "
        "moment. Nothing you entered was lost.",
    ),
    # --- audit: the daily anchor of the audit trail ----------------------------------------
    "audit.anchor_daily": (
        "审计链锚点（{at}）：第 {seq} 条，哈希 {hash}。请另行保存这条消息；核对时运行 "
        "esmbot audit verify --anchor。\n{anchor}",
        "Audit trail anchor ({at}): event {seq}, hash {hash}. Keep this message somewhere "
        "else; to check, run esmbot audit verify --anchor.\n{anchor}",
    ),
    "err.too_long": (
        "消息太长了（超过 {limit} 个字），请精简后再发。",
        "That message is too long (over {limit} characters); please shorten it.",
    ),
}


def say(key: str, locale: str, **values: Any) -> str:
    """The text for ``key`` in ``locale`` (``zh`` unless ``en``), formatted with ``values``."""
    zh, en = _TEXTS[key]
    template = en if locale == "en" else zh
    return template.format(**values) if values else template


def keys() -> frozenset[str]:
    return frozenset(_TEXTS)
