"""The figure registry: read ``scripts/figures/figures.yml``, validate it, expand it into figures.

A figure is declared once with its parameters and its caption and alt text in both
languages. Validation happens before anything is drawn, and every error names the file,
the figure and the field, so a typo fails the build with a message a person can act on.
"""

from __future__ import annotations

import itertools
import re
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import yaml

import optim_ref
from optim_ref import functions
from scripts.core.languages import LANGS

REGISTRY = Path(__file__).with_name("figures.yml")

KINDS = ("trajectory", "loss", "line-fit", "width-fit", "sgd-batches", "sgd-decay",
         "noise-spread", "schedule-shapes", "training", "singular-values", "rate-beta",
         "ema-weights", "bias-correction", "nag-lookahead", "muon-split")
#: kinds that fit a model to data rather than race over a surface (scripts/fits.py)
FIT_KINDS = ("line-fit", "width-fit", "singular-values")
#: what a singular-values figure orthogonalizes with (a matrix, not a point)
MATRIX_OPTIMIZERS = ("Muon",)
#: the losses a line-fit figure may compare
FIT_LOSSES = ("mse", "mae", "huber")
#: kinds drawn on the seeded regression of scripts/figures/stochastic.py (no surface)
STOCHASTIC_KINDS = ("sgd-batches", "sgd-decay", "noise-spread", "schedule-shapes")
#: the digits training (scripts/figures/training.py)
TRAINING_KINDS = ("training",)
#: Muon on the digits network's hidden matrix and AdamW on the rest (scripts/figures/muon_split.py)
SPLIT_KINDS = ("muon-split",)
#: kinds that show data, not one of the surfaces of optim_ref.functions
DATA_KINDS = FIT_KINDS + STOCHASTIC_KINDS + TRAINING_KINDS + SPLIT_KINDS
#: kinds that draw the analysis beside the races (scripts/figures/theory.py), and the surface
#: each needs (None: it draws no surface)
THEORY_KINDS = {"rate-beta": "quadratic", "ema-weights": None, "bias-correction": None,
                "nag-lookahead": "quadratic"}
#: suffixes an optimizer may carry instead of the learning-rate rule: "Momentum+polyak" is
#: Momentum with Polyak's tuned eta and beta for the quadratic's curvatures
TUNINGS = {"polyak": ("Momentum", "NAG")}
PLACEHOLDERS = {"optimizer", "surface", "steps", "rule", "lrs", "story", "surface_name",
                "facts"}
NAME_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
OPTIMIZERS = tuple(optim_ref.LECTURE + optim_ref.AFTER_ADAM + optim_ref.NEWER_POINT)

_TEXT = {
    "type": "object",
    "properties": {lang: {"type": "string", "minLength": 1} for lang in LANGS},
    "required": list(LANGS),
    "additionalProperties": False,
}
ENTRY_SCHEMA = {
    "type": "object",
    "required": ["name", "kind", "optimizers", "caption", "alt"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "kind": {"enum": list(KINDS)},
        "surface": {"type": "string"},
        "optimizers": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "steps": {"type": "integer", "minimum": 1, "maximum": 5000},
        "frames": {"type": "integer", "minimum": 2, "maximum": 400},
        "lr": {"anyOf": [{"const": "rule"}, {"type": "number", "exclusiveMinimum": 0}]},
        "start": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
        "losses": {"type": "array", "minItems": 1, "uniqueItems": True,
                   "items": {"enum": list(FIT_LOSSES)}},
        "angle": {"type": "number", "minimum": -360, "maximum": 360},
        "betas": {"type": "array", "minItems": 1, "maxItems": 12, "uniqueItems": True,
                  "items": {"type": "number", "minimum": 0, "exclusiveMaximum": 1}},
        "widths": {"type": "array", "minItems": 1, "maxItems": 6,
                   "items": {"type": "integer", "minimum": 1, "maximum": 500}},
        "rates": {"type": "array", "minItems": 1, "maxItems": 4, "uniqueItems": True,
                  "items": {"type": "number", "exclusiveMinimum": 0}},
        "each": {
            "type": "object",
            "additionalProperties": {"type": "array", "minItems": 1, "items": {"type": "string"}},
        },
        "caption": _TEXT,
        "alt": _TEXT,
    },
}


