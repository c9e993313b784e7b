"""``evaluate`` as one plain function: read, validate, score, assemble the ``Report``.

The CLI only parses options into ``Options``, calls ``evaluate`` and renders the result.
Nothing here prints or exits; bad input raises ``ValidationError``/``FormatError``.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .counts import PRF, Scheme
from .entities import DocStats, EntityCounts, count_entities
from .errors import FormatError, Problem, UsageError, ValidationError
from .grounding import Policy
from .io import read_manifest, resolve_documents_path, verify_manifest
from .labelmap import LabelMap
from .model import Document
from .readers import DEFAULT_READ, BioMode, BioStyle, ReadOptions, read_corpus, resolve
from .report import (
    UNDECODABLE_SHOWN,
    ErrorCase,
    EventErrorCase,
    EventScores,
    Level,
    Report,
    Settings,
    SliceScores,
    Source,
)
from .slices import Grouping, group_documents
from .table import Table
from .texts import ById
from .validate import check_pair, check_table

if TYPE_CHECKING:
    from .extractor import BadOutput
    from .transform import Dropped

MAX_PROBLEMS = 20


@dataclass(frozen=True, slots=True)
class Options:
    schemes: tuple[Scheme, ...] = tuple(Scheme)
    labels: tuple[str, ...] | None = None
    pred_format: str | None = None
    allow_extra: bool = False
    per_document: bool = False
    level: Level = Level.MENTION
    details: bool = False  # error cases and confusion matrix (HTML report)
    max_errors: int = 200
    aliases: str | None = None
    # Transformations of the predictions, recorded in the report's settings (docs/metrics.md).
    label_map: LabelMap | None = None
    drop_unknown_labels: bool = False
    ground: Policy | None = None  # ground offset-free mentions at mention level
    ground_fuzzy: float | None = None
    min_overlap: float | None = None
    min_score: float | None = None
    sweep_scores: bool = False
    read: ReadOptions = DEFAULT_READ  # reader settings: BIO decoding, field map, model version
    slice_by: tuple[str, ...] = ()  # slices of the gold documents, crossed (see eval.slices)

    def __post_init__(self) -> None:
        from .errors import UsageError

        for name, value, low_open in (
            ("--min-overlap", self.min_overlap, True),
            ("--ground-fuzzy", self.ground_fuzzy, True),
            ("--min-score", self.min_score, False),
        ):
            if value is not None and not ((value > 0.0 if low_open else value >= 0.0) and value <= 1.0):
                bounds = "0 < F <= 1" if low_open else "0 <= T <= 1"
                raise UsageError(f"{name} takes a number with {bounds}, got {value:g}")
        if self.ground_fuzzy is not None and self.ground is None:
            raise UsageError("--ground-fuzzy needs --ground first|all")
        if self.ground is not None and self.level is Level.DOCUMENT:
            raise UsageError("--ground grounds mentions for --level mention; --level document needs no offsets")
        if self.min_overlap is not None and self.level is Level.DOCUMENT:
            raise UsageError("--min-overlap compares offsets; it has no meaning with --level document")
        if self.sweep_scores and self.level is Level.DOCUMENT:
            raise UsageError("--sweep-scores scores offsets (strict); use it with --level mention")

    def settings(self) -> Settings:
        """What the report records of these options (and the gate compares)."""
        m = self.label_map
        return Settings(
            label_map=dict(m.mapping) if m is not None else None,
            label_map_sha256=m.sha256 if m is not None else None,
            label_map_source=m.source if m is not None else None,
            drop_unknown_labels=self.drop_unknown_labels,
            ground=self.ground.value if self.ground is not None else None,
            ground_fuzzy=self.ground_fuzzy,
            min_overlap=self.min_overlap,
            min_score=self.min_score,
            bio_mode=self.read.bio_mode.value if self.read.bio_mode is not BioMode.LENIENT else None,
            bio_style=self.read.bio_style.value if self.read.bio_style is not BioStyle.PREFIX else None,
            pred_fields=",".join(f"{k}={v}" for k, v in self.read.fields.items()) if self.read.fields else None,
        )


@dataclass(frozen=True, slots=True)
class Outcome:
    """The report and what later stages (bootstrap, paired tests) need from the same run."""

    report: Report
    doc_stats: DocStats = field(default_factory=dict)
    gold: Table | None = None
    groups: Grouping | None = None  # the slices' documents (bootstrap intervals per slice)


def load_table(
    path: str | Path,
    *,
    fmt: str | None = None,
    reference: Table | None = None,
    options: ReadOptions = DEFAULT_READ,
    events: bool = False,
) -> Table:
    """Any supported file as a table; canonical JSONL and Parquet take the column-wise path
    (with ``events``, events too: only mention-level scoring without details reads that)."""
    p, spec = resolve(path, fmt)
    if spec.name in STREAMED:  # columns through Arrow (eval/readers/arrow.py)
        from .readers import arrow

        texts = ById(reference.ids, reference.texts) if reference is not None else None
        return arrow.read_table(p, reference=texts, format=spec.name, events=events)
    ref = _reference(reference) if reference is not None else None
    corpus = read_corpus(p, fmt=spec.name, reference=ref, options=options)
    table = Table.from_documents(corpus.documents, path=corpus.path, format=corpus.format, sha256=corpus.sha256)
    return dataclasses.replace(table, notes=corpus.notes) if corpus.notes else table


def _reference(t: Table) -> dict[str, Document]:
    rows = zip(t.ids, t.texts, t.lines, strict=True)
    return {doc_id: Document(doc_id, text, path=t.path, line=line) for doc_id, text, line in rows}


def _event_types(gold: Table, path: str | Path) -> frozenset[str]:
    """The gold set's event types: those of its events and its manifest's ``event_types``."""
    manifest = read_manifest(path)
    declared = manifest.get("event_types") if manifest else None
    names = {str(x.get("name", "")) if isinstance(x, dict) else str(x) for x in declared or ()}
    read = set(gold.events.type_names) if gold.events is not None else set()
    return frozenset(names | read | {ev.type for d in gold.documents.values() for ev in d.events}) - {""}


def gold_label_set(path: str | Path) -> list[str] | None:
    """The label set declared by a gold folder's manifest, if any."""
    manifest = read_manifest(path)
    labels = (manifest.get("entity_labels") or manifest.get("labels")) if manifest else None
    return [str(x) for x in labels] if isinstance(labels, list) else None


