"""The Qt workstation: the only package of the workstation that imports PySide6 (the
benchmarks drive it from agent_desk.bench)."""
