"""A reply's own words, as the readers' mail programs write replies."""

import pytest

from mailin.trim import html_text, reply_text

NEW = "Thanks, the router is back.\nWe will watch it tonight."
QUOTE = "> Could you restart the router?\n> Ana"

AGENT = "Ana Agent <support@support.example>"

SAMPLES = {
    "gmail": f"{NEW}\n\nOn Thu, 5 Dec 2024 at 10:02, {AGENT} wrote:\n\n{QUOTE}",
    "gmail wrapped": (
        f"{NEW}\n\nOn Thu, 5 Dec 2024 at 10:02, Ana Agent\n<support@support.example> wrote:\n"
        f"{QUOTE}"
    ),
    "apple": f"{NEW}\n\n> On 5 Dec 2024, at 10:02, {AGENT} wrote:\n{QUOTE}",
    "spanish": f"{NEW}\n\nEl jue, 5 dic 2024 a las 10:02, ({AGENT}) escribió:\n{QUOTE}",
    "portuguese": f"{NEW}\n\nEm qui., 5 de dez. de 2024 às 10:02, {AGENT} escreveu:\n{QUOTE}",
    "french": f"{NEW}\n\nLe jeu. 5 déc. 2024 à 10:02, {AGENT} a écrit\xa0:\n{QUOTE}",
    "outlook": (
        f"{NEW}\n\n________________________________\nFrom: Support <support@support.example>\n"
        "Sent: Thursday, December 5, 2024 10:02 AM\nTo: Diego <member@andes.test>\n"
        "Subject: [TKT-2024-00001] Router down\n\nCould you restart the router?"
    ),
    "outlook in spanish": (
        f"{NEW}\n\nDe: Support <support@support.example>\nEnviado: jueves, 5 de diciembre\n"
        "Para: Diego\nAsunto: Router\n\nCould you restart the router?"
    ),
    "original message": f"{NEW}\n\n-----Original Message-----\nFrom: Support\nCould you restart?",
    "signature": f"{NEW}\n\n-- \nDiego Díaz\nAndes Fibra | +56 2 2345 6789",
    "signature without its space": f"{NEW}\n--\nDiego",
    "quoted lines": f"{QUOTE}\n\n{NEW}",
}


@pytest.mark.parametrize("sample", SAMPLES.values(), ids=SAMPLES.keys())
def test_only_the_new_words_are_kept(sample):
    assert reply_text(sample) == NEW


def test_an_unquoted_reply_is_kept_whole():
    text = "Line one.\n\n- a dash list\n-- not a signature, words follow\nOn time: yes"
    assert reply_text(text) == text


def test_crlf_line_ends():
    assert reply_text(SAMPLES["gmail"].replace("\n", "\r\n")) == NEW


def test_html_becomes_text_safely():
    markup = (
        "<html><head><style>p{color:red}</style><title>t</title></head><body>"
        "<div>Thanks, the <b>router</b> is back.<br>We will watch it &amp; tell you.</div>"
        "<script>alert('x')</script><img src=x onerror=alert(1)>"
        '<div class="gmail_quote">On Thu, 5 Dec 2024 at 10:02, Ana wrote:'
        "<blockquote>Could you <i>restart</i> it?</blockquote></div></body></html>"
    )
    text = reply_text(html_text(markup))
    assert text == "Thanks, the router is back.\nWe will watch it & tell you."


def test_junk_html_does_not_raise():
    assert html_text("<<<div <b>&#xffffffff; </ p") is not None
