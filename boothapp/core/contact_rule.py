"""May this lead be contacted, and how: the one rule the planner, the sender, the queue and the
kiosk ask (issue #13).

Before it existed the planner, the mail sender and the outcome logic each had their own idea,
and they disagreed on a won lead (it was still mailed). Facts in, a typed verdict out; the
service layer reads the facts from the lead and its touches (``services.contact_facts``).

* Stops the whole cadence: please-delete, unsubscribed, a closed stage (won, not interested;
  the CRM's converted, lost and unqualified arrive as these), and the five-attempt rule used up.
* Stops e-mail only: no address, a bounced address, no marketing consent. Calls and letters
  may still go out (a person, not a mailing).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from boothapp.core.models import Stage

# DOMAIN.md: after 5 unanswered attempts mark the lead "not interested" and move on.
MAX_UNANSWERED_ATTEMPTS = 5


class Block(enum.StrEnum):
    """Why a lead may not be contacted (or not by e-mail)."""

    PLEASE_DELETE = "flagged for deletion"
    UNSUBSCRIBED = "unsubscribed"
    WON = "won"
    NOT_INTERESTED = "not interested"
    ATTEMPTS_USED = "five unanswered attempts"
    NO_EMAIL = "no email address"
    BOUNCED = "email bounced"
    NO_CONSENT = "no marketing consent"


# Blocks that stop every touch; the others only stop e-mail.
CADENCE_BLOCKS = frozenset(
    {Block.PLEASE_DELETE, Block.UNSUBSCRIBED, Block.WON, Block.NOT_INTERESTED, Block.ATTEMPTS_USED}
)


@dataclass(frozen=True, slots=True)
class ContactFacts:
    stage: Stage
    please_delete: bool = False
    unsubscribed: bool = False
    consent_given: bool = False
    has_email: bool = False
    has_phone: bool = False
    bounced: bool = False
    unanswered_attempts: int = 0


@dataclass(frozen=True, slots=True)
class ContactVerdict:
    blocks: tuple[Block, ...]

    @property
    def may_contact(self) -> bool:
        """Any touch at all (call, letter, CRM task, personal mail)."""
        return not any(b in CADENCE_BLOCKS for b in self.blocks)

    @property
    def may_email(self) -> bool:
        """An automatic e-mail from the cadence."""
        return not self.blocks

    @property
    def email_block(self) -> Block | None:
        return self.blocks[0] if self.blocks else None

    @property
    def reason(self) -> str:
        return ", ".join(b.value for b in self.blocks)


def contact_verdict(facts: ContactFacts) -> ContactVerdict:
    blocks: list[Block] = []
    if facts.please_delete:
        blocks.append(Block.PLEASE_DELETE)
    if facts.unsubscribed:
        blocks.append(Block.UNSUBSCRIBED)
    if facts.stage is Stage.WON:
        blocks.append(Block.WON)
    elif facts.stage is Stage.NOT_INTERESTED:
        blocks.append(Block.NOT_INTERESTED)
    if facts.unanswered_attempts >= MAX_UNANSWERED_ATTEMPTS:
        blocks.append(Block.ATTEMPTS_USED)
    if not facts.has_email:
        blocks.append(Block.NO_EMAIL)
    elif facts.bounced:
        blocks.append(Block.BOUNCED)
    if not facts.consent_given:
        blocks.append(Block.NO_CONSENT)
    # Cadence blocks first, so ``email_block`` names the strongest reason.
    blocks.sort(key=lambda b: b not in CADENCE_BLOCKS)
    return ContactVerdict(tuple(blocks))
