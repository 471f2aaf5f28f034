"""Trend figures: counts shared with the prose, speedups grouped by baseline class, deterministic PDFs."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from survey.derive.synthesis import build_synthesis
from survey.derive.trends import build_trends, figure_counts, silicon_timeline, write_trend_figures
from survey.load.knowledge_base import KnowledgeBase, load_knowledge_base

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def corpus() -> KnowledgeBase:
    return load_knowledge_base(REPO)


def test_works_per_year_counts_each_class_as_its_section_does(corpus: KnowledgeBase) -> None:
    assert corpus.taxonomy is not None
    trends = build_trends(corpus.taxonomy, corpus.entries)
    synthesis = build_synthesis(corpus.taxonomy, corpus.entries)
    with_year = {w.entry_id for w in trends.works if w.year}
    shown = figure_counts(trends)
    for section in synthesis.class_sections:
        label = corpus.taxonomy["architecture"].terms[section.id.removeprefix("class-")].label
        assert shown[label] == len([i for i in section.entry_ids if i in with_year])


def test_the_timeline_shows_the_works_each_class_section_cites_as_measured(corpus: KnowledgeBase) -> None:
    from survey.derive.synthesis import Cite, Number

    assert corpus.taxonomy is not None
    trends = build_trends(corpus.taxonomy, corpus.entries)
    shown = {w.entry_id for w in silicon_timeline(trends)}
    assert {"hbm-pim-isca21", "aim-gddr6-isscc22"} <= shown  # a product and a fabricated chip
    for section in build_synthesis(corpus.taxonomy, corpus.entries).class_sections:
        segments = [s for p in section.paragraphs for s in p.segments]
        says = next((i for i, s in enumerate(segments) if isinstance(s, Number)
                     and s.provenance.get("of", "").endswith("with measured evidence")), None)
        # a section without measured works says nothing of them, and the timeline shows none of its works
        cited = set() if says is None else next(set(s.entry_ids) for s in segments[says:] if isinstance(s, Cite))
        assert shown & set(section.entry_ids) == cited


def test_speedups_are_grouped_by_baseline_class_not_by_each_works_maximum(corpus: KnowledgeBase) -> None:
    assert corpus.taxonomy is not None
    trends = build_trends(corpus.taxonomy, corpus.entries)
    pim_gpt = next(w for w in trends.works if w.entry_id == "pim-gpt-arxiv23")
    assert dict(pim_gpt.speedups) == {"GPU": 137, "CPU": 1074}


def test_trend_figures_are_byte_identical_across_processes(tmp_path: Path) -> None:
    script = ("import sys; from pathlib import Path; from survey.load.knowledge_base import load_knowledge_base; "
              "from survey.derive.trends import build_trends, write_trend_figures; "
              f"kb = load_knowledge_base(Path({str(REPO)!r})); "
              "write_trend_figures(build_trends(kb.taxonomy, kb.entries), Path(sys.argv[1]))")
    digests = []
    for run in ("a", "b"):
        subprocess.run([sys.executable, "-c", script, str(tmp_path / run)], check=True)
        digests.append({p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (tmp_path / run).glob("*.pdf")})
    assert digests[0] == digests[1] and len(digests[0]) == 1  # one PDF, a page a figure


def test_no_trend_figure_is_drawn_without_data(tmp_path: Path, corpus: KnowledgeBase) -> None:
    assert corpus.taxonomy is not None
    assert write_trend_figures(build_trends(corpus.taxonomy, []), tmp_path) == []
    assert list(tmp_path.iterdir()) == []


def test_trend_figures_embed_their_fonts_as_truetype_not_type_3(tmp_path: Path, corpus: KnowledgeBase) -> None:
    # journals reject Type 3 fonts; one PDF for all figures embeds each font once
    assert corpus.taxonomy is not None
    figures = write_trend_figures(build_trends(corpus.taxonomy, corpus.entries), tmp_path)
    assert {f.file_name for f in figures} == {"trends.pdf"} and [f.page for f in figures] == [1, 2, 3, 4, 5]
    fonts = subprocess.run(["pdffonts", str(tmp_path / "trends.pdf")], capture_output=True, text=True, check=True)
    listed = fonts.stdout.splitlines()[2:]
    assert listed and all("TrueType" in line and " yes " in line for line in listed), fonts.stdout


def test_point_names_cover_neither_each_other_nor_other_markers() -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as MplFigure
    from matplotlib.transforms import Bbox

    from survey.derive.figure_style import place_labels

    figure = MplFigure(figsize=(3.3, 2.4))
    axes = figure.add_subplot(1, 1, 1)
    points = [(x * 0.08, 10 + y * 0.6) for x in range(5) for y in range(6)] + [(3.0, 50.0)]  # a cluster, a loner
    for x, y in points:
        axes.scatter(x, y, s=14)
    axes.set_xlim(-0.5, 3.5)
    axes.set_ylim(5, 60)
    figure.tight_layout()
    labels = [(f"Work number {i}", x, y) for i, (x, y) in enumerate(points)]
    placed = place_labels(figure, axes, labels, 6.0, points, marker_pt=14 ** 0.5)
    renderer = FigureCanvasAgg(figure).get_renderer()
    boxes = [(text.get_text(), text.get_window_extent(renderer)) for text in axes.texts]
    assert placed == len(boxes) and 1 <= placed < len(labels)  # the loner is named; the cluster is not all named
    assert "Work number 30" in [name for name, _ in boxes]
    for i, (_, one) in enumerate(boxes):
        assert not any(one.overlaps(other) for _, other in boxes[i + 1:])
    radius = 14 ** 0.5 / 2 * figure.dpi / 72
    for name, box in boxes:
        own = next(p for text, *p in labels if text == name)
        for x, y in points:
            if [x, y] != own:
                cx, cy = axes.transData.transform((x, y))
                assert not box.overlaps(Bbox.from_extents(cx - radius, cy - radius, cx + radius, cy + radius))


@pytest.mark.parametrize("venue", ["todaes", "tcad"])
def test_a_growing_operator_map_is_split_into_parts_that_each_fit_a_page(corpus: KnowledgeBase, venue: str) -> None:
    import dataclasses

    from survey.derive.figure_style import venue_style
    from survey.derive.trends import operators_map_figures

    assert corpus.taxonomy is not None
    trends = build_trends(corpus.taxonomy, corpus.entries)
    # three times today's works (copies under new ids), so that one page cannot hold their map
    works = [dataclasses.replace(w, entry_id=f"{w.entry_id}-{copy}") for copy in range(3) for w in trends.works]
    style = venue_style(venue, "DejaVu Sans")
    assert style.page_in is not None
    parts = operators_map_figures(dataclasses.replace(trends, works=works), style)
    assert len(parts) >= 2
    assert all(p.figure.height_in <= style.page_in for p in parts)
    shown = [i for p in parts for i in p.figure.entry_ids]
    assert sorted(shown) == sorted(w.entry_id for w in works if w.operators)  # each work once, in one part
    assert [p.figure.caption.endswith(f"part {n} of {len(parts)}).") for n, p in enumerate(parts, 1)] == \
        [True] * len(parts)
    assert len({p.figure.name for p in parts}) == len(parts)
