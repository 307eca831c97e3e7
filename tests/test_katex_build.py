"""Formulas typeset at build time (scripts/site/katex.py): the pages' pymdownx formulas and
the Markdown cells of notebook pages, with text in code left alone as auto-render leaves it."""

from __future__ import annotations

import pytest

from scripts.site import katex

CELL = ('<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown jp-MarkdownOutput" '
        'data-mime-type="text/markdown">{}</div>')


def test_notebook_cells_get_their_formulas_typeset_and_code_is_left_alone():
    page = (CELL.format('<p>a batch $B$ with $x_i &lt; 1$, <code>cost = $5$</code></p>'
                        '<p>$$ \\frac{1}{|B|} $$</p><div><p>\\(y\\)</p></div>')
            + '<p>outside a cell: $z$</p><pre>$q$</pre>')
    out = katex.typeset_cells(page)
    assert out.count('<span class="arithmatex"><span class="katex">') == 3
    assert out.count('<span class="arithmatex"><span class="katex-display">') == 1
    assert "<code>cost = $5$</code>" in out  # code is never math
    assert "outside a cell: $z$" in out and "<pre>$q$</pre>" in out
    assert "x_i &lt; 1</annotation>" in out  # unescaped for KaTeX, escaped once by it
    assert "&amp;lt;" not in out
    assert out.endswith("</div><p>outside a cell: $z$</p><pre>$q$</pre>")


def test_a_page_without_cells_is_unchanged():
    page = "<p>$x$ and <code>$y$</code></p>"
    assert katex.typeset_cells(page) == page


def test_an_unclosed_cell_is_an_error():
    with pytest.raises(katex.KatexError, match="closing"):
        katex.typeset_cells(CELL.format("<p>$x$</p>")[:-len("</div>")])
