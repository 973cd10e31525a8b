"""The data report, as a person reads it: a summary in words, two plots and the findings.

One panel draws three reports (their ``to_dict()``): the text ``DatasetReport`` (rows, classes,
token lengths against the max length, warnings by code), the ``TokenReport`` (entities per
type, tag-scheme errors with examples) and the image report (images per class, sizes,
duplicates). The main window computes the text report with the model's tokenizer and hands it
over; the Dataset tab hands over the two that need no model. pyqtgraph loads only when the
window first paints (``ensure_plots``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from gui.task_combo import TEXT


class _Shown(NamedTuple):
    """What the panel shows of one report, whatever its task."""

    summary: str
    counts_title: str
    counts: dict[str, Any]  # ``labels``, ``train_counts``, ``validation_counts``
    findings: str
    lengths: dict[str, Any] | None = None  # a text report, whose token lengths are drawn


class DatasetReportView(QGroupBox):
    """The box "What is in this data": ``reportStatusLabel``, ``reportSummaryLabel``, the
    ``classCountsPlot`` and ``tokenLengthsPlot``, ``reportWarningsLabel``. ``report`` is the
    report shown (``None`` while there is none); ``shown(report)`` whenever it changes."""

    shown = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("What is in this data"), parent)
        self._report: dict[str, Any] | None = None
        self._task = TEXT
        self.report_status = QLabel(self.tr("The report appears here once a file is open."))
        self.report_status.setObjectName("reportStatusLabel")
        self.report_status.setWordWrap(True)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("reportSummaryLabel")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)
        self.class_plot: Any = None  # pyqtgraph loads after the window is shown
        self.length_plot: Any = None
        self.warnings_label = QLabel()
        self.warnings_label.setObjectName("reportWarningsLabel")
        self.warnings_label.setWordWrap(True)
        self.warnings_label.setTextFormat(Qt.TextFormat.RichText)
        self.warnings_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        self._plots_layout = QHBoxLayout()
        layout = QVBoxLayout(self)
        layout.addWidget(self.report_status)
        layout.addWidget(self.summary_label)
        layout.addLayout(self._plots_layout, 1)
        warnings_scroll = QScrollArea()
        warnings_scroll.setWidgetResizable(True)
        warnings_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        warnings_scroll.setWidget(self.warnings_label)
        warnings_scroll.setMinimumHeight(60)
        layout.addWidget(warnings_scroll)

    def ensure_plots(self) -> None:
        """Create the plots (importing pyqtgraph) once; the window calls it after showing."""
        if self.class_plot is not None:
            return
        from gui.plots import themed_plot

        self.class_plot = themed_plot("classCountsPlot", title=self.tr("Examples per class"))
        self.length_plot = themed_plot("tokenLengthsPlot", title=self.tr("Text length (tokens)"))
        for plot in (self.class_plot, self.length_plot):
            plot.getPlotItem().setMouseEnabled(x=False, y=False)
            self._plots_layout.addWidget(plot)
        self._show_plots()

    def _show_plots(self) -> None:
        """The plots show with a report (the token lengths for text classification only);
        without one they stay hidden: empty axes say nothing, and at start-up, painting
        them stalled the window's first second."""
        if self.class_plot is not None:
            shown = self._report is not None
            self.class_plot.setVisible(shown)
            self.length_plot.setVisible(shown and self._task == TEXT)

    def set_task(self, task: str) -> None:
        """Token lengths are a text classification figure: the other tasks hide their plot."""
        self._task = task
        self._show_plots()

    @property
    def report(self) -> dict[str, Any] | None:
        return self._report

    def clear_report(self, message: str) -> None:
        """No report, and ``message`` saying why (or what comes)."""
        self._report = None
        self.report_status.setText(message)
        self.report_status.show()
        self.summary_label.clear()
        self.warnings_label.clear()
        if self.class_plot is not None:
            self.class_plot.getPlotItem().clear()
            self.length_plot.getPlotItem().clear()
        self._show_plots()
        self.shown.emit(None)

    def show_pending(self) -> None:
        self.report_status.setText(self.tr("Measuring the data with the model's tokenizer…"))
        self.report_status.show()

    def show_report(self, report: dict[str, Any]) -> None:
        """Draw a report's ``to_dict()``: a ``DatasetReport`` (text), a ``TokenReport``
        (named entities: ``entity_counts``) or an image report (``findings`` and counts)."""
        self.ensure_plots()
        if "entity_counts" in report:
            shown = self._token_parts(report)
        elif "findings" in report and "text_column" not in report:
            shown = self._image_parts(report)
        else:
            shown = self._text_parts(report)
        self._report = report
        self._show_plots()
        self.report_status.hide()
        self.summary_label.setText(shown.summary)
        self._counts_title(shown.counts_title)
        self._draw_counts(shown.counts)
        self._draw_lengths(shown.lengths)
        self.warnings_label.setText(shown.findings)
        self.shown.emit(report)

    def _text_parts(self, r: dict[str, Any]) -> _Shown:
        return _Shown(
            self._summary_html(r), self.tr("Examples per class"), r, self._warnings_html(r), r
        )

    def _token_parts(self, r: dict[str, Any]) -> _Shown:
        from gui.findings_text import findings_html

        counts = r["entity_counts"]
        train, val = counts.get("train", {}), counts.get("validation", {})
        kinds = sorted(set(train) | set(val))
        p = r.get("length_percentiles") or {}
        lines = [
            self.tr(
                "<b>{train:,}</b> training sentences, <b>{val:,}</b> validation sentences; "
                "<b>{n}</b> entity types; {format}, tags in {scheme} (read as IOB2)."
            ).format(
                train=r["train_sentences"],
                val=r["validation_sentences"],
                n=len(kinds),
                format=r.get("format", ""),
                scheme=r.get("scheme", ""),
            )
        ]
        if p:
            lines.append(
                self.tr("Words per sentence: median {p50}, 90% under {p90}, longest {max}.").format(
                    p50=p.get("p50", 0), p90=p.get("p90", 0), max=p.get("max", 0)
                )
            )
        if kinds:
            lines.append(
                self.tr("Entities per type (training / validation): {counts}.").format(
                    counts=", ".join(
                        f"{_escape(k)} {train.get(k, 0):,} / {val.get(k, 0):,}" for k in kinds
                    )
                )
            )
        findings = list(r.get("findings", []))
        html = findings_html(findings, self.tr("✔ Nothing to worry about in this data."))
        examples = self._scheme_examples(r.get("scheme_errors") or {})
        return _Shown(
            "<br>".join(lines),
            self.tr("Entities per type"),
            {"labels": kinds, "train_counts": train, "validation_counts": val},
            html + examples,
        )

    def _scheme_examples(self, errors: dict[str, Any]) -> str:
        parts = []
        for entry in errors.values():
            for example in entry.get("examples", [])[:3]:
                pairs = " ".join(
                    f"{_escape(t)}/<b>{_escape(g)}</b>"
                    for t, g in zip(example["tokens"], example["tags"], strict=False)
                )
                where = self.tr("line or record {n}").format(n=example["record"])
                parts.append(f"<li>{where}: {pairs}</li>")
        if not parts:
            return ""
        return (
            "<p>"
            + self.tr("Examples of tag-scheme errors:")
            + "</p><ul>"
            + "".join(parts)
            + "</ul>"
        )

    def _image_parts(self, r: dict[str, Any]) -> _Shown:
        from gui.findings_text import findings_html

        counts = r.get("counts") or {}
        train = r.get("train_counts") or counts.get("train") or {}
        val = r.get("validation_counts") or counts.get("validation") or {}
        labels = list(r.get("labels") or sorted(set(train) | set(val)))
        text = self.tr(
            "<b>{train:,}</b> training images, <b>{val:,}</b> validation images; "
            "<b>{n}</b> classes."
        ).format(train=sum(train.values()), val=sum(val.values()), n=len(labels))
        sizes = r.get("sizes") or {}
        if "width" in sizes and "height" in sizes:
            text += "<br>" + self.tr(
                "Image sizes (a sample of {n:,}): median {w:.0f}×{h:.0f} pixels, smallest side "
                "{small}, largest side {large}."
            ).format(
                n=sizes.get("sampled", 0),
                w=sizes["width"]["median"],
                h=sizes["height"]["median"],
                small=min(sizes["width"]["min"], sizes["height"]["min"]),
                large=max(sizes["width"]["max"], sizes["height"]["max"]),
            )
        if r.get("preliminary"):
            findings = self.tr("Checking the images (sizes, duplicates)…")
        else:
            findings = findings_html(
                list(r.get("findings", [])), self.tr("✔ Nothing to worry about in this data.")
            )
        return _Shown(
            text,
            self.tr("Images per class"),
            {"labels": labels, "train_counts": train, "validation_counts": val},
            findings,
        )

    def _summary_html(self, r: dict[str, Any]) -> str:
        held = (
            self.tr("from {file}").format(file=Path(str(r["validation_source"])).name)
            if r.get("validation_source")
            else self.tr("held out, stratified")
        )
        p = r.get("token_percentiles", {})
        lines = [
            self.tr(
                "<b>{train:,}</b> training rows, <b>{val:,}</b> validation rows ({held}); "
                "<b>{n}</b> classes; text column <i>{text}</i>, label column <i>{label}</i>."
            ).format(
                train=r["train_rows"],
                val=r["validation_rows"],
                held=held,
                n=len(r["labels"]),
                text=r["text_column"],
                label=r["label_column"],
            ),
            self.tr(
                "Tokens per text: median {p50}, 95% under {p95}, longest {max}. "
                "Max length {ml} cuts {cut:.1%} of texts."
            ).format(
                p50=p.get("p50", 0),
                p95=p.get("p95", 0),
                max=p.get("max", 0),
                ml=r["max_length"],
                cut=r["truncated_share"],
            ),
        ]
        return "<br>".join(lines)

    def _warnings_html(self, r: dict[str, Any]) -> str:
        from gui.findings_text import findings_html
        from gui.i18n import warning_text

        return findings_html(
            list(r.get("warnings", [])),
            self.tr("✔ Nothing to worry about in this data."),
            warning_text,
            default_level="info",
        )

    def _counts_title(self, title: str) -> None:
        from gui.theme import style_plot

        if self.class_plot.property("stropPlotTitle") != title:
            style_plot(self.class_plot, title)

    def _draw_counts(self, r: dict[str, Any]) -> None:
        import numpy as np
        import pyqtgraph as pg

        from gui.plots import BLUE, ORANGE, text_colour

        plot = self.class_plot.getPlotItem()
        plot.clear()
        labels = list(r["labels"])
        train = np.array([r["train_counts"].get(label, 0) for label in labels], dtype=float)
        val = np.array([r["validation_counts"].get(label, 0) for label in labels], dtype=float)
        x = np.arange(len(labels), dtype=float)
        plot.addLegend(offset=(-5, 5), labelTextColor=text_colour(self), brush=None)
        plot.addItem(
            pg.BarGraphItem(
                x=x - 0.2,
                height=train,
                width=0.4,
                brush=pg.mkBrush(*BLUE),
                pen=None,
                name=self.tr("training"),
            )  # fmt: skip
        )
        plot.addItem(
            pg.BarGraphItem(
                x=x + 0.2,
                height=val,
                width=0.4,
                brush=pg.mkBrush(*ORANGE),
                pen=None,
                name=self.tr("validation"),
            )  # fmt: skip
        )
        step = max(1, int(np.ceil(len(labels) / 12)))
        ticks = [(float(i), _short(labels[i])) for i in range(0, len(labels), step)]
        plot.getAxis("bottom").setTicks([ticks, []])
        plot.setXRange(-0.7, len(labels) - 0.3, padding=0)
        plot.setYRange(0, max(1.0, float(train.max(initial=0))) * 1.15, padding=0)

    def _draw_lengths(self, r: dict[str, Any] | None) -> None:
        """The histogram of a text report's token lengths and its max length; an empty plot
        for the other reports."""
        plot = self.length_plot.getPlotItem()
        plot.clear()
        if r is None:
            return
        import numpy as np
        import pyqtgraph as pg

        from gui.plots import BLUE, GREY, text_colour

        lengths = np.asarray(r.get("token_lengths_sample", []), dtype=float)
        if lengths.size == 0:
            return
        top = max(float(lengths.max()), float(r["max_length"])) + 1
        bins = np.linspace(0, top, min(40, max(5, int(top))) + 1)
        counts, edges = np.histogram(lengths, bins=bins)
        plot.plot(
            edges, counts, stepMode="center", fillLevel=0, brush=pg.mkBrush(*BLUE, 160),
            pen=pg.mkPen(BLUE, width=1),
        )  # fmt: skip
        line = pg.InfiniteLine(
            pos=float(r["max_length"]),
            angle=90,
            pen=pg.mkPen(GREY, width=1, style=Qt.PenStyle.DashLine),
            label=self.tr("max length {n}").format(n=r["max_length"]),
            labelOpts={"position": 0.85, "color": text_colour(self), "anchors": [(1, 0), (1, 0)]},
        )
        plot.addItem(line)
        plot.setXRange(0, top, padding=0.02)
        plot.setYRange(0, max(1.0, float(counts.max(initial=0))) * 1.1, padding=0)


def _short(label: str, width: int = 14) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
