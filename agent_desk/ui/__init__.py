"""The Qt workstation: the only package of the workstation that imports PySide6 (the
benchmarks drive it from agent_desk.bench)."""

from agent_desk.ui.feature_scan import skip_feature_scan

# Before the window's modules load, so that PySide6 does not read each one's source.
skip_feature_scan()
