"""The call panel shows each line state in its own colour without changing its size: a panel
that grew and shrank moved the splitter beside it and repainted the whole window as calls
rang (issue 18)."""

from __future__ import annotations

from PySide6.QtGui import QColor

from agent_desk.ui.call_panel import CallPanel, LineState, LineView

_LONG_NAME = "欧阳王秀英（女儿 欧阳小红 代接）138****8000"


def _background(panel: CallPanel) -> str:
    # A pixel inside the frame, clear of the labels and buttons.
    image = panel.grab().toImage()
    return QColor(image.pixel(image.width() // 2, image.height() - 5)).name()


def test_each_state_has_its_colour_and_the_panel_keeps_its_size(qtbot) -> None:
    panel = CallPanel()
    qtbot.addWidget(panel)
    panel.show()
    sizes, colours = set(), {}
    views = [
        LineView(LineState.RINGING, caller=_LONG_NAME, recording_note="录音：选定患者后开始"),
        LineView(LineState.TALKING, caller=_LONG_NAME, detail="00:35"),
        LineView(LineState.HELD, caller=_LONG_NAME, detail="01:10"),
        LineView(LineState.IDLE),
        LineView(LineState.RINGING, caller="王秀英", controllable=False),
    ]
    for view in views:
        panel.show_line(view)
        qtbot.wait(1)  # the layout's own events
        sizes.add((panel.size().width(), panel.size().height()))
        colours[view.state] = _background(panel)
    assert len(sizes) == 1, sizes
    assert colours == {
        LineState.RINGING: "#fff4ce",
        LineState.TALKING: "#e6f4ea",
        LineState.HELD: "#fde7e9",
        LineState.IDLE: "#f3f3f3",
    }


def test_a_call_shows_only_its_buttons(qtbot) -> None:
    panel = CallPanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.show_line(LineView(LineState.RINGING))
    assert panel.answer_button.isVisible() and panel.reject_button.isVisible()
    assert not panel.hangup_button.isVisible()
    panel.show_line(LineView(LineState.TALKING))
    assert panel.hangup_button.isVisible() and panel.hold_button.isVisible()
    assert not panel.answer_button.isVisible()
    panel.show_line(LineView(LineState.IDLE))
    assert not any(button.isVisible() for button in (panel.answer_button, panel.hangup_button))
