"""Generated projects and files for ``bench/scale.py``, cached between runs.

Everything is made from ``bench/gen.py`` (seeded news-like articles) and cached under
``${ANNOTATOR_BENCH_CACHE:-~/.cache/annotator-bench}/gen<GEN_VERSION>-<hash of gen.py>/``, so a
change to the article generator makes a new folder instead of reusing stale data (bump
``GEN_VERSION`` when changing what this module makes). Each artefact is
written under a temporary name and renamed into place when complete, so a killed run leaves no
half-made file behind. Measurements never touch the cached files: they work on copies
(``fresh_copy``), since the code under test may migrate a project it opens.

Projects are made through the command line (``annotator import``) from the cached JSONL files, as a
user would. The 100k-document project is imported in chunks of 10,000 documents (ten ``annotator
import`` runs into the same project: the same rows, the same code path) because one import of the
whole file kept every parsed document in memory (3.3 GB) with today's code; the import figure itself
still imports the whole file at once.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from gen import generate_document  # noqa: E402

GEN_VERSION = 1
REVIEWER = "bench"
SIZES = (1_000, 10_000, 100_000)
N_REVIEWERS = 10  # lead project and merge files: 1k documents x 10 reviewers
AGREE_DOCS, AGREE_REVIEWERS = 10_000, 3
INTEROP_DOCS, INTEROP_SPANS = 1_000, 100
CHUNK = 10_000  # documents per `annotator import` when building a project
LABEL_SWAP = {"SPEAKER": "ENTITY", "ENTITY": "SPEAKER", "FIGURE": "ENTITY", "CLAIM": "CLAIM"}


def log(*args: object) -> None:
    print(*args, file=sys.stderr, flush=True)


def cache_root() -> Path:
    base = Path(os.environ.get("ANNOTATOR_BENCH_CACHE") or Path.home() / ".cache" / "annotator-bench")
    digest = hashlib.sha256()
    digest.update((HERE / "gen.py").read_bytes())
    folder = base / f"gen{GEN_VERSION}-{digest.hexdigest()[:10]}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def annotator_cmd() -> list[str]:
    return [sys.executable, "-m", "annotator.cli"]


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


# ------------------------------------------------------------------------------------------------
# Records


def article(k: int, n_spans: int | None = None) -> tuple[str, list, list]:
    """Document ``k``: a 3-8 KB article with ~10 spans (or exactly ``n_spans``) and its claims."""
    rng = random.Random(1_000_003 * GEN_VERSION + k)
    target = rng.randint(3000, 7600)  # code points; a few are multi-byte, so 3-8 KB of UTF-8
    return generate_document(k, target, n_spans if n_spans is not None else rng.randint(8, 12))


def record(doc_id: str, text: str, spans, claims, annotator: str) -> dict:
    """One native JSONL (version 2) line: a document and one reviewer's layer."""
    return {
        "id": doc_id, "title": f"Generated article {doc_id}", "text": text, "meta_json": "{}", "annotator": annotator,
        "spans": [
            {"id": f"s{i}", "start": s.start, "end": s.end, "label": s.label, "text": text[s.start:s.end], "attrs_json": "{}"}
            for i, s in enumerate(spans, start=1)
        ],
        "claims": [
            {"id": f"c{n}", "span": f"s{i + 1}", "members": [f"s{m + 1}" for m in members], "note": "", "attrs_json": "{}"}
            for n, (i, members) in enumerate(claims, start=1)
        ],
    }


class _Span:
    __slots__ = ("start", "end", "label")

    def __init__(self, start: int, end: int, label: str):
        self.start, self.end, self.label = start, end, label


def vary(text: str, spans, rng: random.Random, share: float) -> list:
    """A reviewer's version of ``spans``: each one changed with probability ``share`` (another
    label, or the end moved back a few characters), the rest kept. No span is dropped, so the
    claims (by index) stay valid."""
    out = []
    for s in spans:
        start, end, label = s.start, s.end, s.label
        if rng.random() < share:
            if label != "CLAIM" and rng.random() < 0.5:
                label = LABEL_SWAP[label]
            elif end - start > 4:
                end -= 1 + rng.randrange(3)
                while end > start + 1 and text[end - 1].isspace():
                    end -= 1
            else:
                label = LABEL_SWAP[label] if label != "CLAIM" else "ENTITY"
        out.append(_Span(start, end, label))
    return out


def reviewer_name(r: int) -> str:
    return f"rev{r:02d}"


