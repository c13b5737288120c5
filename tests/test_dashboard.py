"""The dashboard at /_mock/ui in a real browser: Debian's headless Chromium, driven by Playwright.

Skipped, saying so, where Chromium is not installed; under CI (CI=true) its absence is an error:
.ci/run installs it. A failing test leaves a screenshot in test-artifacts/.
"""

from __future__ import annotations

import json
import os
import shutil
import urllib.request
from pathlib import Path

import pytest
from conftest import host_network_alone
from live import LiveServer

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    if os.environ.get("CI"):
        raise RuntimeError(
            "CI must run the browser tests: install Debian's chromium (.ci/run does)"
        )
    pytest.skip(
        "browser tests skipped: no chromium (apt-get install chromium)", allow_module_level=True
    )

from playwright.sync_api import expect, sync_playwright  # noqa: E402

ARTIFACTS = Path(__file__).parent.parent / "test-artifacts"
ADMIN = "auth_username=acme-admin;auth_password=acme-admin-pass"
SHIPPED = "1770217174.110066"


@pytest.fixture(scope="module")
def browser():
    with host_network_alone(), sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--autoplay-policy=no-user-gesture-required"],
        )
        yield launched
        launched.close()


def call(server, function: str, query: str = "") -> dict:
    url = f"{server.url}/api/json/{function}/?{ADMIN};{query}"
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def control(server, method: str, path: str, body=None):
    request = urllib.request.Request(
        f"{server.url}/_mock/{path}",
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read()
    return json.loads(text) if text else None


def failed_requests(errors: list[str]):
    """A request that failed without a reply, which and why (net::ERR_...): what a view that
    could not be drawn for "Failed to fetch" leaves no other trace of. An <audio> load the page
    stops (ERR_ABORTED) is no failure."""

    def record(failed) -> None:
        if failed.failure != "net::ERR_ABORTED":
            errors.append(f"{failed.method} {failed.url}: {failed.failure}")

    return record


@pytest.fixture
def page(browser, server, request):
    control(server, "POST", "reset")
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    opened = context.new_page()
    errors: list[str] = []
    opened.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.on("requestfailed", failed_requests(errors))
    opened.goto(f"{server.url}/_mock/ui")
    opened.wait_for_selector("body[data-ready=yes]")
    opened.errors = errors
    yield opened
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        opened.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
        print("The page's errors:", *errors, sep="\n  ")  # shown with the failure
    context.close()


def test_the_page_loads_every_view_without_console_errors(page):
    for heading in (
        "Overview",
        "Directory",
        "Record groups and recordings",
        "Journal",
        "Fault rules",
        "E-mail outbox",
        "Lines, calls and call records",
        "Events",
        "Balances, numbers and messages",
    ):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(page.locator('dd[data-fact="Enswitch version"]')).to_have_text("4.4")
    expect(page.locator("#customer-tree")).to_contain_text("3 Acme Corp")
    expect(page.locator("#users")).to_contain_text("acme-admin-pass")
    expect(page.locator("#curl")).to_contain_text("/api/json/recording/groups/list/?auth_username=")
    page.wait_for_timeout(1500)  # a poll or two
    assert page.errors == []


def test_a_read_that_got_no_reply_is_asked_once_more(browser, server):
    """When the machine's network changes (a container engine starting a compose service), the
    browser drops what it has in flight (net::ERR_NETWORK_CHANGED): each view's read is asked
    once more, and the page is drawn whole (it said "A view could not be drawn: Failed to
    fetch")."""
    control(server, "POST", "reset")
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    dropped: list[str] = []

    def drop_the_first(route) -> None:
        if dropped:
            route.continue_()
            return
        dropped.append(route.request.url)
        route.abort("connectionreset")

    opened.route("**/_mock/phones", drop_the_first)
    opened.goto(f"{server.url}/_mock/ui")
    opened.wait_for_selector("body[data-ready=yes]")
    expect(opened.locator("#lines-table tbody tr", has_text="1001")).to_have_count(1)
    expect(opened.locator("#overview-message")).not_to_contain_text("could not be drawn")
    assert len(dropped) == 1 and errors == []
    context.close()


def test_a_call_made_with_curl_appears_in_the_journal_without_a_reload(page, server):
    call(server, "recording/groups/create", "name=From+curl")
    row = page.locator("#journal-table tbody tr", has_text="recording/groups/create")
    expect(row).to_have_count(1, timeout=5000)
    row.click()
    expect(page.locator("#journal-detail")).to_contain_text('"auth_password": "***"')
    expect(page.locator("#journal-detail")).to_contain_text("reply: HTTP 200 in ")
    expect(page.locator("#journal-detail")).to_contain_text('"data": {"id": 3}')
    page.fill("#filter-code", "4")
    expect(row).to_have_count(0)


def test_a_fault_added_from_the_form_makes_the_next_call_fail(page, server):
    page.fill('#fault-form input[name="function"]', "recording/groups/create")
    page.fill('#fault-form input[name="code"]', "402")
    page.fill('#fault-form input[name="times"]', "1")
    page.click('#fault-form button[type="submit"]')
    expect(page.locator("#fault-message")).to_have_text("Rule 1 added.")
    assert call(server, "recording/groups/create", "name=x")["responses"][0]["code"] == "402"
    expect(page.locator('#journal-table tbody tr[data-seq="1"] td').nth(6)).to_have_text("1")
    page.fill('#fault-form input[name="function"]', "recording/groups/creat")
    page.click('#fault-form button[type="submit"]')
    expect(page.locator("#fault-message")).to_contain_text("did you mean recording/groups/create")


def test_reset_from_the_button_restores_the_fixtures(page, server):
    call(server, "recording/groups/create", "name=Mine")
    expect(page.locator('[data-group="3"]')).to_contain_text("Mine", timeout=5000)
    page.click("#reset-button")
    expect(page.locator("#reset-button")).to_have_text("Click again to reset everything")
    page.wait_for_timeout(1200)
    expect(page.locator('[data-group="3"]')).to_have_count(1)  # one click did nothing
    page.click("#reset-button")
    expect(page.locator('[data-group="3"]')).to_have_count(0)
    assert [g["id"] for g in control(server, "GET", "groups")["groups"]] == [1, 2]


def test_a_recording_plays_with_the_recordings_duration(page):
    audio = page.locator(f'tr[data-uniqueid="{SHIPPED}"] audio')
    expect(audio).to_have_count(1)
    page.wait_for_function(
        "(a) => a.readyState >= 1 && a.duration > 0", arg=audio.element_handle(), timeout=10000
    )
    assert audio.evaluate("a => a.duration") == pytest.approx(42, abs=0.05)
    audio.evaluate("a => { a.muted = true; return a.play(); }")
    page.wait_for_function("(a) => a.currentTime > 0", arg=audio.element_handle(), timeout=10000)
    audio.evaluate("a => { a.currentTime = 30; }")  # the player seeks: the mock serves ranges
    page.wait_for_function("(a) => a.currentTime >= 30", arg=audio.element_handle(), timeout=10000)


def test_a_call_placed_from_the_form_is_recorded_and_listed(page):
    page.select_option("#call-group", "1")
    page.fill('#call-form input[name="talktime"]', "7")
    page.click('#call-form button[type="submit"]')
    expect(page.locator("#call-result")).to_contain_text("recorded")
    uniqueid = page.locator("#call-result").inner_text().split(":")[0]
    expect(page.locator(f'tr[data-uniqueid="{uniqueid}"]')).to_contain_text("7 s")
    expect(page.locator("#emails-table tbody tr.email")).to_have_count(1)  # Acme sales mails them
    page.click("#emails-table tbody tr.email")  # the row opens: the message and its recording
    detail = page.locator("#emails-table tbody tr.email-detail")
    expect(detail).to_be_visible()
    expect(detail).to_contain_text("Subject: Call recording")
    expect(detail.locator("audio")).to_have_count(1)
    expect(detail.locator("a[download]")).to_have_count(1)


def test_click_to_call_from_the_page_then_hang_up_from_it(page, server):
    page.select_option("#make-user", "acme-admin")
    page.select_option("#make-line", "1001")
    page.click('#make-form button[type="submit"]')
    expect(page.locator("#make-result")).to_contain_text("made as acme-admin")
    rows = page.locator("#active-table tbody tr")
    expect(rows).to_have_count(2, timeout=5000)  # both legs, answered at once
    expect(page.locator("#events-table")).to_contain_text("answer")
    rows.first.get_by_role("button", name="Hang up").click()
    expect(page.locator("#make-result")).to_contain_text("hung up")
    expect(page.locator("#cdrs-table tbody tr", has_text="1001").first).to_be_visible()
    assert page.errors == []


def test_balances_numbers_and_messages_are_shown(page, server):
    call(server, "customers/balance/add", "id=3;amount=10;transaction=credit;description=Top-up")
    call(server, "messages/text/send", "stype=phone;snumber=1001;cnumber=0412345678;message=Hi")
    expect(page.locator("#balances-table")).to_contain_text("52.5 USD", timeout=5000)
    expect(page.locator("#transactions-table")).to_contain_text("Top-up")
    expect(page.locator("#numbers-table")).to_contain_text("2125550111")
    expect(page.locator("#messages-table")).to_contain_text("0412345678")


def test_the_clock_advances_from_the_overview(page):
    before = page.locator('dd[data-fact="Mock clock"]').inner_text()
    page.fill("#advance", str(2 * 86400))
    page.click("#advance-button")
    expect(page.locator('dd[data-fact="Mock clock"]')).not_to_have_text(before)
    expect(page.locator("#overview-message")).to_contain_text("The clock is now")


def test_a_narrow_screen_does_not_scroll_sideways(browser, server):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    narrow = context.new_page()
    try:
        narrow.goto(f"{server.url}/_mock/ui")
        narrow.wait_for_selector("body[data-ready=yes]")
        assert narrow.evaluate("document.documentElement.scrollWidth") <= 376
    finally:
        context.close()


def test_another_origin_cannot_drive_the_mock_from_a_page(browser, server):
    """A page of another origin (here http://localhost:PORT, against the mock at 127.0.0.1)
    sends the mock a form-like POST, which needs no preflight: the guard refuses the reset,
    while its API call goes through (as a real switch's would), unreadable."""
    context = browser.new_context()
    other = context.new_page()
    try:
        other.goto(f"http://localhost:{server.port}/_mock/health")
        call(server, "recording/groups/create", "name=Still+here")
        kinds = other.evaluate(
            """async (url) => {
                const reset = await fetch(url + "/_mock/reset", {method: "POST", mode: "no-cors",
                    body: "x", headers: {"Content-Type": "text/plain"}});
                const api = await fetch(url + "/api/json/user/login/?auth_username=owner;" +
                    "auth_password=owner-pass", {mode: "no-cors"});
                return [reset.type, api.type];
            }""",
            server.url,
        )
        assert kinds == ["opaque", "opaque"]  # the page can read neither reply
        names = [g["name"] for g in control(server, "GET", "groups")["groups"]]
        assert "Still here" in names  # the reset from another origin did nothing
        journal = control(server, "GET", "requests?function=user/login")["requests"]
        assert journal and journal[-1]["user"] == "owner"  # the page's requests did arrive
    finally:
        context.close()


def test_a_long_journal_is_fetched_by_news_and_drawn_in_part(page, server):
    for _ in range(1030):
        call(server, "user/login")
    rows = page.locator("#journal-table tbody tr")
    expect(rows).to_have_count(200, timeout=15000)
    expect(page.locator("#journal-count")).to_contain_text("The latest 200 of 1000 calls")
    assert page.evaluate("document.documentElement.scrollHeight") < 15000  # was 34,079 px
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/_mock/requests" in r.url else None)
    page.wait_for_timeout(2500)
    assert asked == []  # idle: the journal is not asked for at all
    call(server, "recording/groups/list")
    expect(page.locator('#journal-table tbody tr[data-seq="1031"]')).to_have_count(1, timeout=5000)
    assert asked and all("since=1030" in url for url in asked)  # then only what is new


def test_a_namespaces_page_shows_that_namespace_and_switches_back(browser, server):
    call_in = f"{server.url}/ns/team-a/api/json/recording/groups/create/?{ADMIN};name=Team+A"
    urllib.request.urlopen(call_in, timeout=10).read()
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.on("requestfailed", failed_requests(errors))
    opened.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    opened.goto(f"{server.url}/ns/team-a/_mock/ui/")
    opened.wait_for_selector("body[data-ready=yes]")
    expect(opened.locator("#groups")).to_contain_text("Team A")
    expect(opened.locator("#journal-table tbody tr")).to_have_count(1)
    expect(opened.locator("#namespace")).to_have_value("team-a")
    opened.select_option("#namespace", "")
    opened.wait_for_url(f"{server.url}/_mock/ui/")
    opened.wait_for_selector("body[data-ready=yes]", timeout=15000)
    expect(opened.locator("#groups")).not_to_contain_text("Team A")
    assert errors == []
    context.close()


def test_a_playing_recording_keeps_playing_when_a_call_changes_the_list(page, server):
    audio = page.locator(f'tr[data-uniqueid="{SHIPPED}"] audio')
    page.wait_for_function(
        "(a) => a.readyState >= 1 && a.duration > 0", arg=audio.element_handle(), timeout=10000
    )
    audio.evaluate("a => { a.muted = true; return a.play(); }")
    page.wait_for_function("(a) => a.currentTime > 0.2", arg=audio.element_handle(), timeout=10000)
    control(server, "POST", "calls", {"recordgroup": 1, "talktime": 5})  # a new recording
    expect(page.locator("#groups tbody tr")).to_have_count(3, timeout=5000)
    page.wait_for_timeout(1500)
    assert audio.evaluate("a => !a.paused && a.currentTime > 1")  # not restarted, not paused


def test_the_fault_form_takes_the_rule_format_and_a_used_up_rule_stays_shown(page, server):
    form = "#fault-form"
    page.fill(f'{form} input[name="function"]', "recording/groups/get")
    page.fill(f'{form} input[name="user"]', "acme-admin")
    page.select_option(f'{form} select[name="method"]', "GET")
    page.fill(f'{form} input[name="param"]', "id=1")
    page.fill(f'{form} input[name="code"]', "402")
    page.fill(f'{form} input[name="message"]', "No more, says the test")
    page.fill(f'{form} input[name="times"]', "1")
    page.click(f'{form} button[type="submit"]')
    expect(page.locator("#fault-message")).to_have_text("Rule 1 added.")
    rule = control(server, "GET", "faults")["faults"][0]
    assert rule["match"] == {"function": "recording/groups/get", "method": "GET",
                             "user": "acme-admin", "params": {"id": "1"}}  # fmt: skip
    assert rule["effect"] == {"code": "402", "message": "No more, says the test"}
    assert call(server, "recording/groups/get", "id=1")["responses"][0]["message"] == (
        "No more, says the test"
    )
    used = page.locator('#faults-table tr[data-rule="1"]')
    expect(used).to_contain_text("used up", timeout=5000)
    assert control(server, "GET", "faults")["faults"] == []  # not in force any more


def test_the_journal_clears_in_one_click(page, server):
    call(server, "user/login")
    expect(page.locator("#journal-table tbody tr")).to_have_count(1, timeout=5000)
    page.click("#journal-clear")
    expect(page.locator("#journal-table tbody tr")).to_have_count(0)
    assert control(server, "GET", "requests")["requests"] == []


def test_with_a_control_token_the_page_asks_for_it_and_keeps_it(browser):
    with LiveServer("--memory", "--control-token", "s3cret") as guarded:
        context = browser.new_context()
        opened = context.new_page()
        opened.goto(f"{guarded.url}/_mock/ui")
        expect(opened.get_by_role("heading", name="mock-enswitch")).to_be_visible()
        opened.fill('input[name="token"]', "s3cret")
        opened.click('button[type="submit"]')
        opened.wait_for_selector("body[data-ready=yes]")
        assert opened.url == f"{guarded.url}/_mock/ui"  # the token left the address bar
        expect(opened.locator('dd[data-fact="Enswitch version"]')).to_have_text("4.4")
        context.close()


def test_an_idle_page_asks_for_the_overview_alone(page, server):
    page.wait_for_timeout(1200)  # the first polls after the load
    asked: list[str] = []
    page.on(
        "request",
        lambda r: asked.append(r.url.split("/_mock/")[-1]) if "/_mock/" in r.url else None,
    )
    page.wait_for_timeout(3000)
    assert asked and set(asked) == {"overview"}, asked  # about one small request a second
    call(server, "recording/groups/create", "name=Woken")
    expect(page.locator('[data-group="3"]')).to_contain_text("Woken", timeout=5000)


def test_a_call_placed_on_a_line_from_the_form_is_active_then_a_record(page, server):
    page.select_option("#call-line", "1001")
    page.check('#call-form input[name="active"]')
    page.click('#call-form button[type="submit"]')
    expect(page.locator("#call-result")).to_contain_text(":")
    uniqueid = page.locator("#call-result").inner_text().split(":")[0]
    row = page.locator("#active-table tbody tr", has_text=uniqueid)
    expect(row).to_have_count(1, timeout=5000)
    row.get_by_role("button", name="Hang up").click()
    expect(page.locator("#cdrs-table tbody tr", has_text=uniqueid)).to_have_count(1, timeout=5000)
