"""The Training tab's buttons: one rule says which are enabled, and a Start waiting for the
data looks like a run about to begin (Stop cancels it)."""

from __future__ import annotations

from typing import Any


def test_running_waiting_and_idle_enable_the_right_buttons(qtbot: Any) -> None:
    from gui.run_controls import RunControls

    pressed: list[str] = []
    controls = RunControls(
        *(
            lambda name=name: pressed.append(name)
            for name in ("start", "stop", "resume", "export", "open")
        )
    )
    qtbot.addWidget(controls)

    def on() -> set[str]:
        buttons = controls.findChildren(type(controls.start_button))
        return {b.objectName() for b in buttons if b.isEnabled()}

    assert on() == {"startTrainingButton", "exportConfigButton"}
    controls.set_pending(True, resumable=True)
    assert controls.pending and on() == {"stopTrainingButton"}
    controls.stop_button.click()
    assert pressed == ["stop"]
    controls.set_pending(False, resumable=True)
    assert not controls.pending
    assert on() == {"startTrainingButton", "resumeTrainingButton", "exportConfigButton"}
    controls.set_running(True, resumable=False)
    controls.show_stopping()
    assert controls.stop_button.text() == "Stopping…" and not controls.stop_button.isEnabled()
    controls.set_running(False, resumable=False)
    assert controls.stop_button.text() == "Stop"
