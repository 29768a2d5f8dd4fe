"""The participant page's logic (ohayami.participant): what it shows and what it stores, through the
workbenches' own models, with every refusal in Japanese and nothing changed by one."""

import json

import pytest

from ohayami.errors import OhayamiError
from ohayami.participant import Participation
from ohayami.problems import ProblemWorkbench
from ohayami.progress import progress
from ohayami.store import open_workshop
from ohayami.textio import MAX_NAME
from ohayami.vendors import VendorWorkbench
from ohayami.workbench import ROOM

from chain_fill import fill_c, fill_e


@pytest.fixture
def c(tmp_path):
    ws = open_workshop(tmp_path / "c")
    fill_c(ws)
    yield Participation(ws, "C")
    ws.close()


@pytest.fixture
def e(tmp_path):
    ws = open_workshop(tmp_path / "e")
    fill_e(ws)
    yield Participation(ws, "E")
    ws.close()


def _snapshot(ws):
    return {t: ws.rows(t).to_json() for t in ("scores", "problems", "people", "joins", "rankings", "intuitions")}, \
        len(ws.history())


def test_state_is_plain_json_with_what_the_card_shows(c):
    s = c.state("山田")
    assert json.loads(json.dumps(s)) == s
    m = ProblemWorkbench(c.ws)
    assert [a["id"] for a in s["alternatives"]] == list(m.scoring_alternatives()["alternative_id"])
    assert [x["id"] for x in s["criteria"]] == list(m.criteria()["criterion_id"])
    stored = m.scores("山田")
    assert s["scored"] == len(stored) and s["cells"] == len(s["alternatives"]) * len(s["criteria"])
    for r in stored.itertuples():
        assert s["scores"][r.alternative_id][r.criterion_id] == r.value
    difficulty = next(x for x in s["criteria"] if x["id"] == "difficulty")
    assert difficulty["warn"] and difficulty["note"] == "低いほど良い"
    assert difficulty["anchors"][0] == ["1", "易しい（すぐ解決できる）"]
    assert s["people"] == ["山田", "佐藤"] and ROOM not in s["people"]


def test_a_score_goes_through_set_score_and_clearing_empties_the_cell(c):
    s = c.state("")
    aid, cid = s["alternatives"][1]["id"], s["criteria"][0]["id"]
    out = c.score("新人", aid, cid, "4")
    assert out["stored"] == "4" and "保存しました" in out["message"] and "影響を受ける人の多さ" in out["message"]
    row = ProblemWorkbench(c.ws).scores("新人")
    assert list(zip(row["alternative_id"], row["criterion_id"], row["value"])) == [(aid, cid, "4")]
    assert c.state("新人")["scores"] == {aid: {cid: "4"}}
    out = c.score("新人", aid, cid, "")
    assert out["stored"] == "" and "取り消しました" in out["message"]
    assert ProblemWorkbench(c.ws).scores("新人").empty


@pytest.mark.parametrize("who, aid, cid, entry, says", [
    ("", "P001", "reach", "3", "お名前を入れてください"),
    ("   ", "P001", "reach", "3", "お名前を入れてください"),
    (ROOM, "P001", "reach", "3", "会場全体で合意した点数"),
    ("あ" * (MAX_NAME + 1), "P001", "reach", "3", f"{MAX_NAME}文字以内"),
    ("山田", "P999", "reach", "3", "いまは採点の対象ではありません"),
    ("山田", None, "reach", "3", "いまは採点の対象ではありません"),
    ("山田", "P001", "nope", "3", "評価項目「nope」はありません"),
    ("山田", "P001", "reach", "9", "入れられません"),
    ("山田", "P001", "reach", "=1+1", "入れられません"),
    (["山田"], "P001", "reach", "3", "お名前の形が正しくありません"),
    ({"a": 1}, "P001", "reach", "3", "お名前の形が正しくありません"),
    ("山田", ["P001"], "reach", "3", "形が正しくありません"),
    ("山田", "P001", "reach", True, "点数の形が正しくありません"),
    ("山田", "P001", "reach", ["3"], "点数の形が正しくありません"),
])
def test_a_refused_score_says_why_in_japanese_and_changes_nothing(c, who, aid, cid, entry, says):
    before = _snapshot(c.ws)
    with pytest.raises(OhayamiError) as err:
        c.score(who, aid, cid, entry)
    assert says in err.value.message
    assert _snapshot(c.ws) == before


