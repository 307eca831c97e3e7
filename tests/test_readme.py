"""The README's example runs as written (it is the first code a user copies)."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_lists_the_two_commands_first_and_its_example_runs(capsys):
    text = README.read_text(encoding="utf-8")
    first_block = re.search(r"```sh\n(.*?)```", text, re.S).group(1)
    assert first_block.splitlines()[0].startswith("make serve")
    assert first_block.splitlines()[1].startswith("make test")
    (example,) = re.findall(r"```python\n(.*?)```", text, re.S)
    exec(compile(example, str(README), "exec"), {})
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith(" 3")  # three steps taken
    assert "True" not in out[-1]  # no run of the sweep diverged
