"""The storage under the API: LogStorage (file mode) and Database in both modes, unit by unit."""

from __future__ import annotations

import copy
import errno
import json
import shutil

import pytest
from conftest import Api, code, credentials
from tinydb import TinyDB
from tinydb.storages import JSONStorage

from mock_enswitch import Config, create_app
from mock_enswitch.store import mappedlog
from mock_enswitch.store.database import SHARD_SIZE, Database
from mock_enswitch.store.errors import DatabaseLocked
from mock_enswitch.store.indexes import Index
from mock_enswitch.store.logstorage import CorruptDatabase, LogStorage, StorageFailed

DIRECTORY = {
    "customers": [{"id": 1, "name": "C", "parent": 0, "rate_plan": 1}],
    "people": [],
    "roles": [],
    "rate_plans": [{"id": 1, "name": "P", "privileges": ["recording"]}],
}
GROUPS = [{"id": 1, "customer": 1, "name": "one"}, {"id": 40, "customer": 1, "name": "forty"}]


def held(database: Database) -> Database:
    """The database with its lock held by this test's thread, as the switch's context holds it
    for a call: every method checks that it is held (the database never takes it itself)."""
    database.lock.acquire()
    return database


@pytest.fixture(params=["memory", "file"])
def db(request, tmp_path):
    database = held(Database(None if request.param == "memory" else tmp_path / "db.json"))
    database.replace_all(DIRECTORY, {"record_groups": GROUPS})
    yield database
    database.close()


def test_groups_are_stored_and_listed_in_id_order(db):
    new = db.collection("record_groups").insert({"customer": 1, "name": "new"})
    assert new == 41  # after the highest seeded id
    assert [g["id"] for g in db.collection("record_groups").all()] == [1, 40, 41]
    db.collection("record_groups").update(40, {"name": "changed"})
    assert db.collection("record_groups").get(40)["name"] == "changed"
    db.collection("record_groups").delete([1])
    assert db.collection("record_groups").get(1) is None
    assert db.record("customers", 1)["name"] == "C"


def test_ids_are_never_reused_after_delete(db):
    first = db.collection("record_groups").insert({"customer": 1, "name": "a"})
    db.collection("record_groups").delete([first])
    assert db.collection("record_groups").insert({"customer": 1, "name": "b"}) == first + 1


def test_replace_all_restarts_ids(db):
    db.collection("record_groups").insert({"customer": 1, "name": "a"})
    db.replace_all(DIRECTORY, {"record_groups": GROUPS})
    assert db.collection("record_groups").insert({"customer": 1, "name": "b"}) == 41


def in_a_write(db: Database, change) -> None:
    """`change` inside a write, as `next_id`'s callers make it (with the record it numbers)."""
    with db.write():
        change()


@pytest.mark.parametrize(
    "change",
    [
        lambda db: db.collection("record_groups").insert({"customer": 1, "name": "a"}),
        lambda db: [db.collection("record_groups").insert({"customer": 1}) for _ in range(9)],
        lambda db: db.collection("record_groups").update(40, {"name": "changed"}),
        lambda db: db.collection("record_groups").delete([1]),
        lambda db: in_a_write(db, lambda: db.next_id("calls.sequence")),
        lambda db: db.update_record("customers", 1, {"name": "changed"}),
        lambda db: db.replace_directory("customers", []),
    ],
)
def test_the_same_seed_again_brings_back_what_any_write_changed(db, change):
    """replace_all skips a seed it already holds only when nothing was written since."""
    kinds = {"record_groups": GROUPS}
    db.replace_all(DIRECTORY, kinds)
    before = copy.deepcopy(db.tables())
    change(db)  # each opens its write itself, as the product's callers do
    assert db.tables() != before
    db.replace_all(DIRECTORY, kinds)
    assert db.tables() == before


