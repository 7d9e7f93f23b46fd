"""StaffRoster: loading with path:line errors, routing of cases to rooms, office hours."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.handover.roster import load_roster
from bot.messages import ChannelName, ChatId, ConversationRef

REPO = Path(__file__).resolve().parents[2]

TWO_ROOMS = """\
members:
  - name: Ana
    identities: {matrix: "@ana:x", telegram: 5001}
    districts: [nordstadt]
    languages: [de, ro]
  - name: Jonas
    identities: {matrix: "@jonas:x"}
    languages: [de, uk]
rooms:
  - channel: matrix
    chat_id: "!ro:x"
    languages: [ro, bg]
    offices: [migrado]
  - channel: telegram
    chat_id: -1001234
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "roster.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_roster_is_valid() -> None:
    roster = load_roster(REPO / "deploy" / "staff-roster.example.yaml")
    assert roster.room_ids("matrix")
    assert roster.publishes_hours


def test_identities_are_per_channel_and_numbers_become_text(tmp_path: Path) -> None:
    roster = load_roster(write(tmp_path, TWO_ROOMS))
    ana = roster.member("telegram", "5001")
    assert ana is not None and ana.name == "Ana"
    assert roster.member("matrix", "5001") is None
    assert roster.member("matrix", "@mallory:x") is None
    assert roster.room_ids("telegram") == frozenset({"-1001234"})


def test_a_case_goes_first_to_rooms_of_its_language_else_to_all(tmp_path: Path) -> None:
    roster = load_roster(write(tmp_path, TWO_ROOMS))
    assert [r.chat_id for r in roster.first_rooms("ro", "nordstadt")] == ["!ro:x", "-1001234"]
    assert [r.chat_id for r in roster.first_rooms("ro", None)] == ["!ro:x", "-1001234"]
    assert [m.name for m in roster.suited_members("ro", "nordstadt")] == ["Ana"]
    assert [m.name for m in roster.suited_members("ro", "brackel")] == []
    assert [m.name for m in roster.suited_members("uk", "brackel")] == ["Jonas"]
    assert [r.chat_id for r in roster.rooms_for_office("migrado")] == ["!ro:x", "-1001234"]
    assert [r.chat_id for r in roster.rooms_for_office("other")] == ["-1001234"]
    room = roster.room(
        ConversationRef(channel=ChannelName("telegram"), chat_id=ChatId("-1001234"))
    )
    assert room is not None


def test_only_matching_rooms_see_a_case_first(tmp_path: Path) -> None:
    text = TWO_ROOMS.replace("  - channel: telegram\n    chat_id: -1001234\n", "") + (
        "  - channel: telegram\n    chat_id: -1001234\n    languages: [uk]\n"
    )
    roster = load_roster(write(tmp_path, text))
    assert [r.chat_id for r in roster.first_rooms("ro", None)] == ["!ro:x"]
    assert [r.chat_id for r in roster.first_rooms("ar", None)] == ["!ro:x", "-1001234"]


def test_errors_name_file_and_line(tmp_path: Path) -> None:
    broken = TWO_ROOMS.replace("languages: [de, uk]", "languages: [de, xx]").replace(
        "    districts: [nordstadt]\n", "    districts: [nordstadt]\n    phone: 123\n"
    )
    path = write(tmp_path, broken)
    with pytest.raises(ConfigError) as caught:
        load_roster(path)
    lines = str(caught.value).splitlines()
    assert any(line.startswith(f"{path}:5: unknown key 'phone'") for line in lines), lines
    assert any(line.startswith(f"{path}:9: ") and "xx" in line for line in lines), lines


def test_one_identity_cannot_be_two_people(tmp_path: Path) -> None:
    path = write(tmp_path, TWO_ROOMS.replace('"@jonas:x"', '"@ana:x"'))
    with pytest.raises(ConfigError, match=rf"{path}:7: matrix identity is also Ana's"):
        load_roster(path)


def test_topics_are_for_telegram_groups_only(tmp_path: Path) -> None:
    forum = load_roster(write(tmp_path, TWO_ROOMS + "    topics: true\n"))
    assert [room.topics for room in forum.rooms] == [False, True]
    on_matrix = TWO_ROOMS.replace("    offices: [migrado]\n", "    topics: true\n")
    path = write(tmp_path, on_matrix)
    with pytest.raises(ConfigError, match=rf"{path}:\d+: .*only for a Telegram group"):
        load_roster(path)


def test_yaml_syntax_errors_name_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "members:\n  - name: [unclosed\n")
    with pytest.raises(ConfigError, match=rf"^{path}:\d+: YAML syntax"):
        load_roster(path)


def test_office_hours_in_berlin_time(tmp_path: Path) -> None:
    hours = 'office_hours:\n  thu: ["09:00-16:00"]\n  mon: ["08:30-12:00"]\n'
    roster = load_roster(write(tmp_path, hours + TWO_ROOMS))
    thursday_10_berlin = datetime(2026, 11, 19, 9, 0, tzinfo=UTC)
    assert roster.at_work(thursday_10_berlin)
    thursday_17_berlin = datetime(2026, 11, 19, 16, 0, tzinfo=UTC)
    assert not roster.at_work(thursday_17_berlin)
    opening = roster.next_opening(thursday_17_berlin)
    assert opening == datetime(2026, 11, 23, 7, 30, tzinfo=UTC)  # Monday 08:30 in Berlin


def test_without_hours_there_is_no_next_opening(tmp_path: Path) -> None:
    roster = load_roster(write(tmp_path, TWO_ROOMS))
    assert not roster.publishes_hours
    assert roster.next_opening(datetime(2026, 11, 19, 9, 0, tzinfo=UTC)) is None
