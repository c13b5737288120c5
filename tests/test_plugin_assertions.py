"""The pytest plugin's assertions and strict mode, as a user's suite meets them (pytester, in a
subprocess): each passing and each failing, with the messages a user reads."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

SUITE = """
import pytest

def test_called_once(enswitch):
    enswitch.call("recording/groups/create", name="Sales")
    enswitch.assert_called("recording/groups/create", times=1, name="Sales")
    enswitch.assert_not_called("recording/groups/delete")
    assert len(enswitch.calls("recording/groups/create", user="acme-admin")) == 1

def test_a_near_miss_is_shown(enswitch):
    enswitch.call("recording/groups/create", name="Sales")
    enswitch.assert_called("recording/groups/create", name="Support")

def test_a_close_name_is_shown(enswitch):
    enswitch.call("recording/groups/list")
    enswitch.assert_called("recording/group/list")

def test_times_counted(enswitch):
    enswitch.call("user/login")
    enswitch.call("user/login")
    enswitch.assert_called("user/login", times=1)
"""


def test_assert_called_passes_and_fails_with_near_misses(pytester: pytest.Pytester):
    pytester.makepyfile(test_user=SUITE)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=3)
    result.stdout.fnmatch_lines(
        [
            "*recording/groups/create(name='Support') expected at least once, called 0 time(s)*",
            "*near miss: call #1 (200): name='Sales', not 'Support'*",
            "*no call of recording/group/list; did you mean recording/groups/list*",
            "*user/login() expected 1 time(s), called 2 time(s)*",
        ]
    )


STRICT_SUITE = """
import pytest

@pytest.mark.enswitch_strict
def test_marked(enswitch):
    enswitch.call("customers/update", id=3)

def test_by_method(enswitch):
    enswitch.strict()
    enswitch.call("no/such/thing")

def test_served_only(enswitch):
    enswitch.strict()
    enswitch.call("user/login")

def test_not_strict(enswitch):
    enswitch.call("customers/update", id=3)
"""


def test_strict_mode_fails_a_test_that_called_what_is_not_served(pytester: pytest.Pytester):
    pytester.makepyfile(test_strict=STRICT_SUITE)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*strict mode: the client called what the mock does not serve:*",
            "*call #1: customers/update answered 501*",
            "*call #1: no/such/thing answered 404*",
        ]
    )


def test_strict_mode_from_the_ini_file(pytester: pytest.Pytester):
    pytester.makeini("[pytest]\nenswitch_strict = true\n")
    pytester.makepyfile(
        test_ini="""
def test_unserved(enswitch):
    enswitch.call("customers/update", id=3)
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*customers/update answered 501*"])
