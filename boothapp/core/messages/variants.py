"""Template variants for leads without some content (issue 16: the first nurture mail
promised "our information pack" to leads who asked for no literature and got no link).

A template listed here needs the named content; without it the variant is rendered instead.
One table, used by the renderer, so no caller can forget it.
"""

from __future__ import annotations

# template id -> the variant that does without literature links
WITHOUT_LINKS: dict[str, str] = {
    "nurture_1": "nurture_1_general",
}


def variant_for(template_id: str, *, has_links: bool) -> str:
    if not has_links and template_id in WITHOUT_LINKS:
        return WITHOUT_LINKS[template_id]
    return template_id
