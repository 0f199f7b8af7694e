"""A signed-in console admin for fuzzing the console, whose pages take a session cookie and a
CSRF token rather than the bearer token (docs/console.md). Not a conftest.py: Tests/Browser's
modules import theirs by that name, and the two suites run in one pytest session."""
import http.cookiejar
import os
import re
import secrets
import subprocess
import urllib.parse
import urllib.request

import pytest


def kefu_env(name):
    return os.environ[name]


class Session:
    """A browser-like client of the console: cookies kept, redirects followed."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path):
        with self.opener.open(self.base + path, timeout=10) as answer:
            return answer.read().decode()

    def post(self, path, fields):
        request = urllib.request.Request(self.base + path, data=urllib.parse.urlencode(fields).encode(),
                                         headers={"Origin": self.base})
        with self.opener.open(request, timeout=10) as answer:
            return answer.geturl(), answer.read().decode()

    def cookie(self, name):
        return next(cookie.value for cookie in self.jar if cookie.name == name)

    @staticmethod
    def csrf(page):
        return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


@pytest.fixture(scope="session")
def console_session():
    """(cookie header, CSRF token) of a new admin who has set their password."""
    username = "contract-" + secrets.token_hex(4)
    environment = dict(os.environ, KEFU_DATABASE_URL=kefu_env("KEFU_CONSOLE_DATABASE_URL"),
                       KEFU_AMQP_URL=kefu_env("KEFU_CONSOLE_AMQP_URL"), KEFU_LOG_LEVEL="error", KEFU_BCRYPT_COST="4")
    output = subprocess.run([kefu_env("KEFU_BIN_DIR") + "/kefu-console", "user", "add", "--username", username,
                             "--name", "Contract Tests", "--role", "admin"],
                            env=environment, capture_output=True, text=True, check=True).stdout
    password = output.strip().rsplit(" ", 1)[-1]
    session = Session(kefu_env("KEFU_CONSOLE_URL"))
    landed, page = session.post("/login", {"csrf": Session.csrf(session.get("/login")), "username": username,
                                           "password": password})
    assert "/password" in landed, "a new user is asked to choose a password"
    new_password = "Contract-" + secrets.token_hex(8)
    landed, page = session.post("/password", {"csrf": Session.csrf(page), "current": password, "password": new_password,
                                              "again": new_password})
    assert "/password" not in landed, "the password was changed"
    return f"kefu_session={session.cookie('kefu_session')}", Session.csrf(session.get("/password"))
