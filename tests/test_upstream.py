"""The other packages' internals the build relies on are still there (scripts/site/upstream.py).

An upgrade of mkdocs-static-i18n, mkdocs-quiz, mkdocs-jupyter or Material that moves one of
them fails here with a message that names it, not deep inside a page build.
"""

from __future__ import annotations

import pytest
from mkdocs.config import load_config

from scripts.core.languages import LANGS
from scripts.site import upstream

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent


def test_the_adapter_finds_every_internal_it_uses():
    config = load_config(str(ROOT / "mkdocs.yml"))
    upstream.check(upstream.i18n_plugin(config))


def test_the_build_reads_the_i18n_plugin_through_the_adapter():
    config = load_config(str(ROOT / "mkdocs.yml"))
    state = upstream.i18n_state(config)
    assert state.default_language == LANGS[0] and state.building is False
    assert set(state._fields) == set(upstream.I18N_PLUGIN_ATTRIBUTES)


def test_a_missing_internal_is_named(monkeypatch):
    import mkdocs_static_i18n.suffix as suffix

    monkeypatch.delattr(suffix, "create_i18n_file")
    with pytest.raises(upstream.UpstreamChanged, match=r"mkdocs_static_i18n.suffix"
                                                       r".create_i18n_file is gone"):
        upstream.check()


def test_a_changed_signature_is_named(monkeypatch):
    import mkdocs_static_i18n.suffix as suffix

    monkeypatch.setattr(suffix, "create_i18n_file", lambda file, config: None)
    with pytest.raises(upstream.UpstreamChanged, match="calls it positionally"):
        upstream.check()


def test_a_plugin_without_its_attributes_is_named():
    with pytest.raises(upstream.UpstreamChanged, match="no building"):
        upstream.check(type("Plugin", (), {a: None for a in upstream.I18N_PLUGIN_ATTRIBUTES
                                           if a != "building"})())


def test_materials_config_script_is_what_the_search_fix_rewrites():
    from material.templates import __path__ as templates  # noqa: F401  (Material installed)

    page = ('<script id="__config" type="application/json">{"annotate": null, "base": "..", '
            '"features": []}</script>')
    upstream.check_material_config(page)
    with pytest.raises(upstream.UpstreamChanged, match="__config"):
        upstream.check_material_config('<script id="__config">{"base": ".."}</script>')


def test_a_bundle_that_no_longer_asks_for_the_index_so_is_named(monkeypatch):
    monkeypatch.setitem(upstream.MATERIAL_SEARCH_INDEX, "assets/javascripts/bundle.*.min.js",
                        ("search/search_index.json", "a request this bundle does not make"))
    with pytest.raises(upstream.UpstreamChanged, match=r"bundle\.\*\.min\.js \(1 file\(s\)\) "
                                                       r"no longer has a request"):
        upstream.check()