def _raise_if(problems: Sequence[Problem]) -> None:
    if problems:
        raise ValidationError(list(problems))


def has_events(t: Table) -> bool:
    return t.has_events()


def event_columns_wanted(options: Options) -> bool:
    """Whether events may be read as columns only: scoring offsets, with no error cases to show."""
    return options.level is Level.MENTION and not options.details


def event_problems(gold: Table, pred: Table) -> tuple[list[Problem], list[Problem]]:
    """``validate_events`` of the documents kept whole (the columns were checked when read)."""
    from .events import validate_events

    def found(t: Table) -> list[Problem]:
        return [p for _, d in sorted(t.documents.items()) if d.events for p in validate_events(d)]

    return found(gold), found(pred)


def event_scores(gold: Table, pred: Table) -> tuple[EventScores, DocStats]:
    """TextEE event scores of checked tables, on columns (``eval.event_columns``)."""
    from .event_columns import score_columns

    position = {doc_id: i for i, doc_id in enumerate(gold.ids)}
    to_gold = np.fromiter((position.get(d, -1) for d in pred.ids), dtype=np.int64, count=len(pred))
    return score_columns(gold.event_columns(), pred.event_columns().renumber(to_gold), len(gold))


def evaluate(
    gold_path: str | Path, pred_path: str | Path, *, options: Options = Options(), gold: Table | None = None
) -> Outcome:
    """Score the predictions at ``pred_path`` against the gold set at ``gold_path``.

    ``gold`` is that gold set already loaded and checked (a second extractor on the same gold).
    JSONL and Parquet inputs are scored chunk by chunk (``eval.stream``, ``eval.chunked``), with
    memory bounded by a chunk; other formats, options that need the whole corpus, predictions
    in another order than the gold, and bad input take the whole path, which reads both files
    at once and says what is wrong.
    """
    if gold is None:
        outcome = _evaluate_in_chunks(gold_path, pred_path, options)
        if outcome is not None:
            return outcome
    columns = event_columns_wanted(options)
    gold = gold if gold is not None else load_gold(gold_path, events=columns)
    read = dataclasses.replace(options.read, event_types=_event_types(gold, gold_path))
    pred = load_table(pred_path, fmt=options.pred_format, reference=gold, options=read, events=columns)
    return score_tables(gold, pred, options=options, label_set=gold_label_set(gold_path))


