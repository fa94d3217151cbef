"""Numbers with nothing to pick: "1" typed where no card offers numbered choices.

The adapters turn a number into the click it names on the latest card in the conversation
(``adapters.kit.choices``, kept in the database). A number that reaches the core as text named
nothing: the latest message had no choices (or none that far). Intake (``from_text``, reached
only when no form or question took the text as its answer) says so plainly with
``nothing_to_pick`` instead of searching the catalog for "1".
"""
