"""Reading what people type into chat, one idea per module; ``dialogs.fieldtypes`` is the facade.

- ``result``: ``Parsed`` / ``Invalid``.
- ``text``: cleaning (NFKC, control characters, fillers) and free-text answers.
- ``numbers``: digits, Chinese and English numerals, money and number answers.
- ``dates``: absolute and relative dates in Chinese and English.
- ``booleans``, ``choices``, ``people``: yes/no, options and colleagues.
- ``values``: JSON storage and the human display of parsed values.
"""
