"""The footer every follow-up mail carries (issue 16): an opt-out line and the sender's
postal address, in the mail's language. Added when the mail is built (and in the preview),
not by each template, so no template can leave it out and a changed address reaches mails
planned before the change.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from markupsafe import Markup, escape

from boothapp.core.messages.render import RenderedMessage

# {mailbox}: the unsubscribe address; {url}: the one-click page (only when set).
_OPT_OUT: dict[str, tuple[str, str]] = {
    "en": (
        "You receive this mail because you visited our booth. To receive no more mails from "
        'us, reply to {mailbox} with the subject "unsubscribe".',
        " Or unsubscribe here: {url}",
    ),
    "de": (
        "Sie erhalten diese E-Mail, weil Sie unseren Messestand besucht haben. Wenn Sie keine "
        'weiteren E-Mails wünschen, antworten Sie an {mailbox} mit dem Betreff "unsubscribe".',
        " Oder melden Sie sich hier ab: {url}",
    ),
    "el": (
        "Λαμβάνετε αυτό το μήνυμα επειδή επισκεφθήκατε το περίπτερό μας. Για να μη λαμβάνετε "
        'άλλα μηνύματα, απαντήστε στο {mailbox} με θέμα "unsubscribe".',
        " Ή απεγγραφείτε εδώ: {url}",
    ),
    "tr": (
        "Bu e-postayı standımızı ziyaret ettiğiniz için alıyorsunuz. Başka e-posta almak "
        'istemiyorsanız {mailbox} adresine "unsubscribe" konulu bir yanıt gönderin.',
        " Ya da buradan abonelikten çıkın: {url}",
    ),
    "fa": (
        "این ایمیل را دریافت می‌کنید چون از غرفه ما دیدن کردید. برای دریافت نکردن ایمیل‌های "
        'بیشتر، به {mailbox} با موضوع "unsubscribe" پاسخ دهید.',
        " یا از اینجا لغو اشتراک کنید: {url}",
    ),
    "ja": (
        "このメールは、当社ブースにお立ち寄りいただいた方にお送りしています。今後のメールが"
        "不要な場合は、件名を「unsubscribe」として {mailbox} までご返信ください。",
        " こちらから配信停止もできます: {url}",
    ),
    "pt": (
        "Você recebe este e-mail porque visitou o nosso estande. Para não receber mais "
        'e-mails, responda para {mailbox} com o assunto "unsubscribe".',
        " Ou cancele a inscrição aqui: {url}",
    ),
}


@dataclass(frozen=True, slots=True)
class Footer:
    mailbox: str  # the unsubscribe address (no "mailto:")
    postal_address: str
    company: str = ""
    url: str = ""  # one-click unsubscribe page for this lead, or ""

    def lines(self, language: str) -> tuple[str, ...]:
        opt_out, with_url = _OPT_OUT.get(language, _OPT_OUT["en"])
        line = opt_out.format(mailbox=self.mailbox)
        if self.url:
            line += with_url.format(url=self.url)
        sender = ", ".join(p for p in (self.company, " ".join(self.postal_address.split())) if p)
        return (line, sender) if sender else (line,)


def with_footer(message: RenderedMessage, footer: Footer) -> RenderedMessage:
    """The message with the footer after its body, in both parts."""
    lines = footer.lines(message.language)
    text = message.text.rstrip("\n") + "\n\n-- \n" + "\n".join(lines) + "\n"
    html_lines = Markup("<br>\n").join(escape(line) for line in lines)
    block = Markup('<hr>\n<p style="font-size: smaller; color: #555;">{}</p>\n').format(html_lines)
    cut = message.html.rfind("</body>")
    html = message.html[:cut] + str(block) + message.html[cut:] if cut >= 0 else message.html
    return replace(message, text=text, html=html)
