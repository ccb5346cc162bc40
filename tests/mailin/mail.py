"""Replies as mail programs write them, as bytes."""

from email.message import EmailMessage
from email.utils import make_msgid


def reply(
    *,
    to: str,
    sender: str,
    body: str | None = "Thanks, it works again.",
    subject: str = "Re: [TKT] Router down in Valparaíso",
    message_id: str | None = None,
    headers: dict | None = None,
    html: str | None = None,
    files=(),
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="client.test")
    for name, value in (headers or {}).items():
        message[name] = value
    if body is not None:
        message.set_content(body)
        if html is not None:
            message.add_alternative(html, subtype="html")
    elif html is not None:
        message.set_content(html, subtype="html")
    for name, data, maintype, subtype in files:
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()
