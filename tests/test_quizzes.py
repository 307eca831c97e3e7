"""The self-check quizzes: schema errors that name file, id and field; computed choices that
optim_ref's numbers and an independent recomputation agree on; the markup mkdocs-quiz reads;
and enough questions on every page, in both languages."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import numpy as np
import pytest

import optim_ref
from scripts.content.glossary import load_glossary
from scripts.content.quizzes import bank, computed, markup
from scripts.content.quizzes.model import Choice, Question, QuizError
from scripts.content.timeline import load_timeline
from scripts.core import words

ROOT = Path(__file__).resolve().parent.parent
TIMELINE, GLOSSARY = load_timeline(), load_glossary()
ALL = bank.load_all(TIMELINE, GLOSSARY)


def write(tmp_path: Path, text: str, name: str = "page.yml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


CONCEPT = """
- id: q{n}
  question: {{ko: 질문, en: Question}}
  choices:
    - text: {{ko: 맞음, en: Right}}
      correct: true
    - text: {{ko: 틀림, en: Wrong}}
      feedback: {{ko: 이유, en: Why}}
  explanation: {{ko: 풀이, en: Because}}
"""


def three_concepts() -> str:
    return "".join(CONCEPT.format(n=n) for n in range(3))


# --------------------------------------------------------------------------- the schema


def test_a_valid_file_loads(tmp_path):
    loaded = bank.load_file(write(tmp_path, three_concepts()), TIMELINE, GLOSSARY)
    assert [q.id for q in loaded] == \
        ["q0", "q1", "q2"]


@pytest.mark.parametrize(("broken", "field"), [
    # a wrong choice without feedback
    (lambda s: s.replace("      feedback: {ko: 이유, en: Why}\n", "", 1), "choices[1]"),
    # a language missing
    (lambda s: s.replace("question: {ko: 질문, en: Question}", "question: {ko: 질문}", 1),
     "question"),
    # no explanation
    (lambda s: s.replace("  explanation: {ko: 풀이, en: Because}\n", "", 1), "(record)"),
    # an unknown field
    (lambda s: s.replace("  explanation:", "  hint: x\n  explanation:", 1), "(record)"),
    # a choice spread over two lines
    (lambda s: s.replace("{ko: 맞음, en: Right}", '{ko: "맞\\n음", en: Right}', 1),
     "choices[0].text.ko"),
    # a choice of math alone: its label has no accessible name
    (lambda s: s.replace("{ko: 맞음, en: Right}", "{ko: 맞음, en: $10g$}", 1),
     "choices[0].text.en"),
])
def test_a_malformed_record_names_file_id_and_field(tmp_path, broken, field):
    path = write(tmp_path, broken(three_concepts()))
    with pytest.raises(QuizError) as err:
        bank.load_file(path, TIMELINE, GLOSSARY)
    message = str(err.value)
    assert "page.yml" in message and "'q0'" in message and f"field {field}" in message


def test_no_right_choice_is_refused(tmp_path):
    text = three_concepts().replace("      correct: true\n", "      feedback: {ko: a, en: b}\n", 1)
    with pytest.raises(QuizError, match=r"page.yml: question 'q0': field choices: no choice"):
        bank.load_file(write(tmp_path, text), TIMELINE, GLOSSARY)


def test_a_page_needs_three_questions(tmp_path):
    with pytest.raises(QuizError, match="at least 3"):
        bank.load_file(write(tmp_path, CONCEPT.format(n=0)), TIMELINE, GLOSSARY)


def test_ids_are_unique_in_a_file(tmp_path):
    text = three_concepts().replace("id: q1", "id: q0")
    with pytest.raises(QuizError, match="'q0'.*field id: 'q0' is used twice"):
        bank.load_file(write(tmp_path, text), TIMELINE, GLOSSARY)


COMPUTED = """
- id: c
  computed: momentum_step
  given: {w: 1.0, a: 0.5, g: 2.0, lr: 0.1, beta: 0.9}
  decimals: 3
  question: {ko: "w = {=w}?", en: "w = {=w}?"}
  choices:
    - value: right
      correct: true
    - value: sign_flipped
      feedback: {ko: a, en: b}
    - value: momentum_ignored
      feedback: {ko: a, en: b}
  explanation: {ko: "{=right}", en: "{=right}"}