def test_a_name_is_stored_without_control_characters_and_joins_once(c):
    state = c.join("田中\x00\u200b\x1b 花子")
    assert state["who"] == "田中 花子"
    assert c.join("田中 花子")["who"] == "田中 花子"
    joins = c.ws.rows("joins")
    assert list(joins["name"]) == ["田中 花子"]
    frame = progress(ProblemWorkbench(c.ws)).set_index("name")
    assert frame.loc["田中 花子", "joined"]      # the cockpit sees the join


def test_a_problem_put_forward_is_the_listing_tabs_own(c):
    out = c.propose("田中", "  ごみ出しの日が\x07分かりにくい ", "朝、カレンダーを探す")
    m = ProblemWorkbench(c.ws)
    p = m.problem(out["id"])
    assert p["title"] == "ごみ出しの日が分かりにくい" and p["origin"] == "田中" and p["scene"] == "朝、カレンダーを探す"
    assert out["id"] in [a["id"] for a in c.state("田中")["alternatives"]]
    before = _snapshot(c.ws)
    with pytest.raises(OhayamiError) as err:
        c.propose("田中", "   ")
    assert "課題" in err.value.message and _snapshot(c.ws) == before


def test_type_e_criteria_say_their_gate_and_the_ranking_is_set_intuition(e):
    m = VendorWorkbench(e.ws)
    cid = m.criteria()["criterion_id"].iloc[0]
    m.update_criterion(cid, must_have=True, pass_level="3")
    crit = {x["id"]: x for x in e.state("")["criteria"]}
    assert crit[cid]["tag"].startswith("【必須")
    vids = [a["id"] for a in e.state("")["alternatives"]]
    out = e.rank("委員A", {vids[0]: 2, vids[1]: "1"})
    assert out["ranking"] == {vids[0]: 2, vids[1]: 1}
    assert VendorWorkbench(e.ws).intuitions()["委員A"] == {vids[0]: 2, vids[1]: 1}
    assert e.state("委員A")["ranking"] == {vids[0]: 2, vids[1]: 1}
    before = _snapshot(e.ws)
    for bad, says in (({vids[0]: 1}, "2社以上"), ({vids[0]: 1, "V999": 2}, "ありません"), ([1, 2], "形が正しくありません"),
                      ({vids[0]: 1, vids[1]: 7}, "順位は 1～2")):
        with pytest.raises(OhayamiError) as err:
            e.rank("委員A", bad)
        assert says in err.value.message
    assert _snapshot(e.ws) == before


def test_each_kind_offers_only_its_own_actions(c, e, tmp_path):
    with pytest.raises(OhayamiError, match="Cタイプ"):
        e.propose("委員A", "課題")
    with pytest.raises(OhayamiError, match="Eタイプ"):
        c.rank("山田", {"P001": 1, "P002": 2})
    with open_workshop(tmp_path / "chart") as ws, pytest.raises(OhayamiError, match="作業台から開いてください"):
        Participation(ws, "chart")


def test_a_problem_taken_out_of_consideration_is_no_longer_offered(c):
    m = ProblemWorkbench(c.ws)
    pid = m.scoring_alternatives()["alternative_id"].iloc[0]
    m.set_exclusion(pid, "重複")
    assert pid not in [a["id"] for a in c.state("")["alternatives"]]
    with pytest.raises(OhayamiError, match="いまは採点の対象ではありません"):
        c.score("山田", pid, "reach", "3")


