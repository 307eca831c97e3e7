"""The code a page includes reads like the formula on that page.

Every ``--8<--`` include of every page, expanded by pymdownx.snippets itself with the
configuration of mkdocs.yml (so the test reads exactly the lines the page shows), must:

- have no ``out=`` and no in-place update (``+=``): one name per quantity, no scratch buffer;
- bind every name it uses, except the inputs of ``Optimizer._update`` (the state, params and
  grads, and ``self`` for the hyperparameters), numpy as ``np`` and Python's builtins, so the
  reader needs nothing that the page does not show;
- be at most 15 lines long.

The names are read with ``symtable`` on the snippet compiled as the body of ``_update`` (a
name bound nowhere), and with ``ast`` in the order Python evaluates them (a name used before
the line that binds it, such as ``g = g + lam * params`` cut off from the ``g`` above it).
"""

from __future__ import annotations

import ast
import builtins
import inspect
import symtable
import textwrap
from pathlib import Path

import markdown
import pytest
import yaml
from pymdownx.snippets import SnippetPreprocessor

from optim_ref.optimizers._base import Optimizer

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 15
#: what a snippet may use without binding it
INPUTS = tuple(inspect.signature(Optimizer._update).parameters)  # self, params, grads, state
ALLOWED = frozenset(INPUTS) | {"np"} | frozenset(dir(builtins))


def snippet_config() -> dict:
    """pymdownx.snippets' options as mkdocs.yml gives them (its !!python and !ENV tags skipped)."""

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda *_: None)  # any tag YAML itself does not know
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    for ext in config["markdown_extensions"]:
        if isinstance(ext, dict) and "pymdownx.snippets" in ext:
            return {**ext["pymdownx.snippets"], "base_path": [str(ROOT)]}
    raise AssertionError("mkdocs.yml does not configure pymdownx.snippets")


def includes() -> list[tuple[str, str]]:
    """(page:line, include line) for every snippet include of every page, both languages."""
    found = []
    for page in sorted((ROOT / "docs").rglob("*.md")):
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            match = SnippetPreprocessor.RE_ALL_SNIPPETS.match(line)
            if match and match.group("snippet"):
                found.append((f"{page.relative_to(ROOT)}:{number}", line.strip()))
    return found


def expand(include: str) -> str:
    """The text pymdownx.snippets puts on the page for one include line."""
    md = markdown.Markdown(extensions=["pymdownx.snippets"],
                           extension_configs={"pymdownx.snippets": snippet_config()})
    lines = md.preprocessors["snippet"].run([include])
    return "\n".join(lines).strip("\n")


class UseBeforeBinding(ast.NodeVisitor):
    """Names read before any binding of them, visiting in evaluation order (right side first)."""

    def __init__(self) -> None:
        self.bound, self.early = set(ALLOWED), []

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Store):
            self.bound.add(node.id)
        elif node.id not in self.bound and node.id not in self.early:
            self.early.append(node.id)

    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        for target in node.targets:
            self.visit(target)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        self.visit(node.target)

    def _comprehension(self, node) -> None:
        for gen in node.generators:
            self.visit(gen)
        for part in ("key", "value", "elt"):
            if hasattr(node, part):
                self.visit(getattr(node, part))

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = _comprehension

    def visit_comprehension(self, node: ast.comprehension) -> None:
        self.visit(node.iter)
        self.visit(node.target)
        for test in node.ifs:
            self.visit(test)


def problems(code: str) -> list[str]:
    """What keeps ``code`` (a snippet of an update) from reading like its formula."""
    found = []
    lines = code.splitlines()
    if len(lines) > MAX_LINES:
        found.append(f"{len(lines)} lines (at most {MAX_LINES})")
    body = "def _update({}):\n{}\n".format(", ".join(INPUTS), textwrap.indent(code, "    "))
    for node in ast.walk(ast.parse(body)):
        if isinstance(node, ast.keyword) and node.arg == "out":
            found.append(f"line {node.lineno - 1}: out= writes into a buffer")
        if isinstance(node, ast.AugAssign):
            found.append(f"line {node.lineno - 1}: an in-place update ({ast.unparse(node)})")
    table = symtable.symtable(body, "<snippet>", "exec").get_children()[0]
    unbound = sorted(sym.get_name() for sym in table.get_symbols()
                     if sym.is_referenced() and not sym.is_assigned()
                     and not sym.is_parameter() and sym.get_name() not in ALLOWED)
    if unbound:
        found.append(f"uses names it does not bind: {', '.join(unbound)}")
    order = UseBeforeBinding()
    order.visit(ast.parse(code))
    early = [name for name in order.early if name not in unbound]
    if early:
        found.append(f"uses names before it binds them: {', '.join(early)}")
    return found


INCLUDES = includes()


def test_pages_include_code():
    """The scan finds the optimizer pages' includes (else every check below is vacuous)."""
    pages = {where.split(":")[0] for where, _ in INCLUDES}
    assert {"docs/optimizers/adam.md", "docs/optimizers/adam.en.md",
            "docs/optimizers/gd.md", "docs/optimizers/gd.en.md"} <= pages
    assert len(INCLUDES) >= 20


@pytest.mark.parametrize(("where", "include"), INCLUDES, ids=[w for w, _ in INCLUDES])
def test_included_code_reads_like_its_formula(where, include):
    code = expand(include)
    assert code and code != include, f"{where}: {include} expands to nothing"
    found = problems(code)
    assert not found, f"{where}: {include}:\n  " + "\n  ".join(found) + f"\n\n{code}"


# ---- the checks can fail ------------------------------------------------------------------

GOOD = """\
lr, beta = self.lr, self.momentum
a = beta * state.velocity + grads     # a_{t+1}
params = params - lr * a"""


def test_a_formula_shaped_snippet_passes():
    assert problems(GOOD) == []


@pytest.mark.parametrize(("code", "complaint"), [
    ("work = np.multiply(grads, grads)\nnp.sqrt(work, out=work)\nparams = params - work",
     "line 2: out= writes into a buffer"),
    ("m = state.exp_avg * 0.9\nm += 0.1 * grads\nparams = params - m",
     "line 2: an in-place update (m += 0.1 * grads)"),
    ("a = beta * state.velocity + grads\nparams = params - lr * a",
     "uses names it does not bind: beta, lr"),
    ("if self.decoupled_weight_decay:\n    params = params * (1 - self.lr)\n"
     "else:\n    g = g + self.weight_decay * params\nparams = params - g",
     "uses names before it binds them: g"),
    ("\n".join(f"x{i} = grads * {i}" for i in range(16)), "16 lines (at most 15)"),
])
def test_a_snippet_breaking_a_rule_fails(code, complaint):
    assert complaint in problems(code)


def test_expansion_is_what_the_page_shows():
    """Nested markers are dropped and the section dedented, as on the built page."""
    code = expand('--8<-- "optim_ref/optimizers/adam.py:update"')
    assert "8<" not in code
    assert code.splitlines()[0].startswith("lr, ")
