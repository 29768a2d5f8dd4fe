"""Write a thin notebook (markdown + code cells) without outputs: python tools/new_notebook.py."""

from __future__ import annotations

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
        ("code", "from ohayami.ui import chart\nfrom ohayami.app.address import workshop_in_address\nchart.show(workshop_in_address(\"workshop\"))"),
    ],
    "02_type_c_problems.ipynb": [
        ("md", "# Cタイプ作業台：解決すべき課題を選ぶ\n\n"
               "ガイドのCタイプ「もっと良くなってほしい生活のワンシーンを考えよう」の3つのステップ"
               "（課題洗い出し → 課題分析・絞り込み → 実現したい地域像の設定）を、上のタブの順に進めます。"
               "入力はすべてワークショップファイルに自動で保存されます。"),
        ("code", "from ohayami.ui import problems\nfrom ohayami.app.address import workshop_in_address\nproblems.show(workshop_in_address(\"workshop\"))"),
    ],
    "03_type_e_vendors.ipynb": [
        ("md", "# Eタイプ作業台：サービスの良し悪しの基準を考えよう\n\n"
               "ガイドのEタイプの3つのステップ（評価項目の設定 → 評価項目の重みづけ → 評価項目と重みづけの妥当性チェック）"
               "に沿って、事業者のサービスを比べ、選定理由を説明できる形にします。上のタブの順に進めます。"
               "入力はすべてワークショップファイルに自動で保存されます。"),
        ("code", "from ohayami.ui import vendors\nfrom ohayami.app.address import workshop_in_address\nvendors.show(workshop_in_address(\"workshop\"))"),
    ],
    # results only, for the projector: no heading cell (the view gives the one title)
    "04_projector.ipynb": [
        ("code", "from ohayami.ui import projector\nfrom ohayami.app.address import workshop_in_address\nprojector.show(workshop_in_address(\"workshop\"))"),
    ],
    # 1x: one worksheet per trouble type, x = the type's place in A–I (10 A … 18 I)
    "10_type_a_readiness.ipynb": [
        ("md", "# Aタイプ作業台：基本の3ポイントを押さえよう\n\n"
               "ガイドのAタイプの3つのポイント（デジタル実装を進めたいテーマ・推進の中心的人物・味方になってくれる上長）"
               "について、いまの状態（できている・一部・まだ）、誰が、根拠、次の一手と期日を書きます。"
               "「準備度カード」が、まず押さえるポイントとガイドの助言を示します。"
               "入力はすべてワークショップファイルに自動で保存されます。"),
        ("code", "from ohayami.ui import readiness\nfrom ohayami.app.address import workshop_in_address\nreadiness.show(workshop_in_address(\"workshop\"))"),
    ],
    "18_type_i_experts.ipynb": [
        ("md", "# Iタイプ作業台：ITプロジェクトに精通した専門家を頼ろう\n\n"
               "ガイドのIタイプの3つのステップ（専門家に求める要件の整理 → ボトルネックを解消できる専門家を見つける → "
               "専門家の協力を得て推進）に沿って、ボトルネック、専門家に求める役割・スキル、探し方、受入れ環境を確かめ、"
               "A4 1枚の「専門家への依頼要件」シートにまとめます。入力はすべてワークショップファイルに自動で保存されます。"),
        ("code", "from ohayami.ui import experts\nfrom ohayami.app.address import workshop_in_address\nexperts.show(workshop_in_address(\"workshop\"))"),
    ],
}

if __name__ == "__main__":
    out = Path(__file__).resolve().parent.parent / "notebooks"
    names = sys.argv[1:] or list(NOTEBOOKS)
    for name in names:
        write(out / name, NOTEBOOKS[name])
        print("wrote", out / name)
