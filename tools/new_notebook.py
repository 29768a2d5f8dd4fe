"""Write a thin notebook (markdown + code cells) without outputs: python tools/new_notebook.py."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat


def write(path: str | Path, cells: list[tuple[str, str]]) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for i, (kind, src) in enumerate(cells):
        cell = nbformat.v4.new_markdown_cell(src) if kind == "md" else nbformat.v4.new_code_cell(src)
        cell["id"] = f"{Path(path).stem[:2]}-{i}"  # stable ids keep diffs quiet
        nb.cells.append(cell)
    if Path(path).name in TITLES:
        nb.metadata["title"] = TITLES[Path(path).name]   # the app's page list reads it (no heading cell)
    nbformat.write(nb, str(path))


def page_cell(view: str, *args: str) -> tuple[str, str]:
    """A worksheet's one code cell: the view on the workshop the page's address names, through
    ``ohayami.app.address.page`` (a bad address or a failure shows a Japanese message instead)."""
    call = ", ".join([f"{view}.show", *(json.dumps(a, ensure_ascii=False) for a in args)])
    return ("code", f"from ohayami.ui import {view}\nfrom ohayami.app.address import page\npage({call})")


TITLES = {"04_projector.ipynb": "結果の投影（プロジェクター用）"}

NOTEBOOKS = {
    "00_guide.ipynb": [
        ("md", "# お悩みタイプ別「初めの一手」ガイドを読む\n\n"
               "下の一覧からタイプ（A～I）を選ぶと、そのタイプの悩み・初めの一手・ステップ・メリットとデメリット・"
               "留意点・参考となる事例・関連資料が表示されます。"),
        ("code", "from ohayami.ui import guide_browser\nguide_browser.show()"),
    ],
    "01_chart.ipynb": [
        ("md", "# 診断チャート（お悩みタイプ診断）\n\n"
               "参加者が順番に はい／いいえ で答えると、お悩みタイプ（A～I）と「初めの一手」が表示され、"
               "結果はワークショップファイルに保存されます。「集計」タブでタイプ別の人数をプロジェクターに映し、"
               "Excel・CSV で保存できます。"),
        page_cell("chart"),
    ],
    "02_type_c_problems.ipynb": [
        ("md", "# Cタイプ作業台：解決すべき課題を選ぶ\n\n"
               "ガイドのCタイプ「もっと良くなってほしい生活のワンシーンを考えよう」の3つのステップ"
               "（課題洗い出し → 課題分析・絞り込み → 実現したい地域像の設定）を、上のタブの順に進めます。"
               "入力はすべてワークショップファイルに自動で保存されます。"),
        page_cell("problems"),
    ],
    "03_type_e_vendors.ipynb": [
        ("md", "# Eタイプ作業台：サービスの良し悪しの基準を考えよう\n\n"
               "ガイドのEタイプの3つのステップ（評価項目の設定 → 評価項目の重みづけ → 評価項目と重みづけの妥当性チェック）"
               "に沿って、事業者のサービスを比べ、選定理由を説明できる形にします。上のタブの順に進めます。"
               "入力はすべてワークショップファイルに自動で保存されます。"),
        page_cell("vendors"),
    ],
    # results only, for the projector: no heading cell (the view gives the one title)
    "04_projector.ipynb": [
        page_cell("projector"),
    ],
    # 1x: one worksheet per trouble type, x = the type's place in A–I (10 A … 18 I)
    "10_type_a_readiness.ipynb": [
        ("md", "# Aタイプ作業台：基本の3ポイントを押さえよう\n\n"
               "ガイドのAタイプの3つのポイント（デジタル実装を進めたいテーマ・推進の中心的人物・味方になってくれる上長）"
               "について、いまの状態（できている・一部・まだ）、誰が、根拠、次の一手と期日を書きます。"
               "「準備度カード」が、まず押さえるポイントとガイドの助言を示します。"
               "入力はすべてワークショップファイルに自動で保存されます。"),
        page_cell("readiness"),
    ],
    "13_type_d_research.ipynb": [
        ("md", "# Dタイプ作業台：具体的な実装事例からサービスを知ろう\n\n"
               "ガイドのDタイプの3つのステップ（取組事例を見つける → 取組事例に掲載のサービスを知る → 類似サービスを広く知る）"
               "を調査ログとして記録します。テーマはCタイプの結果から読み込めます。候補にしたサービスはEタイプの事業者一覧へ送れ、"
               "調査ログから RFI（情報提供依頼書）の下書きを作れます。入力はすべてワークショップファイルに自動で保存されます。"),
        page_cell("research"),
    ],
    "15_type_f_funding.ipynb": [
        ("md", "# Fタイプ作業台：制度（補助金・交付金）を活用しよう\n\n"
               "ガイドのFタイプの2つのステップ（財源の支援策の収集 → 支援策の決定）に沿って、ガイドの支援策を読み込み、"
               "自分たちで見つけた支援策を足し、事業に合うかを確かめ（趣旨・ゴール、対象経費、締切、必要書類）、"
               "申請する・見送る・保留を理由と締切とともに決めます。入力はすべてワークショップファイルに自動で保存されます。"),
        page_cell("support", "F"),
    ],
    "16_type_g_people.ipynb": [
        ("md", "# Gタイプ作業台：制度（外部人材派遣）を活用しよう\n\n"
               "ガイドのGタイプの2つのステップ（人材の支援策の収集 → 支援策の決定）に沿って、ガイドの「人材の支援策一覧」を"
               "読み込み、自分たちで見つけた支援策を足し、事業に合うかを確かめ（趣旨・ゴール、対象となる人材・役割、締切、"
               "必要書類）、申請する・見送る・保留を理由と締切とともに決めます。入力はすべてワークショップファイルに自動で保存されます。"),
        page_cell("support", "G"),
    ],
    "11_type_b_flow.ipynb": [
        ("md", "# Bタイプ作業台：デジタル実装の基本の流れを知ろう\n\n"
               "ガイドのBタイプの2つのステップ（デジタル実装事例の調査 → 実装の基本の流れの理解）に沿って、"
               "庁内の過去事例や他団体への聞き取りを記録し、実装の段階（目的・主な作業・主導・予定の月）を一覧にして"
               "タイムラインで確かめます。段階一覧はガイドの図がないため ohayami が用意したものから始まります。"
               "入力はすべてワークショップファイルに自動で保存されます。"),
        page_cell("flow"),
    ],
    "17_type_h_roles.ipynb": [
        ("md", "# Hタイプ作業台：デジタル実装に関わる関係者の役割分担案をつくってみよう\n\n"
               "ガイドのHタイプの3つのステップ（必要な作業の洗い出し → 推進体制の検討 → 体制構築）に沿って、"
               "段階ごとの作業（Bタイプの段階一覧から読み込めます）と担い手、役割分担（実行・責任・相談・報告）、"
               "体制図、コミュニケーションルールをまとめ、上長の承認を得る A4 1枚の体制案にします。"
               "入力はすべてワークショップファイルに自動で保存されます。"),
        page_cell("roles"),
    ],
    "18_type_i_experts.ipynb": [
        ("md", "# Iタイプ作業台：ITプロジェクトに精通した専門家を頼ろう\n\n"
               "ガイドのIタイプの3つのステップ（専門家に求める要件の整理 → ボトルネックを解消できる専門家を見つける → "
               "専門家の協力を得て推進）に沿って、ボトルネック、専門家に求める役割・スキル、探し方、受入れ環境を確かめ、"
               "A4 1枚の「専門家への依頼要件」シートにまとめます。入力はすべてワークショップファイルに自動で保存されます。"),
        page_cell("experts"),
    ],
    # 2x: pages over several worksheets
    "20_project_summary.ipynb": [
        ("md", "# プロジェクトのまとめ：問題 → 調査 → 選定 → 体制\n\n"
               "Cタイプ作業台の絞り込んだ課題と実現したい地域像、Dタイプの調査、Eタイプの選定結果、Hタイプの体制案を"
               "1枚にまとめ、上長に見せる A4 1枚の HTML と Excel にします。まだ入力されていない段階は、"
               "どの作業台で入力するかを示します。"),
        page_cell("summary"),
    ],
}

if __name__ == "__main__":
    out = Path(__file__).resolve().parent.parent / "notebooks"
    names = sys.argv[1:] or list(NOTEBOOKS)
    for name in names:
        write(out / name, NOTEBOOKS[name])
        print("wrote", out / name)