#: fields every entry has, set once in figures.yml's ``defaults`` (an entry may override)
DEFAULTED = ("steps", "frames", "lr")


class RegistryError(ValueError):
    """A registry entry that cannot be drawn; the message names file, figure and field."""


@dataclass(frozen=True)
class Figure:
    """One expanded figure: everything needed to draw it and to place it on a page."""

    name: str
    kind: str
    surface: str
    optimizers: tuple[str, ...]
    steps: int
    frames: int
    lr: str | float
    start: tuple[float, float] | None
    caption: dict[str, str] = field(compare=False)
    alt: dict[str, str] = field(compare=False)
    surface_name: dict[str, str] = field(compare=False)
    losses: tuple[str, ...] = ()  # line-fit: one fitted line per loss
    widths: tuple[int, ...] = ()  # width-fit: one network per hidden width
    angle: float = 0.0  # the surface turned by this many degrees (functions.rotated)
    betas: tuple[float, ...] = ()  # rate-beta: the betas run; ema-weights: one line each
    rates: tuple[float, ...] = ()  # muon-split: the rates compared, one column each

    @property
    def localized(self) -> bool:
        """Figures with words (axis labels) are drawn once per language."""
        return self.kind == "loss" or self.kind in DATA_KINDS or self.kind in THEORY_KINDS

    def params(self) -> dict[str, Any]:
        """What determines the pixels (captions do not: editing one re-renders nothing)."""
        params = {
            "kind": self.kind, "surface": self.surface, "optimizers": list(self.optimizers),
            "steps": self.steps, "frames": self.frames, "lr": self.lr,
            "start": None if self.start is None else list(self.start),
        }
        if self.kind in FIT_KINDS:
            params.update(losses=list(self.losses), widths=list(self.widths))
        if self.angle:
            params["angle"] = self.angle
        if self.kind in THEORY_KINDS:
            params["betas"] = list(self.betas)
        if self.kind in SPLIT_KINDS:
            params["rates"] = list(self.rates)
        return params


def _fail(path: Path, figure: str, fld: str, message: str) -> RegistryError:
    return RegistryError(f"{path}: figure {figure!r}: field {fld!r}: {message}")


def _check_text(path: Path, name: str, fld: str, text: str) -> None:
    try:
        used = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
    except ValueError as exc:
        raise _fail(path, name, fld, f"broken placeholder ({exc})") from None
    unknown = used - PLACEHOLDERS
    if unknown:
        raise _fail(path, name, fld, f"unknown placeholder(s) {sorted(unknown)}; "
                    f"known: {sorted(PLACEHOLDERS)}")


def _expand(entry: dict[str, Any]) -> list[dict[str, Any]]:
    each = entry.pop("each", None)
    if not each:
        return [entry]
    keys = list(each)
    out = []
    for values in itertools.product(*(each[k] for k in keys)):
        subst = dict(zip(keys, values, strict=True))

        def fill(value: Any, subst: dict[str, str] = subst) -> Any:
            if isinstance(value, str):
                # only the `each` keys are filled now; caption placeholders stay for later
                for k, v in subst.items():
                    value = value.replace("{" + k + "}", v)
                return value
            if isinstance(value, list):
                return [fill(v) for v in value]
            if isinstance(value, dict):
                return {k: fill(v) for k, v in value.items()}
            return value

        item = {k: fill(v) for k, v in entry.items() if k not in ("caption", "alt", "name")}
        slugs = {k: v.lower().replace("_", "-") for k, v in subst.items()}
        item["name"] = fill(entry["name"], slugs)
        item["caption"], item["alt"] = entry["caption"], entry["alt"]
        item.update({k: v for k, v in subst.items() if k in ("surface",)})
        out.append(item)
    return out


