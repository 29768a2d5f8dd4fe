"""Type C and type E filled through their models, as a workshop would after a session: the summary's
tests and the chain's browser test start from here instead of clicking through both worksheets."""

from __future__ import annotations

from ohayami.problems import ProblemWorkbench
from ohayami.research import CASE, SIMILAR, Research
from ohayami.vendors import VendorWorkbench

PROBLEMS = ("証明書の窓口が昼に混む", "バスの本数が少ない", "子育ての相談先が分からない")
CHOSEN = PROBLEMS[0]
VISION = {"beneficiary": "窓口を利用する住民", "change": "待たずに証明書を受け取れる", "degree": "待ち時間を半分に"}
VENDORS = (("A社", "窓口くん", 1_200_000), ("B社", "スマート窓口", 900_000))


def fill_c(ws, problems=PROBLEMS, vision=VISION) -> ProblemWorkbench:
    """Three problems scored by two people (the first best), the best one chosen (top 1) with its vision."""
    m = ProblemWorkbench(ws)
    ids = [m.add_problem(t) for t in problems]
    crit = m.criteria()
    for who, bonus in (("山田", 0), ("佐藤", 1)):
        for k, pid in enumerate(ids):
            for c in crit.itertuples():
                good = 5 - k - bonus if c.direction == "higher" else 1 + k
                m.set_score(who, pid, c.criterion_id, max(1, min(5, good)))
    m.set_cut_line("top", 1)
    m.set_vision(ids[0], **vision)
    return m


def fill_e(ws, vendors=VENDORS) -> VendorWorkbench:
    """Two criteria (60 and 40 points, a weights version) and two vendors scored by one evaluator;
    the first vendor wins."""
    m = VendorWorkbench(ws)
    ids = m.adopt_template([1, 28])
    m.set_weights("direct", dict(zip(ids, (60, 40))), actor="委員会")
    for name, service, price in vendors:
        m.add_vendor(name, service, price)
    for vid, values in (("V001", (5, 4)), ("V002", (3, 3))):
        for cid, v in zip(ids, values):
            m.set_score("山田", vid, cid, v)
    return m


SERVICES = (("窓口くん", "A社"), ("スマート窓口", "B社"))


def fill_d(ws, services=SERVICES) -> Research:
    """The theme read from C, one case, two services found (one in the case, one similar from a
    catalogue), both candidates and sent to type E's vendor list."""
    m = Research(ws)
    m.read_from_c()
    case = m.add_case("北見市", "書かない窓口", "自治体DX事例集")
    (n1, v1), (n2, v2) = services
    first = m.add_service(CASE, n1, v1, "窓口DX", case_id=case)
    second = m.add_service(SIMILAR, n2, v2, "窓口DX", found_at="catalogue")
    for sid in (first, second):
        m.set_candidate(sid, True)
    m.send_candidates_to_e()
    return m


def fill_h(ws):
    """Tasks seeded from type B's stages (the kit's defaults when B is empty), the planning department
    責任 and the vendor 実行 for the first task, and a weekly meeting."""
    from ohayami.roles import Roles

    m = Roles(ws)
    m.seed_from_flow()
    first = m.tasks()["task_id"].iloc[0]
    dept, vendor = m.add_owner("企画課", "庁内の課"), m.add_owner("A社", "ベンダー")
    m.set_raci(first, dept, "A")
    m.set_raci(first, vendor, "R")
    m.add_rule("定例会", "週1回", "オンライン会議")
    return m
