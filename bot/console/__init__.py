"""The web console (issue 20): server-rendered pages under ``/console`` of ``esmbot serve``.

``app.py`` builds the sub-application and lists the route modules; ``session.py`` signs people
in and out (signed cookie, a row per session, CSRF); ``security.py`` adds the headers;
``pages.py`` renders templates (``templates/``, extending ``base.html``) in the page's locale.
"""