def parse(data: Any, path: Path = REGISTRY) -> list[Figure]:
    """Validate and expand registry data (the YAML document) into figures."""
    if not isinstance(data, dict) or not isinstance(data.get("figures"), list):
        raise RegistryError(f"{path}: expected a mapping with a 'figures' list")
    defaults = data.get("defaults")
    if not isinstance(defaults, dict) or any(k not in defaults for k in DEFAULTED):
        raise RegistryError(f"{path}: field 'defaults': expected a mapping with "
                            f"{', '.join(DEFAULTED)} (the one place the entries' defaults "
                            f"are set), got {defaults!r}")
    names = data.get("surface_names") or {}
    figures: list[Figure] = []
    seen: set[str] = set()
    for index, raw in enumerate(data["figures"]):
        label = raw.get("name", f"#{index + 1}") if isinstance(raw, dict) else f"#{index + 1}"
        entry = {**defaults, **raw} if isinstance(raw, dict) else raw
        errors = sorted(jsonschema.Draft202012Validator(ENTRY_SCHEMA).iter_errors(entry),
                        key=lambda e: list(e.absolute_path))
        if errors:
            err = errors[0]
            fld = ".".join(str(p) for p in err.absolute_path) or (
                err.message.split("'")[1] if "is a required property" in err.message else "-")
            raise _fail(path, label, fld, err.message)
        for item in _expand(dict(entry)):
            name = item["name"]
            if "{" in name or not NAME_RE.match(name):
                raise _fail(path, name, "name", "must be lower-case words joined by '-'")
            if name in seen:
                raise _fail(path, name, "name", "declared twice")
            seen.add(name)
            surface = item.get("surface")
            if item["kind"] in FIT_KINDS:
                _check_fit(path, name, item)
            elif item["kind"] in STOCHASTIC_KINDS:
                _check_stochastic(path, name, item)
            elif item["kind"] == "training":
                _check_training(path, name, item)
            elif item["kind"] in THEORY_KINDS:
                _check_theory(path, name, item)
            elif item["kind"] in SPLIT_KINDS:
                _check_split(path, name, item)
            elif surface not in functions.NAMES:
                raise _fail(path, name, "surface",
                            f"unknown surface {surface!r}; known: {list(functions.NAMES)}")
            shown = names.get(surface) if surface is not None else {
                lang: "-" for lang in LANGS}  # a fit shows data, not a surface
            if not isinstance(shown, dict) or any(
                    not isinstance(shown.get(lang), str) or not shown[lang] for lang in LANGS):
                raise _fail(path, name, "surface",
                            f"surface_names.{surface} needs a name in each of {list(LANGS)}")
            allowed = {"singular-values": MATRIX_OPTIMIZERS,
                       "muon-split": OPTIMIZERS + MATRIX_OPTIMIZERS}.get(item["kind"], OPTIMIZERS)
            for opt in item["optimizers"]:
                opt, _, tuning = opt.partition("+")
                if tuning and (tuning not in TUNINGS or opt not in TUNINGS[tuning]):
                    raise _fail(path, name, "optimizers",
                                f"unknown tuning {opt}+{tuning}; known: "
                                + ", ".join(f"{o}+{t}" for t, os in TUNINGS.items() for o in os))
                if tuning and surface != "quadratic":
                    raise _fail(path, name, "optimizers",
                                f"{opt}+{tuning} tunes for the quadratic's curvatures")
                if opt not in allowed:
                    raise _fail(path, name, "optimizers",
                                f"unknown optimizer {opt!r}; known: {list(allowed)}")
            for fld in ("caption", "alt"):
                for lang in LANGS:
                    _check_text(path, name, f"{fld}.{lang}", item[fld][lang])
            figures.append(Figure(
                name=name, kind=item["kind"], surface=surface or "",
                optimizers=tuple(item["optimizers"]), steps=int(item["steps"]),
                frames=int(item["frames"]), lr=item["lr"],
                start=tuple(item["start"]) if item.get("start") else None,
                caption=dict(item["caption"]), alt=dict(item["alt"]),
                surface_name={lang: shown[lang] for lang in LANGS},
                losses=tuple(item.get("losses", ())), widths=tuple(item.get("widths", ())),
                angle=float(item.get("angle", 0.0)),
                betas=tuple(float(b) for b in item.get("betas", ())),
                rates=tuple(float(r) for r in item.get("rates", ())),
            ))
    return figures


