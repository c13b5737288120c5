"""The storage under the API: LogStorage (file mode) and Database in both modes, unit by unit."""

from __future__ import annotations

import json
import shutil

import pytest
from tinydb import TinyDB
from tinydb.storages import JSONStorage

from mock_enswitch.store.database import Database
from mock_enswitch.store.logstorage import CorruptDatabase, LogStorage

DIRECTORY = {
    "customers": [{"id": 1, "name": "C", "parent": 0, "rate_plan": 1}],
    "people": [],
    "roles": [],
    "rate_plans": [{"id": 1, "name": "P", "privileges": ["recording"]}],
}
GROUPS = [{"id": 1, "customer": 1, "name": "one"}, {"id": 40, "customer": 1, "name": "forty"}]


@pytest.fixture(params=["memory", "file"])
def db(request, tmp_path):
    database = Database(None if request.param == "memory" else tmp_path / "db.json")
    database.replace_all(DIRECTORY, GROUPS)
    yield database
    database.close()


def test_groups_are_stored_and_listed_in_id_order(db):
    new = db.insert_group({"customer": 1, "name": "new"})
    assert new == 41  # after the highest seeded id
    assert [g["id"] for g in db.groups()] == [1, 40, 41]
    db.update_group(40, {"name": "changed"})
    assert db.group(40)["name"] == "changed"
    db.delete_group(1)
    assert db.group(1) is None
    assert db.record("customers", 1)["name"] == "C"


def test_ids_are_never_reused_after_delete(db):
    first = db.insert_group({"customer": 1, "name": "a"})
    db.delete_group(first)
    assert db.insert_group({"customer": 1, "name": "b"}) == first + 1


def test_replace_all_restarts_ids(db):
    db.insert_group({"customer": 1, "name": "a"})
    db.replace_all(DIRECTORY, GROUPS)
    assert db.insert_group({"customer": 1, "name": "b"}) == 41


def test_a_returned_group_is_a_copy(db):
    db.group(1)["name"] = "mutated"
    assert db.group(1)["name"] == "one"


def test_file_data_survives_a_clean_reopen(tmp_path):
    path = tmp_path / "db.json"
    db = Database(path)
    db.replace_all(DIRECTORY, GROUPS)
    new = db.insert_group({"customer": 1, "name": "kept"})
    db.delete_group(1)
    db.close()
    db = Database(path)
    assert [g["id"] for g in db.groups()] == [40, new]
    assert db.insert_group({"customer": 1, "name": "next"}) == new + 1
    db.close()


def crash_copy(source_dir, target_dir):
    """The files as a SIGKILL would leave them: copied while the storage is still open."""
    target_dir.mkdir()
    for path in source_dir.iterdir():
        shutil.copy(path, target_dir / path.name)


def test_writes_acknowledged_before_a_crash_are_replayed(tmp_path):
    live = tmp_path / "live"
    live.mkdir()
    db = Database(live / "db.json")
    db.replace_all(DIRECTORY, GROUPS)
    ids = [db.insert_group({"customer": 1, "name": f"g{i}"}) for i in range(50)]
    db.update_group(ids[0], {"name": "updated"})
    crash_copy(live, tmp_path / "crashed")  # no close(): nothing compacted
    db.close()
    assert (tmp_path / "crashed" / "db.json.log").stat().st_size > 0
    recovered = Database(tmp_path / "crashed" / "db.json")
    assert [g["id"] for g in recovered.groups()] == [1, 40, *ids]
    assert recovered.group(ids[0])["name"] == "updated"
    recovered.close()


def test_a_torn_last_line_is_dropped_and_the_rest_kept(tmp_path):
    live = tmp_path / "live"
    live.mkdir()
    db = Database(live / "db.json")
    db.replace_all(DIRECTORY, GROUPS)
    kept = db.insert_group({"customer": 1, "name": "kept"})
    crash_copy(live, tmp_path / "crashed")
    db.close()
    with open(tmp_path / "crashed" / "db.json.log", "ab") as log:
        log.write(b'{"table":"record_groups:1","documents":{"41":{"na')  # the crash mid-append
    recovered = Database(tmp_path / "crashed" / "db.json")
    assert recovered.group(kept)["name"] == "kept"
    recovered.close()
    # and the torn line is gone for good: the next open is clean
    again = Database(tmp_path / "crashed" / "db.json")
    assert again.group(kept)["name"] == "kept"
    again.close()


def test_a_corrupt_line_before_the_end_is_an_error_naming_the_file(tmp_path):
    path = tmp_path / "db.json"
    path.write_text("{}")
    (tmp_path / "db.json.log").write_bytes(b'not json\n{"table":"t","documents":{}}\n')
    with pytest.raises(CorruptDatabase, match=r"db\.json\.log: line 1"):
        LogStorage(path)


def test_a_corrupt_snapshot_is_an_error_naming_the_file(tmp_path):
    path = tmp_path / "db.json"
    path.write_text('{"_default": ')
    with pytest.raises(CorruptDatabase, match=r"db\.json: not a valid JSON database"):
        LogStorage(path)


def test_the_snapshot_is_an_ordinary_tinydb_file(tmp_path):
    path = tmp_path / "db.json"
    db = Database(path)
    db.replace_all(DIRECTORY, GROUPS)
    db.insert_group({"customer": 1, "name": "plain"})
    db.close()
    plain = TinyDB(path, storage=JSONStorage)
    names = [
        doc["name"]
        for table in sorted(plain.tables())
        if table.startswith("record_groups")
        for doc in plain.table(table).all()
    ]
    assert sorted(names) == ["forty", "one", "plain"]
    plain.close()


def test_the_log_is_compacted_when_it_outgrows_the_snapshot(tmp_path, monkeypatch):
    monkeypatch.setattr("mock_enswitch.store.logstorage.MIN_LOG_BYTES", 2000)
    path = tmp_path / "db.json"
    db = Database(path)
    db.replace_all(DIRECTORY, GROUPS)
    for i in range(60):
        db.insert_group({"customer": 1, "name": f"group {i}"})
        assert (tmp_path / "db.json.log").stat().st_size <= max(
            2000, 2 * path.stat().st_size
        ) + 4096
    snapshot = json.loads(path.read_text())
    assert any(name.startswith("record_groups") for name in snapshot)
    db.close()
    reopened = Database(path)
    assert len(list(reopened.groups())) == 62
    reopened.close()


def test_fsync_mode_stores_the_same(tmp_path):
    db = Database(tmp_path / "db.json", fsync=True)
    db.replace_all(DIRECTORY, GROUPS)
    new = db.insert_group({"customer": 1, "name": "synced"})
    db.close()
    reopened = Database(tmp_path / "db.json", fsync=True)
    assert reopened.group(new)["name"] == "synced"
    reopened.close()


def test_a_reset_is_one_snapshot_so_a_crash_never_leaves_half_of_it(tmp_path):
    live = tmp_path / "live"
    live.mkdir()
    db = Database(live / "db.json")
    db.replace_all(DIRECTORY, GROUPS)
    kept = db.insert_group({"customer": 1, "name": "before the reset"})
    log_before = (live / "db.json.log").read_bytes()
    db.replace_all(DIRECTORY, [{"id": 7, "customer": 1, "name": "seven"}])
    assert (live / "db.json.log").read_bytes() == b""  # nothing appended piecemeal
    crash_copy(live, tmp_path / "after")
    db.close()
    after = Database(tmp_path / "after" / "db.json")
    assert [g["id"] for g in after.groups()] == [7]
    after.close()
    assert log_before  # the write before the reset went through the log
    assert kept == 41