def test_a_reset_after_writes_reopens_as_the_seed_after_a_crash(tmp_path):
    """File mode: a reset after writes (new shards, an update, a directory record) is durable
    at once: after a crash the database reopens as the seed, and IDs restart after it."""
    live = tmp_path / "live"
    live.mkdir()
    db = held(Database(live / "db.json"))
    kinds = {"record_groups": GROUPS}
    db.replace_all(DIRECTORY, kinds)
    seeded = copy.deepcopy(db.tables())
    for number in range(9):  # new shards too
        db.collection("record_groups").insert({"customer": 1, "name": f"g{number}"})
    db.collection("record_groups").update(40, {"name": "changed"})
    db.update_record("customers", 1, {"name": "changed"})
    db.replace_all(DIRECTORY, kinds)
    assert db.tables() == seeded
    crash_copy(live, tmp_path / "crashed")  # no close(): nothing compacted
    db.close()
    reopened = held(Database(tmp_path / "crashed" / "db.json"))
    assert reopened.tables() == seeded
    assert reopened.collection("record_groups").insert({"customer": 1, "name": "n"}) == 41
    reopened.close()


def test_the_same_seed_again_with_nothing_written_is_not_stored_again(db):
    kinds = {"record_groups": GROUPS}
    db.replace_all(DIRECTORY, kinds)
    writes = db.writes
    db.collection("record_groups").all()  # reads change nothing
    db.replace_all(DIRECTORY, kinds)
    assert db.writes == writes
    db.replace_all(dict(DIRECTORY), kinds)  # another seed, alike: stored
    assert db.writes == writes + 1


def test_the_stored_data_is_a_copy_of_the_seed_down_to_its_lists(db):
    """A reset reuses the seed: nothing done to the stored data may reach it."""
    directory = copy.deepcopy(DIRECTORY)
    db.replace_all(directory, {"record_groups": GROUPS})
    stored = db.tables()["rate_plans"]["1"]
    stored["privileges"].append("changed in place")
    stored["name"] = "renamed"
    assert directory == DIRECTORY


def test_a_returned_group_is_a_copy(db):
    db.collection("record_groups").get(1)["name"] = "mutated"
    assert db.collection("record_groups").get(1)["name"] == "one"


def test_file_data_survives_a_clean_reopen(tmp_path):
    path = tmp_path / "db.json"
    db = held(Database(path))
    db.replace_all(DIRECTORY, {"record_groups": GROUPS})
    new = db.collection("record_groups").insert({"customer": 1, "name": "kept"})
    db.collection("record_groups").delete([1])
    db.close()
    db = held(Database(path))
    assert [g["id"] for g in db.collection("record_groups").all()] == [40, new]
    assert db.collection("record_groups").insert({"customer": 1, "name": "next"}) == new + 1
    db.close()


def log_content(directory) -> bytes:
    """What the log holds: its lines, without the zeros of the space grown ahead for them."""
    return (directory / "db.json.log").read_bytes().split(b"\0", 1)[0]


def append_to_log(directory, data: bytes) -> None:
    """Write `data` right after the log's content, as an interrupted append would have."""
    with open(directory / "db.json.log", "r+b") as log:
        log.seek(len(log_content(directory)))
        log.write(data)


def crash_copy(source_dir, target_dir):
    """The files as a SIGKILL would leave them: copied while the storage is still open."""
    target_dir.mkdir()
    for path in source_dir.iterdir():
        if path.is_file():
            shutil.copy(path, target_dir / path.name)


def test_writes_acknowledged_before_a_crash_are_replayed(tmp_path):
    live = tmp_path / "live"
    live.mkdir()
    db = held(Database(live / "db.json"))
    db.replace_all(DIRECTORY, {"record_groups": GROUPS})
    ids = [
        db.collection("record_groups").insert({"customer": 1, "name": f"g{i}"}) for i in range(50)
    ]
    db.collection("record_groups").update(ids[0], {"name": "updated"})
    crash_copy(live, tmp_path / "crashed")  # no close(): nothing compacted
    db.close()
    assert log_content(tmp_path / "crashed")
    recovered = held(Database(tmp_path / "crashed" / "db.json"))
    assert [g["id"] for g in recovered.collection("record_groups").all()] == [1, 40, *ids]
    assert recovered.collection("record_groups").get(ids[0])["name"] == "updated"
    recovered.close()


