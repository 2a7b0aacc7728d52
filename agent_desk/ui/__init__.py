"""The Qt workstation. The only package (with the entry point) that imports PySide6."""
