"""Single sign-on into the web console with WeCom, DingTalk and Slack (issue 20).

``routes`` (``bot.console.sso.routes``) serves ``/console/sso/{platform}/start`` and
``/callback``; ``setup`` gives the templates ``sso_buttons()``, the buttons of the platforms
enabled here, which the sign-in page shows (``templates/sso_buttons.html``). Each platform is
one module (``wecom``, ``dingtalk``, ``slack``: the OAuth calls, through aiohttp) behind the
``providers.Provider`` protocol; ``store.sso_states`` keeps the single-use states.
"""