def test_a_torn_last_line_is_dropped_and_the_rest_kept(tmp_path):
    live = tmp_path / "live"
    live.mkdir()
    db = held(Database(live / "db.json"))
    db.replace_all(DIRECTORY, {"record_groups": GROUPS})
    kept = db.collection("record_groups").insert({"customer": 1, "name": "kept"})
    crash_copy(live, tmp_path / "crashed")
    db.close()
    append_to_log(tmp_path / "crashed", b'{"tables":{"record_groups:10":{"41":{"na')  # cut short
    recovered = held(Database(tmp_path / "crashed" / "db.json"))
    assert recovered.collection("record_groups").get(kept)["name"] == "kept"
    recovered.close()
    # and the torn line is gone for good: the next open is clean
    again = held(Database(tmp_path / "crashed" / "db.json"))
    assert again.collection("record_groups").get(kept)["name"] == "kept"
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
    db = held(Database(path))
    db.replace_all(DIRECTORY, {"record_groups": GROUPS})
    db.collection("record_groups").insert({"customer": 1, "name": "plain"})
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
    db = held(Database(path))
    db.replace_all(DIRECTORY, {"record_groups": GROUPS})
    for i in range(60):
        db.collection("record_groups").insert({"customer": 1, "name": f"group {i}"})
        assert len(log_content(tmp_path)) <= max(2000, 2 * path.stat().st_size) + 4096
    snapshot = json.loads(path.read_text())
    assert any(name.startswith("record_groups") for name in snapshot)
    db.close()
    reopened = held(Database(path))
    assert len(list(reopened.collection("record_groups").all())) == 62
    reopened.close()


def test_fsync_mode_stores_the_same(tmp_path):
    db = held(Database(tmp_path / "db.json", fsync=True))
    db.replace_all(DIRECTORY, {"record_groups": GROUPS})
    new = db.collection("record_groups").insert({"customer": 1, "name": "synced"})
    db.close()
    reopened = held(Database(tmp_path / "db.json", fsync=True))
    assert reopened.collection("record_groups").get(new)["name"] == "synced"
    reopened.close()


def test_a_reset_is_one_snapshot_so_a_crash_never_leaves_half_of_it(tmp_path):
    live = tmp_path / "live"
    live.mkdir()
    db = held(Database(live / "db.json"))
    db.replace_all(DIRECTORY, {"record_groups": GROUPS})
    kept = db.collection("record_groups").insert({"customer": 1, "name": "before the reset"})
    log_before = log_content(live)
    db.replace_all(DIRECTORY, {"record_groups": [{"id": 7, "customer": 1, "name": "seven"}]})
    assert log_content(live) == b""  # nothing appended piecemeal
    crash_copy(live, tmp_path / "after")
    db.close()
    after = held(Database(tmp_path / "after" / "db.json"))
    assert [g["id"] for g in after.collection("record_groups").all()] == [7]
    after.close()
    assert log_before  # the write before the reset went through the log
    assert kept == 41


# LogStorage's file format and its failure windows (a "crash" copies the files of an open storage).


def open_tinydb(tmp_path, name="db.json") -> TinyDB:
    return TinyDB(tmp_path / name, storage=LogStorage)


def log_lines(tmp_path) -> list[dict]:
    """The log's entries, without its first line (the epoch of the snapshot it follows)."""
    lines = [json.loads(line) for line in log_content(tmp_path).splitlines()]
    assert not lines or set(lines[0]) == {"epoch"}
    return lines[1:]


def test_each_write_appends_one_line_with_only_the_changed_tables(tmp_path):
    db = open_tinydb(tmp_path)
    db.table("a").insert({"x": 1})
    db.table("b").insert({"y": 1})
    db.table("b").update({"y": 2}, doc_ids=[1])
    assert [sorted(line["tables"]) for line in log_lines(tmp_path)] == [["a"], ["b"], ["b"]]
    db.close()


def test_a_create_is_one_log_line_holding_counter_and_group(tmp_path):
    db = held(Database(tmp_path / "db.json"))
    db.replace_all(DIRECTORY, {"record_groups": GROUPS})
    db.collection("record_groups").insert({"customer": 1, "name": "A"})
    (line,) = log_lines(tmp_path)
    assert sorted(line["tables"]) == ["counters", f"record_groups:{41 // SHARD_SIZE}"]
    db.close()


