"""Scripts: the strings a JavaScript or TypeScript file (source or bundle) ships, read with a real
parser (tree-sitter's JavaScript and TypeScript grammars), never with patterns over code.

Rules:
- String literals are decoded as JavaScript decodes them (escapes, surrogate pairs); a literal
  with a lone surrogate is left out. Template literals keep their static parts with a slot for
  each ``${…}``; so does a concatenation of literals with other values (``"Hi " + name``).
- JSX (sources): each run of text and ``{…}`` between two elements is one piece, ``{…}`` a slot
  (a ``{"literal"}`` is text); attribute values of the content attributes are UI text.
- Compiled JSX (bundles): the string children of ``createElement``/``jsx``/``jsxs``/``h`` calls, a
  ``children`` prop, and UI props (``placeholder``, ``title``, ``alt``, ``aria-label``, ``label``...)
  are UI text. So are strings assigned to ``textContent``/``innerText``/``placeholder``/``title``,
  ``setAttribute`` of a content attribute, ``createTextNode`` and gettext calls (``_("…")``).
- Never read (data, not the site's words): the value of inline state (an assignment to a
  ``__NAME__`` global such as ``window.__INITIAL_STATE__``, ``__NEXT_DATA__``, ``__APOLLO_STATE__``,
  ``__NUXT__``; ``__remixContext``; ``self.__next_f.push(…)``), ``JSON.parse("…")``'s text, module
  specifiers (``import``/``require``), object keys and subscripts, CSS and GraphQL tagged templates.
- ``html``/``svg`` tagged templates (lit) are markup: read as HTML, with a slot for each ``${…}``.
- A literal holding ICU placeholders (``"Welcome back, {name}!"``, messages kept in code) is read as
  a message (``messages``): each ``{name}`` a slot.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

from ..sitetext import SLOT
from .collect import Collected
from .messages import MessageSyntaxError, icu_variants

# Calls whose string arguments (after the element type and props) are the text children of an element.
_ELEMENT_CALLS = frozenset({"createElement", "jsx", "jsxs", "jsxDEV", "_jsx", "_jsxs", "h", "createVNode", "_createVNode",
                            "createTextVNode", "_createTextVNode", "_createElementVNode", "createElementVNode"})
# Calls whose string arguments are UI text.
_TEXT_CALLS = frozenset({"createTextNode", "_", "__", "gettext", "ngettext", "pgettext", "gettext_lazy", "gettext_noop", "alert", "confirm"})
# Props, JSX attributes and DOM properties that hold UI text.
UI_KEYS = frozenset({"children", "placeholder", "title", "alt", "aria-label", "ariaLabel", "aria-description", "ariaDescription",
                     "label", "text", "textContent", "innerText", "message", "description", "caption", "heading", "tooltip",
                     "subtitle", "helperText", "emptyText", "confirmText", "cancelText", "okText", "defaultMessage"})
_UI_ATTRIBUTES = frozenset({"placeholder", "title", "alt", "aria-label", "aria-description", "label"})
# Tagged templates that are CSS, queries or shaders, never text.
_CODE_TAGS = frozenset({"css", "keyframes", "createGlobalStyle", "injectGlobal", "styled", "gql", "graphql", "sql", "glsl", "raw"})
_MARKUP_TAGS = frozenset({"html", "svg"})
_STATE_NAME = re.compile(r"__[A-Za-z0-9_]+__|__remixContext|__next_f|__staticRouterHydrationData|__reactRouterContext")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
# An ICU argument in a literal: {name}, {count, plural, ...}, i18next's {{name}}.
_ICU_ARGUMENT = re.compile(r"\{\{?\s*[A-Za-z_$][\w$.]*\s*[,}]")


@lru_cache(maxsize=3)
def _parser(dialect: str) -> Any:
    try:
        import tree_sitter
    except ImportError:
        raise RuntimeError("reading scripts needs tree-sitter: pip install 'veil[allowlist]'") from None
    if dialect == "js":
        import tree_sitter_javascript as grammar

        language = grammar.language()
    else:
        import tree_sitter_typescript as ts_grammar

        language = ts_grammar.language_tsx() if dialect == "tsx" else ts_grammar.language_typescript()
    return tree_sitter.Parser(tree_sitter.Language(language))


def extract_script(source: str, collected: Collected, dialect: str = "js",
                   markup: Callable[[str, Collected], None] | None = None) -> None:
    """Keep what a script's source ships (see the module's rules). ``dialect``: "js" (JSX too),
    "ts" or "tsx"; ``markup`` reads an html/svg tagged template's markup."""
    data = source.encode("utf-8", "surrogatepass")
    tree = _parser(dialect).parse(data)
    _Walker(data, collected, markup).walk(tree.root_node)


