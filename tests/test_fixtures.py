"""Fixture files: the shipped set loads; a broken one stops start-up, names where, seeds nothing."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from conftest import Api, code

from mock_enswitch import Config, create_app, seeding
from mock_enswitch.fixtures import DEFAULT_DIR, FixtureError, load
from mock_enswitch.seeding import seed


def edit(directory: Path, name: str, change) -> None:
    path = directory / name
    records = json.loads(path.read_text())
    change(records)
    path.write_text(json.dumps(records))


def test_the_shipped_fixtures_give_a_newcomer_every_case():
    seed = load(DEFAULT_DIR)
    roles = {role["id"]: set(role["privileges"]) for role in seed.directory["roles"]}
    people = {p["username"]: roles[p["role"]] for p in seed.directory["people"]}
    assert "system owner" in people["owner"]
    assert "reseller" in people["reseller"]
    assert "administrator" in people["acme-admin"]
    assert people["acme-recorder"] & {"record", "administrator"} == {"record"}
    assert not people["acme-user"] & {"record", "administrator"}
    plans = {plan["id"]: plan["privileges"] for plan in seed.directory["rate_plans"]}
    assert any("recording" not in plans[c["rate_plan"]] for c in seed.directory["customers"])
    reseller_customer = next(p for p in seed.directory["people"] if p["username"] == "reseller")
    children = [
        c for c in seed.directory["customers"] if c["parent"] == reseller_customer["customer"]
    ]
    assert len(children) == 2


def test_the_readme_lists_every_default_user_and_password():
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    for person in load(DEFAULT_DIR).directory["people"]:
        assert f"`{person['username']}`" in readme
        assert f"`{person['password']}`" in readme


BROKEN = [
    (
        "users.json",
        lambda r: r[2].pop("role"),
        "users.json: record 3 (id 3): field 'role' is missing",
    ),
    (
        "users.json",
        lambda r: r[0].update(customer="one"),
        "record 1 (id 1): field 'customer' must be",
    ),
    ("users.json", lambda r: r[1].update(role=77), "field 'role' names roles 77"),
    ("users.json", lambda r: r[1].update(username="owner"), "field 'username' repeats 'owner'"),
    ("customers.json", lambda r: r[0].update(parent=4), "field 'parent' makes a loop"),
    ("customers.json", lambda r: r[3].update(rate_plan=9), "customers.json: record 4 (id 4)"),
    ("roles.json", lambda r: r[0].update(privileges="all"), "field 'privileges' must be a list"),
    ("rate_plans.json", lambda r: r.append(r[0]), "field 'id' repeats 1"),
    ("record_groups.json", lambda r: r[0].update(fraction=150), "field 'fraction'"),
    ("record_groups.json", lambda r: r[1].update(owner=3), "field 'owner': Invalid owner"),
    (
        "record_groups.json",
        lambda r: r[0].update(email="not an address"),
        "record 1 (id 1): field 'email': Invalid email address",
    ),
    ("record_groups.json", lambda r: r[1].update(beep="loud"), "field 'beep'"),
    ("recordings.json", lambda r: r[0].update(direction="up"), "record 1: field 'direction'"),
    ("recordings.json", lambda r: r[0].update(talktime="long"), "record 1: field 'talktime'"),
    ("recordings.json", lambda r: r[1].pop("start"), "record 2: field 'start' is missing"),
    ("recordings.json", lambda r: r[2].update(recordid=2), "record 3: field 'recordid'"),
    ("recordings.json", lambda r: r[2].update(expires=-3), "record 3: field 'expires'"),
    (
        "recordings.json",
        lambda r: r[1].update(uniqueid=r[0]["uniqueid"]),
        "record 2: field 'uniqueid' repeats (1, '1770217174.110066', '1')",
    ),
]


@pytest.mark.parametrize(("name", "change", "message"), BROKEN)
def test_a_broken_fixture_names_file_record_and_field(fixtures_copy, name, change, message):
    edit(fixtures_copy, name, change)
    with pytest.raises(FixtureError) as raised:
        seed(fixtures_copy)
    assert message in str(raised.value)
    assert name in str(raised.value)


def test_invalid_json_names_the_file(fixtures_copy):
    (fixtures_copy / "roles.json").write_text("[{")
    with pytest.raises(FixtureError, match=r"roles\.json: not valid JSON"):
        load(fixtures_copy)


def test_a_directory_with_some_files_takes_the_others_from_the_shipped_ones(fixtures_copy):
    (fixtures_copy / "customers.json").unlink()
    (fixtures_copy / "roles.json").unlink()
    loaded = load(fixtures_copy)
    assert loaded.borrowed == ("customers.json", "roles.json")
    assert loaded.directory["customers"] == load(DEFAULT_DIR).directory["customers"]


def test_a_stray_json_file_is_reported_with_the_name_it_was_meant_to_have(fixtures_copy):
    (fixtures_copy / "users.json").rename(fixtures_copy / "user.json")
    with pytest.raises(FixtureError, match=r"user\.json: not a fixture file .*did you mean users"):
        load(fixtures_copy)


@pytest.mark.parametrize(
    ("name", "change", "message"),
    [
        (
            "users.json",
            lambda r: r[0].update(custmer=r[0].pop("customer")),
            "did you mean customer?",
        ),
        ("customers.json", lambda r: r[0].update(colour="red"), "unknown field 'colour' (known"),
        ("record_groups.json", lambda r: r[0].update(emial="a@b.example"), "did you mean email?"),
        ("recordings.json", lambda r: r[0].update(talk_time=5), "did you mean talktime?"),
    ],
)
def test_a_typo_in_a_field_name_is_named_with_the_field_meant(fixtures_copy, name, change, message):
    edit(fixtures_copy, name, change)
    with pytest.raises(FixtureError) as raised:
        seed(fixtures_copy)
    assert name in str(raised.value) and "record 1" in str(raised.value)
    assert message in str(raised.value)


def test_extra_user_columns_stay_allowed(fixtures_copy):
    edit(fixtures_copy, "users.json", lambda r: r[0].update(email="owner@example.com"))
    assert load(fixtures_copy).directory["people"][0]["email"] == "owner@example.com"


def test_the_family_files_are_optional(fixtures_copy):
    (fixtures_copy / "record_groups.json").unlink()
    (fixtures_copy / "recordings.json").unlink()
    (fixtures_copy / "phones.json").unlink()
    (fixtures_copy / "numbers.json").unlink()
    families = seed(fixtures_copy).families
    assert families == {
        "record_groups": [], "recordings": [], "phones": [], "cdrs": [], "numbers": []
    }  # fmt: skip


def test_a_line_must_record_into_a_group_of_its_customer(fixtures_copy):
    (fixtures_copy / "record_groups.json").write_text('[{"id": 1, "customer": 4, "name": "B"}]')
    (fixtures_copy / "recordings.json").write_text("[]")
    with pytest.raises(FixtureError, match=r"phones\.json: record 1 \(id 1\): field 'recordgroup'"):
        seed(fixtures_copy)


def test_recordings_need_their_group(fixtures_copy):
    (fixtures_copy / "record_groups.json").unlink()
    with pytest.raises(FixtureError, match=r"recordings\.json: record 1: field 'recordgroup'"):
        seed(fixtures_copy)


def test_a_broken_fixture_on_reset_leaves_the_database_untouched(tmp_path, fixtures_copy):
    db = tmp_path / "mock.db.json"
    config = Config(db_path=db, fixtures_dir=fixtures_copy)
    app = create_app(config)
    api = Api(app.test_client())
    new_id = api("recording/groups/create", name="Kept")["data"]["id"]
    app.extensions["mock_enswitch"].close()
    edit(fixtures_copy, "users.json", lambda r: r[0].pop("password"))
    with pytest.raises(FixtureError, match="field 'password' is missing"):
        create_app(Config(db_path=db, fixtures_dir=fixtures_copy, reset=True))
    edit(fixtures_copy, "users.json", lambda r: r[0].update(password="owner-pass"))
    app = create_app(Config(db_path=db, fixtures_dir=fixtures_copy))
    body = Api(app.test_client())("recording/groups/get", id=new_id)
    assert (code(body), body["data"]["name"]) == ("200", "Kept")
    app.extensions["mock_enswitch"].close()


def test_a_broken_fixture_never_creates_a_database(tmp_path, fixtures_copy):
    edit(fixtures_copy, "customers.json", lambda r: r[4].pop("name"))
    db = tmp_path / "fresh.db.json"
    with pytest.raises(FixtureError, match="customers.json: record 5 .id 5.: field 'name'"):
        create_app(Config(db_path=db, fixtures_dir=fixtures_copy))
    assert not db.exists()


def test_custom_fixtures_are_served(fixtures_copy):
    edit(
        fixtures_copy,
        "users.json",
        lambda r: r.append(
            {"id": 50, "username": "extra", "password": "extra-pass", "customer": 4, "role": 3}
        ),
    )
    app = create_app(Config(fixtures_dir=fixtures_copy))
    api = Api(app.test_client())
    body = api(
        "recording/groups/create",
        user=None,
        auth_username="extra",
        auth_password="extra-pass",
        name="By extra",
    )
    assert code(body) == "200"
    assert (
        api("recording/groups/get", user="beta-admin", id=body["data"]["id"])["data"]["customer"]
        == 4
    )
    app.extensions["mock_enswitch"].close()


def test_the_shipped_fixtures_are_files_of_the_package_not_links():
    """A checkout without symlinks (Windows, some CI caches) must still ship them."""
    import subprocess

    package = DEFAULT_DIR.parent
    assert package / "default_fixtures" == DEFAULT_DIR and not DEFAULT_DIR.is_symlink()
    tracked = subprocess.run(
        ["git", "ls-files", "-s", "--", str(package)],
        capture_output=True,
        text=True,
        cwd=package.parent,
    ).stdout
    if not tracked:
        pytest.skip("not a git checkout")
    assert not [line for line in tracked.splitlines() if line.startswith("120000")]  # links
    assert {p.name for p in DEFAULT_DIR.glob("*.json")} >= {"users.json", "recordings.json"}


def test_an_integer_wider_than_64_bits_is_refused(fixtures_copy):
    """The database file is read back by orjson, which would make it a float."""
    users = json.loads((fixtures_copy / "users.json").read_text())
    users[0]["badge"] = {"serial": [2**64]}
    (fixtures_copy / "users.json").write_text(json.dumps(users))
    with pytest.raises(FixtureError, match=r"users\.json: record 1 \(id 1\): field 'badge'"):
        seed(fixtures_copy)


def test_a_wide_but_64_bit_integer_survives_a_restart(tmp_path, fixtures_copy):
    users = json.loads((fixtures_copy / "users.json").read_text())
    users[0]["badge"] = 2**63 - 1
    (fixtures_copy / "users.json").write_text(json.dumps(users))
    for _ in range(2):
        app = create_app(Config(db_path=tmp_path / "db.json", fixtures_dir=fixtures_copy))
        body = Api(app.test_client())("user/login", user="owner")
        app.extensions["mock_enswitch"].close()
        assert body["data"]["badge"] == 2**63 - 1


@pytest.fixture
def settled_copy(fixtures_copy, monkeypatch):
    """The fixture copy as if written long ago (file times settled, see seeding.SETTLED_NS)."""
    old = time.time() - 60
    for path in fixtures_copy.iterdir():
        os.utime(path, (old, old))
    monkeypatch.setattr(seeding, "SETTLED_NS", 0)  # utime made the ctimes recent: trust them
    return fixtures_copy


def test_a_reset_takes_a_fixture_edited_just_before_even_at_the_same_size(fixtures_copy):
    app = create_app(Config(fixtures_dir=fixtures_copy))
    service, client = app.extensions["mock_enswitch"], app.test_client()

    def customer_names():
        return [c["name"] for c in client.get("/_mock/customers").get_json()["customers"]]

    first = customer_names()[0]
    for name in ("Switch Owner Lte", "Switch Owner Ltf", first):  # same size: the times differ
        edit(fixtures_copy, "customers.json", lambda r, name=name: r[0].update(name=name))
        assert client.post("/_mock/reset").status_code == 200
        assert customer_names()[0] == name
    service.close()


def test_a_file_written_within_a_tick_of_the_clock_is_never_trusted(settled_copy, monkeypatch):
    monkeypatch.setattr(seeding, "SETTLED_NS", 2_000_000_000)
    assert seeding.files_signature(settled_copy) is None  # utime just now changed the ctimes
    monkeypatch.setattr(seeding, "SETTLED_NS", 0)
    assert seeding.files_signature(settled_copy) is not None


def test_unchanged_fixtures_are_not_read_again_on_reset(settled_copy, monkeypatch):
    app = create_app(Config(fixtures_dir=settled_copy))
    service = app.extensions["mock_enswitch"]
    reads = []
    monkeypatch.setattr(seeding, "load", lambda d: reads.append(d) or load(d))
    service.reset()
    service.reset()
    service.reset()
    assert reads == []  # read once at start, then kept
    (settled_copy / "users.json").write_text((settled_copy / "users.json").read_text() + " ")
    service.reset()
    assert reads == [settled_copy]
    service.close()


def test_what_a_reset_stores_is_a_copy_of_the_seed(settled_copy):
    app = create_app(Config(fixtures_dir=settled_copy))
    service = app.extensions["mock_enswitch"]
    seed_roles = service._seeds.seed().directory["roles"]
    kept = [list(role["privileges"]) for role in seed_roles]
    service.reset()
    stored = service.on_switch(lambda switch: switch.db.tables()["roles"])
    for role in stored.values():
        role["privileges"].append("changed in place")
    assert service._seeds.seed().directory["roles"] is seed_roles  # the same seed, kept
    assert [role["privileges"] for role in seed_roles] == kept
    service.close()