def test_dropping_tables_is_logged_too(tmp_path):
    db = open_tinydb(tmp_path)
    db.table("a").insert({"x": 1})
    db.table("b").insert({"x": 1})
    db.drop_table("a")
    db.table("c").insert({"x": 2})
    crash_copy(tmp_path, tmp_path / "crashed")
    db.close()
    reopened = open_tinydb(tmp_path / "crashed")
    assert reopened.tables() == {"b", "c"}
    reopened.close()


def test_an_old_log_left_beside_a_new_snapshot_replays_harmlessly(tmp_path):
    """The crash window between the snapshot's rename and emptying the log."""
    db = open_tinydb(tmp_path)
    db.table("a").insert({"x": 1})
    db.table("b").insert({"y": 1})
    db.drop_table("b")
    db.table("a").update({"x": 2}, doc_ids=[1])
    old_log = log_content(tmp_path)
    db.storage.compact()
    db.close()
    (tmp_path / "db.json.log").write_bytes(old_log)
    reopened = open_tinydb(tmp_path)
    assert reopened.tables() == {"a"}
    assert reopened.table("a").all() == [{"x": 2}]
    reopened.close()


def test_a_leftover_temp_file_from_a_crashed_compaction_is_ignored(tmp_path):
    db = open_tinydb(tmp_path)
    db.table("a").insert({"x": 1})
    db.close()
    (tmp_path / "db.json.tmp").write_text('{"a": {"1": {"x"')  # the crash cut it short
    reopened = open_tinydb(tmp_path)
    assert reopened.table("a").all() == [{"x": 1}]
    reopened.close()


def test_any_python_string_round_trips_even_a_lone_surrogate(tmp_path):
    db = open_tinydb(tmp_path)
    db.table("a").insert({"x": "\ud800 ☃"})
    crash_copy(tmp_path, tmp_path / "crashed")
    db.close()
    for directory in (tmp_path, tmp_path / "crashed"):  # from the snapshot, and from the log
        reopened = open_tinydb(directory)
        assert reopened.table("a").all() == [{"x": "\ud800 ☃"}]
        reopened.close()


def test_a_second_server_cannot_open_the_same_file(tmp_path):
    db = open_tinydb(tmp_path)
    with pytest.raises(DatabaseLocked, match="in use by another mock-enswitch process"):
        open_tinydb(tmp_path)
    db.close()
    open_tinydb(tmp_path).close()  # free again once closed


