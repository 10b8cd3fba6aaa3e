"""Discord's payload limits, checked the way Discord checks them.

Every ``validate_*`` function adds problems to a :class:`FormErrors`, which
renders them like Discord's ``50035 Invalid Form Body`` errors::

    {"code": 50035, "message": "Invalid Form Body",
     "errors": {"embeds": {"0": {"title": {"_errors": [{"code": ..., "message": ...}]}}}}}
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .models import FakeGuild, MentionReport, MessageFlag

JSON = dict[str, Any]
Path = tuple[str, ...]

# Limits (https://discord.com/developers/docs/resources/message, .../interactions/...)
MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_EMBED_TITLE = 256
MAX_EMBED_DESCRIPTION = 4096
MAX_EMBED_FIELDS = 25
MAX_EMBED_FIELD_NAME = 256
MAX_EMBED_FIELD_VALUE = 1024
MAX_EMBED_FOOTER = 2048
MAX_EMBED_AUTHOR = 256
MAX_EMBED_TOTAL = 6000
MAX_ACTION_ROWS = 5
MAX_ROW_WIDTH = 5
MAX_CUSTOM_ID = 100
MAX_BUTTON_LABEL = 80
MAX_SELECT_OPTIONS = 25
MAX_SELECT_OPTION_TEXT = 100
MAX_SELECT_PLACEHOLDER = 150
MAX_MODAL_TITLE = 45
MAX_MODAL_ROWS = 5
MAX_TEXT_INPUT_LABEL = 45
MAX_TEXT_INPUT_LENGTH = 4000
MAX_V2_COMPONENTS = 40
MAX_V2_TEXT = 4000
MAX_COMMAND_NAME = 32
MAX_COMMAND_DESCRIPTION = 100
MAX_COMMAND_OPTIONS = 25
MAX_CHOICES = 25
MAX_CHOICE_NAME = 100
MAX_CHOICE_VALUE = 100
MAX_GLOBAL_CHAT_COMMANDS = 100
MAX_CONTEXT_MENU_COMMANDS = 5
MAX_COMMAND_TOTAL_CHARS = 8000
MAX_AUTOCOMPLETE_CHOICES = 25

BUTTON = 2
SELECT_TYPES = frozenset({3, 5, 6, 7, 8})
TEXT_INPUT = 4
V2_TOP_LEVEL = frozenset({1, 9, 10, 12, 13, 14, 17})
CONTAINER_CHILDREN = frozenset({1, 9, 10, 12, 13, 14})
LABEL_CHILDREN = frozenset({3, 4, 5, 6, 7, 8, 19, 21, 22, 23})
VALUE_OPTION_TYPES = frozenset(range(3, 12))
CHOICE_OPTION_TYPES = frozenset({3, 4, 10})


@dataclass
class FormError:
    """One problem at a path inside the JSON body."""

    path: Path
    code: str
    message: str

    def __str__(self) -> str:
        where = ".".join(self.path) or "<body>"
        return f"{where}: {self.message} ({self.code})"


@dataclass
class FormErrors:
    """A collection of :class:`FormError` that renders like Discord's error body."""

    items: list[FormError] = field(default_factory=list)

    def add(self, path: Sequence[str | int], code: str, message: str) -> None:
        """Record a problem at ``path`` (keys and list indexes)."""
        self.items.append(FormError(tuple(str(p) for p in path), code, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def messages(self) -> list[str]:
        """One readable line per problem."""
        return [str(item) for item in self.items]

    def to_errors(self) -> JSON:
        """The nested ``errors`` object of a Discord 50035 body."""
        root: JSON = {}
        for item in self.items:
            node = root
            for key in item.path:
                node = node.setdefault(key, {})
            node.setdefault("_errors", []).append({"code": item.code, "message": item.message})
        return root

    def body(self) -> JSON:
        """The full 400 answer: code 50035, "Invalid Form Body", errors."""
        return {"code": 50035, "message": "Invalid Form Body", "errors": self.to_errors()}


# ---------------------------------------------------------------------------
# small checks


def _check_str(
    errors: FormErrors,
    path: Path,
    value: Any,
    *,
    max_len: int,
    min_len: int = 0,
    required: bool = False,
) -> int:
    """Check an optional/required string's length; return its length (0 if absent)."""
    if value is None:
        if required:
            errors.add(path, "BASE_TYPE_REQUIRED", "This field is required")
        return 0
    if not isinstance(value, str):
        errors.add(path, "BASE_TYPE_STRING", "Must be a string.")
        return 0
    length = len(value)
    if required and length == 0 and min_len <= 1:
        errors.add(path, "BASE_TYPE_REQUIRED", "This field is required")
    elif length > max_len or length < min_len:
        if min_len > 0:
            errors.add(
                path, "BASE_TYPE_BAD_LENGTH", f"Must be between {min_len} and {max_len} in length."
            )
        else:
            errors.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {max_len} or fewer in length.")
    return length


def _check_list(
    errors: FormErrors,
    path: Path,
    value: Any,
    *,
    max_len: int,
    min_len: int = 0,
) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        errors.add(path, "BASE_TYPE_ARRAY", "Must be an array.")
        return []
    if len(value) > max_len or len(value) < min_len:
        if min_len > 0:
            errors.add(
                path, "BASE_TYPE_BAD_LENGTH", f"Must be between {min_len} and {max_len} in length."
            )
        else:
            errors.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {max_len} or fewer in length.")
    return value


def _check_int(errors: FormErrors, path: Path, value: Any, *, minimum: int, maximum: int) -> None:
    if value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool):
        errors.add(path, "NUMBER_TYPE_COERCE", f'Value "{value}" is not int.')
        return
    if value < minimum:
        errors.add(
            path, "NUMBER_TYPE_MIN", f"int value should be greater than or equal to {minimum}."
        )
    elif value > maximum:
        errors.add(path, "NUMBER_TYPE_MAX", f"int value should be less than or equal to {maximum}.")


# ---------------------------------------------------------------------------
# messages


def validate_message(
    payload: JSON,
    errors: FormErrors,
    path: Path = (),
    *,
    allowed_flags: int | None = None,
) -> None:
    """Check a message create/edit body (content, embeds, components, mentions...).

    ``allowed_flags`` restricts which flag bits may be set (None: no check).
    """
    if not isinstance(payload, dict):
        errors.add(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
        return
    flags = payload.get("flags") or 0
    v2 = bool(isinstance(flags, int) and flags & MessageFlag.IS_COMPONENTS_V2)
    if allowed_flags is not None and isinstance(flags, int) and flags & ~allowed_flags:
        errors.add((*path, "flags"), "MESSAGE_FLAGS_INVALID", "Invalid message flags")
    _check_str(errors, (*path, "content"), payload.get("content"), max_len=MAX_CONTENT)
    if "embeds" in payload and payload["embeds"] is not None:
        validate_embeds(payload["embeds"], errors, (*path, "embeds"))
    if "components" in payload and payload["components"] is not None:
        validate_message_components(payload["components"], errors, (*path, "components"), v2=v2)
    if v2:
        if payload.get("content"):
            errors.add(
                (*path, "content"),
                "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                "The 'content' field cannot be used when using MessageFlags.IS_COMPONENTS_V2",
            )
        if payload.get("embeds"):
            errors.add(
                (*path, "embeds"),
                "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                "The 'embeds' field cannot be used when using MessageFlags.IS_COMPONENTS_V2",
            )
    if "allowed_mentions" in payload and payload["allowed_mentions"] is not None:
        validate_allowed_mentions_format(
            payload["allowed_mentions"], errors, (*path, "allowed_mentions")
        )
    _check_list(errors, (*path, "sticker_ids"), payload.get("sticker_ids"), max_len=3)
    _check_list(errors, (*path, "attachments"), payload.get("attachments"), max_len=10)
    poll = payload.get("poll")
    if isinstance(poll, dict):
        _validate_poll(poll, errors, (*path, "poll"))


def _validate_poll(poll: JSON, errors: FormErrors, path: Path) -> None:
    question = poll.get("question") or {}
    _check_str(
        errors, (*path, "question", "text"), question.get("text"), max_len=300, required=True
    )
    answers = _check_list(errors, (*path, "answers"), poll.get("answers"), max_len=10, min_len=1)
    for i, answer in enumerate(answers):
        media = (answer or {}).get("poll_media") or {}
        _check_str(
            errors, (*path, "answers", str(i), "poll_media", "text"), media.get("text"), max_len=55
        )
    _check_int(errors, (*path, "duration"), poll.get("duration"), minimum=1, maximum=768)


def embed_length(embed: JSON) -> int:
    """The characters Discord counts towards the 6000 limit for one embed."""
    total = 0
    for key in ("title", "description"):
        if isinstance(embed.get(key), str):
            total += len(embed[key])
    for fld in embed.get("fields") or []:
        if isinstance(fld, dict):
            total += len(str(fld.get("name") or "")) + len(str(fld.get("value") or ""))
    footer = embed.get("footer") or {}
    author = embed.get("author") or {}
    total += len(str(footer.get("text") or "")) + len(str(author.get("name") or ""))
    return total


def validate_embeds(embeds: Any, errors: FormErrors, path: Path) -> None:
    """Check the embeds list: ≤10 embeds, per-field limits and ≤6000 characters overall."""
    items = _check_list(errors, path, embeds, max_len=MAX_EMBEDS)
    total = 0
    for i, embed in enumerate(items):
        p = (*path, str(i))
        if not isinstance(embed, dict):
            errors.add(p, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
            continue
        _check_str(errors, (*p, "title"), embed.get("title"), max_len=MAX_EMBED_TITLE)
        _check_str(
            errors, (*p, "description"), embed.get("description"), max_len=MAX_EMBED_DESCRIPTION
        )
        fields = _check_list(errors, (*p, "fields"), embed.get("fields"), max_len=MAX_EMBED_FIELDS)
        for j, fld in enumerate(fields):
            fp = (*p, "fields", str(j))
            if not isinstance(fld, dict):
                errors.add(fp, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
                continue
            _check_str(
                errors,
                (*fp, "name"),
                fld.get("name"),
                max_len=MAX_EMBED_FIELD_NAME,
                min_len=1,
                required=True,
            )
            _check_str(
                errors,
                (*fp, "value"),
                fld.get("value"),
                max_len=MAX_EMBED_FIELD_VALUE,
                min_len=1,
                required=True,
            )
        footer = embed.get("footer")
        if isinstance(footer, dict):
            _check_str(
                errors,
                (*p, "footer", "text"),
                footer.get("text"),
                max_len=MAX_EMBED_FOOTER,
                required=True,
            )
        author = embed.get("author")
        if isinstance(author, dict):
            _check_str(
                errors,
                (*p, "author", "name"),
                author.get("name"),
                max_len=MAX_EMBED_AUTHOR,
                required=True,
            )
        _check_int(errors, (*p, "color"), embed.get("color"), minimum=0, maximum=0xFFFFFF)
        total += embed_length(embed)
    if total > MAX_EMBED_TOTAL:
        errors.add(
            path, "MAX_EMBED_SIZE_EXCEEDED", f"Embed size exceeds maximum size of {MAX_EMBED_TOTAL}"
        )


def validate_message_components(
    components: Any, errors: FormErrors, path: Path, *, v2: bool
) -> None:
    """Check message components: ≤5 rows of ≤5 buttons or one select (or a v2 layout)."""
    seen: dict[str, Path] = {}
    if not v2:
        rows = _check_list(errors, path, components, max_len=MAX_ACTION_ROWS)
        for i, row in enumerate(rows):
            p = (*path, str(i))
            if not isinstance(row, dict) or row.get("type") != 1:
                errors.add(
                    (*p, "type"), "UNION_TYPE_CHOICES", 'Value of field "type" must be one of (1,).'
                )
                continue
            _validate_action_row(row, errors, p, seen)
        return
    items = _check_list(errors, path, components, max_len=MAX_V2_COMPONENTS)
    counter = [0, 0]  # components, text characters
    for i, comp in enumerate(items):
        p = (*path, str(i))
        if not isinstance(comp, dict) or comp.get("type") not in V2_TOP_LEVEL:
            errors.add((*p, "type"), "COMPONENT_TYPE_INVALID", "Component type is not valid here")
            continue
        _validate_v2_component(comp, errors, p, seen, counter)
    if counter[0] > MAX_V2_COMPONENTS:
        errors.add(
            path,
            "COMPONENT_MAX_TOTAL_COMPONENTS_EXCEEDED",
            f"Must be {MAX_V2_COMPONENTS} or fewer components in total.",
        )
    if counter[1] > MAX_V2_TEXT:
        errors.add(
            path,
            "COMPONENT_MAX_TOTAL_TEXT_DISPLAY_LENGTH_EXCEEDED",
            f"Text displays must total {MAX_V2_TEXT} or fewer characters.",
        )


def _validate_v2_component(
    comp: JSON, errors: FormErrors, path: Path, seen: dict[str, Path], counter: list[int]
) -> None:
    counter[0] += 1
    ctype = comp.get("type")
    if ctype == 1:
        counter[0] += len(comp.get("components") or [])
        _validate_action_row(comp, errors, path, seen)
    elif ctype == 10:
        counter[1] += _check_str(
            errors, (*path, "content"), comp.get("content"), max_len=MAX_V2_TEXT, required=True
        )
    elif ctype == 9:
        children = _check_list(
            errors, (*path, "components"), comp.get("components"), max_len=3, min_len=1
        )
        for i, child in enumerate(children):
            if not isinstance(child, dict) or child.get("type") != 10:
                errors.add(
                    (*path, "components", str(i), "type"),
                    "COMPONENT_TYPE_INVALID",
                    "Sections only hold text displays",
                )
                continue
            _validate_v2_component(child, errors, (*path, "components", str(i)), seen, counter)
        accessory = comp.get("accessory")
        if not isinstance(accessory, dict) or accessory.get("type") not in (2, 11):
            errors.add((*path, "accessory"), "BASE_TYPE_REQUIRED", "This field is required")
        else:
            counter[0] += 1
            if accessory.get("type") == BUTTON:
                _validate_button(accessory, errors, (*path, "accessory"), seen)
    elif ctype == 12:
        _check_list(errors, (*path, "items"), comp.get("items"), max_len=10, min_len=1)
    elif ctype == 17:
        children = _check_list(
            errors,
            (*path, "components"),
            comp.get("components"),
            max_len=MAX_V2_COMPONENTS,
            min_len=1,
        )
        for i, child in enumerate(children):
            cp = (*path, "components", str(i))
            if not isinstance(child, dict) or child.get("type") not in CONTAINER_CHILDREN:
                errors.add(
                    (*cp, "type"),
                    "COMPONENT_TYPE_INVALID",
                    "Component type is not valid in a container",
                )
                continue
            _validate_v2_component(child, errors, cp, seen, counter)


def _note_custom_id(comp: JSON, errors: FormErrors, path: Path, seen: dict[str, Path]) -> None:
    custom_id = comp.get("custom_id")
    if isinstance(custom_id, str):
        if custom_id in seen:
            errors.add(
                (*path, "custom_id"),
                "COMPONENT_CUSTOM_ID_DUPLICATED",
                "Component custom id cannot be duplicated",
            )
        seen[custom_id] = path


def _validate_action_row(row: JSON, errors: FormErrors, path: Path, seen: dict[str, Path]) -> None:
    children = _check_list(
        errors, (*path, "components"), row.get("components"), max_len=MAX_ROW_WIDTH, min_len=1
    )
    has_select = any(isinstance(c, dict) and c.get("type") in SELECT_TYPES for c in children)
    if has_select and len(children) > 1:
        errors.add(
            (*path, "components"),
            "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
            "The specified component exceeds the maximum width",
        )
    for i, comp in enumerate(children):
        p = (*path, "components", str(i))
        if not isinstance(comp, dict):
            errors.add(p, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
            continue
        ctype = comp.get("type")
        if ctype == BUTTON:
            _validate_button(comp, errors, p, seen)
        elif ctype in SELECT_TYPES:
            _validate_select(comp, errors, p, seen)
        else:
            errors.add(
                (*p, "type"),
                "COMPONENT_TYPE_INVALID",
                f"Component type {ctype} is not valid in a message action row",
            )


def _validate_button(comp: JSON, errors: FormErrors, path: Path, seen: dict[str, Path]) -> None:
    style = comp.get("style")
    if style not in (1, 2, 3, 4, 5, 6):
        errors.add(
            (*path, "style"), "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4, 5, 6}."
        )
    if style == 5:
        if not comp.get("url"):
            errors.add((*path, "url"), "BASE_TYPE_REQUIRED", "This field is required")
        if comp.get("custom_id"):
            errors.add(
                (*path, "custom_id"),
                "COMPONENT_LINK_BUTTON_CUSTOM_ID",
                "Link buttons cannot have a custom_id",
            )
    elif style == 6:
        if not comp.get("sku_id"):
            errors.add((*path, "sku_id"), "BASE_TYPE_REQUIRED", "This field is required")
    else:
        _check_str(
            errors,
            (*path, "custom_id"),
            comp.get("custom_id"),
            max_len=MAX_CUSTOM_ID,
            min_len=1,
            required=True,
        )
        _note_custom_id(comp, errors, path, seen)
    _check_str(errors, (*path, "label"), comp.get("label"), max_len=MAX_BUTTON_LABEL)
    if style != 6 and not comp.get("label") and not comp.get("emoji"):
        errors.add(
            path, "BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED", "A button needs a label or an emoji"
        )


def _validate_select(comp: JSON, errors: FormErrors, path: Path, seen: dict[str, Path]) -> None:
    _check_str(
        errors,
        (*path, "custom_id"),
        comp.get("custom_id"),
        max_len=MAX_CUSTOM_ID,
        min_len=1,
        required=True,
    )
    _note_custom_id(comp, errors, path, seen)
    _check_str(
        errors, (*path, "placeholder"), comp.get("placeholder"), max_len=MAX_SELECT_PLACEHOLDER
    )
    _check_int(errors, (*path, "min_values"), comp.get("min_values"), minimum=0, maximum=25)
    _check_int(errors, (*path, "max_values"), comp.get("max_values"), minimum=1, maximum=25)
    mn, mx = comp.get("min_values", 1), comp.get("max_values", 1)
    if isinstance(mn, int) and isinstance(mx, int) and mn > mx:
        errors.add(
            (*path, "min_values"),
            "SELECT_COMPONENT_MIN_VALUES_TOO_LARGE",
            "min_values must be less than or equal to max_values",
        )
    if comp.get("type") != 3:
        return
    options = comp.get("options")
    if options is None:
        errors.add((*path, "options"), "BASE_TYPE_REQUIRED", "This field is required")
        return
    options = _check_list(
        errors, (*path, "options"), options, max_len=MAX_SELECT_OPTIONS, min_len=1
    )
    values: set[str] = set()
    for i, opt in enumerate(options):
        p = (*path, "options", str(i))
        if not isinstance(opt, dict):
            errors.add(p, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
            continue
        _check_str(
            errors,
            (*p, "label"),
            opt.get("label"),
            max_len=MAX_SELECT_OPTION_TEXT,
            min_len=1,
            required=True,
        )
        _check_str(
            errors,
            (*p, "value"),
            opt.get("value"),
            max_len=MAX_SELECT_OPTION_TEXT,
            min_len=1,
            required=True,
        )
        _check_str(
            errors, (*p, "description"), opt.get("description"), max_len=MAX_SELECT_OPTION_TEXT
        )
        value = opt.get("value")
        if isinstance(value, str):
            if value in values:
                errors.add(
                    (*p, "value"),
                    "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
                    "Option values must be unique",
                )
            values.add(value)
    if isinstance(mx, int) and options and mx > len(options):
        errors.add(
            (*path, "max_values"),
            "SELECT_COMPONENT_MAX_VALUES_TOO_LARGE",
            "max_values cannot exceed the number of options",
        )


def validate_modal(data: Any, errors: FormErrors, path: Path = ("data",)) -> None:
    """Check a MODAL (type 9) callback: title ≤45, ≤5 rows, text inputs' limits."""
    if not isinstance(data, dict):
        errors.add(path, "BASE_TYPE_REQUIRED", "This field is required")
        return
    _check_str(
        errors,
        (*path, "title"),
        data.get("title"),
        max_len=MAX_MODAL_TITLE,
        min_len=1,
        required=True,
    )
    _check_str(
        errors,
        (*path, "custom_id"),
        data.get("custom_id"),
        max_len=MAX_CUSTOM_ID,
        min_len=1,
        required=True,
    )
    comps = data.get("components")
    if comps is None:
        errors.add((*path, "components"), "BASE_TYPE_REQUIRED", "This field is required")
        return
    rows = _check_list(errors, (*path, "components"), comps, max_len=MAX_MODAL_ROWS, min_len=1)
    seen: dict[str, Path] = {}
    for i, row in enumerate(rows):
        p = (*path, "components", str(i))
        if not isinstance(row, dict):
            errors.add(p, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
            continue
        rtype = row.get("type")
        if rtype == 1:
            children = _check_list(
                errors, (*p, "components"), row.get("components"), max_len=1, min_len=1
            )
            for j, child in enumerate(children):
                cp = (*p, "components", str(j))
                if isinstance(child, dict) and child.get("type") == TEXT_INPUT:
                    _validate_text_input(child, errors, cp, seen, legacy=True)
                elif isinstance(child, dict) and child.get("type") in SELECT_TYPES:
                    _validate_select(child, errors, cp, seen)
                else:
                    errors.add(
                        (*cp, "type"),
                        "COMPONENT_TYPE_INVALID",
                        "Only text inputs may be used in a modal action row",
                    )
        elif rtype == 18:
            _check_str(
                errors,
                (*p, "label"),
                row.get("label"),
                max_len=MAX_TEXT_INPUT_LABEL,
                min_len=1,
                required=True,
            )
            _check_str(errors, (*p, "description"), row.get("description"), max_len=100)
            child = row.get("component")
            cp = (*p, "component")
            if not isinstance(child, dict) or child.get("type") not in LABEL_CHILDREN:
                errors.add(cp, "BASE_TYPE_REQUIRED", "This field is required")
            elif child.get("type") == TEXT_INPUT:
                _validate_text_input(child, errors, cp, seen, legacy=False)
            elif child.get("type") in SELECT_TYPES:
                _validate_select(child, errors, cp, seen)
            else:
                _check_str(
                    errors,
                    (*cp, "custom_id"),
                    child.get("custom_id"),
                    max_len=MAX_CUSTOM_ID,
                    min_len=1,
                    required=True,
                )
                _note_custom_id(child, errors, cp, seen)
        elif rtype == 10:
            _check_str(
                errors, (*p, "content"), row.get("content"), max_len=MAX_V2_TEXT, required=True
            )
        else:
            errors.add(
                (*p, "type"),
                "COMPONENT_TYPE_INVALID",
                f"Component type {rtype} is not valid in a modal",
            )


def _validate_text_input(
    comp: JSON, errors: FormErrors, path: Path, seen: dict[str, Path], *, legacy: bool
) -> None:
    _check_str(
        errors,
        (*path, "custom_id"),
        comp.get("custom_id"),
        max_len=MAX_CUSTOM_ID,
        min_len=1,
        required=True,
    )
    _note_custom_id(comp, errors, path, seen)
    if comp.get("style") not in (1, 2):
        errors.add((*path, "style"), "BASE_TYPE_CHOICES", "Value must be one of {1, 2}.")
    _check_str(
        errors,
        (*path, "label"),
        comp.get("label"),
        max_len=MAX_TEXT_INPUT_LABEL,
        min_len=1,
        required=legacy,
    )
    _check_int(
        errors,
        (*path, "min_length"),
        comp.get("min_length"),
        minimum=0,
        maximum=MAX_TEXT_INPUT_LENGTH,
    )
    _check_int(
        errors,
        (*path, "max_length"),
        comp.get("max_length"),
        minimum=1,
        maximum=MAX_TEXT_INPUT_LENGTH,
    )
    mn, mx = comp.get("min_length"), comp.get("max_length")
    if isinstance(mn, int) and isinstance(mx, int) and mn > mx:
        errors.add(
            (*path, "min_length"),
            "TEXT_INPUT_MIN_LENGTH_TOO_LARGE",
            "min_length must be less than or equal to max_length",
        )
    _check_str(errors, (*path, "value"), comp.get("value"), max_len=MAX_TEXT_INPUT_LENGTH)
    _check_str(errors, (*path, "placeholder"), comp.get("placeholder"), max_len=100)


# ---------------------------------------------------------------------------
# allowed mentions

_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")
_EVERYONE_MENTION = re.compile(r"@(everyone|here)")
_PARSE_VALUES = frozenset({"users", "roles", "everyone"})


def validate_allowed_mentions_format(am: Any, errors: FormErrors, path: Path) -> None:
    """The 400 errors Discord gives for a malformed allowed_mentions object."""
    if not isinstance(am, dict):
        errors.add(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
        return
    parse = am.get("parse")
    if parse is not None:
        parse = _check_list(errors, (*path, "parse"), parse, max_len=3)
        for i, value in enumerate(parse):
            if value not in _PARSE_VALUES:
                errors.add(
                    (*path, "parse", str(i)),
                    "BASE_TYPE_CHOICES",
                    "Value must be one of {'everyone', 'roles', 'users'}.",
                )
    else:
        parse = []
    for key in ("users", "roles"):
        listed = _check_list(errors, (*path, key), am.get(key), max_len=100)
        if listed and key in parse:
            errors.add(
                (*path, "parse"),
                "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                f'parse:["{key}"] and {key}: [ids...] are mutually exclusive.',
            )


def allowed_mentions_problems(am: Any, *, is_reply: bool) -> list[str]:
    """Why ``am`` does not allow *nothing* (empty list if it is safe).

    The house rule: every message the bot creates or edits carries
    ``allowed_mentions`` with an empty/missing ``parse``, no ``users``/``roles``
    and, for replies, ``replied_user`` false.
    """
    if am is None:
        return ["allowed_mentions is missing (Discord then pings everything the content mentions)"]
    if not isinstance(am, dict):
        return ["allowed_mentions is not an object"]
    problems = []
    if am.get("parse"):
        problems.append(f"allowed_mentions.parse allows {sorted(am['parse'])}")
    for key in ("users", "roles"):
        if am.get(key):
            problems.append(f"allowed_mentions.{key} allows {am[key]}")
    if is_reply and am.get("replied_user"):
        problems.append("allowed_mentions.replied_user is true on a reply")
    return problems


def compute_would_ping(
    content: str | None,
    am: Any,
    *,
    replied_user_id: int | None = None,
    guild: FakeGuild | None = None,
) -> MentionReport:
    """Who Discord would notify for ``content`` under ``am`` (None = no allowed_mentions).

    Without allowed_mentions Discord parses everything; replies ping the replied
    user unless ``replied_user`` is false. Role mentions count only for roles
    of ``guild`` when a guild is given.
    """
    report = MentionReport()
    text = content or ""
    if am is None or not isinstance(am, dict):
        parse: set[str] = set(_PARSE_VALUES)
        users_ok: set[int] = set()
        roles_ok: set[int] = set()
        replied = True
    else:
        parse = set(am.get("parse") or [])
        users_ok = {int(u) for u in am.get("users") or []}
        roles_ok = {int(r) for r in am.get("roles") or []}
        replied = bool(am.get("replied_user", False))
    if _EVERYONE_MENTION.search(text) and "everyone" in parse:
        report.everyone = True
    for match in _USER_MENTION.finditer(text):
        uid = int(match.group(1))
        if ("users" in parse or uid in users_ok) and uid not in report.users:
            report.users.append(uid)
    for match in _ROLE_MENTION.finditer(text):
        rid = int(match.group(1))
        if guild is not None and rid not in guild.roles:
            continue
        if ("roles" in parse or rid in roles_ok) and rid not in report.roles:
            report.roles.append(rid)
    if replied_user_id is not None and replied:
        report.replied_user = replied_user_id
    return report


def parse_mentions(content: str | None) -> tuple[list[int], list[int], bool]:
    """User ids, role ids and whether @everyone/@here appear in ``content``."""
    text = content or ""
    users = list(dict.fromkeys(int(m) for m in _USER_MENTION.findall(text)))
    roles = list(dict.fromkeys(int(m) for m in _ROLE_MENTION.findall(text)))
    return users, roles, bool(_EVERYONE_MENTION.search(text))


# ---------------------------------------------------------------------------
# application commands

_EXTRA_SCRIPTS = (
    (0x0900, 0x097F),  # Devanagari
    (0xA8E0, 0xA8FF),  # Devanagari Extended
    (0x11B00, 0x11B5F),  # Devanagari Extended-A
    (0x0E00, 0x0E7F),  # Thai
)


def _valid_name_char(ch: str) -> bool:
    if ch in "-_":
        return True
    if unicodedata.category(ch)[0] in "LN":
        return True
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _EXTRA_SCRIPTS)


def is_valid_command_name(name: Any) -> bool:
    """``^[-_\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$`` and no uppercase letters."""
    if not isinstance(name, str) or not 1 <= len(name) <= MAX_COMMAND_NAME:
        return False
    if not all(_valid_name_char(ch) for ch in name):
        return False
    return name == name.lower()


def _validate_name(errors: FormErrors, path: Path, name: Any, *, chat_input: bool) -> None:
    if name is None:
        errors.add(path, "BASE_TYPE_REQUIRED", "This field is required")
    elif chat_input:
        if not is_valid_command_name(name):
            errors.add(path, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
    else:
        _check_str(errors, path, name, max_len=MAX_COMMAND_NAME, min_len=1, required=True)


def _command_chars(node: JSON) -> int:
    total = len(str(node.get("name") or "")) + len(str(node.get("description") or ""))
    for choice in node.get("choices") or []:
        if isinstance(choice, dict):
            total += len(str(choice.get("name") or "")) + len(str(choice.get("value") or ""))
    for option in node.get("options") or []:
        if isinstance(option, dict):
            total += _command_chars(option)
    return total


def validate_command(cmd: Any, errors: FormErrors, path: Path = ()) -> None:
    """Check one application command payload (name, description, options, size)."""
    if not isinstance(cmd, dict):
        errors.add(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
        return
    ctype = cmd.get("type", 1)
    if ctype not in (1, 2, 3, 4):
        errors.add((*path, "type"), "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4}.")
        return
    chat_input = ctype == 1
    _validate_name(errors, (*path, "name"), cmd.get("name"), chat_input=chat_input)
    for locale, value in (cmd.get("name_localizations") or {}).items():
        _validate_name(errors, (*path, "name_localizations", locale), value, chat_input=chat_input)
    if chat_input:
        _check_str(
            errors,
            (*path, "description"),
            cmd.get("description"),
            max_len=MAX_COMMAND_DESCRIPTION,
            min_len=1,
            required=True,
        )
        for locale, value in (cmd.get("description_localizations") or {}).items():
            _check_str(
                errors,
                (*path, "description_localizations", locale),
                value,
                max_len=MAX_COMMAND_DESCRIPTION,
                min_len=1,
            )
        _validate_options(cmd.get("options"), errors, (*path, "options"), level=0)
    else:
        if cmd.get("description"):
            errors.add(
                (*path, "description"),
                "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION",
                "Context menu commands cannot have a description",
            )
        if cmd.get("options"):
            errors.add(
                (*path, "options"),
                "APPLICATION_COMMAND_CONTEXT_MENU_OPTIONS",
                "Context menu commands cannot have options",
            )
    perms = cmd.get("default_member_permissions")
    # Discord documents a string of digits and also accepts an integer (discord.py sends one).
    valid_int = isinstance(perms, int) and not isinstance(perms, bool) and perms >= 0
    if perms is not None and not (valid_int or (isinstance(perms, str) and perms.isdigit())):
        errors.add(
            (*path, "default_member_permissions"), "BASE_TYPE_STRING", "Must be a string of digits."
        )
    for key, allowed in (("contexts", {0, 1, 2}), ("integration_types", {0, 1})):
        values = cmd.get(key)
        if values is not None:
            for i, value in enumerate(
                _check_list(errors, (*path, key), values, max_len=len(allowed))
            ):
                if value not in allowed:
                    errors.add(
                        (*path, key, str(i)),
                        "BASE_TYPE_CHOICES",
                        f"Value must be one of {sorted(allowed)}.",
                    )
    if _command_chars(cmd) > MAX_COMMAND_TOTAL_CHARS:
        errors.add(
            path,
            "APPLICATION_COMMAND_TOO_LARGE",
            f"Command exceeds maximum size ({MAX_COMMAND_TOTAL_CHARS})",
        )


def _validate_options(options: Any, errors: FormErrors, path: Path, *, level: int) -> None:
    items = _check_list(errors, path, options, max_len=MAX_COMMAND_OPTIONS)
    names: set[str] = set()
    seen_optional = False
    kinds = {("sub" if isinstance(o, dict) and o.get("type") in (1, 2) else "value") for o in items}
    if len(kinds) > 1:
        errors.add(
            path,
            "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
            "Sub-command and sub-command group option types are mutually exclusive"
            " to all other types",
        )
    for i, opt in enumerate(items):
        p = (*path, str(i))
        if not isinstance(opt, dict):
            errors.add(p, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
            continue
        otype = opt.get("type")
        name = opt.get("name")
        _validate_name(errors, (*p, "name"), name, chat_input=True)
        if isinstance(name, str):
            if name in names:
                errors.add(
                    (*p, "name"),
                    "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
                    "Option names must be unique",
                )
            names.add(name)
        for locale, value in (opt.get("name_localizations") or {}).items():
            _validate_name(errors, (*p, "name_localizations", locale), value, chat_input=True)
        _check_str(
            errors,
            (*p, "description"),
            opt.get("description"),
            max_len=MAX_COMMAND_DESCRIPTION,
            min_len=1,
            required=True,
        )
        if otype == 2:
            if level != 0:
                errors.add(
                    (*p, "type"),
                    "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                    "Sub-command groups can only be top-level options",
                )
            children = opt.get("options") or []
            for j, child in enumerate(children):
                if not isinstance(child, dict) or child.get("type") != 1:
                    errors.add(
                        (*p, "options", str(j), "type"),
                        "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                        "Sub-command groups can only contain sub-commands",
                    )
            _validate_options(children, errors, (*p, "options"), level=1)
        elif otype == 1:
            if level == 2:
                errors.add(
                    (*p, "type"),
                    "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                    "Sub-commands cannot be nested in sub-commands",
                )
            _validate_options(opt.get("options"), errors, (*p, "options"), level=2)
        elif otype in VALUE_OPTION_TYPES:
            if level == 1:
                errors.add(
                    (*p, "type"),
                    "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                    "Sub-command groups can only contain sub-commands",
                )
            required = bool(opt.get("required", False))
            if required and seen_optional:
                errors.add(
                    (*p, "required"),
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
            if not required:
                seen_optional = True
            _validate_value_option(opt, errors, p)
        else:
            errors.add(
                (*p, "type"),
                "BASE_TYPE_CHOICES",
                "Value must be one of {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}.",
            )


def _validate_value_option(opt: JSON, errors: FormErrors, path: Path) -> None:
    otype = opt.get("type")
    choices = opt.get("choices")
    if choices:
        if otype not in CHOICE_OPTION_TYPES:
            errors.add(
                (*path, "choices"),
                "APPLICATION_COMMAND_OPTION_CHOICES_INVALID",
                "Only string, integer and number options can have choices",
            )
        if opt.get("autocomplete"):
            errors.add(
                (*path, "autocomplete"),
                "APPLICATION_COMMAND_AUTOCOMPLETE_CHOICES_INVALID",
                "Autocomplete cannot be combined with choices",
            )
        for i, choice in enumerate(
            _check_list(errors, (*path, "choices"), choices, max_len=MAX_CHOICES)
        ):
            _validate_choice(choice, errors, (*path, "choices", str(i)))
    if opt.get("autocomplete") and otype not in CHOICE_OPTION_TYPES:
        errors.add(
            (*path, "autocomplete"),
            "APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_INVALID",
            "Only string, integer and number options can autocomplete",
        )
    _check_int(errors, (*path, "min_length"), opt.get("min_length"), minimum=0, maximum=6000)
    _check_int(errors, (*path, "max_length"), opt.get("max_length"), minimum=1, maximum=6000)


def _validate_choice(choice: Any, errors: FormErrors, path: Path) -> None:
    if not isinstance(choice, dict):
        errors.add(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
        return
    _check_str(
        errors,
        (*path, "name"),
        choice.get("name"),
        max_len=MAX_CHOICE_NAME,
        min_len=1,
        required=True,
    )
    value = choice.get("value")
    if isinstance(value, str):
        _check_str(errors, (*path, "value"), value, max_len=MAX_CHOICE_VALUE)
    elif not isinstance(value, int | float) or isinstance(value, bool):
        errors.add((*path, "value"), "BASE_TYPE_REQUIRED", "This field is required")


def validate_command_list(commands: Any, errors: FormErrors) -> str | None:
    """Check a bulk-overwrite body. Returns a non-form error message (e.g. too many) or None."""
    if not isinstance(commands, list):
        errors.add((), "BASE_TYPE_ARRAY", "Must be an array.")
        return None
    seen: dict[tuple[int, str], int] = {}
    counts = {1: 0, 2: 0, 3: 0}
    for i, cmd in enumerate(commands):
        validate_command(cmd, errors, (str(i),))
        if isinstance(cmd, dict):
            key = (cmd.get("type", 1), str(cmd.get("name")))
            if key in seen:
                errors.add(
                    (str(i), "name"),
                    "APPLICATION_COMMANDS_DUPLICATE_NAME",
                    f"Application command names must be unique ({key[1]})",
                )
            seen[key] = i
            counts[cmd.get("type", 1)] = counts.get(cmd.get("type", 1), 0) + 1
    if counts[1] > MAX_GLOBAL_CHAT_COMMANDS:
        return f"Maximum number of application commands reached ({MAX_GLOBAL_CHAT_COMMANDS})"
    if counts[2] > MAX_CONTEXT_MENU_COMMANDS or counts[3] > MAX_CONTEXT_MENU_COMMANDS:
        return f"Maximum number of context menu commands reached ({MAX_CONTEXT_MENU_COMMANDS})"
    return None


def validate_autocomplete_result(data: Any, errors: FormErrors, path: Path = ("data",)) -> None:
    """Check an AUTOCOMPLETE_RESULT (type 8) callback: ≤25 choices, names ≤100."""
    if not isinstance(data, dict):
        errors.add(path, "BASE_TYPE_REQUIRED", "This field is required")
        return
    choices = data.get("choices")
    if choices is None:
        errors.add((*path, "choices"), "BASE_TYPE_REQUIRED", "This field is required")
        return
    for i, choice in enumerate(
        _check_list(errors, (*path, "choices"), choices, max_len=MAX_AUTOCOMPLETE_CHOICES)
    ):
        _validate_choice(choice, errors, (*path, "choices", str(i)))


def is_empty_message(payload: JSON, *, has_files: bool) -> bool:
    """True if nothing visible would be sent (Discord's 50006)."""
    return not (
        payload.get("content")
        or payload.get("embeds")
        or payload.get("components")
        or payload.get("sticker_ids")
        or payload.get("poll")
        or has_files
        or payload.get("attachments")
    )
