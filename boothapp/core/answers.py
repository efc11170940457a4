"""Answer codes -> the words a person reads (issue 15).

Leads store option ids ("over_250k"); people read the event's labels ("> 250k"). This module is
the one place that mapping is derived from the event config's questions, for the lead detail,
the call script and e-mails, the report, the lead sheet and exports (which keep a code column
for machines too).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from boothapp.core.config.model import EventConfig, Question, QuestionKind
from boothapp.core.i18n import Language, list_separator, translations

# Yes/no answers in the reader's language (a mail in Turkish says "evet", not "Yes").
YES_NO: dict[str, tuple[str, str]] = {
    "en": ("Yes", "No"),
    "de": ("Ja", "Nein"),
    "el": ("Ναι", "Όχι"),
    "tr": ("Evet", "Hayır"),
    "fa": ("بله", "خیر"),
    "ja": ("はい", "いいえ"),
    "pt": ("Sim", "Não"),
}


def _yes_no(lang: str) -> dict[str, str]:
    yes, no = YES_NO.get(lang or "en", YES_NO["en"])
    return {"yes": yes, "no": no}


@functools.cache
def _default_wording() -> frozenset[str]:
    """The labels of the default questions and options (msgids of the core catalogue)."""
    from boothapp.core.config.defaults import DEFAULT_QUESTIONS

    return frozenset(
        [q.label for q in DEFAULT_QUESTIONS]
        + [o.label for q in DEFAULT_QUESTIONS for o in q.options]
    )


def _ours(label: str, lang: str) -> str:
    """A default label the manager kept, in ``lang`` from the core catalogue; any other label
    as they wrote it (we cannot know what a reworded question means)."""
    if not lang or lang == "en" or label not in _default_wording():
        return label
    try:
        return translations(Language(lang)).gettext(label)
    except ValueError:  # a language the core does not speak
        return label


def question_label(question: Question, lang: str = "") -> str:
    """The question in ``lang``: the manager's translation, else our wording of a default
    label, else their own wording."""
    return (question.label_in(lang) if lang else None) or _ours(question.label, lang)


def option_labels(question: Question, lang: str = "") -> dict[str, str]:
    """Option id -> label in ``lang`` (the event's own wording when none was written)."""
    return dict(_option_labels(question, lang))


# (id of the question, language) -> (that question, its labels). Planning 50,000 leads asks
# for the labels of the same few questions a million times (issue 23); the question object
# is kept and compared by identity, so a changed config never reads another's labels.
_LABELS: dict[tuple[int, str], tuple[Question, Mapping[str, str]]] = {}
_LABELS_MAX = 1024


def _option_labels(question: Question, lang: str) -> Mapping[str, str]:
    """``option_labels`` for reading only, kept per question object and language."""
    key = (id(question), lang)
    known = _LABELS.get(key)
    if known is not None and known[0] is question:
        return known[1]
    if question.kind is QuestionKind.YES_NO:
        labels: Mapping[str, str] = _yes_no(lang)
    else:
        labels = {
            o.id: (o.label_in(lang) if lang else None) or _ours(o.label, lang)
            for o in question.options
        }
    if len(_LABELS) >= _LABELS_MAX:
        _LABELS.clear()
    _LABELS[key] = (question, labels)
    return labels


def answer_text(question: Question | None, value: Any, lang: str = "") -> str:
    """One answer as read: labels for option ids, lists joined, "" for no answer."""
    return _answer_words(value, lang, question)


def _answer_words(
    value: Any, lang: str, question: Question | None, labels: Mapping[str, str] | None = None
) -> str:
    """``answer_text``; ``labels``: the question's option labels in ``lang`` when known."""
    if value is None or value == "" or value == [] or value == ():
        return ""
    if isinstance(value, bool):
        return _yes_no(lang)["yes" if value else "no"]
    if labels is None:
        labels = _option_labels(question, lang) if question is not None else {}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else list(value)
        # Persian lists take the Arabic comma (a Latin one reads as a stray mark in a script).
        words = (labels.get(str(v), str(v)) for v in items if str(v).strip())
        return _separator(lang).join(words)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return labels.get(str(value), str(value)).strip()


@functools.lru_cache(maxsize=64)
def _separator(lang: str) -> str:
    """``list_separator(lang)``, looked up once per language (the catalogue lookup was a
    third of reading a lead's answers; issue 23)."""
    return list_separator(lang)


# (id of the config, language) -> (that config, each question with its label and its
# options' labels in the language): a 50,000-lead plan reads the answers of every lead in
# its mails' language. The config object is kept and compared by identity, as ``_LABELS``.
_Labelled = tuple[tuple[Question, str, Mapping[str, str]], ...]
_QUESTIONS: dict[tuple[int, str], tuple[EventConfig, _Labelled]] = {}


def _labelled_questions(cfg: EventConfig, lang: str) -> _Labelled:
    key = (id(cfg), lang)
    known = _QUESTIONS.get(key)
    if known is not None and known[0] is cfg:
        return known[1]
    labelled = tuple((q, question_label(q, lang), _option_labels(q, lang)) for q in cfg.questions)
    if len(_QUESTIONS) >= _LABELS_MAX:
        _QUESTIONS.clear()
    _QUESTIONS[key] = (cfg, labelled)
    return labelled


def option_label(question: Question, option_id: str, lang: str = "") -> str:
    return _option_labels(question, lang).get(option_id, option_id)


def answer_lines(
    cfg: EventConfig, answers: Mapping[str, Any], lang: str = "", *, unknown: bool = True
) -> tuple[tuple[str, str], ...]:
    """(question label, answer label) in the event's question order; answers to questions the
    config no longer has come last under their id, so nothing a visitor said is hidden
    (``unknown=False`` leaves them out: a customer's mail names only the event's questions)."""
    lines: list[tuple[str, str]] = []
    for q, label, labels in _labelled_questions(cfg, lang):
        value = answers.get(q.id)
        text = "" if value is None else _answer_words(value, lang, q, labels)
        if text:
            lines.append((label, text))
    known = {q.id for q in cfg.questions} if unknown else set()
    for qid, value in answers.items() if unknown else ():
        if qid not in known:
            text = answer_text(None, value)
            if text:
                lines.append((qid, text))
    return tuple(lines)


# A question that already ends in its own question mark (Latin "?", Greek ";", Arabic-script
# "؟") takes no colon after it: "Budget?: 50k" reads wrong in every language.
_ASKED = ("?", ";", "\u037e", "\u061f")


def question_lead_in(label: str) -> str:
    """The question as it leads in to its answer: "Budget:" but "Any budget?"."""
    return label if label.endswith(_ASKED) else f"{label}:"


def answers_change_text(cfg: EventConfig, old: Any, new: Any) -> str:
    """A history entry for the answers, in words and only what changed:
    "Budget: 50k-250k → > 250k"."""
    before = dict(answer_lines(cfg, old if isinstance(old, Mapping) else {}))
    after = dict(answer_lines(cfg, new if isinstance(new, Mapping) else {}))
    changed = [q for q in dict.fromkeys([*before, *after]) if before.get(q) != after.get(q)]
    parts = [
        f"{question_lead_in(q)} {before.get(q) or '(empty)'} → {after.get(q) or '(empty)'}"
        for q in changed
    ]
    return "; ".join(parts) or "Answers: no change"
