"""The ESM metrics of METRICS.md (efficiency, quality, compliance): one definition each, in
code, computed from the store for any period and cut (``bot.metrics.compute``), shown by the
CLI (``esmbot metrics``), the chat reports and the web console. Not Prometheus ``/metrics``
(``bot.observability``), which counts the bot's own work for the people who run it."""
