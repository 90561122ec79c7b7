"""The README's numbers and messages are what the code prints: its example, its common mistakes."""

import contextlib
import io
import re
from pathlib import Path

import numpy as np
import pytest

import minigrad_lr as mg

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def section(title):
    """The text of the README section that starts with the heading ``title``, up to the next ``## ``."""
    start = README.index(title)
    end = README.find("\n## ", start + len(title))
    return README[start:end if end != -1 else None]


def code_blocks(text, language=""):
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def one_line(text):
    return " ".join(text.split())


@pytest.fixture(scope="module")
def example_output():
    """Run the example of "The range test in a few lines" as a reader would, and return its lines and output."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    (code,) = code_blocks(section("## The range test in a few lines"), "python")
    out = io.StringIO()
    shown = []
    show, plt.show = plt.show, lambda: shown.append(True)
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, "README.md", "exec"), {})
    finally:
        plt.show = show
        plt.close("all")
    assert shown == [True]  # result.plot(show=True) shows
    return code.splitlines(), out.getvalue().splitlines()


def test_the_example_prints_what_its_comments_say(example_output):
    """Each print(...) commented with a value prints that value: the repr exactly, numbers to the digits shown."""
    lines, printed = example_output
    prints = [line for line in lines if line.startswith("print(")]
    assert len(prints) == len(printed)
    for line, got in zip(prints, printed):
        if "#" not in line:
            continue
        comment = line.split("#", 1)[1].strip()
        if comment.startswith("RangeTestResult("):
            assert got == comment
        elif re.match(r"[0-9.]+[ :]", comment):
            claimed = comment.split()[0].rstrip(":")
            digits = len(claimed.split(".")[1].lstrip("0")) if "." in claimed else 0
            assert float(got) == pytest.approx(float(claimed), rel=10 ** (1 - digits)), (line, got)


def test_every_common_mistake_shows_the_message_the_code_gives():
    """The three errors quoted under "Common mistakes", reproduced: the README quotes each word for word."""
    text = one_line(section("## Common mistakes"))
    X, y = mg.load_digits()
    model = mg.MLP([64, 64, 10], seed=0)
    optimizer = mg.Adam(model.parameters())
    messages = []
    with pytest.raises(ValueError) as wrong_model:
        mg.lr_range_test(mg.MLP([64, 64, 10], seed=0), optimizer, mg.batches(X, y, 64))
    messages.append(f"ValueError: {wrong_model.value}")
    with pytest.raises(mg.NoSuggestionError) as too_low:
        mg.lr_range_test(model, optimizer, mg.batches(X, y, 64), end_lr=1e-4).suggest()
    messages.append(f"NoSuggestionError: {too_low.value}")
    trained = mg.MLP([64, 64, 10], seed=0)
    sgd = mg.SGD(trained.parameters(), lr=0.05, momentum=0.9)
    mg.fit(trained, sgd, mg.batches(X, y, 64, seed=0), 28 * 30)
    with pytest.raises(mg.NoSuggestionError) as noisy:
        mg.lr_range_test(trained, sgd, mg.batches(X, y, 64, seed=1)).suggest()
    messages.append(f"NoSuggestionError: {noisy.value}")
    for message in messages:
        assert one_line(message) in text, message


def test_the_numbers_of_forgetting_zero_grad():
    """SGD (momentum 0.9, lr 0.05) on the digits, 200 steps: 2.29 to 0.18 with zero_grad, 90 without; the
    largest gradient entry 0.04 against 16."""
    X, y = mg.load_digits()
    text = one_line(section("## Common mistakes"))
    assert "falls from 2.29 to 0.18 in 200 steps with `zero_grad`, and climbs to 90 without it" in text
    assert "its largest gradient entry 16 instead of 0.04" in text
    runs = {}
    for zero in (True, False):
        model = mg.MLP([64, 64, 10], seed=0)
        opt = mg.SGD(model.parameters(), lr=0.05, momentum=0.9)
        losses = []
        for _, (xb, yb) in zip(range(200), mg.batches(X, y, 64, seed=0)):
            loss, dout = mg.softmax_cross_entropy(model(xb), yb)
            if zero:
                opt.zero_grad()
            model.backward(dout)
            opt.step()
            losses.append(loss)
        runs[zero] = losses, float(np.abs(model.parameters()[0].grad).max())
    (with_zero, grad_with), (without, grad_without) = runs[True], runs[False]
    assert round(with_zero[0], 2) == 2.29 and round(with_zero[180], 2) == 0.18
    assert round(without[180]) == 90
    assert round(grad_without) == 16 and round(grad_with, 2) == 0.04