STREAMED = ("jsonl", "parquet")  # the formats the chunked path reads (eval/readers/arrow.py)


def _evaluate_in_chunks(gold_path: str | Path, pred_path: str | Path, options: Options) -> Outcome | None:
    """``evaluate`` chunk by chunk; None when the whole path must do it (see ``evaluate``).

    Any problem sends the run to the whole path, which reads both files again and reports
    every problem in its usual order and words: bad input costs a second reading, good input
    never does."""
    from .chunked import chunkable, score_chunks
    from .errors import GoldbenchError
    from .stream import Misaligned, Stream

    if not chunkable(options):
        return None
    try:
        g, gold_spec = resolve(gold_path)
        p, pred_spec = resolve(pred_path, options.pred_format)
    except GoldbenchError:
        return None
    if gold_spec.name not in STREAMED or pred_spec.name not in STREAMED:
        return None
    stream = Stream(g, p, gold_spec.name, pred_spec.name, events=event_columns_wanted(options))
    try:
        outcome = score_chunks(stream, options=options, label_set=gold_label_set(gold_path))
        if not stream.gold_documents:
            return None  # the whole path says the gold set is empty
        verify_manifest(gold_path, sha256=stream.gold_sha256, count=stream.gold_documents)
    except (GoldbenchError, Misaligned):
        return None
    report = dataclasses.replace(
        outcome.report,
        gold=Source(str(g), stream.gold_sha256, stream.gold_documents),
        predictions=Source(str(p), stream.pred_sha256, stream.pred_documents),
    )
    return dataclasses.replace(outcome, report=report)


def load_gold(gold_path: str | Path, *, events: bool = False) -> Table:
    """Read and check a gold set (a JSONL file, or a gold folder whose manifest must agree);
    raises ``FormatError``/``ValidationError`` listing every problem. ``events``: see ``load_table``."""
    if Path(gold_path).is_dir():
        resolve_documents_path(gold_path)  # a folder without documents.jsonl is named as such
    gold = load_table(gold_path, events=events)
    if not len(gold):
        blank = Path(gold.path).stat().st_size > 0
        raise FormatError(
            f"{gold.path}: the gold set is empty ({'only blank lines' if blank else 'an empty file'}, no documents); "
            "pass the gold file that holds the documents"
        )
    verify_manifest(gold_path, sha256=gold.sha256, count=len(gold))
    _raise_if(check_table(gold, gold=True))
    return gold


def evaluate_extractor(
    gold_path: str | Path,
    extractor: str,
    *,
    options: Options = Options(),
    timeout: float = 600.0,
    progress: Callable[[int, int], None] | None = None,
    on_bad_output: BadOutput | None = None,
) -> Outcome:
    """Run ``extractor`` (a command, or ``package.module:function``) on the gold texts and score it.

    ``on_bad_output=BadOutput.SKIP`` scores a document whose output cannot be decoded as no
    predictions; the report's ``run`` counts them and a note names the first few.
    """
    from .extractor import BadOutput, run_extractor
    from .io import documents_sha256

    bad = on_bad_output or BadOutput.FAIL

    gold = load_gold(gold_path)
    inputs = [Document(doc_id, text) for doc_id, text in zip(gold.ids, gold.texts, strict=True)]
    run = run_extractor(extractor, inputs, timeout=timeout, progress=progress, on_bad_output=bad)
    digest = documents_sha256(run.documents)
    pred = Table.from_documents(run.documents, path=f"<extractor: {extractor}>", format="jsonl", sha256=digest)
    outcome = score_tables(gold, pred, options=options, label_set=gold_label_set(gold_path))
    report = outcome.report
    notes = report.notes
    if run.undecodable:
        notes = (*notes, _undecodable_note(run.undecodable))
    return dataclasses.replace(outcome, report=dataclasses.replace(report, run=run.info(), notes=notes))


def _undecodable_note(skipped: Sequence[str]) -> str:
    shown = ", ".join(skipped[:UNDECODABLE_SHOWN])
    more = f" and {len(skipped) - UNDECODABLE_SHOWN} more" if len(skipped) > UNDECODABLE_SHOWN else ""
    return (
        f"{len(skipped)} document(s) of extractor output could not be decoded and were scored as no "
        f"predictions (--on-bad-output skip): {shown}{more}"
    )


