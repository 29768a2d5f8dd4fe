"""Issue 13 item 14: the near-duplicate list comes from a bigram index kept per workshop revision,
gives exactly what the old all-pairs comparison gave, and an added title is checked against the
index alone. (Its speed at 10,000 problems is measured by ``benchmarks/run.py duplicates``.)"""

from __future__ import annotations

import random

import pandas as pd
import pytest

from ohayami.problems import ProblemWorkbench, _bigrams, _key_similarity
from ohayami.store import open_workshop
from ohayami.textio import title_key


def all_pairs(p: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """The O(n²) function as it was before the index, kept here as the reference (only the column
    lookups are hoisted into lists, which changes its speed and nothing else)."""
    ids, titles = list(p["problem_id"]), list(p["title"])
    norms = [title_key(t) for t in titles]
    grams = [_bigrams(n) for n in norms]
    rows = []
    for i in range(len(ids)):
        for j in range(i + 1, len(ids)):
            s = 1.0 if norms[i] == norms[j] else _key_similarity(norms[i], norms[j], grams[i], grams[j])
            if s < 1 and min(len(norms[i]), len(norms[j])) >= 4 and (norms[i] in norms[j] or norms[j] in norms[i]):
                s = max(s, 0.8)
            if s >= threshold:
                rows.append((ids[i], ids[j], titles[i], titles[j], round(s, 3)))
    return pd.DataFrame(rows, columns=["a", "b", "title_a", "title_b", "similarity"]).sort_values(
        "similarity", ascending=False, kind="stable").reset_index(drop=True)


CHARS = "窓口バス混少ないごみ道路の昼夜が"


def corpus(n: int, seed: int) -> list[str]:
    """Titles that overlap a lot: random runs of a few characters, edits and extensions of earlier
    ones, the same title in another width or with punctuation, and titles with no key at all."""
    rnd = random.Random(seed)
    out: list[str] = []
    for _ in range(n):
        kind = rnd.random()
        if out and kind < 0.25:
            t = rnd.choice(out)
            k = rnd.randrange(len(t) + 1)
            t = t[:k] + rnd.choice(CHARS) + t[k + 1:]                  # one character changed
        elif out and kind < 0.4:
            t = rnd.choice(out) + "".join(rnd.choices(CHARS, k=rnd.randint(1, 6)))   # contains an earlier one
        elif out and kind < 0.45:
            t = rnd.choice(out).replace("の", "の、") + "。"             # the same key
        elif kind < 0.48:
            t = rnd.choice(["！？", "（）", "・・・"])                    # an empty key
        elif kind < 0.5:
            t = rnd.choice(["ＡＢＣＤ窓口", "abcd窓口", "A", "ａ"])          # width and case
        else:
            t = "".join(rnd.choices(CHARS, k=rnd.randint(1, 12)))
        out.append(t)
    return out


def _fill(ws, titles: list[str]) -> None:
    with ws.batch():
        for i, t in enumerate(titles, start=1):
            # a few ids without the usual prefix or number, to exercise the entry order
            pid = {7: "X", 8: "P7b", 9: "Q2"}.get(i, f"P{i:03d}")
            ws.upsert("problems", {"problem_id": pid}, {"title": t})


def _same(m: ProblemWorkbench, thresholds=(0.6, 0.75, 0.95, 0.3, 0.0)) -> int:
    p = m.problems()
    seen = 0
    for th in thresholds:
        got, want = m.near_duplicates(th), all_pairs(p, th)
        pd.testing.assert_frame_equal(got, want, check_dtype=False)
        seen += len(want)
    return seen


@pytest.mark.parametrize("seed", [1, 2])
def test_the_index_gives_what_every_pair_gave_on_500_random_titles(ws, seed):
    _fill(ws, corpus(500, seed))
    m = ProblemWorkbench(ws)
    assert _same(m, (0.6, 0.75, 0.95, 0.3)) > 100
    full = m.near_duplicates(0.0)
    assert len(full) == 500 * 499 // 2
    pd.testing.assert_frame_equal(full, all_pairs(m.problems(), 0.0), check_dtype=False)


def test_the_index_follows_every_kind_of_edit(ws, tmp_path):
    _fill(ws, corpus(150, 3))
    m = ProblemWorkbench(ws)
    _same(m, (0.6,))
    rnd = random.Random(4)
    for title in corpus(40, 5):
        try:
            m.add_problem(title)
        except Exception as exc:   # the same key as an existing title: refused, as before
            assert "同じ課題がすでにあります" in str(exc)
    _same(m, (0.6, 0.8))
    ids = list(m.problems()["problem_id"])
    m.update_problem(ids[3], title="まったく新しい題の窓口")
    m.merge(ids[10], ids[11])
    m.delete_problem(ids[20])
    ws.upsert("problems", {"problem_id": ids[30]}, {"title": m.problems().set_index("problem_id").loc[ids[31], "title"]})
    _same(m, (0.6, 0.8))
    other = open_workshop(ws.path)            # another participant's kernel writes to the same file
    other.upsert("problems", {"problem_id": "P900"}, {"title": m.problems()["title"].iloc[rnd.randrange(100)] + "窓口"})
    other.delete("problems", {"problem_id": ids[40]})
    other.close()
    assert "P900" in set(m.near_duplicates(0.0)["b"]) | set(m.near_duplicates(0.0)["a"])
    _same(m, (0.6, 0.8))


def test_adding_a_title_checks_it_against_the_index_alone(ws, monkeypatch):
    _fill(ws, corpus(300, 6))
    m = ProblemWorkbench(ws)
    m.near_duplicates()
    reads = []
    monkeypatch.setattr(ws, "rows", lambda *a, **k: reads.append(a) or pytest.fail(f"re-read {a}"))
    monkeypatch.setattr(m, "problems", lambda *a, **k: pytest.fail("every problem re-read on add"))
    pid = m.add_problem("窓口バスの混み具合の新しい課題")
    dups = m.near_duplicates()
    with pytest.raises(Exception, match="同じ課題がすでにあります"):
        m.add_problem("窓口バスの混み具合の新しい課題。")
    monkeypatch.undo()
    assert not reads
    assert pid in set(m.problems()["problem_id"])
    pd.testing.assert_frame_equal(dups, all_pairs(m.problems(), 0.6), check_dtype=False)