"""


@pytest.mark.parametrize(("broken", "field"), [
    (lambda s: s.replace("value: sign_flipped", "value: sign_flip"), "choices[1].value"),
    (lambda s: s.replace("beta: 0.9}", "}"), "given"),
    (lambda s: s.replace('"w = {=w}?", en', '"w = {=W}?", en'), "question.ko"),
    (lambda s: s.replace("computed: momentum_step", "computed: momentum"), "computed"),
    (lambda s: s.replace("decimals: 3", "decimals: 0"), "choices[1].value"),
])
def test_a_malformed_computed_record_names_its_field(tmp_path, broken, field):
    path = write(tmp_path, broken(COMPUTED) + "".join(CONCEPT.format(n=n) for n in range(2)))
    with pytest.raises(QuizError) as err:
        bank.load_file(path, TIMELINE, GLOSSARY)
    assert "question 'c'" in str(err.value) and f"field {field}" in str(err.value)


def test_timeline_and_glossary_names_are_checked(tmp_path):
    bad_event = "- id: t\n  timeline: which-year\n  events: [no-such-paper]\n"
    with pytest.raises(QuizError, match=r"question 't': field events\[0\]: 'no-such-paper'"):
        bank.load_file(write(tmp_path, bad_event + three_concepts()), TIMELINE, GLOSSARY)
    bad_term = ("- id: g\n  term: learning-rate\n  sentence: {ko: ___ 입니다, en: ___ it is}\n"
                "  distractors: [momentum, no-such-term]\n")
    with pytest.raises(QuizError, match=r"question 'g': field distractors\[1\]"):
        bank.load_file(write(tmp_path, bad_term + three_concepts()), TIMELINE, GLOSSARY)


def test_the_build_fails_on_a_malformed_quiz_before_any_page(tmp_path, monkeypatch):
    """The build object validates every quiz file in on_config: a QuizError becomes a
    PluginError there, which stops a strict build before a page renders."""
    from mkdocs.exceptions import PluginError

    import scripts.hook as hook

    class Page:
        url = "optimizers/gd/"
        file = type("File", (), {"src_uri": "optimizers/gd.en.md"})()
        edit_url = None

    class Config:
        docs_dir = str(ROOT / "docs")
        plugins: dict = {}
        theme = {"language": "en"}
        repo_url = edit_uri = None

    quiz_dir = tmp_path / "quizzes"
    (quiz_dir / "optimizers").mkdir(parents=True)
    write(quiz_dir / "optimizers",
          three_concepts().replace("      feedback: {ko: 이유, en: Why}\n", "", 1), "gd.yml")
    monkeypatch.setattr(bank, "QUIZ_DIR", quiz_dir)
    monkeypatch.setattr(bank.load_all, "__defaults__", (quiz_dir,))
    with pytest.raises(PluginError, match=r"gd.yml: question 'q0': field choices\[1\]"):
        hook.on_config(Config())
    write(quiz_dir / "optimizers", three_concepts(), "gd.yml")
    hook.on_config(Config())
    assert "## Check yourself" in hook.on_page_markdown("# GD\n", Page(), Config(), None)


# --------------------------------------------------------------------------- the generator


def one(x):
    return np.array([float(x)])


def independent(name: str, g: dict) -> dict[str, float]:
    """Every value of every computer, written again from the formulas on the pages."""
    if name == "gd_step":
        grad = 2 * (g["w"] - g["c"])
        return {"right": g["w"] - g["lr"] * grad, "sign_flipped": g["w"] + g["lr"] * grad,
                "half_gradient": g["w"] - g["lr"] * grad / 2, "lr_forgotten": g["w"] - grad,
                "gradient": grad}
    if name == "momentum_step":
        a = g["beta"] * g["a"] + g["g"]
        return {"right": g["w"] - g["lr"] * a, "velocity": a,
                "sign_flipped": g["w"] - g["lr"] * (g["beta"] * g["a"] - g["g"]),
                "momentum_ignored": g["w"] - g["lr"] * g["g"],
                "old_velocity": g["w"] - g["lr"] * g["a"], "lr_forgotten": g["w"] - a}
    if name == "nag_first_step":
        w0, lr, beta = g["w0"], g["lr"], g["beta"]

        def pair(sign, eta):
            a1 = sign * 2 * w0            # a_0 = 0: the look-ahead point is w0 itself
            w1 = w0 - eta * a1
            return w1, w1 - eta * beta * a1

        (w, th), (wf, thf), (wn, thn) = pair(1, lr), pair(-1, lr), pair(1, 1.0)
        return {"lecture_w": w, "lookahead": th, "sign_flipped_w": wf,
                "sign_flipped_lookahead": thf, "lr_forgotten_w": wn,
                "lr_forgotten_lookahead": thn, "velocity": 2 * w0}
    if name == "adagrad_accumulator":
        gs = [g["g1"], g["g2"], g["g3"]]
        G = sum(x * x for x in gs)
        return {"right": G, "square_forgotten": sum(gs), "root_taken": math.sqrt(G),
                "sum_squared": sum(gs) ** 2}
    if name == "adagrad_first_step":
        w, x, lr, eps = g["w"], g["g"], g["lr"], g["eps"]
        return {"right": w - lr * x / (abs(x) + eps), "accumulator": x * x,
                "eps_inside": w - lr * x / math.sqrt(x * x + eps),
                "sign_flipped": w + lr * x / (abs(x) + eps),
                "square_forgotten": w - lr * x / (math.sqrt(abs(x)) + eps)}
    if name == "adadelta_first_step":
        th, x, rho, eps = g["theta"], g["g"], g["rho"], g["eps"]
        E = (1 - rho) * x * x
        return {"right": th - math.sqrt(eps) / math.sqrt(E + eps) * x, "square_avg": E,
                "eps_outside": th - eps / (math.sqrt(E) + eps) * x,
                "no_numerator": th - x / math.sqrt(E + eps),
                "sign_flipped": th + math.sqrt(eps) / math.sqrt(E + eps) * x}
    if name == "rmsprop_first_step":
        th, x, lr, al, eps = g["theta"], g["g"], g["lr"], g["alpha"], g["eps"]
        E = (1 - al) * x * x
        return {"right": th - lr * x / (math.sqrt(E) + eps), "square_avg": E,
                "eps_inside": th - lr * x / math.sqrt(E + eps),
                "square_forgotten": th - lr * x / (math.sqrt((1 - al) * abs(x)) + eps),
                "sign_flipped": th + lr * x / (math.sqrt(E) + eps),
                "alpha_swapped": th - lr * x / (math.sqrt(al * x * x) + eps)}
    if name == "adam_first_moment":
        b1 = g["beta1"]
        m1 = (1 - b1) * g["g1"]
        m2 = b1 * m1 + (1 - b1) * g["g2"]
        return {"right": m2 / (1 - b1**2), "no_bias_correction": m2, "m1": m1,
                "corrected_as_t1": m2 / (1 - b1), "sign_flipped": -m2 / (1 - b1**2)}
    if name == "adam_first_step":
        th, x, lr, b1, b2, eps = (g[k] for k in ("theta", "g", "lr", "beta1", "beta2", "eps"))
        m, v = (1 - b1) * x, (1 - b2) * x * x
        return {"right": th - lr * x / (abs(x) + eps), "m_hat": x, "v_hat": x * x,
                "no_bias_correction": th - lr * m / (math.sqrt(v) + eps),
                "eps_inside": th - lr * x / math.sqrt(x * x + eps),
                "sign_flipped": th + lr * x / (abs(x) + eps),
                "square_forgotten": th - lr * x / (math.sqrt(x) + eps)}
    if name == "adamw_decay_step":
        th, lr, lam = g["theta"], g["lr"], g["weight_decay"]
        gl = lam * th                        # L2: the decay is the whole gradient
        return {"right": th * (1 - lr * lam), "decay_without_lr": th * (1 - lam),
                "l2_penalty": th - lr * gl / (abs(gl) + 1e-8),
                "decay_sign_flipped": th * (1 + lr * lam)}
    if name == "mse_value":
        p = [g["p1"], g["p2"], g["p3"]]
        y = [g["y1"], g["y2"], g["y3"]]
        se = [(a - b) ** 2 for a, b in zip(p, y, strict=True)]
        return {"right": sum(se) / 3, "mae": sum(abs(a - b) for a, b in zip(p, y, strict=True)) / 3,
                "sum_not_mean": sum(se), "root_taken": math.sqrt(sum(se) / 3)}
    if name == "epoch_steps":
        n, b = int(g["n"]), int(g["batch_size"])
        cuts = [list(range(n))[i:i + b] for i in range(0, n, b)]  # as DataLoader cuts
        return {"right": len(cuts), "drop_last": sum(len(c) == b for c in cuts),
                "unrounded": n / b, "batch_size_itself": b, "one_per_example": n}
    if name == "warmup_cosine_lr":
        # the page's two-case formula for the lr of step k (from 1)
        eta0, a, w, t = g["base_lr"], g["start_factor"], int(g["warmup"]), int(g["total"])

        def lr(k):
            if k <= w:
                return eta0 * (a + (1 - a) * (k - 1) / w)
            return eta0 * (1 + math.cos(math.pi * (k - 1 - w) / (t - w))) / 2

        k = int(g["k"])
        return {"right": lr(k), "next_step": lr(k + 1),
                "no_warmup": eta0 * (1 + math.cos(math.pi * (k - 1) / t)) / 2,
                "cosine_from_step_one": eta0 * (1 + math.cos(math.pi * (k - 1) / (t - w))) / 2}
    if name == "mlp_parameters":  # the layers' shapes written out
        i, h, o = int(g["n_in"]), int(g["n_hidden"]), int(g["n_out"])
        shapes = [(i, h), (h,), (h, o), (o,)]
        total = sum(math.prod(s) for s in shapes)
        return {"right": total, "no_biases": i * h + h * o, "hidden_bias_only": total - o,
                "product": i * h * o}
    if name == "adafactor_memory":
        n, m = g["n"], g["m"]
        return {"right": n + m, "adam_second_moment": n * m, "adam_both_moments": 2 * n * m,
                "rows_only": n}
    if name == "lion_step":
        th, m, x, lr, b1, lam = (g[k] for k in ("theta", "m", "g", "lr", "beta1", "weight_decay"))
        c = b1 * m + (1 - b1) * x
        sign = (c > 0) - (c < 0)
        return {"right": th * (1 - lr * lam) - lr * sign, "interpolated": c,
                "gradient_sign": th * (1 - lr * lam) - lr * ((x > 0) - (x < 0)),
                "no_sign": th * (1 - lr * lam) - lr * c, "decay_ignored": th - lr * sign}
    if name == "radam_first_rectified":
        b2 = g["beta2"]
        rho_inf = 2 / (1 - b2) - 1

        def rho(t):
            return rho_inf - 2 * t * b2**t / (1 - b2**t)

        return {"right": next(t for t in range(1, 10**4) if rho(t) > 5),
                "paper_threshold": next(t for t in range(1, 10**4) if rho(t) > 4),
                "from_the_start": 1, "rho_inf": rho_inf}
    if name == "lbfgs_memory":
        n, m = g["n"], g["history_size"]
        return {"right": 2 * m * n, "one_vector_per_pair": m * n, "newton_hessian": n * n,
                "adam_state": 2 * n}
    raise AssertionError(f"no independent formula for {name}")


def computed_records():
    import yaml

    for path in sorted(bank.QUIZ_DIR.rglob("*.yml")):
        for record in yaml.safe_load(path.read_text(encoding="utf-8")):
            if "computed" in record:
                yield pytest.param(record, id=f"{path.stem}:{record['id']}")


RECORDS = list(computed_records())


def test_every_kind_of_computed_question_is_used():
    assert len(RECORDS) >= 12
    used = {p.values[0]["computed"] for p in RECORDS}
    assert used == set(computed.COMPUTERS)


@pytest.mark.parametrize("record", RECORDS)
def test_every_computed_value_is_recomputed_independently(record):
    made = bank.computed_values(record)
    again = independent(record["computed"], record["given"])
    assert set(made) == set(again)
    for name, value in made.items():
        assert value == pytest.approx(again[name], rel=1e-9, abs=1e-12), name


@pytest.mark.parametrize("record", RECORDS)
def test_the_right_choice_is_unique_and_every_choice_shows_distinct(record):
    made = bank.computed_values(record)
    shown = [bank.fmt_number(made[c["value"]], record["decimals"]) for c in record["choices"]]
    assert len(set(shown)) == len(shown), shown
    assert sum(bool(c.get("correct")) for c in record["choices"]) == 1
    question = next(q for qs in ALL.values() for q in qs if q.id == record["id"])
    right = [c.text["en"] for c in question.choices if c.correct]
    assert right == [bank.fmt_number(made[next(c["value"] for c in record["choices"]
                                                  if c.get("correct"))], record["decimals"])]


def test_the_right_answers_are_optim_refs():
    """The right values are optim_ref's own steps, the ones the pages' figures run."""
    opt = optim_ref.Adam(lr=0.1, betas=(0.9, 0.999), eps=0.1)
    theta, _ = opt.step(one(1.0), one(0.2), opt.init(one(1.0)))
    made = computed.COMPUTERS["adam_first_step"](theta=1.0, g=0.2, lr=0.1, beta1=0.9,
                                                     beta2=0.999, eps=0.1)
    assert made["right"] == float(theta[0])
    nag = optim_ref.NAG(lr=0.1, momentum=0.9)
    theta, state = nag.step(one(2.0), one(4.0), nag.init(one(2.0)))
    made = computed.COMPUTERS["nag_first_step"](w0=2.0, lr=0.1, beta=0.9)
    assert made["lookahead"] == float(theta[0])
    assert made["lecture_w"] == float(nag.lecture_point(theta, state)[0])


def test_eps_mistakes_show_at_the_questions_rounding():
    """With eps = 1e-8 the eps mistake would vanish; the chosen eps keeps it visible."""
    for record in (p.values[0] for p in RECORDS):
        eps_values = [c["value"] for c in record["choices"] if c["value"].startswith("eps_")]
        for value in eps_values:
            made = bank.computed_values(record)
            assert bank.fmt_number(made[value], record["decimals"]) != \
                bank.fmt_number(made["right"], record["decimals"])
            tiny = dict(record, given={**record["given"], "eps": 1e-8})
            small = bank.computed_values(tiny)
            assert bank.fmt_number(small[value], record["decimals"]) == \
                bank.fmt_number(small["right"], record["decimals"])


def test_generated_questions_are_deterministic():
    again = bank.load_all(load_timeline(), load_glossary())
    assert again == ALL
    for lang in ("ko", "en"):
        assert [markup.render_section(qs, lang) for qs in again.values()] == \
            [markup.render_section(qs, lang) for qs in ALL.values()]


def test_timeline_questions_follow_the_timeline():
    from scripts.content.timeline import load_timeline

    events = {e.id: e for e in load_timeline()}
    gan = next(q for q in ALL["timeline"] if q.id == "year-gan")
    right = [c for c in gan.choices if c.correct]
    assert [c.text["en"] for c in right] == [str(events["gan"].year)]
    lecture = [c for c in gan.choices if c.text["en"] == str(events["gan"].lecture_year)]
    assert lecture and lecture[0].feedback["ko"] == events["gan"].lecture_note["ko"]
    first = next(q for q in ALL["timeline"] if q.id == "first-alexnet-dqn-gan")
    assert [c.text["ko"] for c in first.choices if c.correct] == ["AlexNet"]


def test_term_questions_follow_the_glossary():
    from scripts.content.glossary import load_glossary

    terms = {t.id: t for t in load_glossary()}
    q = next(q for q in ALL["optimizers/adagrad"] if q.id == "adagrad-term-accumulator")
    assert [c.text["ko"] for c in q.choices if c.correct] == [terms["accumulator"].ko]
    assert terms["accumulator"].definition["en"] in q.explanation["en"]
    assert all(c.feedback for c in q.choices if not c.correct)


# --------------------------------------------------------------------------- the markup


def test_a_record_renders_as_mkdocs_quiz_markup():
    q = Question("x", "concept", {"ko": "질문?", "en": "Question?"}, (
        Choice({"ko": "맞음", "en": "Right"}, True),
        Choice({"ko": "틀림", "en": "Wrong"}, False, {"ko": "이유 한 줄\n둘째 줄", "en": "Why"}),
    ), {"ko": "풀이입니다", "en": "Because"})
    assert markup.render_question(q, "ko") == textwrap.dedent("""\
        <quiz>
        질문?

        - [x] 맞음
        - [ ] 틀림
            > **오답입니다.** 이유 한 줄
            > 둘째 줄

        **풀이.** 풀이입니다
        </quiz>""")
    assert "**Incorrect answer.** Why" in markup.render_question(q, "en")


def test_the_markup_is_what_mkdocs_quiz_parses():
    """mkdocs-quiz's own parser reads our markup back: the question, the choices, which are
    right, each wrong choice's feedback, the explanation."""
    from mkdocs_quiz.plugin import MkDocsQuizPlugin

    for page, questions in ALL.items():
        for q in questions:
            for lang in ("ko", "en"):
                inner = markup.render_question(q, lang)[len("<quiz>"):-len("</quiz>")]
                lines = textwrap.dedent(inner).strip().splitlines()
                text, answers, right, feedback, start = \
                    MkDocsQuizPlugin()._parse_quiz_question_and_answers(lines)
                assert answers == [c.text[lang] for c in q.choices], (page, q.id)
                assert right == [c.text[lang] for c in q.choices if c.correct]
                for c, fb in zip(q.choices, feedback, strict=True):
                    assert bool(fb) == (not c.correct), (page, q.id)
                explanation = words.section("quiz")[lang]["explanation"]
                assert explanation in "\n".join(lines[start:]).strip().split("\n")[0]
                assert "[[" not in inner  # would turn it into a fill-in-the-blank quiz


