"""Fuzzing settings.json: whatever the file holds, the settings load, each value of its type."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from agent_desk.settings import REGISTRY, Settings

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=6,
)
stored = st.dictionaries(st.sampled_from(list(REGISTRY)) | st.text(max_size=10), json_values)
files = stored.map(lambda values: json.dumps(values).encode()) | st.binary(max_size=200)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(files)
def test_any_settings_file_loads_with_values_of_their_types(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "settings.json"
        path.write_bytes(content)
        loaded = Settings(path)
        for key, spec in REGISTRY.items():
            assert type(loaded.get(key)) is type(spec.default), key
        loaded.set("ui.language", "en")  # and it can be saved again
