"""ListObjectVersions with Slipway's sitecustomize answers as moto's own does (MotoSpeedupsTest):
a versioned bucket of overwritten keys and delete markers, under and outside the prefix, listed by
both for prefixes, key markers (present, absent, past the end), version id markers (first, last, none
such), page sizes and a delimiter, then paged through by the next markers."""
import random, itertools
import moto.s3.models as m
assert hasattr(m.S3Backend.list_object_versions, "original"), "not patched"
fast = m.S3Backend.list_object_versions
orig = m.S3Backend.list_object_versions.original
b = m.s3_backends["123456789012"]["global"]
b.create_bucket("bucket-one", "us-east-1")
b.put_bucket_versioning("bucket-one", "Enabled")
rnd = random.Random(7)
keys = [f"{p}/{s}/{n}.zip" for p in ("sources", "ledger") for s in ("a", "b", "c") for n in range(4)]
keys += ["sources/loose.zip", "sourcesX/y.zip", "a.txt", "zz"]
for i in range(70):
    k = rnd.choice(keys)
    b.put_object("bucket-one", k, bytes(rnd.randrange(1, 40)))
    if i % 11 == 0:
        b.delete_object("bucket-one", rnd.choice(keys))
def norm(r):
    versions, prefixes, markers, nk, nv = r
    return ([(v.name, v.version_id, v.is_latest, v.etag, v.size) for v in versions], list(prefixes),
            [(d.name, d.version_id, d.is_latest) for d in markers], nk, nv)
cases = 0
names = sorted(set(keys))
for prefix in ["sources/", "sources/a/", "s"]:
    for marker in [None] + names[::3] + ["sources/a/1.zip5", "sources/zzz"]:
        versions = b.get_bucket("bucket-one").keys.getlist(marker) if marker else None
        vids = [None] + ([versions[0].version_id, versions[-1].version_id, "no-such-version"] if versions else [])
        for vid in vids:
            for mk in [0, 1, 3, 1000]:
                for delim in [None] + (["/"] if mk == 3 and vid is None else []):
                    a = norm(fast(b, "bucket-one", delim, marker, mk, prefix, vid))
                    o = norm(orig(b, "bucket-one", delim, marker, mk, prefix, vid))
                    assert a == o, (prefix, marker, vid, mk, delim, a, o)
                    cases += 1
# a whole listing page by page, by the next markers, is the same too
for mk in [1, 2, 7]:
    seqs = []
    for f in (fast, orig):
        k = v = None; seq = []
        while True:
            r = f(b, "bucket-one", None, k, mk, "sources/", v)
            seq += norm(r)[0]; k, v = r[3], r[4]
            if k is None: break
        seqs.append(seq)
    assert seqs[0] == seqs[1] and len(seqs[0]) > 10
    cases += 1
# every stored body is still whole after all those listings (a copy must not close it)
for name, versions in b.get_bucket("bucket-one").keys.iterlists():
    for v in versions:
        if type(v) is m.FakeKey:
            assert len(v.value) == v.size > 0, name
print("same", cases)
