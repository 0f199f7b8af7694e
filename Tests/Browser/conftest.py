"""The console in a real browser: Debian's chromium, driven by Selenium, against the test stack
that `deploy/kefu test` started (its settings come from the env file it wrote)."""

import email
import json
import mailbox
import os
import pathlib
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pika
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import (ElementClickInterceptedException, ElementNotInteractableException,
                                        StaleElementReferenceException, WebDriverException)
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as conditions
from selenium.webdriver.support.ui import WebDriverWait

ROOT = pathlib.Path(__file__).resolve().parents[2]


def load_env():
    path = os.environ.get("KEFU_ENV_FILE", str(ROOT / ".state/test/kefu.env"))
    values = {}
    for line in pathlib.Path(path).read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            values[key] = value.strip("'")
    return values


ENV = load_env()
CONSOLE = ENV["KEFU_CONSOLE_URL"]
SHOTS = pathlib.Path(ENV["KEFU_STATE_DIR"]) / "screenshots"
SHOTS.mkdir(parents=True, exist_ok=True)


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def call(method, url, body=None, token=None, content_type="application/json", headers=None):
    """An HTTP call to a service's API; the status and the decoded JSON (or text)."""
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Authorization", "Bearer " + (token or ENV["KEFU_ADMIN_TOKEN"]))
    if data is not None:
        request.add_header("Content-Type", content_type)
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        raw, status = error.read(), error.code
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode(errors="replace")


def eventually(check, timeout=30, interval=0.2):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    return None


def add_user(role, name="Test Person", language=None):
    """A console user, through the console's own command; answers (username, one-time password)."""
    username = unique(role)
    if role == "agent":
        # The dispatch agent first, with a skill no real ticket asks for: dispatch then gives it
        # only what a test transfers to it, not the stack's other work (the newest, least-loaded
        # agent would otherwise attract every new or timed-out ticket). The console links it.
        status, answer = call("POST", f"{ENV['KEFU_DISPATCH_URL']}/v1/agents", {
            "id": username, "name": name, "max_open": 50, "daily_cap": 1000,
            "skills": {"categories": ["console-browser-tests-only"]}})
        assert status == 201, answer
    command = [ENV["KEFU_BIN_DIR"] + "/kefu-console", "user", "add", "--username", username, "--name", name, "--role", role]
    if language:
        command += ["--language", language]
    environment = dict(os.environ)
    environment.update({"KEFU_DATABASE_URL": ENV["KEFU_CONSOLE_DATABASE_URL"], "KEFU_AMQP_URL": ENV["KEFU_CONSOLE_AMQP_URL"],
                        "KEFU_AUTH_KEY": ENV["KEFU_AUTH_KEY"], "KEFU_DISPATCH_URL": ENV["KEFU_DISPATCH_URL"],
                        "KEFU_LOG_LEVEL": "error", "KEFU_BCRYPT_COST": "4"})
    output = subprocess.run(command, env=environment, capture_output=True, text=True, check=True).stdout
    password = output.strip().rsplit(" ", 1)[-1]
    return username, password


def console_log():
    return (pathlib.Path(ENV["KEFU_STATE_DIR"]) / "logs/console.log").read_text(errors="replace")


@pytest.fixture(scope="session")
def quick_idle_console():
    """A second console replica, on the same database, whose sessions idle out after 3 s."""
    environment = dict(os.environ, KEFU_CONSOLE_IDLE_MINUTES="0.05")
    subprocess.run([str(ROOT / "deploy/kefu"), "service", "start", "console@2", "test"], env=environment, check=True,
                   capture_output=True)
    yield "http://127.0.0.1:%d" % (int(CONSOLE.rsplit(":", 1)[1]) + 100)
    subprocess.run([str(ROOT / "deploy/kefu"), "service", "stop", "console@2", "test"], check=False, capture_output=True)


def submit_over_amqp(submission):
    """Published to kefu.intake as the integrator, as a phone gateway does."""
    url = ENV["KEFU_INTEGRATOR_AMQP_URL"].split(",")[0]
    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    channel.confirm_delivery()
    reply = channel.queue_declare(queue="", exclusive=True).method.queue
    channel.basic_publish(exchange="kefu.intake", routing_key="submit." + submission.get("channel", "phone"),
                          body=json.dumps(submission).encode(),
                          properties=pika.BasicProperties(content_type="application/json", delivery_mode=2,
                                                          correlation_id=submission["submission_id"], reply_to=reply))
    number = None
    for _, _, body in channel.consume(reply, inactivity_timeout=30):
        if body is None:
            break
        answer = json.loads(body)
        number = answer.get("ticket_number")
        break
    channel.cancel()
    connection.close()
    return number


