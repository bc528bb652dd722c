"""Agreement between reviewers' span layers. Pure functions, standard library only, no Qt.

Measures and the references they are checked against (tests/test_agreement.py):

- Span F1, exact: a match is a span identical in (start, end, label). Counts are summed over
  documents per reviewer pair, then F1 is averaged over pairs, as bratiaa's instance-based F1 does
  (kldtz/bratiaa, ``F1Agreement``). Like bratiaa, a layer is a *set*: identical spans repeated in
  one layer count once.
- Span F1, overlap: a match is a one-to-one pairing of same-label spans that share at least one
  character, chosen greedily by largest overlap.
- Cohen's kappa per label over characters: each character is in or out of the label's spans.
- Krippendorff's unitizing alpha (alpha_U) as DKPro Agreement's
  ``KrippendorffAlphaUnitizingAgreement`` computes it (the engine INCEpTION uses).
- Krippendorff's nominal alpha over a reviewers x items matrix with missing values.

A figure that is undefined (nothing annotated, 0/0, a single category, fewer than two
reviewers) is ``None``, never 1.0 or 0: an agreement of "n/a" must not read as perfect or as nil.

Offsets are code points, end-exclusive, as everywhere in the program (annotator.model).
"""

from __future__ import annotations

from .inputs import agreement_inputs
from .layers import _intervals_by_label, _Layer, _layer, _units_by_label
from .measures import (
    Interval, compare_units, count_overlap_matches, f1_score, kappa_from_coverage, krippendorff_alpha_nominal, mean,
    population_sd,
)
from .output import format_table, report_json_text, report_to_json
from .report import (
    AgreementCancelled, AgreementReport, DocumentScores, LabelScores, LabelSummary, PairScores, compute_agreement,
)
from .unitizing import UnitizingAlpha, krippendorff_alpha_unitizing

__all__ = [
    "agreement_inputs", "AgreementCancelled", "AgreementReport", "DocumentScores", "LabelScores", "LabelSummary", "PairScores",
    "UnitizingAlpha", "Interval", "compare_units", "compute_agreement", "count_overlap_matches", "f1_score",
    "format_table", "kappa_from_coverage", "krippendorff_alpha_nominal", "krippendorff_alpha_unitizing", "mean",
    "population_sd", "report_json_text", "report_to_json", "_Layer", "_layer", "_intervals_by_label", "_units_by_label",
]
