"""Relations stated in free text, and their resolution within one list."""

from __future__ import annotations

from smartsanctions.sources.build import new_record, put
from smartsanctions.sources.relations import find_relations, resolve_relations


def _mentions(text: str) -> list[tuple[str, str, str, bool]]:
    return [(m.kind, m.relationship, m.name, m.target_holds_role) for m in find_relations(text)]


def test_uk_style_family_sentences() -> None:
    text = "(UK Sanctions List Ref):SYR0134. Brother of Basher Al Assad and first cousin of Rami Makhlouf."
    assert _mentions(text) == [
        ("family", "brother", "Basher Al Assad", True),
        ("family", "first cousin", "Rami Makhlouf", True),
    ]


def test_titles_are_not_part_of_the_name() -> None:
    assert _mentions("Wife of President Bashar Al Asad") == [("family", "wife", "Bashar Al Asad", True)]


def test_named_relative_points_the_other_way() -> None:
    assert _mentions("Wife's name: Saja Hamid al-Dulaimi.") == [("family", "wife", "Saja Hamid al-Dulaimi", False)]


def test_ofac_linked_to_keeps_legal_form_and_every_link() -> None:
    text = "DOB 11 Apr 1960; Linked To: AGROPECUARIA LA ROBLEDA S.A.; Linked To: GANADERIAS DEL VALLE S.A."
    assert [m[2] for m in _mentions(text)] == ["AGROPECUARIA LA ROBLEDA S.A", "GANADERIAS DEL VALLE S.A"]


def test_relations_of_third_parties_are_not_the_entrys() -> None:
    assert _mentions("Close to Maher al-Assad, younger brother of President Bashar al-Assad.") == []
    assert _mentions("A close business associate to Rami Makhlouf (regime supporter and cousin of Bashar al-Assad).") == [
        ("associate", "business associate", "Rami Makhlouf", True)
    ]
    assert _mentions("In particular, it is or was managed by the brother-in-law of Bashar al-Assad, Mohammad Makhlouf") == []
    # ... while the entry's own relations still count.
    assert _mentions("Member of the Assad family; cousin of President Bashar Al-Assad") == [
        ("family", "cousin", "Bashar Al-Assad", True)
    ]
    assert _mentions("Close associate and cousin of President Bashar AL-ASSAD") == [("family", "cousin", "Bashar AL-ASSAD", True)]


def test_prose_without_relations_yields_nothing() -> None:
    assert _mentions("Member of the Assad family; involved in the violent repression.") == []
    assert _mentions("") == []


def _person(list_id: str, local: str, name: str, remark: str = ""):  # type: ignore[no-untyped-def]
    record = new_record(list_id, local, "Person")
    put(record.target, "name", name)
    record.mentions.extend(find_relations(remark))
    return record


def test_resolution_links_to_the_listed_relative_and_keeps_unlisted_ones() -> None:
    bashar = _person("gb-ofsi", "1", "AL-ASSAD Bashar")
    maher = _person("gb-ofsi", "2", "AL-ASSAD Maher", "Brother of Bashar Al Assad and cousin of Nobody Listed Here.")
    resolve_relations([bashar, maher])
    family = [e for e in maher.extras if e.schema.name == "Family"]
    assert len(family) == 2
    listed = next(e for e in family if "brother" in e.get("relationship"))
    # Maher is Bashar's brother: person = Bashar, relative = Maher.
    assert listed.get("person") == [bashar.id] and listed.get("relative") == [maher.id]
    unlisted = next(e for e in family if "cousin" in e.get("relationship"))
    party_id = unlisted.get("person")[0]
    party = next(e for e in maher.extras if e.id == party_id)
    assert party.schema.name == "Person" and party.get("name") == ["Nobody Listed Here"]