class _Walker:
    def __init__(self, data: bytes, collected: Collected, markup: Callable[[str, Collected], None] | None) -> None:
        self.data = data
        self.collected = collected
        self.markup = markup

    def text(self, node: Any) -> str:
        return self.data[node.start_byte:node.end_byte].decode("utf-8", "surrogatepass")

    def walk(self, root: Any) -> None:
        stack = [root]
        while stack:
            node = stack.pop()
            kind = node.type
            if self._skipped(node):
                continue
            if kind == "string":
                self._string(node)
                continue
            if kind == "template_string":
                self._template(node)
            elif kind == "binary_expression" and _operator(node) == "+" and not _is_plus(node.parent):
                self._concatenation(node)
            elif kind in ("jsx_element", "jsx_fragment"):
                self._jsx_children(node)
            elif kind in ("comment", "regex", "jsx_text", "html_comment"):
                continue
            stack.extend(reversed(node.children))

    # -- what is never read -------------------------------------------------------------
    def _skipped(self, node: Any) -> bool:
        kind, parent = node.type, node.parent
        if parent is None:
            return False
        if kind in ("import_statement",) or (kind == "string" and parent.type in ("import_statement", "export_statement")):
            return True
        if parent.type == "pair" and parent.child_by_field_name("key") == node:
            return True
        if parent.type == "subscript_expression" and parent.child_by_field_name("index") == node:
            return True
        if kind == "assignment_expression":
            return self._is_state(node.child_by_field_name("left"))
        if kind == "variable_declarator":
            return self._is_state(node.child_by_field_name("name"))
        if kind == "call_expression":
            callee = node.child_by_field_name("function")
            name = self._callee_name(callee)
            if name in ("require", "import") or (callee is not None and callee.type == "import"):
                return True
            if callee is not None and callee.type == "member_expression":
                target = self.text(callee)
                if target in ("JSON.parse",) or "__next_f" in target:
                    return True
        return False

    def _is_state(self, target: Any) -> bool:
        """An assignment target that is inline state (``window.__INITIAL_STATE__``, ``__NUXT__``)."""
        if target is None:
            return False
        if target.type == "identifier":
            return bool(_STATE_NAME.fullmatch(self.text(target)))
        if target.type == "member_expression":
            prop = target.child_by_field_name("property")
            return prop is not None and bool(_STATE_NAME.fullmatch(self.text(prop)))
        if target.type == "subscript_expression":
            index = target.child_by_field_name("index")
            return index is not None and index.type == "string" and bool(_STATE_NAME.fullmatch(self._decoded(index) or ""))
        return False

    def _callee_name(self, callee: Any) -> str | None:
        """The last name of a call's callee: ``React.createElement`` -> createElement, ``(0, r.jsx)`` -> jsx."""
        while callee is not None and callee.type in ("parenthesized_expression", "sequence_expression"):
            named = [c for c in callee.named_children if c.type != "comment"]
            callee = named[-1] if named else None
        if callee is None:
            return None
        if callee.type == "identifier":
            return self.text(callee)
        if callee.type == "member_expression":
            prop = callee.child_by_field_name("property")
            return self.text(prop) if prop is not None else None
        return None

    # -- literals ------------------------------------------------------------------------
    def _decoded(self, node: Any) -> str | None:
        """A string literal's value, or None when it cannot be decoded (a lone surrogate)."""
        jsx = node.parent is not None and node.parent.type == "jsx_attribute"
        pieces = []
        for child in node.children:
            if child.type in ("string_fragment", "unescaped_double_string_fragment", "unescaped_single_string_fragment"):
                pieces.append(self.text(child))
            elif child.type == "escape_sequence":
                pieces.append(self.text(child) if jsx else _unescape(self.text(child)))
            elif child.type == "html_character_reference":
                import html

                pieces.append(html.unescape(self.text(child)))
        return _well_formed("".join(pieces))

    def _string(self, node: Any) -> None:
        value = self._decoded(node)
        if not value:
            return
        ui = self._ui(node)
        if "{" in value and _ICU_ARGUMENT.search(value):
            try:
                variants = icu_variants(value)
            except MessageSyntaxError:
                variants = [value]
            for variant in variants:
                self.collected.add(variant, ui)
            return
        self.collected.add(value, ui)

    def _template_pieces(self, node: Any) -> str | None:
        pieces = []
        for child in node.children:
            if child.type == "string_fragment":
                pieces.append(self.text(child))
            elif child.type == "escape_sequence":
                pieces.append(_unescape(self.text(child)))
            elif child.type == "template_substitution":
                pieces.append(SLOT)
        return _well_formed("".join(pieces))

    def _template(self, node: Any) -> None:
        parent = node.parent
        if parent is not None and parent.type == "call_expression" and parent.child_by_field_name("arguments") == node:
            tag = parent.child_by_field_name("function")
            names = set(re.findall(r"[A-Za-z_$][\w$]*", self.text(tag))) if tag is not None else set()
            if names & _CODE_TAGS:
                return
            if names & _MARKUP_TAGS and self.markup is not None:
                value = self._template_pieces(node)
                if value:
                    self.markup(value, self.collected)
                return
        value = self._template_pieces(node)
        if value:
            self.collected.add(value, self._ui(node))

    def _concatenation(self, node: Any) -> None:
        operands = list(self._plus_operands(node))
        literal = [o for o in operands if o.type == "string" or (o.type == "template_string" and not _has_substitution(o))]
        if not literal or len(literal) == len(operands):
            return
        pieces = []
        for operand in operands:
            if operand in literal:
                value = self._decoded(operand) if operand.type == "string" else self._template_pieces(operand)
                if value is None:
                    return
                pieces.append(value)
            else:
                pieces.append(SLOT)
        self.collected.add("".join(pieces), self._ui(node))

    def _plus_operands(self, node: Any) -> Iterator[Any]:
        if node.type == "binary_expression" and _operator(node) == "+":
            yield from self._plus_operands(node.child_by_field_name("left"))
            yield from self._plus_operands(node.child_by_field_name("right"))
        elif node.type == "parenthesized_expression" and node.named_child_count == 1:
            yield from self._plus_operands(node.named_children[0])
        else:
            yield node

    # -- JSX -----------------------------------------------------------------------------
    def _jsx_children(self, node: Any) -> None:
        run: list[str] = []
        for child in node.children:
            if child.type == "jsx_text":
                run.append(self.text(child))
            elif child.type == "jsx_expression":
                inner = [c for c in child.named_children if c.type != "comment"]
                if not inner:
                    continue  # {/* a comment */}: renders nothing
                if len(inner) == 1 and inner[0].type == "string":
                    run.append(self._decoded(inner[0]) or "")
                else:
                    run.append(SLOT)
            elif child.type in ("jsx_element", "jsx_self_closing_element", "jsx_fragment"):
                self._flush(run)
        self._flush(run)

    def _flush(self, run: list[str]) -> None:
        if run:
            self.collected.add("".join(run), True)
            run.clear()

    # -- where a literal stands ---------------------------------------------------------
    def _ui(self, node: Any) -> bool:
        """Whether a literal stands where UI text goes (see the module's rules)."""
        current, parent = node, node.parent
        for _ in range(6):
            if parent is None:
                return False
            kind = parent.type
            if kind in ("parenthesized_expression", "array", "ternary_expression", "spread_element") or (
                kind == "binary_expression" and _operator(parent) in ("||", "??", "&&", "+")
            ):
                current, parent = parent, parent.parent
                continue
            if kind == "jsx_expression":
                return True
            if kind == "jsx_attribute":
                name = parent.named_children[0] if parent.named_children else None
                return name is not None and self.text(name) in UI_KEYS
            if kind == "pair":
                key = parent.child_by_field_name("key")
                return key is not None and parent.child_by_field_name("value") == current and _key_name(self, key) in UI_KEYS
            if kind == "assignment_expression":
                left = parent.child_by_field_name("left")
                prop = left.child_by_field_name("property") if left is not None and left.type == "member_expression" else None
                return prop is not None and self.text(prop) in UI_KEYS
            if kind == "arguments":
                call = parent.parent
                name = self._callee_name(call.child_by_field_name("function")) if call is not None else None
                position = [c.id for c in parent.named_children].index(current.id) if current in parent.named_children else -1
                if name in _ELEMENT_CALLS:
                    return position >= 2
                if name in _TEXT_CALLS:
                    return True
                if name == "setAttribute" and position == 1:
                    first = parent.named_children[0]
                    return first.type == "string" and (self._decoded(first) or "") in _UI_ATTRIBUTES
                return False
            return False
        return False


