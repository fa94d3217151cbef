"""The web console (issue 20): server-rendered pages served by ``esmbot serve`` under ``/console``."""