def disk_full(monkeypatch) -> None:
    """From now on the log cannot grow (ENOSPC), as on a full disk; and it must grow at its next
    append: its space ahead is one small chunk."""

    def no_space(fd: int, size: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(mappedlog, "_allocate", no_space)


def test_a_failed_append_stores_nothing_in_memory_or_on_disk(tmp_path, monkeypatch):
    monkeypatch.setattr(mappedlog, "CHUNK", 512)  # ~one group line per chunk: growth comes soon
    db = held(Database(tmp_path / "db.json"))
    db.replace_all(DIRECTORY, {"record_groups": GROUPS})
    kept = db.collection("record_groups").insert({"customer": 1, "name": "kept"})
    with monkeypatch.context() as full:
        disk_full(full)
        with pytest.raises(StorageFailed, match=r"db\.json\.log: cannot write \(No space left"):
            for number in range(20):  # until the log has to grow
                db.collection("record_groups").insert({"customer": 1, "name": f"lost {number}"})
        stored = [g["name"] for g in db.collection("record_groups").all()]
        assert stored == ["one", "forty", "kept"] + [f"lost {n}" for n in range(len(stored) - 3)]
        with pytest.raises(StorageFailed):
            db.collection("record_groups").update(
                kept, {"name": "x" * 2000}
            )  # a line bigger than the space left
        assert db.collection("record_groups").get(kept)["name"] == "kept"  # memory as on disk
    again = db.collection("record_groups").insert(
        {"customer": 1, "name": "again"}
    )  # the disk has room again
    assert again == kept + len(stored) - 2  # the failed create did not use up an ID
    crash_copy(tmp_path, tmp_path / "crashed")
    db.close()
    recovered = held(Database(tmp_path / "crashed" / "db.json"))
    assert [g["name"] for g in recovered.collection("record_groups").all()] == [*stored, "again"]
    recovered.close()


def test_a_full_disk_is_a_500_envelope_and_the_server_goes_on(tmp_path, monkeypatch):
    monkeypatch.setattr(mappedlog, "CHUNK", 256)  # the first group line has to grow the log
    app = create_app(Config(db_path=tmp_path / "db.json"))
    api = Api(app.test_client())
    with monkeypatch.context() as full:
        disk_full(full)
        response = app.test_client().post(
            "/api/json/recording/groups/create/",
            data={**credentials("acme-admin"), "name": "lost", "description": "x" * 255},
        )
    assert response.status_code == 500
    (answer,) = response.get_json()["responses"]
    assert (answer["code"], answer["key"]) == ("500", "")
    assert answer["message"].startswith("The mock could not store the change: ")
    assert "No space left on device" in answer["message"]
    assert [g["name"] for g in api("recording/groups/list")["data"]] == ["Acme sales"]
    assert code(api("recording/groups/create", name="stored")) == "200"
    app.extensions["mock_enswitch"].close()


def test_the_mapped_log_grows_past_its_chunk_and_a_crash_keeps_every_copied_line(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(mappedlog, "CHUNK", 4096)
    log = mappedlog.MappedLog(tmp_path / "db.json.log")
    log.reset()
    lines = [b'{"line":%d,"pad":"%s"}\n' % (n, b"x" * 300) for n in range(100)]  # ~32 KB
    for line in lines:
        log.append(line)
    on_disk = (tmp_path / "db.json.log").read_bytes()  # read as a killed process leaves it
    assert on_disk.split(b"\0", 1)[0] == b"".join(lines)
    assert log.read() == b"".join(lines)
    log.close()
    assert (tmp_path / "db.json.log").read_bytes() == b"".join(lines)  # no zeros after a close


def test_a_clean_close_leaves_an_empty_log_and_a_plain_snapshot(tmp_path):
    db = held(Database(tmp_path / "db.json"))
    db.replace_all(DIRECTORY, {"record_groups": GROUPS})
    db.collection("record_groups").insert({"customer": 1, "name": "kept"})
    db.close()
    assert (tmp_path / "db.json.log").read_bytes() == b""
    assert "kept" in (tmp_path / "db.json").read_text()


def test_a_file_written_before_per_kind_counters_keeps_its_numbering(tmp_path):
    path = tmp_path / "old.db.json"
    old = {"customers": {}, "counters": {"1": {"next": 50}}, "record_groups:12": {}}
    path.write_text(json.dumps(old))
    db = held(Database(path))
    assert db.collection("record_groups").insert({"customer": 1, "name": "after"}) == 50
    assert db.collection("recordings").insert({"x": 1}) == 1  # another kind counts on its own
    db.close()


def test_an_index_answers_ranges_and_follows_every_write(db):
    rows = db.collection("things", (Index("by_owner", "owner", "when"),))
    ids = [rows.insert({"owner": i % 2, "when": 100 - i}) for i in range(10)]
    assert [r["when"] for r in rows.select("by_owner", 0, 93, 97)] == [94, 96]
    rows.update(ids[0], {"when": 95})  # 100 -> 95
    rows.delete([ids[2]])  # 98 gone
    assert [r["when"] for r in rows.select("by_owner", 0)] == [92, 94, 95, 96]
    assert [r["when"] for r in rows.select("by_owner", 1, high=93)] == [91, 93]
    db.replace_all(DIRECTORY, {})  # a reset drops the records and the index with them
    assert rows.select("by_owner", 0) == []


def test_text_beyond_ascii_and_a_huge_integer_survive_the_log_and_a_snapshot(tmp_path):
    path = tmp_path / "mock.db.json"
    storage = LogStorage(path)
    name = 'Zoë "the line" 📞\nnext'
    storage.write({"t": {"1": {"name": name, "big": 2**70, "small": -(2**63)}}})  # a log line
    storage.close()  # a clean stop compacts: the snapshot too
    assert b"\n" not in path.read_bytes()
    storage = LogStorage(path)
    assert storage.read()["t"]["1"] == {"name": name, "big": 2**70, "small": -(2**63)}
    storage.write({"t": {"1": {"name": name + "!"}}})
    storage.close()
    lines = [line for line in (tmp_path / "mock.db.json.log").read_bytes().split(b"\n") if line]
    assert len(lines) <= 1  # one line per write, whatever the text holds
    assert LogStorage(path).read()["t"]["1"]["name"] == name + "!"


# A process without the lock, a start that fails or is interrupted, and a reset that cannot be
# written: each leaves every file as it found it and memory as the files hold it.


def files_of(directory) -> dict[str, bytes]:
    """Every file of the database and its bytes (the empty lock file included)."""
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir()) if path.is_file()}