def score_tables(
    gold: Table, pred: Table, *, options: Options = Options(), label_set: Sequence[str] | None = None
) -> Outcome:
    """Validate predictions against a checked gold table, transform them as the options say
    (min score, label map, unknown labels, grounding) and score them."""
    mention_level = options.level is Level.MENTION
    problems = check_table(pred, offsets_required=mention_level and options.ground is None)
    if problems:  # every problem at once, those between gold and predictions too
        _raise_if(problems + check_pair(gold, pred, allow_extra=options.allow_extra, label_set=label_set).problems)
    pred, dropped = transform_predictions(pred, options, known=known_labels(gold.label_names, label_set))
    notes = dropped.notes(options.min_score)
    findings = check_pair(gold, pred, allow_extra=options.allow_extra, label_set=label_set)
    _raise_if(findings.problems)
    grounding = None
    ungrounded: Sequence[Any] = ()
    if options.ground is not None:
        pred, grounding, ungrounded = _ground(pred, options)
    documents = functools.cache(lambda: (gold.to_documents(), pred.to_documents()))  # small-data paths only
    groups = _groups(gold, options)
    events = _score_events(gold, pred, documents, options)
    thresholds = None
    slices = None
    if mention_level:
        result = entity_counts(gold, pred, options, groups).result(options.max_errors)
        scores, stats, errors, confusion = result.scores, result.doc_stats, result.errors, result.confusion
        errors = _mark_ungrounded(errors, ungrounded)
        slices = result.slices
        schemes = options.schemes
        if options.sweep_scores:
            thresholds = _thresholds(gold, pred, options.labels)
    else:
        scores, stats = _offset_free(*documents(), options)
        errors, confusion = (), None
        schemes = (Scheme.STRICT, Scheme.EXACT)
    if events is not None:
        stats = {**stats, **events[1]}
        if groups is not None and slices is not None:
            slices = with_event_slices(slices, groups, events[1])
    event_errors: tuple[EventErrorCase, ...] = ()
    if events is not None and mention_level and options.details:
        from .events import event_error_cases

        event_errors = event_error_cases(*documents(), limit=options.max_errors)
    report = Report(
        gold=Source(gold.path, gold.sha256, len(gold)),
        predictions=Source(pred.path, pred.sha256, len(pred)),
        entities=scores,
        level=options.level,
        schemes=schemes,
        events=events[0] if events is not None else None,
        notes=(*pred.notes, *notes, *findings.notes),
        errors=errors,
        confusion=confusion,
        settings=options.settings(),
        grounding=grounding,
        thresholds=thresholds,
        event_errors=event_errors,
        slices={groups.name: slices} if groups is not None and slices is not None else None,
    )
    return Outcome(report, stats, gold, groups)


def entity_counts(
    gold: Table, pred: Table, options: Options, groups: Grouping | None, taken: tuple[int, int, int] = (0, 0, 0)
) -> EntityCounts:
    """The entity counts the options ask for (``taken``: error candidates of earlier chunks)."""
    return count_entities(
        gold,
        pred,
        schemes=options.schemes,
        labels=options.labels,
        per_document=options.per_document,
        details=options.details,
        max_errors=options.max_errors,
        min_overlap=options.min_overlap,
        groups=groups,
        taken=taken,
    )


def _groups(gold: Table, options: Options) -> Grouping | None:
    if not options.slice_by:
        return None
    if options.level is not Level.MENTION:
        raise UsageError("--slice-by needs --level mention (offset-free scores have no per-document counts)")
    return group_documents(options.slice_by, gold)


def with_event_slices(
    slices: dict[str, SliceScores], groups: Grouping, event_stats: DocStats
) -> dict[str, SliceScores]:
    """Event tp/fp/fn per slice: the per-document (matched, possible, actual) rows summed."""
    n = len(groups.values)
    sums = {
        family.removeprefix("events."): np.stack(
            [np.bincount(groups.codes, weights=rows[:, k], minlength=n) for k in range(3)], axis=1
        )
        for family, rows in event_stats.items()
    }
    out = {}
    for i, value in enumerate(groups.values):
        prf = {}
        for metric, by_slice in sums.items():
            tp, possible, actual = (int(x) for x in by_slice[i])
            prf[metric] = PRF(tp, actual - tp, possible - tp)
        out[value] = dataclasses.replace(slices[value], events=prf)
    return out