def test_multiple_answer_questions_say_so():
    q = next(q for q in ALL["summary"] if q.id == "summary-per-parameter")
    choose_all = words.section("quiz")["en"]["choose_all"]
    assert q.multiple and choose_all in markup.render_question(q, "en")


def test_append_quiz_ends_the_page_under_one_heading():
    md = markup.append_quiz("# Adam\n\nText.\n", ALL["optimizers/adam"], "optimizers/adam", "ko")
    assert md.startswith("# Adam\n\nText.\n\n## 스스로 확인하기 {#check-yourself}")
    assert md.count("<quiz>") == len(ALL["optimizers/adam"])
    assert md.rstrip().endswith("<!-- mkdocs-quiz results -->")
    en = markup.append_quiz("# Adam\n", ALL["optimizers/adam"], "optimizers/adam", "en")
    assert "## Check yourself {#check-yourself}" in en
    assert markup.append_quiz("# Home\n", ALL.get("index"), "index", "ko") == "# Home\n"


@pytest.mark.parametrize(("src", "page"), [
    ("optimizers/adam.md", "optimizers/adam"), ("optimizers/adam.en.md", "optimizers/adam"),
    ("timeline.en.md", "timeline"), ("components.md", "components"),
])
def test_page_id_drops_the_language_suffix(src, page):
    assert markup.page_id(src) == page


# --------------------------------------------------------------------------- the counts

PAGES = ["components", "timeline", "neural-networks", "summary"] + [
    f"optimizers/{name}" for name in
    ("gd", "momentum", "nag", "adagrad", "adadelta", "rmsprop", "adam", "after-adam")]


def test_every_content_page_has_a_quiz_of_three_or_more():
    for page in PAGES:
        assert len(ALL.get(page, [])) >= 3, page
        for lang in ("ko", "en"):
            assert (ROOT / "docs" / (page + (".md" if lang == "ko" else ".en.md"))).is_file()


def test_sixty_questions_in_each_language():
    for lang in ("ko", "en"):
        texts = [q.question[lang] for qs in ALL.values() for q in qs if q.question[lang]]
        assert len(texts) >= 60, lang


def test_every_kind_of_question_is_on_the_site():
    kinds = {q.kind for qs in ALL.values() for q in qs}
    assert kinds == {"concept", "computed", "timeline", "term"}
    assert any(q.multiple for qs in ALL.values() for q in qs)
