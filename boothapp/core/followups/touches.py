"""The planned-touch value shared by the cadence and the attempt rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from boothapp.core.models import Channel
from boothapp.core.pickling import pickled_as_values


class TemplateId:
    """Ids of the default follow-up templates (assets/templates/followups/<lang>/<id>.j2)."""

    THANK_YOU = "thank_you"
    HOT_THANK_YOU = "hot_thank_you"
    CALL_SCRIPT = "call_script"
    LETTER = "letter"

    @staticmethod
    def nurture(n: int) -> str:
        return f"nurture_{n}"


@pickled_as_values
@dataclass(frozen=True, slots=True)
class PlannedTouch:
    touch_number: int
    channel: Channel
    due_utc: datetime
    tz: str
    template_id: str
    reason: str

    def moved(self, due_utc: datetime, note: str) -> PlannedTouch:
        """This touch at ``due_utc``, ``note`` added to its reason (``dataclasses.replace``
        without its field-by-field pass: a big show's slot pass notes thousands, issue 23)."""
        return PlannedTouch(
            self.touch_number, self.channel, due_utc, self.tz, self.template_id, self.reason + note
        )
