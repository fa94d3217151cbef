"""The audit trail as an auditor reads it: replay each request's trail into the state it says
the request is in (``replay``), compare that with the tables (``drift``), walk the chain and
its anchors (``verification``), and push the daily anchor to the governance role (``anchor``).
"""
