"""Plain ASCII text folds on a short path (issue 23): it must give what the full rules give."""

from __future__ import annotations

import random

from boothapp.core.textfold import fold

# A lone combining accent: not ASCII, so the text takes the full rules, which drop it.
_FULL = "\u0301"


def test_ascii_text_folds_as_the_full_rules_fold_it() -> None:
    rng = random.Random(23)
    ascii_chars = [chr(c) for c in range(128)]
    samples = ["Deniz  Aksoy", "ACME_Robotics GmbH", "j.doe+expo@Example.COM", " call after-show! "]
    samples += ["".join(rng.choice(ascii_chars) for _ in range(20)) for _ in range(2000)]
    for text in samples:
        assert fold(text) == fold(_FULL + text), repr(text)


def test_ascii_fold_gives_lower_case_words() -> None:
    assert fold("ACME_Robotics  GmbH, Hall 3") == "acme robotics gmbh hall 3"
    assert fold("j.doe+expo@Example.COM") == "j doe expo example com"
