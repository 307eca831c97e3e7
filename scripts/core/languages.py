"""The site's languages, read from the one place that sets them: mkdocs.yml's i18n plugin.

Every bilingual text the build checks (data files, the figure registry, quizzes) needs a text
in each of these; the default language comes first. Read once, at import, because the JSON
schemas of those files are made from it. The YAML is read without executing its tags
(``!ENV``, ``!!python/...``): only the plugin's ``languages`` list matters here.
"""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
MKDOCS_YML = ROOT / "mkdocs.yml"


class _Loader(yaml.SafeLoader):
    """A safe loader that reads any tagged value as plain data instead of running it."""


def _untagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node):
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_scalar(node)


_Loader.add_multi_constructor("!", _untagged)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _untagged)


def from_mkdocs_yml(path: Path = MKDOCS_YML) -> tuple[str, ...]:
    """The locales of the i18n plugin in ``path``, the default first."""
    config = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    for plugin in config.get("plugins") or []:
        if isinstance(plugin, dict) and "i18n" in plugin:
            langs = (plugin["i18n"] or {}).get("languages") or []
            locales = [lang["locale"] for lang in langs if lang.get("default")]
            locales += [lang["locale"] for lang in langs if not lang.get("default")]
            if len(locales) != len(langs) or not locales or len(set(locales)) != len(locales):
                raise ValueError(f"{path}: plugins.i18n.languages: expected one default and "
                                 f"distinct locales, got {langs!r}")
            return tuple(locales)
    raise ValueError(f"{path}: no i18n plugin with a languages list under plugins")


#: the site's languages, the default first: ("ko", "en")
LANGS = from_mkdocs_yml()