def test_a_refused_second_open_touches_no_file_and_the_first_writes_on(tmp_path):
    first = held(Database(tmp_path / "db.json"))
    first.replace_all(DIRECTORY, {"record_groups": GROUPS})
    first.collection("record_groups").insert({"customer": 1, "name": "before"})
    before = files_of(tmp_path)
    with pytest.raises(DatabaseLocked):
        Database(tmp_path / "db.json")
    assert files_of(tmp_path) == before  # was: the log trimmed to nothing under the first
    first.collection("record_groups").insert({"customer": 1, "name": "after"})
    crash_copy(tmp_path, tmp_path / "crashed")
    first.close()
    for directory in (tmp_path, tmp_path / "crashed"):
        again = held(Database(directory / "db.json"))
        names = [g["name"] for g in again.collection("record_groups").all()]
        assert names == ["one", "forty", "before", "after"]
        again.close()


@pytest.mark.parametrize("failure", [KeyboardInterrupt, MemoryError])
def test_a_start_interrupted_during_replay_leaves_the_files_as_they_were(
    tmp_path, monkeypatch, failure
):
    db = held(Database(tmp_path / "db.json"))
    db.replace_all(DIRECTORY, {"record_groups": GROUPS})
    for number in range(50):
        db.collection("record_groups").insert({"customer": 1, "name": f"g{number}"})
    crash_copy(tmp_path, tmp_path / "crashed")
    db.close()
    crashed = tmp_path / "crashed"
    before = files_of(crashed)
    assert log_content(crashed)  # the lines to replay

    def interrupted(self, data):
        raise failure()

    with monkeypatch.context() as patch:
        patch.setattr(LogStorage, "_replay_log", interrupted)
        with pytest.raises(failure):
            Database(crashed / "db.json")
    assert files_of(crashed) == before
    again = held(Database(crashed / "db.json"))  # and the lock was let go
    assert len(again.collection("record_groups").all()) == 52
    again.close()


def test_a_start_refused_for_a_damaged_line_leaves_the_files_to_repair(tmp_path):
    db = open_tinydb(tmp_path)
    db.table("a").insert({"x": 1})
    db.table("a").insert({"x": 2})
    crash_copy(tmp_path, tmp_path / "crashed")
    db.close()
    crashed = tmp_path / "crashed"
    lines = log_content(crashed).split(b"\n")
    lines[1] = b"damaged" + lines[1][7:]
    (crashed / "db.json.log").write_bytes(b"\n".join(lines))
    before = files_of(crashed)
    with pytest.raises(CorruptDatabase, match=r"db\.json\.log: line 2 is not a log entry: repair"):
        open_tinydb(crashed)
    assert files_of(crashed) == before


def fail_snapshots(monkeypatch) -> None:
    """From now on a new snapshot cannot be written: the disk is full."""

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("mock_enswitch.store.logstorage.os.fsync", no_space)


