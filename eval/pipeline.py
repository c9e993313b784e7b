"""``evaluate`` as one plain function: read, validate, score, assemble the ``Report``.

The CLI only parses options into ``Options``, calls ``evaluate`` and renders the result.
Nothing here prints or exits; bad input raises ``ValidationError``/``FormatError``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .counts import Scheme
from .entities import DocStats, score_entities
from .errors import Problem, ValidationError
from .io import read_manifest
from .model import Document
from .readers import read_corpus, resolve
from .readers.jsonl import read_table
from .report import EventScores, Level, Report, Source
from .table import Table
from .validate import check_pair, check_table

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


@dataclass(frozen=True, slots=True)
class Outcome:
    """The report and what later stages (bootstrap, paired tests) need from the same run."""

    report: Report
    doc_stats: DocStats = field(default_factory=dict)
    gold: Table | None = None


def load_table(path: str | Path, *, fmt: str | None = None, reference: Table | None = None) -> Table:
    """Any supported file as a table; canonical JSONL takes the fast column-wise path."""
    p, spec = resolve(path, fmt)
    if spec.name == "jsonl":  # hashes the file in the same pass
        texts = dict(zip(reference.ids, reference.texts, strict=True)) if reference is not None else None
        return read_table(p, reference=texts)
    corpus = read_corpus(p, fmt=spec.name, reference=_reference(reference) if reference is not None else None)
    return Table.from_documents(corpus.documents, path=corpus.path, format=corpus.format, sha256=corpus.sha256)


def _reference(t: Table) -> dict[str, Document]:
    rows = zip(t.ids, t.texts, t.lines, strict=True)
    return {doc_id: Document(doc_id, text, path=t.path, line=line) for doc_id, text, line in rows}


def gold_label_set(path: str | Path) -> list[str] | None:
    """The label set declared by a gold folder's manifest, if any."""
    manifest = read_manifest(path)
    labels = (manifest.get("entity_labels") or manifest.get("labels")) if manifest else None
    return [str(x) for x in labels] if isinstance(labels, list) else None


def _raise_if(problems: Sequence[Problem]) -> None:
    if problems:
        raise ValidationError(list(problems))


def _has_events(t: Table) -> bool:
    return any(d.events for d in t.documents.values())


def evaluate(
    gold_path: str | Path, pred_path: str | Path, *, options: Options = Options(), gold: Table | None = None
) -> Outcome:
    """Score the predictions at ``pred_path`` against the gold set at ``gold_path``.

    ``gold`` is that gold set already loaded and checked (a second extractor on the same gold).
    """
    gold = gold if gold is not None else load_gold(gold_path)
    pred = load_table(pred_path, fmt=options.pred_format, reference=gold)
    return score_tables(gold, pred, options=options, label_set=gold_label_set(gold_path))


def load_gold(gold_path: str | Path) -> Table:
    """Read and check a gold set; raises ``ValidationError`` listing every problem."""
    gold = load_table(gold_path)
    _raise_if(check_table(gold))
    return gold


def evaluate_extractor(
    gold_path: str | Path,
    extractor: str,
    *,
    options: Options = Options(),
    timeout: float = 600.0,
    progress: Callable[[int, int], None] | None = None,
) -> Outcome:
    """Run ``extractor`` (a command, or ``package.module:function``) on the gold texts and score it."""
    import dataclasses

    from .extractor import run_command, run_function
    from .io import documents_sha256

    gold = load_gold(gold_path)
    inputs = [Document(doc_id, text) for doc_id, text in zip(gold.ids, gold.texts, strict=True)]
    is_function = ":" in extractor and " " not in extractor.strip()
    run = (
        run_function(extractor, inputs, progress=progress)
        if is_function
        else run_command(extractor, inputs, timeout=timeout, progress=progress)
    )
    digest = documents_sha256(run.documents)
    pred = Table.from_documents(run.documents, path=f"<extractor: {extractor}>", format="jsonl", sha256=digest)
    outcome = score_tables(gold, pred, options=options, label_set=gold_label_set(gold_path))
    return dataclasses.replace(outcome, report=dataclasses.replace(outcome.report, run=run.info()))


def score_tables(
    gold: Table, pred: Table, *, options: Options = Options(), label_set: Sequence[str] | None = None
) -> Outcome:
    """Validate predictions against a checked gold table and score them."""
    mention_level = options.level is Level.MENTION
    problems = check_table(pred, offsets_required=mention_level)
    findings = check_pair(gold, pred, allow_extra=options.allow_extra, label_set=label_set)
    _raise_if(problems + findings.problems)
    documents = functools.cache(lambda: (gold.to_documents(), pred.to_documents()))  # small-data paths only
    events = _score_events(gold, pred, documents, options)
    if mention_level:
        result = score_entities(
            gold,
            pred,
            schemes=options.schemes,
            labels=options.labels,
            per_document=options.per_document,
            details=options.details,
            max_errors=options.max_errors,
        )
        scores, stats, errors, confusion = result.scores, result.doc_stats, result.errors, result.confusion
        schemes = options.schemes
    else:
        scores, stats = _offset_free(*documents(), options)
        errors, confusion = (), None
        schemes = (Scheme.STRICT, Scheme.EXACT)
    if events is not None:
        stats = {**stats, **events[1]}
    report = Report(
        gold=Source(gold.path, gold.sha256, len(gold)),
        predictions=Source(pred.path, pred.sha256, len(pred)),
        entities=scores,
        level=options.level,
        schemes=schemes,
        events=events[0] if events is not None else None,
        notes=tuple(findings.notes),
        errors=errors,
        confusion=confusion,
    )
    return Outcome(report, stats, gold)


def _score_events(
    gold: Table, pred: Table, documents: Callable[[], tuple[list[Document], list[Document]]], options: Options
) -> tuple[EventScores, DocStats] | None:
    if not (_has_events(gold) or _has_events(pred)):
        return None
    from .events import score_events_with_stats, validate_events

    gold_docs, pred_docs = documents()
    if options.level is Level.DOCUMENT:
        from .docmatch import offset_free_events

        _raise_if([p for d in gold_docs + pred_docs for p in validate_events(d, require_offsets=False)])
        return offset_free_events(gold_docs, pred_docs, aliases=options.aliases)
    _raise_if([p for d in gold_docs + pred_docs for p in validate_events(d)])
    return score_events_with_stats(gold_docs, pred_docs)


def _offset_free(gold: list[Document], pred: list[Document], options: Options) -> tuple[Any, DocStats]:
    from .docmatch import score_offset_free

    return score_offset_free(gold, pred, aliases=options.aliases, labels=options.labels)