def known_labels(gold_labels: Iterable[str], label_set: Sequence[str] | None) -> set[str]:
    """The gold label set: the declared one, else the labels of the gold documents."""
    return set(label_set) if label_set is not None else set(gold_labels)


def transform_predictions(pred: Table, options: Options, *, known: Collection[str]) -> tuple[Table, Dropped]:
    """``--min-score``, then ``--label-map``, then ``--drop-unknown-labels`` (labels not in
    ``known``); what they dropped."""
    from . import transform

    dropped = transform.Dropped()
    if options.min_score is not None:
        pred, dropped.below_score = transform.min_score(pred, options.min_score)
    if options.label_map is not None:
        pred, dropped.mapped_to_null = transform.map_labels(pred, options.label_map)
    if options.drop_unknown_labels:
        pred, dropped.unknown = transform.drop_unknown(pred, known)
    return pred, dropped


def _ground(pred: Table, options: Options) -> tuple[Table, Any, Sequence[Any]]:
    from .grounding import ground

    assert options.ground is not None
    result = ground(pred.to_documents(), policy=options.ground, fuzzy=options.ground_fuzzy)
    table = Table.from_documents(result.documents, path=pred.path, format=pred.format, sha256=pred.sha256)
    return table, result.grounding, result.ungrounded


def _mark_ungrounded(errors: tuple[ErrorCase, ...], ungrounded: Sequence[Any]) -> tuple[ErrorCase, ...]:
    """Spurious error cases at a grounding placeholder become ``ungrounded`` cases (offsets -1)."""
    if not ungrounded:
        return errors
    where = {(u.doc_id, u.start): u for u in ungrounded}
    out = []
    for e in errors:
        u = where.get((e.doc_id, e.start)) if e.kind == "spurious" else None
        out.append(e if u is None else ErrorCase(e.doc_id, "ungrounded", -1, -1, u.label, None, "", u.text, ""))
    return tuple(out)


def _thresholds(gold: Table, pred: Table, labels: Sequence[str] | None) -> Any:
    """``--sweep-scores`` over gold and predictions coded alike (gold document numbering)."""
    import numpy as np

    from .sweep import score_thresholds
    from .transform import scores_column

    present = set(gold.label_names) | set(pred.label_names)
    names = sorted(present & set(labels) if labels else present)
    index = {n: i for i, n in enumerate(names)}
    doc_index = {d: i for i, d in enumerate(gold.ids)}

    def columns(t: Table, doc_map: Any) -> tuple[Any, Any, Any, Any, Any]:
        recode = np.asarray([index.get(n, -1) for n in t.label_names] or [0], dtype=np.int64)
        doc, code = doc_map[t.doc], recode[t.label_codes]
        keep = (doc >= 0) & (code >= 0)
        return doc[keep], t.start[keep], t.end[keep], code[keep], keep

    g = columns(gold, np.arange(len(gold), dtype=np.int64))
    pred_map = np.fromiter((doc_index.get(x, -1) for x in pred.ids), dtype=np.int64, count=len(pred))
    p = columns(pred, pred_map)
    scores = scores_column(pred)[p[4]]
    return score_thresholds(g[:4], p[:4], scores, tuple(names))


def _score_events(
    gold: Table, pred: Table, documents: Callable[[], tuple[list[Document], list[Document]]], options: Options
) -> tuple[EventScores, DocStats] | None:
    if not (has_events(gold) or has_events(pred)):
        return None
    if options.level is Level.DOCUMENT:
        from .docmatch import offset_free_events
        from .events import validate_events

        gold_docs, pred_docs = documents()
        _raise_if([p for d in gold_docs + pred_docs for p in validate_events(d, require_offsets=False)])
        return offset_free_events(gold_docs, pred_docs, aliases=options.aliases)
    _raise_if([p for found in event_problems(gold, pred) for p in found])
    return event_scores(gold, pred)


def _offset_free(gold: list[Document], pred: list[Document], options: Options) -> tuple[Any, DocStats]:
    from .docmatch import score_offset_free

    return score_offset_free(gold, pred, aliases=options.aliases, labels=options.labels)