def test_a_reset_that_cannot_write_its_snapshot_changes_nothing(tmp_path, monkeypatch):
    db = held(Database(tmp_path / "db.json"))
    db.replace_all(DIRECTORY, {"record_groups": GROUPS})
    kept = db.collection("record_groups").insert({"customer": 1, "name": "kept"})
    before = files_of(tmp_path)
    with monkeypatch.context() as full:
        fail_snapshots(full)
        with pytest.raises(StorageFailed, match="cannot write the new data .*nothing was changed"):
            db.replace_all(DIRECTORY, {"record_groups": [GROUPS[0]]})
    assert files_of(tmp_path) == before  # no temp file left either
    assert [g["name"] for g in db.collection("record_groups").all()] == ["one", "forty", "kept"]
    assert db.collection("record_groups").insert({"customer": 1, "name": "next"}) == kept + 1
    crash_copy(tmp_path, tmp_path / "crashed")
    db.close()
    again = held(Database(tmp_path / "crashed" / "db.json"))
    assert [g["id"] for g in again.collection("record_groups").all()] == [1, 40, kept, kept + 1]
    again.close()


def test_a_log_left_behind_a_reset_snapshot_is_not_replayed_over_it(tmp_path):
    """The crash window between a reset's new snapshot and emptying the log: the old lines
    belong to the old data, and replaying them would mix old and new."""
    db = held(Database(tmp_path / "db.json"))
    db.replace_all(DIRECTORY, {"record_groups": GROUPS})
    db.collection("record_groups").insert({"customer": 1, "name": "old data"})
    old_log = log_content(tmp_path)
    db.replace_all(DIRECTORY, {"record_groups": [GROUPS[0]]})  # a reset
    crash_copy(tmp_path, tmp_path / "crashed")
    db.close()
    (tmp_path / "crashed" / "db.json.log").write_bytes(old_log)
    again = held(Database(tmp_path / "crashed" / "db.json"))
    assert [g["name"] for g in again.collection("record_groups").all()] == ["one"]
    assert again.collection("record_groups").insert({"customer": 1, "name": "new"}) == 2
    again.close()


def test_a_clean_close_whose_compaction_fails_loses_nothing_and_raises_nothing(
    tmp_path, monkeypatch, caplog
):
    db = held(Database(tmp_path / "db.json"))
    db.replace_all(DIRECTORY, {"record_groups": GROUPS})
    db.collection("record_groups").insert({"customer": 1, "name": "kept"})
    with monkeypatch.context() as full:
        fail_snapshots(full)
        db.close()
    assert "could not fold db.json.log into" in caplog.text
    assert not (tmp_path / "db.json.tmp").exists()
    again = held(Database(tmp_path / "db.json"))
    assert [g["name"] for g in again.collection("record_groups").all()][-1] == "kept"
    again.close()


# An outside review's findings: failures after a new snapshot's rename (the commit point), a log
# of another database, a failed start's lock, a close that cannot trim.


def test_a_reset_whose_folder_sync_fails_after_the_rename_keeps_memory_with_the_disk(
    tmp_path, monkeypatch
):
    db = held(Database(tmp_path / "db.json", fsync=True))
    db.replace_all(DIRECTORY, {"record_groups": GROUPS})
    db.collection("record_groups").insert({"customer": 1, "name": "old"})

    def sync_fails(self):
        raise OSError(errno.EIO, "Input/output error")

    with monkeypatch.context() as broken:
        broken.setattr(LogStorage, "_sync_directory", sync_fails)
        db.replace_all(DIRECTORY, {"record_groups": [GROUPS[0]]})  # the rename happened
    assert [g["name"] for g in db.collection("record_groups").all()] == ["one"]
    after = db.collection("record_groups").insert({"customer": 1, "name": "after"})
    crash_copy(tmp_path, tmp_path / "crashed")
    db.close()
    again = held(Database(tmp_path / "crashed" / "db.json"))
    assert [(g["id"], g["name"]) for g in again.collection("record_groups").all()] == [
        (1, "one"),
        (after, "after"),  # was lost: appended under the old snapshot's header
    ]
    again.close()


