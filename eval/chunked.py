"""Scoring a corpus in document chunks, with memory bounded by the chunk.

Every count of a report is a sum over documents, so ``score_chunks`` scores each
``(gold chunk, prediction chunk)`` pair on its own and adds the counts up; what needs the whole
corpus (macro averages, the confusion matrix, notes with counts, the first error cases, the
order of validation problems) is made at the end from the merged counts. The result equals
``score_tables`` on the concatenated tables (tests/eval/test_chunked_equal_whole.py).

Kept between chunks: per document only its ``doc_stats`` rows, its slice (``slice_by``), its
per-document counts (``per_document``) and, for the duplicate-id checks, its id and line in a
compact ``eval.ids.SeenIds`` (~40 bytes for gold, as much for predictions); per label the summed
counts; at most ``max_errors + 1`` error candidates of each kind.
``Outcome.gold`` is None: the gold set is never held whole.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .counts import PRF, add_by_key
from .entities import DocStats, EntityCounts
from .errors import Problem, UsageError, ValidationError
from .ids import SeenIds
from .pipeline import (
    Options,
    Outcome,
    entity_counts,
    event_problems,
    event_scores,
    has_events,
    known_labels,
    transform_predictions,
    with_event_slices,
)
from .report import EVENT_METRICS, EventErrorCase, EventScores, Level, Report, SliceScores, Source
from .slices import JOIN, Grouping, SliceKind, SliceSpec, capped, group_with_problems, parse_slices
from .table import Table
from .transform import Dropped
from .validate import PairCounts, pair_notes, pair_parts, table_problems

# Validation stages, in the order the whole path raises them: only the problems of the first
# stage that has any are raised, so a chunk runs the later stages only while they can matter.
GOLD, PRED, PAIR, SLICES, EVENTS, EVENT_ITEMS = range(6)


def chunkable(options: Options) -> bool:
    """Whether ``score_chunks`` can score with these options (else score the whole tables).

    Not in chunks: ``--sweep-scores`` (thresholds over all scores), ``--ground``,
    ``--level document`` and ``length:N`` slices (equal-count groups of the whole corpus).
    """
    if options.sweep_scores or options.ground is not None or options.level is not Level.MENTION:
        return False
    try:
        specs = parse_slices(options.slice_by) if options.slice_by else []
    except UsageError:
        return False  # the whole path says what is wrong with the spec
    return all(s.kind is not SliceKind.LENGTH for s in specs)


def score_chunks(
    pairs: Iterable[tuple[Table, Table]], *, options: Options, label_set: Sequence[str] | None = None
) -> Outcome:
    """Check and score gold chunks against the predictions of their documents, chunk by chunk.

    Every gold document is in exactly one gold chunk, in gold order; a prediction chunk holds
    predictions of its gold chunk's documents (same relative order) and may hold predicted
    documents that are in no gold chunk. Gold chunks are checked as ``load_gold`` checks a
    gold set, then the result equals ``score_tables(Table.concat(golds), Table.concat(preds))``:
    the same report, ``doc_stats`` and ``ValidationError``. Sources (path, sha256) are the last
    chunks'. With ``--drop-unknown-labels`` and no ``label_set``, a label dropped as unknown
    that a later gold chunk uses raises ``UsageError`` (pass the gold label set).
    """
    if not chunkable(options):
        raise UsageError("these options need the whole corpus; score it with score_tables")
    run = _Run(options, label_set)
    for gold, pred in pairs:
        run.add(gold, pred)
    return run.outcome()


@dataclass
class _Events:
    """Event scores summed over chunks, and the chunks' doc_stats (None: a chunk without events)."""

    scores: EventScores | None = None
    stats: list[tuple[int, DocStats | None]] = field(default_factory=list)
    errors: list[EventErrorCase] = field(default_factory=list)

    def add(self, scores: EventScores) -> None:
        if self.scores is None:
            self.scores = scores
            return
        s = self.scores
        self.scores = EventScores(
            add_by_key(s.micro, scores.micro), _add_nested(s.types, scores.types), _add_nested(s.roles, scores.roles)
        )

    def doc_stats(self) -> DocStats:
        families = [f"events.{m}" for m in EVENT_METRICS]
        return {
            f: np.concatenate([s[f] if s is not None else np.zeros((n, 3)) for n, s in self.stats]) for f in families
        }


