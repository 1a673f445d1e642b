"""Read a page's form the way a browser submits it, so a test posts only what the page
renders: hidden inputs (management forms, ids, CSRF) included, unchecked boxes left out,
a drop-down's selected option (or its first one)."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, testid: str | None, action: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.testid, self.action, self.done = testid, action, False
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text = ""
        self._option_value: str | None = None
        self._option_selected = False
        self._option_text = ""

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form" and not self.inside and not self.done:
            self.inside = (self.testid is None or a.get("data-testid") == self.testid) and (
                self.action is None or a.get("action", "") == self.action
            )
            return
        if not self.inside:
            return
        if tag == "input":
            self._input(a)
        elif tag == "select" and "disabled" not in a:
            self._select, self._options = a.get("name"), []
        elif tag == "option" and self._select is not None:
            self._option_value = a.get("value")
            self._option_selected = "selected" in a
            self._option_text = ""
        elif tag == "textarea" and "disabled" not in a:
            self._textarea, self._text = a.get("name"), ""

    def _input(self, a: dict) -> None:
        kind = a.get("type", "text").lower()
        name = a.get("name")
        if not name or "disabled" in a or kind in ("submit", "button", "image", "reset", "file"):
            return
        if kind in ("checkbox", "radio"):
            if "checked" in a:
                self.fields.append((name, a.get("value") or "on"))
            return
        self.fields.append((name, a.get("value", "")))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data
        elif self._option_value is not None or self._select is not None:
            self._option_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.inside:
            self.inside, self.done = False, True  # only the first matching form
        elif tag == "option" and self._select is not None:
            value = self._option_value if self._option_value is not None else self._option_text
            self._options.append(
                (value.strip() if self._option_value is None else value, self._option_selected)
            )
            self._option_value = None
        elif tag == "select" and self._select is not None:
            chosen = [v for v, selected in self._options if selected] or [
                v for v, _ in self._options[:1]
            ]
            self.fields.extend((self._select, v) for v in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # The HTML parser drops the single newline right after <textarea>.
            self.fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None


def form_fields(html: str, testid: str | None = None, action: str | None = None) -> dict:
    """The fields the first form with this data-testid and/or action would submit."""
    reader = _FormReader(testid, action)
    reader.feed(html)
    return dict(reader.fields)
