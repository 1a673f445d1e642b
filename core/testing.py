"""Post what the page renders: a form read from the HTML, as a browser would send it.

Hand-written POST data can hold fields a real page never renders (or miss ones it does):
the Redis-outage test saved an evaluation that no browser could save, because the page
left out a management form the test supplied by hand. Here the data comes from the page:

    form = rendered_form(client, "/evaluations/7/fill/", testid="evaluation-form")
    response = form.submit(client, {"findings": "Baik"}, button="submit")

Only fields the page shows can be overridden (anything else raises `NotOnPage`); `None` as
an override leaves the field out, as an unticked box or an untouched file input would.
The standard library's html.parser reads the page; what it cannot see (fields added by
JavaScript, like the formsets' "Add another" rows kept in a <template>) is not sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

# Input types a browser never sends by themselves (a submit button only when clicked).
NOT_SENT = {"submit", "button", "image", "reset", "file"}
CHECKED = {"checkbox", "radio"}


class NotOnPage(KeyError):
    """A test tried to send a field the page does not render."""


@dataclass
class Control:
    name: str
    kind: str  # input type, "select", "select-multiple", "textarea"
    value: str = ""
    checked: bool = False
    disabled: bool = False
    options: list[tuple[str, bool]] = field(default_factory=list)  # (value, selected)


@dataclass
class RenderedForm:
    page: str  # the URL the form was read from
    attrs: dict
    controls: list[Control] = field(default_factory=list)

    @property
    def method(self) -> str:
        return (self.attrs.get("method") or "get").lower()

    @property
    def action(self) -> str:
        """Where the browser sends it: the action resolved against the page's URL."""
        action = urljoin(self.page, self.attrs.get("action") or self.page)
        parts = urlsplit(action)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    @property
    def names(self) -> set[str]:
        """Every name the page renders in this form, sent or not."""
        return {c.name for c in self.controls}

    def buttons(self) -> set[str]:
        return {c.name for c in self.controls if c.kind in ("submit", "image")}

    def options(self, name: str) -> list[str]:
        """The values a browser could send for a select, radio group or checkbox."""
        found = []
        for control in self.controls:
            if control.name == name:
                found += [v for v, _s in control.options] or [control.value or "on"]
        return found

    def browser_data(self, button: str | None = None) -> dict[str, str | list[str]]:
        """What the browser sends as the page stands, `button` being the one clicked."""
        pairs: list[tuple[str, str]] = []
        for control in self.controls:
            if control.disabled or not control.name:
                continue
            if control.kind in NOT_SENT:
                if control.name == button and control.kind in ("submit", "image"):
                    pairs.append((control.name, control.value))
                continue
            if control.kind in CHECKED:
                if control.checked:
                    pairs.append((control.name, control.value or "on"))
            elif control.kind == "select-multiple":
                pairs += [(control.name, v) for v, selected in control.options if selected]
            elif control.kind == "select":
                chosen = [v for v, selected in control.options if selected]
                first = [v for v, _s in control.options[:1]]
                pairs += [(control.name, v) for v in (chosen[-1:] or first)]
            else:
                pairs.append((control.name, control.value))
        data: dict[str, str | list[str]] = {}
        for name, value in pairs:
            if name in data:
                previous = data[name]
                data[name] = [*(previous if isinstance(previous, list) else [previous]), value]
            else:
                data[name] = value
        return data

    def data(self, overrides: dict | None = None, button: str | None = None) -> dict:
        """The browser's data with `overrides` applied; only to fields the page renders."""
        if button is not None and button not in self.buttons():
            raise NotOnPage(f"no button named {button!r} in the form; it has {self.buttons()}")
        data = self.browser_data(button)
        for name, value in (overrides or {}).items():
            if name not in self.names:
                raise NotOnPage(f"{name!r} is not rendered in the form of {self.page}")
            if value is None:
                data.pop(name, None)
            else:
                data[name] = value
        return data

    def submit(self, client, overrides: dict | None = None, button: str | None = None, **kw):
        """Send the form with the client, to its action, by its method."""
        send = client.post if self.method == "post" else client.get
        return send(self.action, self.data(overrides, button), **kw)


