"""DOM mutations: removes, adds, text changes and attribute changes, masked as one rrweb event.

Rules: a node the replay never had (unknown, or inside a block) is left out of every list: nothing
is recorded under block, and a mutation left with nothing is not recorded at all. Added subtrees go through the one node writer as rows (``subtree.write_adds``)
and leave as one add per node. A text change is masked at its node's level, with its parent's
tag and secrecy; an attribute change through the one attribute predicate. An attribute change that
can change the element's level (``contract.LEVEL_ATTRIBUTES``, or new selector matches) is judged
by the one reduce (``levels.element_level``) from the element's current attributes; when the
level changed, or the element became a forced secret, a fresh full snapshot must follow, and until
it lands the element is judged by the stricter of its old and new level. What the visitor typed
in a typed region is learnt from the mutation before it is masked (an echo in it may come before
what it quotes). The masked mutation is written as JSON text, in rrweb's key order. Texts and
attributes reach ``masking`` with the page's site-text list and whether the node is in a typed region.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .config import Config
from .contract import LEVEL_ATTRIBUTES, MATCH_FLAGS_KEY
from .echo import Echoes
from .incremental import LastInputs
from .learning import EchoLearner
from .levels import Level, element_level, is_forced_secret, most_restrictive
from .masking import mask_attribute, text_for_level
from .nodes import NodeTable
from .raw import as_int, as_list, as_map
from .rrweb import Source
from .sitetext import SiteText
from .subtree import write_adds

_LEVEL_ATTRIBUTES = frozenset(LEVEL_ATTRIBUTES)
_MUTATION = int(Source.MUTATION)
# The lists of a mutation as the batch writes them: no spaces, unicode as is.
_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False).encode


class MutationMasker:
    """Masks mutations against the node table, keeping it in step with the page."""

    def __init__(self, config: Config, table: NodeTable, echoes: Echoes, learner: EchoLearner, inputs: LastInputs,
                 site: SiteText | None = None) -> None:
        self.config = config
        self.site = site
        self.table = table
        self.echoes = echoes
        self.learner = learner
        self.inputs = inputs

    def mask(self, data: Mapping[str, Any]) -> tuple[str | None, bool]:
        """The masked mutation's data as JSON (None when nothing in it is recorded), and whether it
        changed a level (a fresh snapshot must follow)."""
        table, scrub, echoes = self.table, self.config.scrub_patterns, self.echoes
        self.learner.mutation(data)  # an echo in this mutation may come before what it quotes
        removes = []
        for item in map(as_map, as_list(data.get("removes"))):
            node_id, parent_id = as_int(item.get("id")), as_int(item.get("parentId"))
            if node_id in table and parent_id in table:
                removes.append({"parentId": parent_id, "id": node_id})
            table.remove(node_id)
        adds: list[str] = []
        for item in map(as_map, as_list(data.get("adds"))):
            parent_id = as_int(item.get("parentId"))
            parent = table.get(parent_id)
            if parent is None or parent.level is Level.BLOCK:
                continue  # nothing is recorded under block, or under a node the replay never had
            next_id = item.get("nextId")
            self.learner.add(item)  # its parent may be new in this mutation
            adds.extend(write_adds(as_map(item.get("node")), parent_id, next_id if isinstance(next_id, int) else None,
                                   parent.level, parent.tag, table, scrub, echoes, self.site))
        texts = []
        for item in map(as_map, as_list(data.get("texts"))):
            node_id = as_int(item.get("id"))
            info = table.get(node_id)
            if info is None or info.level is Level.BLOCK:
                continue
            parent = table.get(info.parent) if info.parent is not None else None
            value = item.get("value")
            masked_value = None
            if value is not None:
                masked_value = text_for_level(
                    str(value), info.level, parent.tag if parent else None, scrub, bool(parent and parent.secret), echoes,
                    self.site, self.site is not None and table.is_typed(node_id),
                )
            texts.append({"id": node_id, "value": masked_value})
        attributes, level_changed = self._attributes(data)
        if not (texts or attributes or removes or adds) and data.get("isAttachIframe") is not True and \
                any(as_list(data.get(key)) for key in ("texts", "attributes", "removes", "adds")):
            # Everything in it was under block or under nodes the replay never had (in WebKit:
            # rrweb-snapshot's probe iframes). rrweb's recorder never emits an empty mutation, and
            # its Replayer, given one, lost a later insertRule into an adopted sheet (tests/engines).
            return None, level_changed
        attach = ',"isAttachIframe":true' if data.get("isAttachIframe") is True else ""
        masked = (f'{{"source":{_MUTATION},"texts":{_dumps(texts)},"attributes":{_dumps(attributes)},'
                  f'"removes":{_dumps(removes)},"adds":[{",".join(adds)}]{attach}}}')
        return masked, level_changed

    def _attributes(self, data: Mapping[str, Any]) -> tuple[list[dict[str, Any]], bool]:
        out = []
        level_changed = False
        table = self.table
        for item in map(as_map, as_list(data.get("attributes"))):
            node_id = as_int(item.get("id"))
            info = table.get(node_id)
            if info is None or info.tag is None:
                continue
            changed = as_map(item.get("attributes"))
            parent = table.get(info.parent) if info.parent is not None else None
            parent_level = parent.level if parent else self.config.default_privacy
            if _LEVEL_ATTRIBUTES.intersection(k.lower() for k in changed) or MATCH_FLAGS_KEY in item:
                current = item.get("current")
                current = current if isinstance(current, Mapping) else changed
                new_level = element_level(parent_level, current, item.get(MATCH_FLAGS_KEY) or (), node_id in table.surface_ids())
                if is_forced_secret(info.tag, current) and not info.secret:
                    # Its value may already be in the replay in clear: re-snapshot it masked.
                    table.mark_secret(node_id)
                    level_changed = True
                if new_level is not info.level:
                    level_changed = True
                    # Until the new snapshot lands, judge this change by the stricter of both levels.
                    info.level = most_restrictive((info.level, new_level))
            if info.level is Level.BLOCK:
                continue
            masked_attrs: dict[str, Any] = {}
            for name, value in changed.items():
                if value is None:
                    if mask_attribute(info.tag, name, "", changed, info.level, info.secret) is not None or \
                            name.lower() in ("value", "checked", "selected"):
                        masked_attrs[name] = None
                    continue
                if name.lower() == "value":
                    self.inputs.forget(node_id)  # the field shows something else now
                masked_value = mask_attribute(info.tag, name, value, changed, info.level, info.secret, scrub=self.config.scrub_patterns, echoes=self.echoes,
                                              site=self.site, typed=self.site is not None and table.is_typed(node_id))
                if masked_value is not None:
                    masked_attrs[name] = masked_value
            if masked_attrs:
                out.append({"id": node_id, "attributes": masked_attrs})
        return out, level_changed