def test_a_read_only_file_refuses_in_japanese(tmp_path):
    path = tmp_path / "ro.ohayami"
    with open_workshop(path) as ws:
        fill_c(ws)
    path.chmod(0o444)
    try:
        with open_workshop(path) as ws:
            if not ws.read_only:
                pytest.skip("this user can write a read-only file (root)")
            p = Participation(ws, "C")
            with pytest.raises(OhayamiError) as err:
                p.score("山田", "P001", "reach", "1")
            assert "読み取り専用" in err.value.message
            assert p.state("山田")["scores"]["P001"]["reach"] != "1"
    finally:
        path.chmod(0o644)


def test_the_app_sends_the_same_kinds_to_the_participant_page_as_the_page_serves():
    from ohayami.app.pages import PARTICIPANT_KINDS
    from ohayami.participant import KINDS

    assert PARTICIPANT_KINDS == KINDS


@pytest.mark.parametrize("name", ["(会場全体)", "（会場　全体）", "（会場全体\u00ad）", " （ 会場全体 ） ", "（会場全体\u200d）",
                                  "（会場全体）\u034f", "（会場\u3164全体）", "（会場\u115f全体）", "（会場\ufe0f全体）",
                                  "⦅会場全体⦆", "（會場全體）", "会場全体"])
def test_names_that_look_like_the_rooms_are_refused(c, name):
    before = _snapshot(c.ws)
    with pytest.raises(OhayamiError, match="会場全体で合意した点数"):
        c.join(name)
    assert _snapshot(c.ws) == before


def test_a_soft_hyphen_does_not_make_a_second_person(c):
    assert c.join("田中\u00ad")["who"] == "田中"
    assert c.join("田中\u034f\ufe0f")["who"] == "田中"


@pytest.mark.parametrize("name", ["\u3164", "\ufe0f", "\u034f", "\u115f\u200b"])
def test_a_name_that_shows_as_blank_is_no_name(c, name):
    before = _snapshot(c.ws)
    with pytest.raises(OhayamiError, match="お名前を入れてください"):
        c.join(name)
    assert _snapshot(c.ws) == before


@pytest.mark.parametrize("who", [1e308, float("nan"), 3, True])
def test_a_name_must_be_text(c, who):
    with pytest.raises(OhayamiError, match="お名前の形が正しくありません"):
        c.join(who)


def test_only_the_pages_own_buttons_are_stored(e):
    m = VendorWorkbench(e.ws)
    yes_no = m.add_criterion("データの国内保管", scale="yes/no", must_have=True)
    aid = _first_alternative(e)
    for loose in ("yes", "1", "はい "):
        if loose.strip() == "はい":
            assert e.score("委員", aid, yes_no, loose)["stored"] == "はい"
            continue
        with pytest.raises(OhayamiError, match="はい、いいえ のどれか"):
            e.score("委員", aid, yes_no, loose)
    cid = m.criteria()["criterion_id"].iloc[0]
    assert e.score("委員", aid, cid, 4)["stored"] == "4"          # a number from the page is its digits
    with pytest.raises(OhayamiError, match="点数の形が正しくありません"):
        e.score("委員", aid, cid, 4.5)


@pytest.mark.parametrize("value, says", [(2.5, "順位の形が正しくありません"), (True, "順位の形が正しくありません"),
                                         ("2.5", "1, 2, 3"), ("-1", "1, 2, 3")])
def test_a_rank_is_a_whole_number(e, value, says):
    vids = [a["id"] for a in e.state("")["alternatives"]]
    before = _snapshot(e.ws)
    with pytest.raises(OhayamiError, match=says):
        e.rank("委員", {vids[0]: 1, vids[1]: value})
    assert _snapshot(e.ws) == before


def _first_alternative(p):
    return p.state("")["alternatives"][0]["id"]


def test_a_name_already_in_the_room_is_said_on_joining(c):
    first = c.join("木村")
    assert first["message"] == "木村 さん、ようこそ。" and not first["again"]
    again = c.join("木村")
    assert again["again"] and "すでに参加しています" in again["message"] and again["who"] == "木村"


