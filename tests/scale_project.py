"""A seeded multi-reviewer project for the tests that compare results before and after the
set-wise rewrites of merge, agreement and review (``tests/fixtures/scale/*.json`` were computed
with the per-document code, before the rewrite)."""

from __future__ import annotations

import random
from pathlib import Path

from annotator.model import AnnotatedDocument, Claim, Document, Span

REVIEWERS = ("ana", "ben", "cleo", "dev")
LABELS = ("CLAIM", "SPEAKER", "FIGURE", "ENTITY")


def project_items(n_docs: int = 60, seed: int = 11) -> list[AnnotatedDocument]:
    rng = random.Random(seed)
    items = []
    for d in range(n_docs):
        length = rng.randint(200, 900)
        text = "".join(rng.choice("abcdefgh ") for _ in range(length - 1)) + f"{d % 10}"
        doc = Document(id=f"doc-{d:03d}", title=f"Document {d}", text=text)
        draft = []
        for _ in range(rng.randint(0, 12)):
            start = rng.randrange(length - 30)
            draft.append((start, start + rng.randint(1, 29), rng.choice(LABELS)))
        for r, name in enumerate(REVIEWERS):
            if rng.random() < 0.15:
                continue  # this reviewer has no layer on the document
            spans = []
            for start, end, label in draft:
                roll = rng.random()
                if roll < 0.1:
                    continue
                if roll < 0.2:
                    end = min(length, end + rng.randint(1, 5))
                elif roll < 0.28:
                    label = rng.choice(LABELS)
                spans.append((start, end, label))
            if rng.random() < 0.2 and length > 20:
                start = rng.randrange(length - 10)
                spans.append((start, start + 9, rng.choice(LABELS)))
            spans = sorted(set(spans))
            layer = [Span(s, e, lab, id=f"s{k}") for k, (s, e, lab) in enumerate(spans, start=1)]
            claims = []
            for k, (s, e, lab) in enumerate(spans, start=1):
                if lab == "CLAIM":
                    members = tuple(f"s{j}" for j, (s2, e2, l2) in enumerate(spans, start=1)
                                    if l2 != "CLAIM" and s <= s2 and e2 <= e + 40 and j != k)
                    claims.append(Claim(span=f"s{k}", members=members, id=f"c{len(claims) + 1}"))
            items.append(AnnotatedDocument(doc, name, layer, claims, done=rng.random() < 0.5))
    return items


def build(path: Path, n_docs: int = 60, seed: int = 11) -> Path:
    from annotator.project import open_project

    with open_project(path) as store:
        store.import_items(project_items(n_docs, seed))
    return path
