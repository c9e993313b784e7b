"""The labeling config made from the schema: committed copy in sync, deterministic, the right
controls, accepted by label-studio-sdk, and compared ignoring layout."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from annotate.schema import (
    DEFAULT_LABELING_CONFIG_PATH,
    EntityLabel,
    EventType,
    Role,
    Schema,
    config_difference,
    configs_equal,
    labeling_config,
    load_schema,
    main,
)


def test_committed_labeling_xml_equals_the_config_made_from_schema_yaml() -> None:
    committed = DEFAULT_LABELING_CONFIG_PATH.read_text(encoding="utf-8")
    assert committed == labeling_config(load_schema()), (
        "configs/labeling.xml is stale: run .venv/bin/python -m annotate.schema > configs/labeling.xml"
    )


def test_config_has_one_label_per_entity_label_event_type_and_role() -> None:
    schema = load_schema()
    root = ET.fromstring(labeling_config(schema))
    assert root.tag == "View"
    text = root.find("Text")
    assert text is not None and text.attrib == {"name": "text", "value": "$text"}
    (group,) = root.findall("Labels")  # one group: a region carries one label, entity or trigger
    assert group.attrib == {"name": "label", "toName": "text", "choice": "single"}
    labels = list(group)
    n = len(schema.entity_labels)
    entity = [(x.get("value"), x.get("background"), x.get("hint"), x.get("html")) for x in labels[:n]]
    assert entity == [(e.name, e.color, e.description, None) for e in schema.entity_labels]
    assert [x.get("value") for x in labels[n:]] == list(schema.event_type_names())
    assert all(f"{x.get('value')}</b>" in (x.get("html") or "") for x in labels[n:])  # triggers drawn apart
    relations = root.find("Relations")
    assert relations is not None
    assert [r.get("value") for r in relations.findall("Relation")] == list(schema.role_names())


def test_output_is_deterministic_and_escapes_attribute_text() -> None:
    tricky = Schema(
        (EntityLabel("PERSON", 'Say "X" & <not> Y', "#123456"),),
        (EventType("Meet", "A meeting.", "met", (Role("Participant", ("PERSON",)),)),),
    )
    one = labeling_config(tricky)
    assert one == labeling_config(tricky)
    label = ET.fromstring(one).find("Labels/Label")
    assert label is not None and label.get("hint") == 'Say "X" & <not> Y'
    assert one.endswith("</View>\n")


def test_label_studio_sdk_accepts_the_config() -> None:
    interface = pytest.importorskip("label_studio_sdk.label_interface").LabelInterface
    schema = load_schema()
    li = interface(labeling_config(schema))
    names = {(c.name, c.tag) for c in li.controls}
    assert names == {("label", "Labels")}
    assert list(li.get_control("label").labels) == [*schema.entity_label_names(), *schema.event_type_names()]


CONFIG = labeling_config(load_schema())


def test_configs_equal_ignores_whitespace_attribute_order_and_comments() -> None:
    reflowed = CONFIG.replace("\n  ", "\n\t\t").replace(
        '<Labels name="label" toName="text" choice="single">',
        "<!-- entities and triggers -->\n<Labels  choice='single' toName='text'  name='label' >",
    )
    assert reflowed != CONFIG
    assert configs_equal(CONFIG, reflowed)
    assert config_difference(CONFIG, reflowed) is None


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (('value="PERSON"', 'value="PER"'), "attribute value='PERSON' where the other has 'PER'"),
        (('<Relation value="Agent"/>', ""), "child elements"),
        (('<Text name="text" value="$text"/>', '<Text name="text" value="$body"/>'), "value='$text'"),
    ],
)
def test_configs_differ_when_labels_roles_or_data_key_differ(change: tuple[str, str], where: str) -> None:
    other = CONFIG.replace(*change, 1)
    assert not configs_equal(CONFIG, other)
    difference = config_difference(CONFIG, other)
    assert difference is not None and where in difference


def test_malformed_config_is_never_equal() -> None:
    assert not configs_equal(CONFIG, CONFIG[:-10])
    assert "not well-formed" in (config_difference(CONFIG, "<View>") or "")


def test_module_main_prints_the_config(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main([]) == 0
    assert capsys.readouterr().out == CONFIG
    assert main([str(tmp_path / "missing" / "schema.yaml")]) == 2
    assert "no such schema file" in capsys.readouterr().err