def _key_name(walker: _Walker, key: Any) -> str:
    if key.type == "string":
        return walker._decoded(key) or ""
    return walker.text(key)


def _operator(node: Any) -> str | None:
    operator = node.child_by_field_name("operator")
    return operator.type if operator is not None else None


def _is_plus(node: Any) -> bool:
    return node is not None and (
        (node.type == "binary_expression" and _operator(node) == "+")
        or (node.type == "parenthesized_expression" and node.parent is not None and _is_plus(node.parent))
    )


def _has_substitution(node: Any) -> bool:
    return any(c.type == "template_substitution" for c in node.children)


def _unescape(sequence: str) -> str:
    """One JavaScript escape sequence's value (``\\n``, ``\\x41``, ``\\u00e9``, ``\\u{1F600}``, a line continuation)."""
    body = sequence[1:]
    if not body:
        return ""
    head = body[0]
    if head in "\r\n\u2028\u2029":
        return ""  # a line continuation
    if head in _ESCAPES and len(body) == 1:
        return _ESCAPES[head]
    try:
        if head == "x" and len(body) == 3:
            return chr(int(body[1:], 16))
        if head == "u":
            digits = body[2:-1] if body.startswith("u{") else body[1:]
            return chr(int(digits, 16))
    except ValueError:
        return body
    return body  # \' \" \\ \` \$ and any other character stand for themselves


def _well_formed(text: str) -> str | None:
    """``text`` with its surrogate pairs joined; None when it holds a lone surrogate."""
    if not any("\ud800" <= c <= "\udfff" for c in text):
        return text
    try:
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeDecodeError:
        return None
