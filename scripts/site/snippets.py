"""Check a page's ``--8<-- "file:section"`` lines before pymdownx.snippets reads them.

pymdownx.snippets stops a strict build on a missing file or section, but its message names
only the section ("Snippet section 'x' could not be located"), not the file it looked in nor
the line of the page. This names all three, so a renamed marker in optim_ref is found at once.
"""

from __future__ import annotations

import re
from pathlib import Path

SNIPPET_LINE = re.compile(r'^\s*-{1,}8<-{1,}\s+"([^"]+)"\s*$', re.M)
SECTION_MARK = "--8<-- [start:{}]"


class SnippetError(ValueError):
    """A page includes a file or a section that is not there."""


def check_snippets(markdown: str, page: str, base: Path) -> None:
    """Raise SnippetError for the first snippet line of ``page`` that cannot be resolved."""
    for match in SNIPPET_LINE.finditer(markdown):
        ref = match.group(1)
        line = markdown.count("\n", 0, match.start()) + 1
        name, _, section = ref.partition(":")
        if re.fullmatch(r"[\d,-]+", section or "0"):  # a line range, or no section
            section = ""
        path = base / name
        if not path.is_file():
            raise SnippetError(f"{page}:{line}: snippet {ref!r}: no file {name}")
        if section and SECTION_MARK.format(section) not in path.read_text(encoding="utf-8"):
            raise SnippetError(f"{page}:{line}: snippet {ref!r}: no section {section!r} in "
                               f"{name} (mark it with '# {SECTION_MARK.format(section)}')")