def write_jsonl(path: Path, lines) -> int:
    """Write the records of ``lines`` to ``path`` (atomically); returns how many."""
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    n = 0
    with open(tmp, "w", encoding="utf-8") as out:
        for obj in lines:
            out.write(json.dumps(obj, ensure_ascii=False))
            out.write("\n")
            n += 1
    os.replace(tmp, path)
    return n


# ------------------------------------------------------------------------------------------------
# Artefacts (each a path; made when missing)


def docs_jsonl(n: int) -> Path:
    """``n`` documents, one layer each by reviewer ``bench`` (ids d000000...)."""
    path = cache_root() / f"docs-{n}.jsonl"
    if not path.exists():
        t0 = time.perf_counter()
        write_jsonl(path, (record(f"d{k:06d}", *article(k), REVIEWER) for k in range(n)))
        log(f"  generated {path.name} in {time.perf_counter() - t0:.1f} s")
    return path


def docs_parts(n: int) -> list[Path]:
    """The ``n`` documents as files the CLI reads (it refuses files over 512 MiB): the one file up
    to ``CHUNK`` documents, else files of ``CHUNK`` lines (``docs-N-partNN.jsonl``), all imported
    by one ``annotator import`` (one transaction)."""
    source = docs_jsonl(n)
    if n <= CHUNK:
        return [source]
    parts = [cache_root() / f"docs-{n}-part{i:02d}.jsonl" for i in range((n + CHUNK - 1) // CHUNK)]
    if not all(p.exists() for p in parts):
        with open(source, encoding="utf-8") as handle:
            for part in parts:
                tmp = part.with_name(part.name + f".tmp{os.getpid()}")
                with open(tmp, "w", encoding="utf-8") as out:
                    for _ in range(CHUNK):
                        line = handle.readline()
                        if not line:
                            break
                        out.write(line)
                os.replace(tmp, part)
    return parts


def reviewer_jsonl(r: int, changed: bool = False) -> Path:
    """Reviewer ``r``'s layer of the first 1k documents: 15% of spans differ from the draft (as
    reviewers disagree); ``changed``: then 20% of those spans changed again (for the re-merge)."""
    path = cache_root() / f"reviewer-{r:02d}{'-changed' if changed else ''}-1k.jsonl"
    if not path.exists():
        def lines():
            for k in range(1000):
                text, spans, claims = article(k)
                layer = vary(text, spans, random.Random(f"{k}/{r}"), 0.15)
                if changed:
                    layer = vary(text, layer, random.Random(f"{k}/{r}/changed"), 0.2)
                yield record(f"d{k:06d}", text, layer, claims, reviewer_name(r))
        write_jsonl(path, lines())
    return path


def agree_jsonl() -> Path:
    path = cache_root() / f"agree-{AGREE_DOCS}x{AGREE_REVIEWERS}.jsonl"
    if not path.exists():
        def lines():
            for k in range(AGREE_DOCS):
                text, spans, claims = article(k)
                for r in range(AGREE_REVIEWERS):
                    yield record(f"d{k:06d}", text, vary(text, spans, random.Random(f"{k}/{r}"), 0.15), claims, reviewer_name(r))
        t0 = time.perf_counter()
        write_jsonl(path, lines())
        log(f"  generated {path.name} in {time.perf_counter() - t0:.1f} s")
    return path


def interop_jsonl() -> Path:
    """1k documents x 100 spans (the Label Studio comparison of the issue)."""
    path = cache_root() / f"interop-{INTEROP_DOCS}x{INTEROP_SPANS}.jsonl"
    if not path.exists():
        write_jsonl(path, (
            record(f"x{k:06d}", *generate_document(500_000 + k, 4500, INTEROP_SPANS), REVIEWER)
            for k in range(INTEROP_DOCS)
        ))
    return path


def run_cli(*args: str, timeout: float | None = None) -> str:
    proc = subprocess.run(annotator_cmd() + list(args), env=child_env(), cwd=str(ROOT), capture_output=True,
                          text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"annotator {' '.join(args)} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return proc.stdout


def _import_project(path: Path, sources: list[Path]) -> Path:
    """A project made by ``annotator import`` of ``sources``; a source of more than ``CHUNK``
    lines is imported ``CHUNK`` lines at a time (see the module docstring)."""
    if path.exists():
        return path
    chunk = CHUNK
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    t0 = time.perf_counter()
    parts = cache_root() / f".parts-{path.stem}-{os.getpid()}"
    try:
        for source in sources:
            with open(source, encoding="utf-8") as handle:
                first = [next(handle, None) for _ in range(chunk + 1)]
            if first[-1] is None:  # small enough: import the file itself
                run_cli("import", "--db", str(tmp), "--quiet", "--format", "jsonl", str(source))
                continue
            parts.mkdir(exist_ok=True)
            with open(source, encoding="utf-8") as handle:
                done = False
                n = 0
                while not done:
                    part = parts / f"part{n}.jsonl"
                    with open(part, "w", encoding="utf-8") as out:
                        for _ in range(chunk):
                            line = handle.readline()
                            if not line:
                                done = True
                                break
                            out.write(line)
                    if part.stat().st_size:
                        t1 = time.perf_counter()
                        run_cli("import", "--db", str(tmp), "--quiet", "--format", "jsonl", str(part))
                        log(f"    {path.name}: chunk {n} imported in {time.perf_counter() - t1:.1f} s")
                    part.unlink()
                    n += 1
        _checkpoint(tmp)
        os.replace(tmp, path)
    finally:
        shutil.rmtree(parts, ignore_errors=True)
    log(f"  built {path.name} in {time.perf_counter() - t0:.1f} s")
    return path


def _checkpoint(db: Path) -> None:
    """Fold the WAL into the file, so copying the one file copies everything."""
    import sqlite3

    conn = sqlite3.connect(str(db))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()


def project(n: int) -> Path:
    return _import_project(cache_root() / f"project-{n}.annotator.db", [docs_jsonl(n)])


def lead_project() -> Path:
    """1k documents x 10 reviewers (the reviewer files' layers, imported into one project)."""
    return _import_project(cache_root() / f"lead-1kx{N_REVIEWERS}.annotator.db",
                           [reviewer_jsonl(r) for r in range(N_REVIEWERS)])


def reviewer_project(r: int, changed: bool = False) -> Path:
    name = f"reviewer-{r:02d}{'-changed' if changed else ''}-1k.annotator.db"
    return _import_project(cache_root() / name, [reviewer_jsonl(r, changed)])


def agree_project() -> Path:
    return _import_project(cache_root() / f"agree-{AGREE_DOCS}x{AGREE_REVIEWERS}.annotator.db", [agree_jsonl()])


def interop_project() -> Path:
    return _import_project(cache_root() / f"interop-{INTEROP_DOCS}x{INTEROP_SPANS}.annotator.db", [interop_jsonl()])


INTEROP_FORMATS = {"label-studio": ".json", "doccano": ".jsonl", "spacy": ".jsonl"}


def interop_file(fmt: str) -> Path:
    """The 1k x 100 project exported by ``annotator export --format FMT`` (the import input)."""
    path = cache_root() / f"interop-{INTEROP_DOCS}x{INTEROP_SPANS}.{fmt}{INTEROP_FORMATS[fmt]}"
    if not path.exists():
        tmp = path.with_name(f".tmp{os.getpid()}-{path.name}")
        run_cli("export", "--db", str(interop_project()), "--format", fmt, "--quiet", "-o", str(tmp))
        os.replace(tmp, path)
    return path


def fresh_copy(path: Path, folder: Path) -> Path:
    """A copy of a cached project in ``folder`` (measurements work on copies only)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    for extra in ("", "-wal", "-shm", "-journal"):
        Path(f"{target}{extra}").unlink(missing_ok=True)
    shutil.copyfile(path, target)
    return target


def generate_all(sizes: tuple[int, ...]) -> dict[str, Path]:
    """Every cached artefact the figures need (for ``sizes``), made when missing."""
    made: dict[str, Path] = {}
    for n in sizes:
        made[f"docs_{n}_jsonl"] = docs_jsonl(n)
        for i, part in enumerate(docs_parts(n) if n > CHUNK else []):
            made[f"docs_{n}_part{i:02d}"] = part
        made[f"project_{n}"] = project(n)
    for r in range(N_REVIEWERS):
        made[f"reviewer_{r:02d}"] = reviewer_project(r)
        made[f"reviewer_{r:02d}_changed"] = reviewer_project(r, changed=True)
    made["lead_1kx10"] = lead_project()
    made["interop_jsonl"] = interop_jsonl()
    made["interop_project"] = interop_project()
    for fmt in INTEROP_FORMATS:
        made[f"interop_{fmt}"] = interop_file(fmt)
    made["agree_jsonl"] = agree_jsonl()
    made["agree_project"] = agree_project()
    return made