def _add_nested(a: dict[str, dict[str, PRF]], b: dict[str, dict[str, PRF]]) -> dict[str, dict[str, PRF]]:
    out = dict(a)
    for k, v in b.items():
        out[k] = add_by_key(out[k], v) if k in out else v
    return dict(sorted(out.items()))


class _Run:
    """The state of one chunked run: what survives a chunk."""

    def __init__(self, options: Options, label_set: Sequence[str] | None) -> None:
        self.options = options
        self.label_set = label_set
        self.specs: list[SliceSpec] = parse_slices(options.slice_by) if options.slice_by else []
        self.gold_lines = SeenIds()  # every id so far, with the line of its first use
        self.pred_lines = SeenIds()
        self.gold_problems: list[list[Problem]] = []
        self.pred_problems: list[list[Problem]] = []
        self.extra_problems: list[Problem] = []
        self.text_problems: list[Problem] = []
        self.slice_problems: list[Problem] = []
        self.gold_event_problems: list[Problem] = []
        self.pred_event_problems: list[Problem] = []
        self.item_problems: list[Problem] = []
        self.worst: int | None = None  # the first stage with problems
        self.gold_labels: set[str] = set()
        self.unknown_dropped: set[str] = set()
        self.dropped = Dropped()
        self.pair = PairCounts()
        self.reader_notes: dict[str, None] = {}
        self.entities: EntityCounts | None = None
        self.events = _Events()
        self.groups: list[Grouping] = []
        self.n_gold = self.n_pred = 0
        self.gold_source = self.pred_source = ("", "")

    def failed(self, stage: int) -> None:
        self.worst = stage if self.worst is None else min(self.worst, stage)

    def runs(self, stage: int) -> bool:
        """Whether this stage's problems can still be raised (no earlier stage has any)."""
        return self.worst is None or self.worst >= stage

    def add(self, gold: Table, pred: Table) -> None:
        o = self.options
        self.n_gold += len(gold)
        self.n_pred += len(pred)
        self.gold_source, self.pred_source = (gold.path, gold.sha256), (pred.path, pred.sha256)
        self.gold_labels.update(gold.label_names)
        _extend(self.gold_problems, table_problems(gold, gold=True, first_line=self.gold_lines), self, GOLD)
        _extend(self.pred_problems, table_problems(pred, first_line=self.pred_lines), self, PRED)
        self.reader_notes.update(dict.fromkeys(pred.notes))
        known = known_labels(self.gold_labels, self.label_set)
        pred, dropped = transform_predictions(pred, o, known=known)
        if self.label_set is None:
            self.unknown_dropped.update(dropped.unknown)
        self.dropped.add(dropped)
        extras, texts, counts = pair_parts(gold, pred, allow_extra=o.allow_extra)
        self.extra_problems += extras
        self.text_problems += texts
        self.pair.add(counts)
        if extras or texts:
            self.failed(PAIR)
        if not self.runs(SLICES):
            return
        grouping = None
        if self.specs:
            found: list[Problem] = []
            grouping = group_with_problems(self.specs, gold, found)
            self.slice_problems += found
            if found:
                self.failed(SLICES)
        event_stats = self._events(gold, pred)
        if self.worst is not None:
            return
        self._entities(gold, pred, grouping, event_stats)

    def _events(self, gold: Table, pred: Table) -> DocStats | None:
        """Check and score the chunk's events (stages EVENTS, EVENT_ITEMS); their doc_stats."""
        if not (has_events(gold) or has_events(pred)):
            self.events.stats.append((len(gold), None))
            return None
        if not self.runs(EVENTS):
            return None
        found_gold, found_pred = event_problems(gold, pred)
        self.gold_event_problems += found_gold
        self.pred_event_problems += found_pred
        if found_gold or found_pred:
            self.failed(EVENTS)
        if not self.runs(EVENT_ITEMS):
            return None
        try:
            scores, stats = event_scores(gold, pred)
        except ValidationError as e:  # an argument that cannot be resolved to offsets
            self.item_problems += e.problems
            self.failed(EVENT_ITEMS)
            return None
        self.events.add(scores)
        self.events.stats.append((len(gold), stats))
        o = self.options
        if o.details and len(self.events.errors) < o.max_errors:
            from .events import event_error_cases

            limit = o.max_errors - len(self.events.errors)
            self.events.errors += event_error_cases(gold.to_documents(), pred.to_documents(), limit=limit)
        return stats

    def _entities(self, gold: Table, pred: Table, grouping: Grouping | None, event_stats: DocStats | None) -> None:
        taken = self.entities.taken if self.entities is not None else (0, 0, 0)
        counts = entity_counts(gold, pred, self.options, grouping, taken)
        if grouping is not None:
            self.groups.append(grouping)
            if event_stats is not None and counts.slices is not None:
                plain = {v: s for v, (_, s) in counts.slices.items()}
                with_events = with_event_slices(plain, grouping, event_stats)
                counts.slices = {v: (key, with_events[v]) for v, (key, _) in counts.slices.items()}
        if self.entities is None:
            self.entities = counts
        else:
            self.entities.add(counts)

    def _raise(self) -> None:
        stage = self.worst
        if stage is None:
            return
        from .events import _capped

        pair = self.extra_problems + self.text_problems
        problems = {
            GOLD: lambda: _flat(self.gold_problems),
            PRED: lambda: _flat(self.pred_problems) + pair,
            PAIR: lambda: pair,
            EVENTS: lambda: self.gold_event_problems + self.pred_event_problems,
            EVENT_ITEMS: lambda: _capped(self.item_problems),
        }
        if stage == SLICES:
            raise capped(self.slice_problems, self.gold_source[0])
        raise ValidationError(problems[stage]())

    def outcome(self) -> Outcome:
        if not self.n_gold and self.entities is None and self.worst is None:
            raise UsageError("no chunks to score; give at least one gold chunk")
        self._raise()
        assert self.entities is not None
        o = self.options
        if self.unknown_dropped & self.gold_labels:
            late = ", ".join(sorted(self.unknown_dropped & self.gold_labels))
            raise UsageError(
                f"--drop-unknown-labels dropped predictions labelled {late} before a later gold chunk used the "
                "label; pass the gold label set (label_set) to score in chunks"
            )
        result = self.entities.result(o.max_errors)
        stats = result.doc_stats
        scored_events = self.events.scores is not None
        if scored_events:
            stats = {**stats, **self.events.doc_stats()}
        groups = self._grouping()
        slices = result.slices
        if slices is not None and scored_events:
            slices = {v: _all_event_metrics(s) for v, s in slices.items()}
        # A transformation that rebuilds the table drops the reader's notes (as score_tables does).
        rebuilt = o.label_map is not None or self.dropped.below_score or self.dropped.unknown
        reader_notes = () if rebuilt else tuple(self.reader_notes)
        known = known_labels(self.gold_labels, self.label_set)
        notes = (
            *reader_notes,
            *self.dropped.notes(o.min_score),
            *pair_notes(self.pair, allow_extra=o.allow_extra, known=known),
        )
        report = Report(
            gold=Source(*self.gold_source, self.n_gold),
            predictions=Source(*self.pred_source, self.n_pred),
            entities=result.scores,
            level=o.level,
            schemes=o.schemes,
            events=self.events.scores,
            notes=notes,
            errors=result.errors,
            confusion=result.confusion,
            settings=o.settings(),
            event_errors=tuple(self.events.errors) if o.details and scored_events else (),
            slices={groups.name: slices} if groups is not None and slices is not None else None,
        )
        return Outcome(report, stats, None, groups)

    def _grouping(self) -> Grouping | None:
        """The slices of every gold document, values merged by name across chunks."""
        if not self.groups:
            return None
        order: dict[str, tuple[object, ...]] = {}
        for g in self.groups:
            order.update(zip(g.values, g.order, strict=True))
        values = tuple(sorted(order, key=order.__getitem__))
        index = {v: i for i, v in enumerate(values)}
        codes = [np.asarray([index[v] for v in g.values], dtype=np.int64)[g.codes] for g in self.groups if len(g.codes)]
        all_codes = np.concatenate(codes) if codes else np.zeros(0, dtype=np.int64)
        name = JOIN.join(s.name for s in self.specs)
        return Grouping(name, values, all_codes, {}, tuple(order[v] for v in values))


def _all_event_metrics(s: SliceScores) -> SliceScores:
    """Every event metric of a slice (zero where its documents have no events), in report order."""
    events = s.events or {}
    return dataclasses.replace(s, events={m: events.get(m, PRF()) for m in EVENT_METRICS})


def _extend(into: list[list[Problem]], kinds: list[list[Problem]], run: _Run, stage: int) -> None:
    if not into:
        into.extend([] for _ in kinds)
    for mine, more in zip(into, kinds, strict=True):
        mine += more
    if any(kinds):
        run.failed(stage)


def _flat(kinds: list[list[Problem]]) -> list[Problem]:
    return [p for kind in kinds for p in kind]
