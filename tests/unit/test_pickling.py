"""What a bulk capture's worker sends back pickles to the same values (issue 23)."""

from __future__ import annotations

import copy
import pickle
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from boothapp.core.followups.touches import PlannedTouch
from boothapp.core.messages.render import RenderedMessage
from boothapp.core.models import Channel, Contact, Rating
from boothapp.core.pickling import pickled_as_values
from boothapp.services.bulk_evaluation import Evaluated
from boothapp.services.followups import PreparedPlan


def test_a_planned_lead_comes_back_from_the_worker_as_it_was_sent() -> None:
    touch = PlannedTouch(
        1, Channel.EMAIL, datetime(2026, 12, 9, 9, 5, tzinfo=UTC), "Europe/Berlin",
        "thank_you", "Wed 10:05 Europe/Berlin: first follow-up",
    )  # fmt: skip
    message = RenderedMessage("thank_you", "de", "Danke, Ayşe", "", "")  # subjects only
    plan = PreparedPlan("lead-1", "jonas", (touch,), {"thank_you": message})
    contact = Contact("Ayşe", "Yılmaz", "ayse@example.com.tr", "+902125551234", country="TR")
    evaluated = Evaluated(contact, 55, True, Rating.HOT, False)
    for value in (plan, evaluated, [evaluated, evaluated]):
        back = pickle.loads(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
        assert back == value
        assert copy.deepcopy(value) == value
    back = pickle.loads(pickle.dumps(plan))
    assert type(back.touches[0]) is PlannedTouch and back.touches[0].channel is Channel.EMAIL
    assert back.subject("thank_you").subject == "Danke, Ayşe"


def test_a_class_not_rebuilt_from_its_values_is_refused() -> None:
    @dataclass(frozen=True)
    class Counted:
        a: int
        b: int = field(init=False, default=0)

    @dataclass(frozen=True, kw_only=True)
    class Named:
        a: int
        b: int

    for cls in (Counted, Named):
        with pytest.raises(TypeError):
            pickled_as_values(cls)
