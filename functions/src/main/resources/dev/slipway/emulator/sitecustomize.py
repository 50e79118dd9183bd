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
# And one cost that grows with the bucket (issue 19, the reconciler's sweep of uploads, a page a
# tick): ListObjectVersions deep-copies every version of every key in the bucket (bodies included)
# before it looks at the prefix, the markers or the page size; 571.7 ms a page at 2,000 releases.
# With a prefix, no delimiter and a marker inside the prefix (or none), it is given only the keys
# it can answer with: those under the prefix, from the key marker on, the first page size + 2 of
# them in order (the page, the marker's own first version it skips, the one that says the page is
# cut), each version a copy sharing the stored one's attributes (the answer reads only those).
#
# Nothing else changes: same rules, same answers (MotoSpeedupsTest compares them). A failure here
# leaves moto as it was.
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

try:
    import moto.s3.models as _s3

    _list_object_versions = _s3.S3Backend.list_object_versions

    import copy as _copy
    import io as _io

    def _listed(version):  # noqa: ANN001, ANN202
        """A stored version as the listing sees it: a copy of its attributes but not its body (the
        listing sets its own is_latest), the ETag filled first from the body under its lock."""
        if type(version) is not _s3.FakeKey:
            return _copy.deepcopy(version)
        if version._etag is None:
            with version.lock:
                version.etag  # noqa: B018 - moto's own cache of it, filled as a listing would
        listed = object.__new__(_s3.FakeKey)
        listed.__dict__.update(version.__dict__)
        # Not the stored body: a FakeKey closes its buffer when collected, and the copy would close
        # the stored one's (the listing reads neither).
        listed._value_buffer = _io.BytesIO()
        listed.disposed = True
        return listed

    class _Versions(list):
        """A key's versions, copied for the listing without copying their bodies."""

        def __deepcopy__(self, memo):  # noqa: ANN001, ANN204
            return [_listed(v) for v in self]

    class _Page:
        """The keys of one bucket that a page of ListObjectVersions can show, in key order."""

        def __init__(self, keys, prefix, key_marker, max_keys):  # noqa: ANN001
            names = sorted(
                k for k in keys.keys() if k.startswith(prefix) and (key_marker is None or k >= key_marker)
            )
            self.names = names[: max_keys + 2]
            self.keys = keys

        def iterlists(self):  # noqa: ANN202
            for name in self.names:
                versions = self.keys.getlist(name)
                if versions:
                    yield name, _Versions(versions)

    class _OneBucket:
        def __init__(self, page):  # noqa: ANN001
            self.keys = page

        def get_bucket(self, _name):  # noqa: ANN001, ANN202
            return self

    def _list_versions_of_a_page(
        self, bucket_name, delimiter=None, key_marker=None, max_keys=1000, prefix="", version_id_marker=None
    ):  # noqa: ANN001, ANN202
        bucket = self.get_bucket(bucket_name)
        if (
            prefix
            and not delimiter
            and isinstance(max_keys, int)
            and max_keys >= 0
            and (key_marker is None or key_marker.startswith(prefix))
        ):
            view = _OneBucket(_Page(bucket.keys, prefix, key_marker, max_keys))
            return _list_object_versions(
                view, bucket_name, delimiter, key_marker, max_keys, prefix, version_id_marker
            )
        return _list_object_versions(
            self, bucket_name, delimiter, key_marker, max_keys, prefix, version_id_marker
        )

    _list_versions_of_a_page.original = _list_object_versions
    _s3.S3Backend.list_object_versions = _list_versions_of_a_page
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