def test_a_log_that_cannot_be_emptied_after_a_snapshot_is_emptied_before_the_next_line(
    tmp_path, monkeypatch
):
    db = held(Database(tmp_path / "db.json"))
    db.replace_all(DIRECTORY, {"record_groups": GROUPS})
    db.collection("record_groups").insert({"customer": 1, "name": "old"})
    real_reset = mappedlog.MappedLog.reset
    failures = iter([OSError(errno.EIO, "Input/output error")])

    def reset_fails_once(self):
        for failure in failures:
            raise failure
        real_reset(self)

    monkeypatch.setattr(mappedlog.MappedLog, "reset", reset_fails_once)
    db.replace_all(DIRECTORY, {"record_groups": [GROUPS[0]]})
    after = db.collection("record_groups").insert({"customer": 1, "name": "after"})
    crash_copy(tmp_path, tmp_path / "crashed")
    db.close()
    again = held(Database(tmp_path / "crashed" / "db.json"))
    assert [g["name"] for g in again.collection("record_groups").all()] == ["one", "after"]
    assert again.collection("record_groups").get(after) is not None
    again.close()


def test_a_log_of_another_snapshot_is_refused_not_erased(tmp_path):
    db = open_tinydb(tmp_path)
    db.table("a").insert({"x": 1})
    db.storage.compact()  # snapshot 2
    db.table("a").insert({"x": 2})  # a line under snapshot 2
    crash_copy(tmp_path, tmp_path / "crashed")
    db.close()
    crashed = tmp_path / "crashed"
    snapshot = json.loads((crashed / "db.json").read_text())
    snapshot["__log_epoch__"]["epoch"] = 7  # a backup restored beside this log, say
    (crashed / "db.json").write_text(json.dumps(snapshot))
    before = files_of(crashed)
    with pytest.raises(CorruptDatabase, match="not of the same database"):
        open_tinydb(crashed)
    assert files_of(crashed) == before


def test_an_epoch_that_is_not_a_number_is_a_damaged_snapshot(tmp_path):
    (tmp_path / "db.json").write_text('{"a": {}, "__log_epoch__": {"epoch": "3"}}')
    with pytest.raises(CorruptDatabase, match="__log_epoch__ is not a whole number"):
        open_tinydb(tmp_path)


def test_a_refused_start_creates_no_log(tmp_path):
    (tmp_path / "db.json").write_text("{damaged")
    with pytest.raises(CorruptDatabase):
        open_tinydb(tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["db.json", "db.json.lock"]


def test_a_start_that_fails_after_opening_the_database_lets_it_go(tmp_path, monkeypatch):
    from mock_enswitch.service import Service

    def seeding_fails(self, first):
        raise StorageFailed("disk full while seeding")

    with monkeypatch.context() as broken:
        broken.setattr(Service, "_seed_if_needed", seeding_fails)
        with pytest.raises(StorageFailed):
            create_app(Config(db_path=tmp_path / "db.json"))
    Database(tmp_path / "db.json").close()  # not "in use by another mock-enswitch process"


def test_a_close_that_cannot_trim_the_log_raises_nothing_and_lets_the_lock_go(
    tmp_path, monkeypatch
):
    db = held(Database(tmp_path / "db.json"))
    db.replace_all(DIRECTORY, {"record_groups": GROUPS})
    db.collection("record_groups").insert({"customer": 1, "name": "kept"})
    with monkeypatch.context() as broken:
        fail_snapshots(broken)  # the fold fails...

        def no_trim(fd, size):
            raise OSError(errno.EIO, "Input/output error")

        broken.setattr("mock_enswitch.store.mappedlog.os.ftruncate", no_trim)  # ...and the trim
        db.close()
    again = held(Database(tmp_path / "db.json"))
    assert [g["name"] for g in again.collection("record_groups").all()][-1] == "kept"
    again.close()


def test_the_database_refuses_to_be_used_without_its_lock_and_never_takes_it_itself():
    db = Database(None)
    with pytest.raises(RuntimeError, match="without its lock"):
        db.replace_all(DIRECTORY, {"record_groups": GROUPS})
    with db.lock:  # what the switch's context (caught_up) does once per call
        db.replace_all(DIRECTORY, {"record_groups": GROUPS})
        groups = db.collection("record_groups")
        new = groups.insert({"customer": 1, "name": "new"})
    with pytest.raises(RuntimeError, match="without its lock"):
        groups.get(new)
    with pytest.raises(RuntimeError, match="without its lock"):
        groups.insert({"customer": 1, "name": "unguarded"})
    with db.lock:
        assert [group["name"] for group in groups.all()] == ["one", "forty", "new"]
    db.close()
