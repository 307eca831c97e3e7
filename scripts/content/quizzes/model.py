"""The shape every quiz question takes before it is rendered, whatever made it.

Concept records, computed records, timeline and glossary questions all become a
``Question``: every text in both languages, the choices in their shown order.
"""

from __future__ import annotations

from dataclasses import dataclass


class QuizError(ValueError):
    """A quiz record that cannot be shown; the message names the file, the id and the field."""


@dataclass(frozen=True)
class Choice:
    text: dict[str, str]
    correct: bool
    #: why this choice is wrong (every wrong choice has one)
    feedback: dict[str, str] | None = None


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    question: dict[str, str]
    choices: tuple[Choice, ...]
    explanation: dict[str, str]

    @property
    def multiple(self) -> bool:
        return sum(c.correct for c in self.choices) > 1
