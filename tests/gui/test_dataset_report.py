"""gui.dataset_report: each task's report in words and plots, and the panel between reports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gui.dataset_reading import image_counts
from gui.dataset_report import DatasetReportView


def shown_view(qtbot: Any, task: str = "text-classification") -> DatasetReportView:
    view = DatasetReportView()
    qtbot.addWidget(view)
    view.set_task(task)
    view.ensure_plots()
    return view


def bars(view: DatasetReportView) -> list[Any]:
    items = view.class_plot.getPlotItem().items
    return [i for i in items if type(i).__name__ == "BarGraphItem"]


def test_a_text_report_reads_as_sentences_with_its_lengths_against_the_max(qtbot: Any) -> None:
    view = shown_view(qtbot)
    report = {
        "train_rows": 90,
        "validation_rows": 10,
        "labels": ["neg", "pos"],
        "text_column": "review",
        "label_column": "stars",
        "token_percentiles": {"p50": 12, "p95": 40, "max": 80},
        "max_length": 64,
        "truncated_share": 0.02,
        "train_counts": {"neg": 45, "pos": 45},
        "validation_counts": {"neg": 5, "pos": 5},
        "token_lengths_sample": [5, 12, 12, 30, 80],
        "warnings": [],
    }
    view.show_report(report)
    assert view.report is report and view.report_status.isHidden()
    summary = view.summary_label.text()
    assert "<b>90</b> training rows, <b>10</b> validation rows (held out, stratified)" in summary
    assert "Max length 64 cuts 2.0% of texts" in summary
    assert len(bars(view)) == 2
    lengths = view.length_plot.getPlotItem()
    assert lengths.listDataItems() and not view.length_plot.isHidden()
    assert any(type(i).__name__ == "InfiniteLine" for i in lengths.items)
    assert "Nothing to worry about" in view.warnings_label.text()


def test_tag_scheme_errors_are_quoted_escaped(qtbot: Any, tmp_path: Path) -> None:
    from engine.token_data import read_token_data, token_report

    conll = tmp_path / "ner.conll"
    conll.write_text(
        "Ann\tB-PER\nsaw\tO\n\nshe\tO\nsaw\tO\nA&B\tI-ORG\n\nBob\tB-PER\nran\tO\n", encoding="utf-8"
    )
    report = token_report(read_token_data(str(conll), validation_split=0.34)).to_dict()
    view = shown_view(qtbot, "token-classification")
    view.show_report(report)
    assert "<b>2</b> entity types" in view.summary_label.text()
    assert view.class_plot.property("stropPlotTitle") == "Entities per type"
    assert "A&amp;B/<b>I-ORG</b>" in view.warnings_label.text()
    assert "Examples of tag-scheme errors:" in view.warnings_label.text()
    assert view.length_plot.isHidden() and not view.length_plot.getPlotItem().listDataItems()


def test_image_counts_come_first_then_the_findings_and_clear_empties_it(qtbot: Any) -> None:
    view = shown_view(qtbot, "image-classification")
    items = [("a.png", "cat", "train"), ("b.png", "cat", "validation"), ("c.png", "dog", "train")]
    view.show_report(image_counts(items, "/pets"))
    assert "<b>2</b> training images, <b>1</b> validation images" in view.summary_label.text()
    assert view.warnings_label.text() == "Checking the images (sizes, duplicates)…"
    assert len(bars(view)) == 2 and view.length_plot.isHidden()
    view.clear_report("Reading the file…")
    assert view.report is None and view.report_status.text() == "Reading the file…"
    assert not view.report_status.isHidden() and view.summary_label.text() == ""
    assert bars(view) == [] and view.class_plot.isHidden()  # no report, no empty axes
    view.set_task("text-classification")
    assert view.length_plot.isHidden()
    view.show_report(image_counts(items, "/pets"))
    assert not view.class_plot.isHidden() and not view.length_plot.isHidden()
