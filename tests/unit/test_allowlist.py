"""python -m veil.allowlist: what it reads from the site's sources and build output, what it never
reads (data), the list it writes, and its errors."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from tests.helpers import load_build
from veil import sitetext
from veil.allowlist import AllowlistError, build
from veil.allowlist.__main__ import main
from veil.allowlist.collect import Collected
from veil.allowlist.javascript import extract_script
from veil.allowlist.markup import extract_markup
from veil.allowlist.messages import icu_variants
from veil.sitetext import SLOT


def script(source: str, dialect: str = "js") -> Collected:
    collected = Collected()
    extract_script(source, collected, dialect)
    return collected


def markup(source: str) -> Collected:
    collected = Collected()
    extract_markup(source, collected)
    return collected


# -- scripts --------------------------------------------------------------------------------

def test_string_literals_that_read_like_words_are_kept_and_code_is_not():
    found = script('''
        const a = "Place order", b = 'Sign in', c = "Email:", d = "Über uns", e = "東京";
        const code = ["click", "onClick", "user_id", "react.element", "flex items-center", "text/html", "#root",
                      "application/json; charset=utf-8", "use strict", "width:100%", "42", "x"];
        el.addEventListener("keydown", f);
    ''').strings
    assert found == {"Place order", "Sign in", "Email:", "Über uns", "東京"}


def test_escapes_are_decoded_as_javascript_decodes_them():
    found = script(r'''a = "Caf\u00e9 \x26 bar"; b = "Line\none"; c = "\u{1F600} smile"; d = "\ud83d\ude00 face"; e = "It\'s ok";
                     f = "lone \ud800 surrogate";''').strings
    assert found == {"Café & bar", "Line one", "😀 smile", "😀 face", "It's ok"}


def test_template_literals_keep_their_static_parts_with_a_slot_for_each_substitution():
    found = script("el.textContent = `Welcome back, ${user.name}!`; t = `${n} items in your cart`; u = `/api/users/${id}`;"
                   "v = `translate(${x}px, ${y}px)`; w = `Order ${`#${id}`} shipped`;")
    assert ("Welcome back, ", "!") in found.templates
    assert ("", " items in your cart") in found.templates
    assert ("Order ", " shipped") in found.templates
    assert not any("api" in "".join(t) or "translate" in "".join(t) for t in found.templates)  # a URL path, CSS: not words


def test_concatenations_are_templates():
    found = script('msg = "Hello " + user.name + ", you have " + (count) + " new messages";')
    assert ("Hello ", ", you have ", " new messages") in found.templates


def test_messages_kept_in_code_are_read_as_icu():
    found = script('const MESSAGES = { welcome: "Welcome back, {name}!", items: "You have {count, plural, one {# item} other {# items}}" };')
    assert {("Welcome back, ", "!"), ("You have ", " item"), ("You have ", " items")} <= found.templates


JSX_SOURCE = """
export function Account({ user }) {
  return (
    <main className="flex items-center">
      <h1 title="Your account">Hello {user.name}, nice to see you!</h1>
      <p>Order <b>{id}</b> shipped</p>
      <input placeholder="Search orders" aria-label="Search" value={q} />
      {/* a comment renders nothing */}
      {"Literal in braces"}
    </main>
  );
}
"""


@pytest.mark.parametrize("dialect", ["js", "tsx"])
def test_jsx_text_in_sources_with_expressions_as_slots(dialect):
    found = script(JSX_SOURCE, dialect)
    assert ("Hello ", ", nice to see you!") in found.templates
    assert {"Your account", "Order", "shipped", "Search orders", "Search", "Literal in braces"} <= found.strings
    assert "flex items-center" not in found.strings


# What esbuild 0.28 writes for <p title="Your account">Hello {name}, nice to see you! <b>Sign out</b></p>.
COMPILED = {
    "classic": 'return /* @__PURE__ */ React.createElement("p", { title: "Your account", className: "flex items-center" }, "Hello ", '
               'name, ", nice to see you! ", /* @__PURE__ */ React.createElement("b", null, "Sign out"));',
    "automatic": 'import { jsx, jsxs } from "react/jsx-runtime";\nreturn /* @__PURE__ */ jsxs("p", { title: "Your account", className: '
                 '"flex items-center", children: [\n "Hello ",\n name,\n ", nice to see you! ",\n /* @__PURE__ */ jsx("b", { children: "sign out" })\n] });',
    "minified": 'var c=require("react/jsx-runtime");function f({name:e}){return(0,c.jsxs)("p",{title:"Your account",className:"flex items-center",'
                'children:["Hello ",e,", nice to see you! ",(0,c.jsx)("b",{children:"sign out"})]})}',
    "preact": 'h("p", { title: "Your account" }, "Hello ", name, ", nice to see you! ", h("b", null, "sign out"))',
}


@pytest.mark.parametrize("kind", sorted(COMPILED))
def test_jsx_text_as_it_appears_in_compiled_output(kind):
    found = script(COMPILED[kind])
    # String children and UI props are UI text even when they read like code ("sign out" is lowercase).
    assert {"Your account", "Hello", ", nice to see you!"} <= found.strings
    assert ("Sign out" if kind == "classic" else "sign out") in found.strings
    assert "react/jsx-runtime" not in found.strings and "flex items-center" not in found.strings


def test_dom_writes_and_gettext_calls_are_ui_text():
    found = script('el.textContent = "saving"; el.placeholder = "type here"; el.setAttribute("aria-label", "close dialog");'
                   'document.createTextNode("or"); _("sign in"); el.setAttribute("data-x", "not-a-text");')
    assert found.strings == {"saving", "type here", "close dialog", "or", "sign in"}


def test_inline_state_json_parse_keys_and_module_specifiers_are_never_read():
    found = script('''
        window.__INITIAL_STATE__ = {user: {name: "Ada Lovelace", note: "Visitor Note"}};
        self.__NEXT_DATA__ = {"props": {"name": "Grace Hopper"}};
        window["__APOLLO_STATE__"] = {"User:1": {"name": "Alan Turing"}};
        var __NUXT__ = (function(a){return {data: [{name: "Edsger Dijkstra"}]}})("Barbara Liskov");
        window.__remixContext = {state: {loaderData: {root: {user: "Margaret Hamilton"}}}};
        (self.__next_f = self.__next_f || []).push([1, "Katherine Johnson"]);
        const data = JSON.parse('{"name": "Radia Perlman"}');
        import x from "Some Module"; const y = require("Another Module");
        const labels = {"Visible Key": 1}; obj["Indexed Key"] = 2;
        const kept = "Place order";
    ''').strings
    assert found == {"Place order"}


def test_css_and_graphql_tagged_templates_are_not_text_and_html_ones_are_markup():
    collected = Collected()
    from veil.allowlist.markup import extract_fragment

    extract_script('const s = css`color: red; content: "Not Text"`; const q = gql`query Users { name }`;'
                   'const t = html`<button title="Close dialog">Sign in as ${user}</button>`;', collected, markup=extract_fragment)
    assert collected.strings == {"Close dialog"}
    assert collected.templates == {("Sign in as ", "")}


def test_typescript_sources_are_parsed_with_their_types():
    found = script('const label: string = "Place order"; function f(x: Array<string>): void { alert(`Hi ${x}!`) }', "ts")
    assert "Place order" in found.strings and ("Hi ", "!") in found.templates


# -- markup ---------------------------------------------------------------------------------

def test_html_text_nodes_and_content_attributes_but_never_data_scripts_or_form_values():
    found = markup('''<!doctype html><html><head><title>Acme Shop</title>
        <script type="application/json" id="__NEXT_DATA__">{"props":{"user":"Grace Hopper"}}</script>
        <script type="application/ld+json">{"name": "Structured Data"}</script>
        <script>window.__PRELOADED_STATE__ = {"name": "Alan Turing"}; document.title = "Acme checkout";</script>
        <style>.a::before { content: "Style Text" }</style></head>
        <body><p>Hello <b>world</b>!</p><img alt="Company logo" src="/x.png" data-x="Data Attribute">
        <select><option>Germany</option></select><textarea>Prefilled Value</textarea>
        <a href="https://example.com/x">Terms &amp; conditions</a><input value="Field Value" placeholder="Your email"></body></html>''')
    assert found.strings == {"Acme Shop", "Acme checkout", "Hello", "world", "Company logo", "Germany", "Terms & conditions", "Your email"}


def test_server_templates_slots_control_tags_and_comments():
    found = markup('''{# a comment with Secret Words #}{% comment %}Hidden Words{% endcomment %}
        <h1>{% block title %}Checkout{% endblock %}</h1>
        <p>Hello {{ user.name }}, your order is ready.</p>
        <p title="Welcome {{ user.first_name|title }}!">{{ _("Sign in") }} {% trans "Create an account" %}</p>
        <p>{% if vip %}Gold member{% else %}Member{% endif %}</p>
        {{#if cart}}<span>Your cart</span>{{/if}}{{! handlebars comment Not Text }}<em>{{{ raw_html }}} appended</em>''')
    assert {"Checkout", "Sign in", "Create an account", "Gold member", "Member", "Your cart"} <= found.strings
    assert {("Hello ", ", your order is ready."), ("Welcome ", "!"), ("", " appended")} <= found.templates
    assert not any("Secret" in s or "Hidden" in s or "Not Text" in s or "user" in s for s in found.strings)


# -- messages -------------------------------------------------------------------------------

@pytest.mark.parametrize("message, variants", [
    ("Your cart", ["Your cart"]),
    ("Welcome back, {name}!", [f"Welcome back, {SLOT}!"]),
    ("Total: {amount, number, ::currency/EUR}", [f"Total: {SLOT}"]),
    ("{count, plural, =0 {No items} one {# item} other {# items}}", ["No items", f"{SLOT} item", f"{SLOT} items"]),
    ("{gender, select, male {He} female {She} other {They}} replied", ["He replied", "She replied", "They replied"]),
    ("It''s '{'literal'}'", ["It's {literal}"]),
    ("Hello {{name}}, see $t(common.more)", [f"Hello {SLOT}, see {SLOT}"]),
])
def test_icu_messages(message, variants):
    assert icu_variants(message) == variants


def test_message_files_are_read_and_other_json_is_not(tmp_path):
    (tmp_path / "locales").mkdir()
    (tmp_path / "locales" / "en.json").write_text(json.dumps({
        "cart": {"title": "Your cart", "count": "You have {count, plural, one {# item} other {# items}}"},
        "rich": "Read the <a>terms</a> first", "formatjs": {"defaultMessage": "Sign in", "description": "A Developer Note"}}))
    (tmp_path / "fr-FR.json").write_text(json.dumps({"cart": "Votre panier"}))
    (tmp_path / "data.json").write_text(json.dumps({"users": [{"name": "Ada Lovelace"}]}))
    (tmp_path / "locales" / "config.json").write_text(json.dumps({"retries": 3, "label": "Not Messages"}))
    (tmp_path / "bundle.js.map").write_text(json.dumps({"sourcesContent": ["const s = 'In A Map'"]}))
    data, collected = build([tmp_path])
    listed = json.loads(data)
    assert {"Your cart", "Read the", "terms", "first", "Sign in", "Votre panier"} <= set(listed["strings"])
    assert ["You have ", " items"] in listed["templates"]
    assert not {"Ada Lovelace", "Not Messages", "In A Map", "A Developer Note"} & set(listed["strings"])
    assert {Path(p).name for p, _ in collected.skipped} == {"data.json", "config.json", "bundle.js.map"}


# -- the command ----------------------------------------------------------------------------

def test_the_command_writes_a_list_the_runtime_loads_and_prints_its_integrity(tmp_path, capsys):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.js").write_text('el.textContent = `Welcome back, ${name}!`; const b = "Place order";')
    (tmp_path / "src" / "index.html").write_text("<h1>Checkout</h1>")
    (tmp_path / "src" / "node_modules").mkdir()
    (tmp_path / "src" / "node_modules" / "lib.js").write_text('const v = "Vendored Words";')
    out = tmp_path / "site-text.json"
    assert main([str(tmp_path / "src"), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    data = out.read_bytes()
    assert f"allowTextIntegrity: {sitetext.integrity_of(data)}" in printed
    site = sitetext.parse_list(data, sitetext.integrity_of(data))
    assert site.strings == {"Place order", "Checkout"} and site.templates == (("Welcome back, ", "!"),)
    # The same sources give the same bytes (the hash in the page's config stays valid).
    assert main([str(tmp_path / "src"), "--out", str(out), "--quiet"]) == 0
    assert out.read_bytes() == data


def test_exclude_skips_what_it_matches(tmp_path):
    (tmp_path / "a.js").write_text('x = "Kept Words";')
    (tmp_path / "vendor.js").write_text('x = "Vendor Words";')
    data, _ = build([tmp_path], exclude=("vendor*",))
    assert json.loads(data)["strings"] == ["Kept Words"]


@pytest.mark.parametrize("make, message", [
    (lambda d: d / "missing", "no such file or directory"),
    (lambda d: (d / "a.png").write_bytes(b"\x89PNG") and d / "a.png", "not HTML, a server template, a script or a message file"),
    (lambda d: (d / "a.js").write_bytes(b"\xff\xfe\x00") and d / "a.js", "not UTF-8"),
    (lambda d: (d / "data.json").write_text("{}") and d / "data.json", "not a message file"),
    (lambda d: (d / "en.json").write_text("{oops") and d / "en.json", "not valid JSON"),
])
def test_bad_paths_are_clear_errors(tmp_path, capsys, make, message):
    path = make(tmp_path)
    assert main([str(path), "--out", str(tmp_path / "out.json")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("veil.allowlist: ") and message in err
    assert not (tmp_path / "out.json").exists()


def test_an_out_directory_that_does_not_exist_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "a.js").write_text('x = "Kept Words";')
    assert main([str(tmp_path / "a.js"), "--out", str(tmp_path / "nowhere" / "out.json")]) == 2
    assert "no such directory" in capsys.readouterr().err


def test_a_list_larger_than_the_worker_reads_is_an_error(tmp_path, monkeypatch):
    import veil.allowlist as allowlist

    (tmp_path / "a.js").write_text("\n".join(f'x{i} = "Some Words Number {i}";' for i in range(200)))
    monkeypatch.setattr(allowlist, "MAX_LIST_BYTES", 1000)
    with pytest.raises(AllowlistError, match="more than the 1000 the worker reads"):
        build([tmp_path])


def test_the_extractor_is_not_in_the_browser_wheel(tmp_path):
    wheel = load_build().build_veil_wheel(tmp_path)
    names = zipfile.ZipFile(wheel).namelist()
    assert "veil/sitetext.py" in names
    assert not [n for n in names if n.startswith("veil/allowlist")]


def test_the_demos_checked_in_list_is_the_one_its_page_makes():
    root = Path(__file__).resolve().parents[2]
    data, _ = build([root / "examples" / "demo" / "index.html"])
    assert (root / "examples" / "demo" / "veil-site-text.json").read_bytes() == data, (
        "examples/demo/veil-site-text.json is stale: run "
        "`python -m veil.allowlist examples/demo/index.html --out examples/demo/veil-site-text.json`")
    listed = json.loads(data)
    # Built from the template: the visitor's data the server fills in is never in it.
    assert not [s for s in listed["strings"] if "Margaret" in s or "Wallaby" in s or "A-7731" in s]
    assert ["Order #", " for ", "."] in listed["templates"]
