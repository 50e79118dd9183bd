# Slipway's start of moto_server (dev.slipway.emulator.Moto puts this file's directory first on the
# PYTHONPATH of the moto process only; Python imports sitecustomize at start-up). Two caches moto
# lacks, measured with py-spy in the 200-release drill, where they took two thirds of moto's CPU:
#
# - every PutEvents that reaches a rule target builds a new jsonpath_ng parser for each input path,
#   which regenerates its LALR tables with ply (55% of moto's time): the parsed paths are cached
#   here, by their text; a parsed path is immutable and find() is pure, so the answers are the same;
# - every request lists moto's package directory to tell a backend's name from a host (10%): the
#   listing is cached, as the directory does not change while moto runs.
#
# Nothing else changes: same rules, same answers. A failure here leaves moto as it was.
import functools
import os
import sys

try:
    import jsonpath_ng.ext as _ext

    _ext.parse = functools.lru_cache(maxsize=4096)(_ext.parse)
except Exception:  # noqa: BLE001 - no jsonpath_ng, or another layout: moto unchanged
    pass

try:
    import moto.backends as _backends

    _modules = tuple(_backends.list_of_moto_modules())
    _backends.list_of_moto_modules = lambda: _modules
except Exception:  # noqa: BLE001
    pass

# A sitecustomize of the environment's own, shadowed by this one, still runs.
_here = os.path.dirname(os.path.abspath(__file__))
for _path in sys.path:
    _candidate = os.path.join(_path or ".", "sitecustomize.py")
    if os.path.abspath(_path or ".") != _here and os.path.isfile(_candidate):
        import importlib.util

        _spec = importlib.util.spec_from_file_location("_next_sitecustomize", _candidate)
        if _spec is not None and _spec.loader is not None:
            try:
                _spec.loader.exec_module(importlib.util.module_from_spec(_spec))
            except Exception:  # noqa: BLE001
                pass
        break
