"""PySide6 reads the source of every module imported after it: for its `__feature__`
switches (snake_case, true_property), chosen per module, it asks of each new module
whether its text mentions PySide6 (`inspect.getsource`, the whole file read and split
into lines). The window imports some 220 modules after Qt, and those reads were 40 – 60
ms of its start (issue 18, `startup_s`).

No module here uses those switches, so every module gets PySide6's default (no feature)
at once, without the read. PySide6 offers no public way to say so: with a PySide6 whose
internals differ, nothing is changed and the reads go on, which only costs time
(tests/test_feature_scan.py then fails, so that it is noticed).
"""

from __future__ import annotations

import sys
from types import ModuleType

import PySide6.QtCore  # noqa: F401  (PySide6 installs its import hook with QtCore)

_FEATURE_MODULES = ("PySide6.support.feature", "shibokensupport.feature")


def _feature_registry() -> ModuleType | None:
    for name in _FEATURE_MODULES:
        module = sys.modules.get(name)
        if module is not None and callable(getattr(module, "_mod_uses_pyside", None)):
            return module
    return None


def _no_feature_read(_module: ModuleType) -> bool:
    # The answer the read gives for a module that imports Qt: it gets the default
    # selection (0), which is what every module here uses.
    return True


def skip_feature_scan() -> bool:
    """True if PySide6 no longer reads the source of modules imported from now on."""
    registry = _feature_registry()
    if registry is None:
        return False
    vars(registry)["_mod_uses_pyside"] = _no_feature_read  # no public switch
    return True
