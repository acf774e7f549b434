"""What the apps add to pages they do not own (docs/architecture.md "Where code goes"): the
main navigation, the user menu, the page of each kind of row, and slots — a panel an app's
page loads from another app (by URL, with htmx) or a section it renders into another app's
page. Each app registers its entries in its AppConfig.ready(); templates iterate what they
are given and name no other app's URLs or templates. Registering the same key again replaces
the entry (ready() may run more than once in tests)."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.safestring import SafeString

Label = str | Promise


@dataclass(frozen=True)
class NavEntry:
    """A section of the main navigation; it is marked current on the pages of the URL
    namespaces in `namespaces` and on the URL names starting with `url_name_prefix`."""

    key: str
    label: Label
    url_name: str
    order: int
    namespaces: tuple[str, ...] = ()
    url_name_prefix: str | None = None
    # Other URL names it is current on (the dashboard is also PMs' home, `/`).
    url_names: tuple[str, ...] = ()
    # A number shown beside the label (None or 0 shows nothing), and what it means.
    badge: Callable[[HttpRequest], int | None] | None = None
    badge_title: Label = ""


@dataclass(frozen=True)
class MenuEntry:
    """A link of the user menu (the drop-down under the user's name); with `visible`, only
    for the users it is true for (the rule of the page it links to)."""

    key: str
    label: Label
    url_name: str
    order: int
    visible: Callable[[Any], bool] | None = None


@dataclass(frozen=True)
class Panel:
    """A panel of another app's page, loaded from `url_name` with the page's object id;
    `label` names it before it has loaded (and without JavaScript)."""

    key: str
    label: Label
    url_name: str
    order: int


@dataclass(frozen=True)
class Section:
    """A section rendered into another app's page: `template_for[format]` with the context
    `context(obj)` returns."""

    key: str
    template_for: Mapping[str, str]
    context: Callable[[Any], dict[str, Any]]
    order: int


@dataclass(frozen=True)
class DepartmentWork:
    """A kind of current work an app keeps for departments (docs/architecture.md "Nothing with
    history is deleted"): `open_count(department_id)` says how much of it is open (archiving
    refuses while any is) and `move(source_id, target_id)` hands the open rows to the
    department taking over in a merge, inside the merge's transaction, returning how many
    moved. `label` takes the count as %(count)d ("open plan items: %(count)d")."""

    key: str
    label: Label
    open_count: Callable[[int], int]
    move: Callable[[int, int], int]
    order: int


@dataclass(frozen=True)
class WorkEntry:
    """One thing waiting for a user on My work: `title`, the page where it is dealt with,
    since when it waits (`since`: a date or an aware moment), whether it is overdue by its
    app's rule (with its `due` date or moment, for "was due …") and a short `note` (a
    deadline, days left)."""

    title: str
    url: str
    since: Any
    overdue: bool = False
    due: Any = None
    note: Label = ""


@dataclass(frozen=True)
class WorkKind:
    """A kind of work an app keeps on My work (docs/architecture.md "My work"):
    `entries(user, seen_at)` returns what waits for `user` now, in the app's order, in a
    fixed number of queries; `seen_at` is when the user last opened My work (None the
    first time), for kinds that show what is new since."""

    key: str
    label: Label
    entries: Callable[[Any, Any], list[WorkEntry]]
    order: int


@dataclass
class _Registry:
    navigation: dict[str, NavEntry] = field(default_factory=dict)
    user_menu: dict[str, MenuEntry] = field(default_factory=dict)
    panels: dict[str, dict[str, Panel]] = field(default_factory=dict)
    sections: dict[str, dict[str, Section]] = field(default_factory=dict)
    # model label ("goals.goal") -> the URL name of its page, which takes the row's id
    object_pages: dict[str, str] = field(default_factory=dict)
    department_work: dict[str, DepartmentWork] = field(default_factory=dict)
    my_work: dict[str, WorkKind] = field(default_factory=dict)


_registry = _Registry()


def register_nav(entry: NavEntry) -> None:
    _registry.navigation[entry.key] = entry


def register_user_menu(entry: MenuEntry) -> None:
    _registry.user_menu[entry.key] = entry


def register_panel(slot: str, panel: Panel) -> None:
    _registry.panels.setdefault(slot, {})[panel.key] = panel


def register_section(slot: str, section: Section) -> None:
    _registry.sections.setdefault(slot, {})[section.key] = section


def register_object_page(model: type[models.Model], url_name: str) -> None:
    """`url_name` (taking the row's id) is the page of each row of `model`."""
    _registry.object_pages[model._meta.label_lower] = url_name


def register_department_work(entry: DepartmentWork) -> None:
    _registry.department_work[entry.key] = entry


def register_my_work(kind: WorkKind) -> None:
    _registry.my_work[kind.key] = kind


def my_work(user: Any, *, seen_at: Any = None) -> list[tuple[WorkKind, list[WorkEntry]]]:
    """Each kind of work the apps registered for My work, in their order, with what waits
    for `user` now (possibly nothing)."""
    kinds = sorted(_registry.my_work.values(), key=lambda kind: kind.order)
    return [(kind, kind.entries(user, seen_at)) for kind in kinds]


def department_work() -> list[DepartmentWork]:
    """The kinds of departments' current work the apps registered, in their order."""
    return sorted(_registry.department_work.values(), key=lambda entry: entry.order)


def object_url(obj: models.Model) -> str:
    """The page of a row whose app registered one (the `page_url` template filter)."""
    return reverse(_registry.object_pages[obj._meta.label_lower], args=[obj.pk])


def _current_key(request: HttpRequest, entries: list[NavEntry]) -> str | None:
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match else ""
    url_name = (match.url_name if match else "") or ""
    for entry in entries:
        if namespace and namespace in entry.namespaces:
            return entry.key
    for entry in entries:
        if not namespace and (
            url_name == entry.url_name
            or url_name in entry.url_names
            or (entry.url_name_prefix and url_name.startswith(entry.url_name_prefix))
        ):
            return entry.key
    return None


def navigation(request: HttpRequest) -> list[dict[str, Any]]:
    """The main navigation in order, with the current section marked and badges counted."""
    entries = sorted(_registry.navigation.values(), key=lambda entry: entry.order)
    current = _current_key(request, entries)
    return [
        {
            "key": entry.key,
            "label": entry.label,
            "url": reverse(entry.url_name),
            "active": entry.key == current,
            "badge": entry.badge(request) if entry.badge else None,
            "badge_title": entry.badge_title,
        }
        for entry in entries
    ]


def user_menu(user: Any) -> list[dict[str, Any]]:
    """The apps' links of the user menu that `user` may follow, in order."""
    entries = sorted(_registry.user_menu.values(), key=lambda entry: entry.order)
    return [
        {"key": entry.key, "label": entry.label, "url": reverse(entry.url_name)}
        for entry in entries
        if entry.visible is None or entry.visible(user)
    ]


def nav_url(key: str) -> str:
    """The landing page of a navigation section, for a page that links to it."""
    return reverse(_registry.navigation[key].url_name)


def panels(slot: str, *args: Any) -> list[dict[str, Any]]:
    """The panels registered for `slot`, in order, each with its URL built from `args`."""
    entries = sorted(_registry.panels.get(slot, {}).values(), key=lambda panel: panel.order)
    return [
        {"key": panel.key, "label": panel.label, "url": reverse(panel.url_name, args=args)}
        for panel in entries
    ]


def render_sections(
    slot: str, obj: Any, *, format: str = "html", request: HttpRequest | None = None
) -> list[SafeString]:
    """The sections registered for `slot`, rendered for `obj` in `format` ("html", "md")."""
    sections = sorted(_registry.sections.get(slot, {}).values(), key=lambda s: s.order)
    return [
        render_to_string(section.template_for[format], section.context(obj), request)
        for section in sections
        if format in section.template_for
    ]
