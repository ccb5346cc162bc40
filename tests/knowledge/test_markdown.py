"""Article bodies: Markdown in, safe HTML out, with a table of contents."""

from html.parser import HTMLParser

import pytest

from knowledge.markdown import plain, render


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt&#58;alert(1))",
        '<img src=x onerror="alert(1)">',
        "![x](https://tracker.example/pixel.png)",
        "![x](data:image/svg+xml;base64,PHN2Zy8+)",
        '[x](https://ok.example "a\\" onmouseover=\\"alert(1)")',
        "```html\n<script>alert(1)</script>\n```",
        "<style>body{display:none}</style>",
    ],
)
def test_nothing_active_survives(text):
    found = _Tags()
    found.feed(render(text).html)
    for tag, attrs in found.tags:
        assert tag not in ("script", "style", "iframe", "object"), tag
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src"):
                assert value.startswith(("https://", "http://", "/", "#", "mailto:")), value
                assert "tracker.example" not in value


def test_images_come_only_from_the_articles_files():
    html = render(
        "![Luces](attachment:ont.png) ![x](attachment:missing.png)", {"ont.png": "/f/1/"}
    ).html
    assert '<img src="/f/1/" alt="Luces">' in html
    assert html.count("<img") == 2 and 'src="/f/1/"' in html and html.count("src=") == 1


def test_headings_make_a_contents_with_plain_text_and_safe_anchors():
    rendered = render("## Use `ping` **now**\n\n## kb-feedback\n\n### main\n\n## Use ping now")
    assert [(h.level, h.text, h.anchor) for h in rendered.toc] == [
        (2, "Use ping now", "s-use-ping-now"),
        (2, "kb-feedback", "s-kb-feedback"),
        (3, "main", "s-main"),
        (2, "Use ping now", "s-use-ping-now-2"),
    ]
    assert render("## One\n\n## Two").toc == []


def test_tables_align_by_class_and_scroll_from_the_keyboard():
    html = render("| a | b |\n|:-|-:|\n| 1 | 2 |\n\n```\nlong line\n```").html
    assert '<th class="align-left">' in html and '<td class="align-right">' in html
    assert '<table tabindex="0">' in html and '<pre tabindex="0">' in html
    assert "style=" not in html


def test_plain_text_for_previews():
    assert plain("## Title\n\n**bold** & <b>x</b>") == "Title\nbold & <b>x</b>"
