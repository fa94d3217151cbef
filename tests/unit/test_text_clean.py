"""``clean``: the same answer however often it is asked (it is cached), for any input."""

from __future__ import annotations

from typing import Any, cast

from dialogs.parsing.text import clean


def test_clean_answers_the_same_every_time_and_keeps_its_two_modes_apart() -> None:
    text = "  Ｈｅｌｌｏ\u200b \t世界 \n 第二行  "
    for _ in range(3):
        assert clean(text) == "Hello 世界 第二行"
        assert clean(text, keep_newlines=True) == "Hello 世界\n第二行"


def test_clean_of_something_that_is_not_text_is_empty() -> None:
    assert clean(cast(Any, None)) == ""
    assert clean(cast(Any, ["a list", "is not hashable"])) == ""
