"""The aiohttp application behind ``esmbot serve``, and the platforms attached to it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web
from sqlalchemy import text

from bot.app import BotApp
from bot.settings import SettingsError

if TYPE_CHECKING:
    from adapters.dingtalk.config import DingTalkConfig
    from adapters.slack.config import SlackConfig
    from adapters.wecom.config import WeComConfig
    from bot.settings import DingTalkSettings, SlackSettings, WeComSettings

APP_KEY = web.AppKey("esmbot", BotApp)


async def healthz(request: web.Request) -> web.Response:
    bot = request.app[APP_KEY]
    try:
        async with bot.db.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:  # the load balancer should take us out, and say why
        return web.json_response({"status": "error", "store": str(exc)[:200]}, status=503)
    return web.json_response({
        "status": "ok",
        "services": len(bot.bundle.catalog.services),
        "channels": sorted(bot.channels),
    })


def make_web_app(bot: BotApp) -> web.Application:
    app = web.Application(client_max_size=1024 * 1024)
    app[APP_KEY] = bot
    app.router.add_get("/healthz", healthz)
    return app


async def attach_channels(bot: BotApp, web_app: web.Application) -> None:
    """Start the enabled platforms; HTTP ones mount their routes on ``web_app``."""
    if bot.settings.slack.enabled:
        from adapters.slack.config import SlackSetupError
        from adapters.slack.setup import attach

        try:
            await attach(bot, web_app, slack_config(bot.settings.slack))
        except SlackSetupError as exc:
            raise SettingsError(str(exc)) from None
    if bot.settings.wecom.enabled:
        from adapters.wecom.config import WeComSetupError
        from adapters.wecom.setup import attach as attach_wecom

        try:
            await attach_wecom(bot, web_app, wecom_config(bot.settings.wecom))
        except WeComSetupError as exc:
            raise SettingsError(str(exc)) from None
    if bot.settings.dingtalk.enabled:
        from adapters.dingtalk.config import DingTalkSetupError
        from adapters.dingtalk.setup import attach as attach_dingtalk

        try:
            await attach_dingtalk(bot, web_app, dingtalk_config(bot.settings.dingtalk))
        except DingTalkSetupError as exc:
            raise SettingsError(str(exc)) from None


def slack_config(settings: SlackSettings) -> SlackConfig:
    from adapters.slack.config import SlackConfig

    return SlackConfig(
        bot_token=settings.bot_token.get_secret_value(),
        mode=settings.mode,
        signing_secret=settings.signing_secret.get_secret_value(),
        app_token=settings.app_token.get_secret_value(),
        api_base_url=settings.api_base_url,
        bot_user_id=settings.bot_user_id,
    )


def dingtalk_config(settings: DingTalkSettings) -> DingTalkConfig:
    from adapters.dingtalk.config import DingTalkConfig

    return DingTalkConfig(
        app_key=settings.app_key,
        app_secret=settings.app_secret.get_secret_value(),
        mode=settings.mode,
        robot_code=settings.robot_code,
        card_template_id=settings.card_template_id,
        api_base_url=settings.api_base_url,
    )


def wecom_config(settings: WeComSettings) -> WeComConfig:
    from adapters.wecom.config import WeComConfig

    return WeComConfig(
        corp_id=settings.corp_id,
        agent_id=settings.agent_id,
        secret=settings.secret.get_secret_value(),
        token=settings.token.get_secret_value(),
        encoding_aes_key=settings.encoding_aes_key.get_secret_value(),
        api_base_url=settings.api_base_url,
        member_per_minute=settings.member_per_minute,
        member_per_hour=settings.member_per_hour,
        throttled_retry_seconds=settings.throttled_retry_seconds,
    )
