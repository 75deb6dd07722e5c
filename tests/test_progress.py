import re
import sys
import types

import pytest

from seq2seq_helpers import progress
from seq2seq_helpers.progress import track


def test_track_yields_everything_and_draws_a_bar(capsys):
    assert list(track([1, 2, 3], label="counting")) == [1, 2, 3]
    output = capsys.readouterr().out
    assert "counting" in output and "3/3" in output


def test_track_needs_a_total_for_generators():
    with pytest.raises(ValueError, match="total"):
        list(track(x for x in range(3)))
    assert list(track((x for x in range(3)), total=3)) == [0, 1, 2]


def drawn_counts(output, total):
    """The item counts of every bar drawn, in order ("  3/20 ━━━..." -> 3)."""
    return [int(count) for count in re.findall(rf"(\d+)/{total}\b", output)]


class FakeClock:
    def __init__(self, step):
        self.now, self.step = 0.0, step

    def __call__(self):
        self.now += self.step
        return self.now


@pytest.fixture
def in_kernel(monkeypatch):
    monkeypatch.setattr(progress, "_in_jupyter_kernel", lambda: True)


def test_in_a_kernel_a_fast_loop_draws_only_the_first_and_last_state(
    in_kernel, monkeypatch, capsys
):
    monkeypatch.setattr(progress, "_clock", lambda: 0.0)  # time stands still: no redraw is due
    assert list(track(range(1000), label="decoding")) == list(range(1000))
    output = capsys.readouterr().out
    assert output.startswith("decoding\n")
    assert drawn_counts(output, 1000) == [1, 1000]


def test_in_a_kernel_a_slow_loop_still_shows_progress(in_kernel, monkeypatch, capsys):
    # 0.25 s per item, a redraw at most every 0.5 s: every second item, and the last one.
    assert progress.KERNEL_REDRAW_SECONDS == 0.5
    monkeypatch.setattr(progress, "_clock", FakeClock(step=0.25))
    assert list(track(list("abcdefghijklmnopqrst"))) == list("abcdefghijklmnopqrst")
    assert drawn_counts(capsys.readouterr().out, 20) == [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 20]


def test_kernel_detection(monkeypatch):
    assert not progress._in_jupyter_kernel()  # pytest is no Jupyter kernel
    shell = types.SimpleNamespace(kernel=object())
    fake_ipython = types.SimpleNamespace(get_ipython=lambda: shell)
    monkeypatch.setitem(sys.modules, "IPython", fake_ipython)
    assert progress._in_jupyter_kernel()
    shell.kernel = None  # a terminal IPython has no kernel
    assert not progress._in_jupyter_kernel()
