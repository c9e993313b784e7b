"""The JUnit XML rendering, so that CI systems show gate checks as test results.

One ``<testsuite name="goldbench">`` inside ``<testsuites>``. With a gate: one
``<testcase classname="goldbench.gate" name="<metric>-<check kind>">`` per check, a breach
carrying ``<failure>``. Without a gate: one passing ``<testcase classname="goldbench.scores"
name="entities.<scheme>.f1">`` per micro scheme, its value in ``<system-out>``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..report import Check, Report
from .common import number, optional_number, schemes_of

SUITE = "goldbench"
# Characters XML 1.0 cannot hold even escaped; dropped from any text we write.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render_junit(report: Report) -> str:
    suites = ET.Element("testsuites", name=SUITE)
    suite = ET.SubElement(suites, "testsuite", name=SUITE)
    properties = ET.SubElement(suite, "properties")
    for name, value in _properties(report):
        ET.SubElement(properties, "property", name=name, value=_clean(value))
    seconds = f"{report.run.seconds:.3f}" if report.run is not None else "0"
    if report.gate is not None:
        for check in report.gate.checks:
            _check_case(suite, check)
        failures = sum(not c.passed for c in report.gate.checks)
        tests = len(report.gate.checks)
    else:
        schemes = schemes_of(report)
        for scheme in schemes:
            f1 = report.entities.micro[scheme].metrics.f1
            case = ET.SubElement(suite, "testcase", classname=f"{SUITE}.scores", name=f"entities.{scheme.value}.f1")
            case.set("time", "0")
            ET.SubElement(case, "system-out").text = f"entities.{scheme.value}.f1 = {f1!r}"
        failures = 0
        tests = len(schemes)
    for element in (suites, suite):
        element.set("tests", str(tests))
        element.set("failures", str(failures))
        element.set("errors", "0")
        element.set("skipped", "0")
        element.set("time", seconds)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _properties(report: Report) -> list[tuple[str, str]]:
    out = [
        ("gold.path", report.gold.path),
        ("gold.sha256", report.gold.sha256),
        ("predictions.path", report.predictions.path),
        ("predictions.sha256", report.predictions.sha256),
        ("level", report.level.value),
    ]
    if report.gate is not None and report.gate.baseline_path is not None:
        out.append(("baseline.path", report.gate.baseline_path))
    return out


def _check_case(suite: ET.Element, check: Check) -> None:
    name = _clean(f"{check.metric}-{check.kind.value}")
    case = ET.SubElement(suite, "testcase", classname=f"{SUITE}.gate", name=name, time="0")
    details = (
        f"metric {check.metric}: value {optional_number(check.value)}, threshold {number(check.threshold)}, "
        f"baseline {optional_number(check.baseline)}"
    )
    if check.passed:
        ET.SubElement(case, "system-out").text = _clean(f"{check.message}\n{details}")
    else:
        failure = ET.SubElement(case, "failure", message=_clean(check.message), type=check.kind.value)
        failure.text = _clean(details)


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)
