"""JUnit XML parses, and its tests/failures counts match the gate (or the micro schemes)."""

from __future__ import annotations

import dataclasses
import runpy
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

from eval.render.junit import render_junit
from eval.report import Check, CheckKind, Gate

reports = SimpleNamespace(**runpy.run_path(str(Path(__file__).parents[1] / "fixtures" / "render" / "reports.py")))


def _suite(text: str) -> ET.Element:
    root = ET.fromstring(text.encode())
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 1 and suites[0].get("name") == "goldbench"
    assert root.get("tests") == suites[0].get("tests") and root.get("failures") == suites[0].get("failures")
    return suites[0]


def test_one_testcase_per_gate_check_with_failures_counted() -> None:
    report = reports.make_report(with_gate=False)
    suite = _suite(render_junit(report))
    cases = suite.findall("testcase")
    checks = report.gate.checks
    assert [c.get("name") for c in cases] == [f"{c.metric}-{c.kind.value}" for c in checks]
    assert {c.get("classname") for c in cases} == {"goldbench.gate"}
    failed = [c for c in cases if c.find("failure") is not None]
    assert int(suite.get("tests", "-1")) == len(checks)
    assert int(suite.get("failures", "-1")) == len(failed) == sum(not c.passed for c in checks)
    for case, check in zip(cases, checks, strict=True):
        failure = case.find("failure")
        assert (failure is None) == check.passed
        if failure is not None:
            assert failure.get("message") == check.message


def test_a_passing_gate_has_no_failures() -> None:
    suite = _suite(render_junit(reports.make_report(with_gate=True)))
    assert suite.get("failures") == "0"
    assert not suite.findall("testcase/failure")


def test_without_a_gate_one_passing_case_per_micro_scheme() -> None:
    report = reports.make_report()
    suite = _suite(render_junit(report))
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == [f"entities.{s.value}.f1" for s in report.schemes]
    assert int(suite.get("tests", "-1")) == len(report.schemes) and suite.get("failures") == "0"
    strict = report.entities.micro[report.schemes[0]].metrics.f1
    assert cases[0].findtext("system-out") == f"entities.strict.f1 = {strict!r}"


def test_markup_and_control_characters_still_parse() -> None:
    bad = "value <b>&</b> \x00\x1b dropped"
    gate = Gate((Check("entities.labels.<x>.strict.f1", CheckKind.FLOOR, 0.5, 0.1, None, False, bad),))
    report = dataclasses.replace(reports.make_report(paths=("gold/a&b<c>.jsonl", "p.jsonl")), gate=gate)
    suite = _suite(render_junit(report))
    gold_path = suite.find("properties/property[@name='gold.path']")
    assert gold_path is not None and gold_path.get("value") == "gold/a&b<c>.jsonl"
    failure = suite.find("testcase/failure")
    assert failure is not None
    assert failure.get("message") == "value <b>&</b>  dropped"
    case = suite.find("testcase")
    assert case is not None and case.get("name") == "entities.labels.<x>.strict.f1-floor"