def submission(email_address, subject="泵车臂架无法展开", body="客户来电：泵车臂架无法展开，工地急用。", language="zh-CN"):
    return {"submission_id": unique("console"), "channel": "phone", "language": language,
            "customer": {"name": "张伟", "email": email_address}, "subject": subject, "body": body}


def mails_to(address):
    box = mailbox.Maildir(ENV["KEFU_MAILDIR"], factory=None, create=False)
    found = []
    for message in box:
        if address in (message.get("To") or ""):
            found.append(message)
    return found


def text_of(message):
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8", errors="replace")
    return ""


def subject_of(message):
    return str(email.header.make_header(email.header.decode_header(message.get("Subject", ""))))


def detached(element):
    """Whether the page that held element has gone. Chromium answers a question about a node of a page
    it is leaving with an inspector error, not a stale-element error, so both mean gone."""
    try:
        element.is_enabled()
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if "does not belong to the document" in str(error) or "No node with given id" in str(error):
            return True
        raise


class Browser:
    """One browser window signed in (or not) as one person."""

    def __init__(self, language="zh-CN"):
        options = Options()
        options.binary_location = "/usr/bin/chromium"
        for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000"):
            options.add_argument(argument)
        options.add_experimental_option("prefs", {"intl.accept_languages": language})
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        # Live updates swap fragments in place: an element found a moment ago may be replaced.
        self.wait = WebDriverWait(self.driver, 20, ignored_exceptions=[StaleElementReferenceException])
        # Typing and clicking also wait out an element a live swap has not finished drawing.
        self.act_wait = WebDriverWait(self.driver, 20, ignored_exceptions=[
            StaleElementReferenceException, ElementNotInteractableException, ElementClickInterceptedException])

    def open(self, path):
        self.driver.get(CONSOLE + path)

    def sign_in(self, username, password, new_password=None):
        self.open("/login")
        self.driver.find_element(By.ID, "username").send_keys(username)
        self.driver.find_element(By.ID, "password").send_keys(password)
        self.submit(self.driver.find_element(By.ID, "sign-in"))
        if new_password is not None and "/password" in self.driver.current_url:
            self.driver.find_element(By.ID, "current-password").send_keys(password)
            self.driver.find_element(By.ID, "new-password").send_keys(new_password)
            self.driver.find_element(By.ID, "again").send_keys(new_password)
            self.submit(self.driver.find_element(By.ID, "save-password"))

    def submit(self, button):
        """Clicks a form's button and waits for the answer's page, so the next step sees it."""
        button.click()
        self.wait.until(lambda driver: detached(button))

    def element(self, by, value):
        return self.wait.until(conditions.presence_of_element_located((by, value)))

    def shows(self, by, value, text):
        """Waits until the element found by (by, value) holds text. The element is looked up afresh on
        each try, so a fragment the live stream swapped in meanwhile is read, not the stale one."""
        return self.wait.until(lambda driver: text in driver.find_element(by, value).text)

    def click(self, by, value):
        """Clicks the element found by (by, value), finding it again if a live swap replaced it."""
        def clicked(driver):
            driver.find_element(by, value).click()
            return True
        return self.act_wait.until(clicked)

    def type_into(self, by, value, keys):
        """Types into the element found by (by, value), finding it again if a live swap replaced it
        (an event for the ticket re-renders the ticket page, keeping what was typed)."""
        def typed(driver):
            driver.find_element(by, value).send_keys(keys)
            return True
        return self.act_wait.until(typed)

    def inside(self, by, value, tag):
        """The elements with this tag inside the element found by (by, value), looked up afresh."""
        return self.wait.until(lambda driver: (driver.find_element(by, value).find_elements(By.TAG_NAME, tag),))[0]

    def shot(self, name):
        self.driver.save_screenshot(str(SHOTS / f"{name}.png"))

    def errors(self):
        """Script errors the page logged: a test fails on any."""
        return [entry for entry in self.driver.get_log("browser") if entry.get("level") == "SEVERE"
                and "favicon" not in entry.get("message", "")]

    def close(self):
        self.driver.quit()


@pytest.fixture
def browser():
    opened = []

    def make(language="zh-CN"):
        window = Browser(language)
        opened.append(window)
        return window

    yield make
    for window in opened:
        window.close()


@pytest.fixture
def agent():
    """A signed-up agent: their username, their password after the first change."""
    username, password = add_user("agent", name=unique("Agent"))
    return username, password, "Correct-Horse-" + uuid.uuid4().hex[:8]