def test_a_score_outside_a_narrowed_scale_is_not_counted_as_scored(c):
    m = ProblemWorkbench(c.ws)
    aid = c.state("")["alternatives"][0]["id"]
    cid = "precedent"
    c.score("狭める人", aid, cid, "4")
    assert c.state("狭める人")["scored"] == 1
    assert m.off_scale_note(cid) == ""
    m.update_criterion(cid, scale="1-3")
    s = c.state("狭める人")
    assert s["scored"] == 0 and s["scores"] == {} and s["complete"] == 0
    assert s["off_scale"] == {aid: {cid: "4"}}   # said on its row, so the participant scores it again
    # the facilitator who narrowed it is told, by name, on saving (results refuse until it is rescored)
    stored = c.ws.rows("scores", criterion_id=cid)
    off = stored[stored["value"].astype(int) > 3]
    who = "、".join(sorted(set(off["evaluator"])))
    assert "狭める人" in who
    assert f"採点済みの {len(off)} 件（{who}）が新しい尺度の外" in m.off_scale_note(cid)


def test_an_open_consensus_round_is_what_the_page_scores(c):
    m = ProblemWorkbench(c.ws)
    first = c.state("山田")
    assert first["round"] == 1 and "previous" not in first
    split = first["alternatives"][1]["id"]
    no = m.open_round([split])
    s = c.state("山田")
    assert s["round"] == no == 2
    assert [a["id"] for a in s["alternatives"]] == [split] and s["scores"] == {}
    mine = m.scores("山田")
    mine = mine[mine["alternative_id"] == split]
    assert s["previous"] == {split: dict(zip(mine["criterion_id"], mine["value"]))}   # round 1, beside the buttons
    out = c.score("山田", split, "reach", "2")
    assert out["stored"] == "2" and "2回目の採点" in out["message"]
    assert m.round_scores(2, "山田")["value"].tolist() == ["2"]
    assert m.scores("山田").set_index(["alternative_id", "criterion_id"]).loc[(split, "reach"), "value"] == \
        mine.set_index("criterion_id").loc["reach", "value"]                          # round 1 kept as it was
    other = first["alternatives"][0]["id"]
    with pytest.raises(OhayamiError, match="いまは採点の対象ではありません"):
        c.score("山田", other, "reach", "3")


def test_dot_voting_appears_once_the_facilitator_sets_it_and_goes_through_place_dot(c):
    m = ProblemWorkbench(c.ws)
    assert "dots" not in c.state("山田")
    with pytest.raises(OhayamiError, match="シール投票をしていません"):
        c.dot("山田", "P001", 1)
    m.set_dot_budget(2)
    s = c.state("山田")
    assert s["dots"]["budget"] == 2 and s["dots"]["mine"] == {}
    assert [p["id"] for p in s["dots"]["problems"]] == list(m.scoring_alternatives()["alternative_id"])
    assert c.dot("山田", "P001", 1)["message"] == "シールを貼りました（残り 1 枚）"
    c.dot("山田", "P001", 1)
    before = _snapshot(c.ws)
    for step, says in ((1, "1人 2 枚まで"), (True, "形が正しくありません"), (2, "形が正しくありません"), ("1", "形が正しくありません")):
        with pytest.raises(OhayamiError, match=says):
            c.dot("山田", "P002", step)
    assert _snapshot(c.ws) == before
    assert c.dot("山田", "P001", -1)["message"] == "シールをはがしました（残り 1 枚）"
    assert m.dots("山田") == {"P001": 1} and c.state("山田")["dots"]["mine"] == {"P001": 1}


def test_a_duplicate_problem_is_answered_in_the_participants_words(c):
    with pytest.raises(OhayamiError) as err:
        c.propose("田中", "バスの本数が少ない")
    assert "同じ課題がすでにあります" in err.value.message and "統合" not in err.value.message


def test_only_this_computer_counts_as_the_facilitators():
    from types import SimpleNamespace

    from ohayami.app.server import is_local

    def asking(ip, own=()):
        return is_local(SimpleNamespace(request=SimpleNamespace(remote_ip=ip), settings={"ohayami_own_ips": frozenset(own)}))

    assert asking("127.0.0.1") and asking("::1") and asking("192.168.1.10", {"192.168.1.10"})
    assert not asking("192.168.1.50", {"192.168.1.10"}) and not asking("10.0.0.7")
