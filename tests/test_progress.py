import pytest

from seq2seq_helpers.progress import track


def test_track_yields_everything_and_draws_a_bar(capsys):
    assert list(track([1, 2, 3], label="counting")) == [1, 2, 3]
    output = capsys.readouterr().out
    assert "counting" in output and "3/3" in output


def test_track_needs_a_total_for_generators():
    with pytest.raises(ValueError, match="total"):
        list(track(x for x in range(3)))
    assert list(track((x for x in range(3)), total=3)) == [0, 1, 2]