def _check_fit(path: Path, name: str, item: dict[str, Any]) -> None:
    """A fit needs what it fits with: its own list, a numeric lr, one optimizer, no surface."""
    own = {"line-fit": "losses", "width-fit": "widths"}.get(item["kind"])
    if own and not item.get(own):
        raise _fail(path, name, own, f"a {item['kind']} figure needs a list of {own}")
    if own and item["lr"] == "rule":
        raise _fail(path, name, "lr", "the learning-rate rule is for surfaces; give a number")
    if len(item["optimizers"]) != 1:
        raise _fail(path, name, "optimizers", f"a {item['kind']} figure trains with one optimizer")
    if item.get("surface") is not None:
        raise _fail(path, name, "surface", f"a {item['kind']} figure has no surface")


def _check_stochastic(path: Path, name: str, item: dict[str, Any]) -> None:
    """A stochastic figure runs on its own data set at a given lr: a number, no surface."""
    if item.get("lr", "rule") == "rule":
        raise _fail(path, name, "lr", f"a {item['kind']} figure needs a numeric lr")
    if item.get("surface") is not None:
        raise _fail(path, name, "surface", f"a {item['kind']} figure has no surface")


def _check_training(path: Path, name: str, item: dict[str, Any]) -> None:
    """The real-data figure chooses its rates by the rule and trains on data, not a surface."""
    if item.get("lr", "rule") != "rule":
        raise _fail(path, name, "lr", "a training figure's rates come from the rule")
    if item.get("surface") is not None:
        raise _fail(path, name, "surface", "a training figure has no surface")


def _check_theory(path: Path, name: str, item: dict[str, Any]) -> None:
    """An analysis figure draws its own surface (or none), and the betas it is about."""
    wants = THEORY_KINDS[item["kind"]]
    if item.get("surface") != wants:
        raise _fail(path, name, "surface", f"a {item['kind']} figure draws "
                    + (f"the surface {wants!r}" if wants else "no surface"))
    if item["kind"] in ("rate-beta", "ema-weights") and not item.get("betas"):
        raise _fail(path, name, "betas", f"a {item['kind']} figure needs a list of betas")
    if item["kind"] in ("bias-correction", "nag-lookahead") and item.get("lr", "rule") == "rule":
        raise _fail(path, name, "lr", f"a {item['kind']} figure draws one step size; give a number")


def _check_split(path: Path, name: str, item: dict[str, Any]) -> None:
    """The optimizer for every weight and the rest, then the one for the hidden matrix; the
    rates compared, and the rest's rate (``lr``); digits data, no surface."""
    opts = [base_optimizer(o) for o in item["optimizers"]]
    if len(opts) != 2 or opts[0] not in OPTIMIZERS or opts[1] not in MATRIX_OPTIMIZERS:
        raise _fail(path, name, "optimizers", "a muon-split figure needs two: one for every "
                    f"weight and the rest (one of {list(OPTIMIZERS)}), then one for the hidden "
                    f"matrix (one of {list(MATRIX_OPTIMIZERS)}); got {item['optimizers']}")
    if not item.get("rates"):
        raise _fail(path, name, "rates", "a muon-split figure needs the list of rates it compares")
    if item["lr"] == "rule":
        raise _fail(path, name, "lr", "a muon-split figure needs the rest's rate as a number")
    if item.get("surface") is not None:
        raise _fail(path, name, "surface", "a muon-split figure has no surface")


def load(path: Path = REGISTRY) -> list[Figure]:
    """Read and validate the registry file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RegistryError(f"{path}: not valid YAML: {exc}") from None
    return parse(data, path)


def surface_names(path: Path = REGISTRY) -> dict[str, dict[str, str]]:
    """How each surface is called, in each language (the registry's ``surface_names``)."""
    names = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("surface_names") or {}
    for surface in functions.NAMES:
        shown = names.get(surface)
        if not isinstance(shown, dict) or any(not shown.get(lang) for lang in LANGS):
            raise RegistryError(f"{path}: surface_names.{surface}: needs a name in each of "
                                f"{list(LANGS)}")
    return {surface: {lang: names[surface][lang] for lang in LANGS}
            for surface in functions.NAMES}


def base_optimizer(opt: str) -> str:
    """The optim_ref class an entry of ``optimizers`` names ("Momentum+polyak" -> "Momentum")."""
    return opt.partition("+")[0]


def by_name(figures: list[Figure]) -> dict[str, Figure]:
    return {f.name: f for f in figures}