class _FormParser(HTMLParser):
    """Every <form> of a page with its controls; <template> contents are not the page's."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[RenderedForm] = []
        self.by_id: dict[str, RenderedForm] = {}
        self.current: RenderedForm | None = None
        self.in_template = 0
        self.select: Control | None = None
        self.option: list | None = None  # [value or None, selected, text]
        self.textarea: Control | None = None
        self.orphans: list[tuple[str, Control]] = []  # controls with form="id" outside

    def _add(self, attrs: dict, control: Control) -> None:
        owner = attrs.get("form")
        if owner:
            self.orphans.append((owner, control))
        elif self.current is not None:
            self.current.controls.append(control)

    def handle_starttag(self, tag: str, attrs_list) -> None:
        attrs = {k: (v if v is not None else "") for k, v in attrs_list}
        if tag == "template":
            self.in_template += 1
        if self.in_template:
            return
        disabled = "disabled" in attrs
        if tag == "form":
            self.current = RenderedForm(self.page, attrs)
            self.forms.append(self.current)
            if attrs.get("id"):
                self.by_id[attrs["id"]] = self.current
        elif tag == "input":
            kind = (attrs.get("type") or "text").lower()
            control = Control(
                attrs.get("name", ""), kind, attrs.get("value", ""), "checked" in attrs, disabled
            )
            self._add(attrs, control)
        elif tag == "button":
            kind = (attrs.get("type") or "submit").lower()
            self._add(attrs, Control(attrs.get("name", ""), kind, attrs.get("value", ""), False))
        elif tag == "select":
            kind = "select-multiple" if "multiple" in attrs else "select"
            self.select = Control(attrs.get("name", ""), kind, disabled=disabled)
            self._add(attrs, self.select)
        elif tag == "option" and self.select is not None:
            self._close_option()
            self.option = [attrs.get("value"), "selected" in attrs, ""]
        elif tag == "textarea":
            self.textarea = Control(attrs.get("name", ""), "textarea", disabled=disabled)
            self._add(attrs, self.textarea)

    def _close_option(self) -> None:
        if self.option is not None and self.select is not None:
            value, selected, text = self.option
            self.select.options.append((text.strip() if value is None else value, selected))
        self.option = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self.in_template -= 1
        if self.in_template:
            return
        if tag == "form":
            self.current = None
        elif tag == "option":
            self._close_option()
        elif tag == "select":
            self._close_option()
            self.select = None
        elif tag == "textarea":
            # A browser drops the one newline right after <textarea>.
            if self.textarea is not None and self.textarea.value.startswith("\n"):
                self.textarea.value = self.textarea.value[1:]
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.in_template:
            return
        if self.textarea is not None:
            self.textarea.value += data
        elif self.option is not None:
            self.option[2] += data

    def close(self) -> None:
        super().close()
        for owner, control in self.orphans:
            if owner in self.by_id:
                self.by_id[owner].controls.append(control)


def forms_in(html: str, page: str) -> list[RenderedForm]:
    parser = _FormParser(page)
    parser.feed(html)
    parser.close()
    return parser.forms


# Forms every page carries (the menu's log-out, the language switcher): never the one meant.
CHROME_ACTIONS = ("/accounts/logout/", "/i18n/setlang/")


def pick(found: list[RenderedForm], *, testid=None, has=None, method=None) -> RenderedForm:
    """The form meant: by data-testid, by a field it must render, else the biggest one."""
    candidates = [
        f
        for f in found
        if not f.action.startswith(CHROME_ACTIONS)
        and (testid is None or f.attrs.get("data-testid") == testid)
        and (has is None or has in f.names)
        and (method is None or f.method == method)
    ]
    if not candidates:
        raise NotOnPage(f"no form (testid={testid}, has={has}, method={method}) on the page")
    return max(candidates, key=lambda f: len(f.controls))


def rendered_form(client, url: str, *, testid=None, has=None, method=None, **get_kw):
    """GET the page as the client's user and read the form a person would fill in."""
    response = client.get(url, **get_kw)
    if response.status_code != 200:
        raise AssertionError(f"GET {url} answered {response.status_code}, not a form")
    return pick(forms_in(response.content.decode(), url), testid=testid, has=has, method=method)


def form_fields(html: str, testid: str | None = None, action: str | None = None) -> dict:
    """What the first form with this data-testid and/or action attribute would send."""
    for form in forms_in(html, ""):
        if testid is not None and form.attrs.get("data-testid") != testid:
            continue
        if action is not None and (form.attrs.get("action") or "") != action:
            continue
        return form.browser_data()
    raise NotOnPage(f"no form (testid={testid}, action={action}) on the page")
