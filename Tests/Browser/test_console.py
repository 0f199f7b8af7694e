"""The agents' console in a real browser: signing in, the whole workflow live, collisions,
hostile ticket text, another agent's ticket, both languages and the keyboard alone."""

import time
import urllib.parse
import urllib.request

from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as conditions

from conftest import (CONSOLE, ENV, add_user, call, console_log, eventually, mails_to, subject_of, submission,
                      submit_over_amqp, text_of, unique)


def signed_in(browser, agent, language="zh-CN"):
    username, password, new_password = agent
    window = browser(language)
    window.sign_in(username, password, new_password)
    window.element(By.ID, "tickets")
    return window


def no_alert(window):
    try:
        window.driver.switch_to.alert
    except NoAlertPresentException:
        return True
    return False


def test_sign_in_refuses_wrong_passwords_throttles_and_signs_out(browser, agent):
    username, password, new_password = agent
    window = browser("en")
    window.sign_in(username, "not the password")
    assert window.shows(By.CSS_SELECTOR, ".notice", "Wrong username or password")
    # The first sign-in asks for a password of one's own.
    window.sign_in(username, password)
    assert "/password" in window.driver.current_url
    window.driver.find_element(By.ID, "current-password").send_keys(password)
    window.driver.find_element(By.ID, "new-password").send_keys(new_password)
    window.driver.find_element(By.ID, "again").send_keys(new_password)
    window.submit(window.driver.find_element(By.ID, "save-password"))
    window.element(By.ID, "tickets")
    window.shot("queue-empty")
    window.submit(window.driver.find_element(By.ID, "sign-out"))
    assert "/login" in window.driver.current_url
    window.open("/queues/mine")
    assert "/login" in window.driver.current_url, "signed out, the queue wants a sign-in"

    # Five wrong passwords, and then even the right one must wait.
    for _ in range(5):
        window.sign_in(username, "wrong again")
    window.sign_in(username, new_password)
    assert window.shows(By.CSS_SELECTOR, ".notice", "Too many failed sign-ins")
    assert "/login" in window.driver.current_url
    assert eventually(lambda: username in console_log() and "sign-in throttled" in console_log()), "the throttling is logged"


def test_a_post_without_csrf_is_refused(browser, agent):
    window = signed_in(browser, agent)
    session = window.driver.get_cookie("kefu_session")["value"]
    # A form post that did not come from the console's own page carries no CSRF token.
    for path in ("/logout", "/me/language", "/snippets"):
        request = urllib.request.Request(CONSOLE + path, data=b"language=en", method="POST")
        request.add_header("Cookie", "kefu_session=" + session)
        try:
            status = urllib.request.urlopen(request).status
        except urllib.error.HTTPError as error:
            status = error.code
        assert status == 403, path
    window.open("/queues/mine")
    assert "/queues/mine" in window.driver.current_url, "still signed in: the refused sign-out did nothing"


def test_an_idle_session_ends(browser, agent, quick_idle_console):
    """A second console replica whose idle timeout is 3 s: an open page's own background
    requests (presence, refreshes) do not keep the session alive."""
    username, password, new_password = agent
    window = browser("en")
    window.driver.get(quick_idle_console + "/login")
    window.driver.find_element(By.ID, "username").send_keys(username)
    window.driver.find_element(By.ID, "password").send_keys(password)
    window.driver.find_element(By.ID, "sign-in").click()
    window.driver.find_element(By.ID, "current-password").send_keys(password)
    window.driver.find_element(By.ID, "new-password").send_keys(new_password)
    window.driver.find_element(By.ID, "again").send_keys(new_password)
    window.submit(window.driver.find_element(By.ID, "save-password"))
    window.element(By.ID, "tickets")
    time.sleep(6)
    window.driver.get(quick_idle_console + "/queues/mine")
    assert "/login" in window.driver.current_url, "idle for longer than the timeout: signed out"


def test_the_whole_workflow_live(browser, agent):
    window = signed_in(browser, agent, "en")
    agent_id = agent[0]
    customer = unique("customer") + "@example.com"
    # Assignment would spread work over every agent: this ticket is bound to ours.
    number = submit_over_amqp(submission(customer, subject="Crane display stays dark", body="The display stays dark.",
                                         language="en"))
    assert number
    eventually(lambda: call("GET", f"{ENV['KEFU_DISPATCH_URL']}/v1/tickets/{number}")[0] == 200)
    status, answer = call("POST", f"{ENV['KEFU_DISPATCH_URL']}/v1/tickets/{number}/transfer",
                          {"agent_id": agent_id, "reason": "browser test"})
    assert status == 200, answer
    row = f"tr[data-ticket='{number}']"
    assert window.shows(By.CSS_SELECTOR, row, "Crane display stays dark"), "the ticket appeared without a reload"
    window.wait.until(lambda driver: driver.find_element(By.ID, "count-mine").text == "1")  # the count follows the list
    window.shot("queue")
    window.click(By.CSS_SELECTOR, row + " a")
    window.click(By.ID, "action-accept")
    window.wait.until(lambda driver: "accepted" in driver.find_element(By.CSS_SELECTOR, ".facts").text)

    # A canned reply: "/" opens the menu, a choice goes into the box with the ticket's values.
    window.element(By.ID, "reply-text")
    window.type_into(By.ID, "reply-text", "/")
    window.element(By.ID, "canned-menu")
    window.type_into(By.ID, "reply-text", Keys.ENTER)
    text = window.wait.until(lambda driver: driver.find_element(By.ID, "reply-text").get_attribute("value"))
    assert number in text and "{{" not in text, "every placeholder of the canned reply is filled"
    window.type_into(By.ID, "reply-text", " Please check the fuse first.")
    window.shot("ticket-reply")
    window.click(By.ID, "send-reply")
    window.element(By.CSS_SELECTOR, ".notice.ok")
    mail = eventually(lambda: [m for m in mails_to(customer) if "check the fuse" in text_of(m)], timeout=60)
    assert mail, "the reply reached the customer"
    assert f"[{number}]" in subject_of(mail[0]) and mail[0]["Message-ID"].startswith(f"<kefu.{number}.")

    window.type_into(By.ID, "reply-text", "Fuse box is behind the cab.")
    window.click(By.ID, "send-note")
    window.wait.until(lambda driver: "Fuse box is behind the cab." in driver.find_element(By.ID, "conversation").text)
    # Only the customer's message carries a subject; replies and notes show their own words.
    assert len(window.driver.find_elements(By.CSS_SELECTOR, "#conversation .msg-subject")) == 1

    window.click(By.ID, "action-waiting-customer")
    window.wait.until(lambda driver: "paused" in driver.find_element(By.CSS_SELECTOR, "#clocks .due.paused").text)
    window.shot("ticket-waiting")

    # The customer answers the reply by mail: the ticket comes back to work by itself.
    answer = (f"From: {customer}\r\nTo: service@kefu.localhost\r\nSubject: Re: [{number}] reply\r\n"
              f"In-Reply-To: {mail[0]['Message-ID']}\r\nMessage-ID: <{unique('answer')}@example.com>\r\n"
              "Content-Type: text/plain; charset=utf-8\r\n\r\nThe fuse was fine, still dark.\r\n").encode()
    status, _ = call("POST", f"{ENV['KEFU_INTAKE_URL']}/v1/inbound/email", answer, token=ENV["KEFU_INTEGRATOR_TOKEN"],
                     content_type="message/rfc822")
    assert status in (200, 201)
    window.wait.until(lambda driver: "The fuse was fine" in driver.find_element(By.ID, "conversation").text)
    window.element(By.ID, "action-waiting-customer")  # accepted again, live

    window.driver.find_element(By.CSS_SELECTOR, "details.more summary").click()
    window.driver.find_element(By.ID, "resolve-code").send_keys("repaired")
    window.driver.find_element(By.ID, "resolve-summary").send_keys("replaced the display board")
    window.driver.find_element(By.ID, "resolve").click()
    window.wait.until(lambda driver: "resolved" in driver.find_element(By.CSS_SELECTOR, ".facts").text)
    window.shot("ticket-resolved")
    assert not window.errors()


def test_two_people_on_one_ticket_see_each_other(browser, agent):
    window = signed_in(browser, agent, "en")
    supervisor, password = add_user("supervisor", name="Sup Ervisor")
    other = browser("en")
    other.sign_in(supervisor, password, "Supervisor-Pass-1234")
    number = submit_over_amqp(submission(unique("pair") + "@example.com"))
    eventually(lambda: call("GET", f"{ENV['KEFU_DISPATCH_URL']}/v1/tickets/{number}")[0] == 200)
    call("POST", f"{ENV['KEFU_DISPATCH_URL']}/v1/tickets/{number}/transfer", {"agent_id": agent[0], "reason": "pair"})
    window.open(f"/tickets/{number}")
    other.open(f"/tickets/{number}")
    window.wait.until(lambda driver: "Sup Ervisor" in driver.find_element(By.ID, "presence").text)
    other.type_into(By.ID, "reply-text", "I will take this one")
    window.wait.until(lambda driver: "typing" in driver.find_element(By.ID, "presence").text)
    other.wait.until(lambda driver: agent[0].startswith("agent") and "has this ticket open" in driver.find_element(By.ID, "presence").text)
    window.shot("presence")


HOSTILE_SUBJECT = "<script>alert('subject')</script>"
HOSTILE_BODY = "<img src=x onerror=alert('body')> <a href=\"javascript:alert('link')\">click</a>"


def test_customer_text_is_inert_everywhere(browser, agent):
    window = signed_in(browser, agent, "en")
    number = submit_over_amqp(submission(unique("xss") + "@example.com", subject=HOSTILE_SUBJECT, body=HOSTILE_BODY))
    eventually(lambda: call("GET", f"{ENV['KEFU_DISPATCH_URL']}/v1/tickets/{number}")[0] == 200)
    call("POST", f"{ENV['KEFU_DISPATCH_URL']}/v1/tickets/{number}/transfer", {"agent_id": agent[0], "reason": "xss"})
    # In the list, arriving live.
    assert window.shows(By.CSS_SELECTOR, f"tr[data-ticket='{number}']", HOSTILE_SUBJECT), "shown as text"
    assert no_alert(window)
    # In the ticket view.
    window.open(f"/tickets/{number}")
    assert window.shows(By.ID, "conversation", "onerror=alert('body')")
    assert not window.inside(By.ID, "conversation", "img") and not window.inside(By.ID, "conversation", "a")
    assert not window.driver.find_elements(By.CSS_SELECTOR, "main script")
    assert no_alert(window)
    # A broken UTF-8 sequence in a mail becomes a replacement character, not a broken page.
    raw = (b"From: broken@example.com\r\nTo: service@kefu.localhost\r\nSubject: =?utf-8?b?" + b"4pyTIGJyb2tlbiDi" + b"?=\r\n"
           b"Message-ID: <" + unique("broken").encode() + b"@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
           b"bad bytes: \xff\xfe\xc3 end\r\n")
    status, body = call("POST", f"{ENV['KEFU_INTAKE_URL']}/v1/inbound/email", raw, token=ENV["KEFU_INTEGRATOR_TOKEN"],
                        content_type="message/rfc822")
    assert status == 201
    broken = body["number"]
    eventually(lambda: call("GET", f"{ENV['KEFU_DISPATCH_URL']}/v1/tickets/{broken}")[0] == 200)
    call("POST", f"{ENV['KEFU_DISPATCH_URL']}/v1/tickets/{broken}/transfer", {"agent_id": agent[0], "reason": "utf8"})
    window.open(f"/tickets/{broken}")
    assert window.shows(By.ID, "conversation", "bad bytes")
    window.shot("ticket-hostile")
    assert no_alert(window) and not window.errors()


def test_another_agents_ticket_is_refused(browser, agent):
    window = signed_in(browser, agent, "en")
    someone, _ = add_user("agent", name="Someone Else")
    number = submit_over_amqp(submission(unique("theirs") + "@example.com"))
    eventually(lambda: call("GET", f"{ENV['KEFU_DISPATCH_URL']}/v1/tickets/{number}")[0] == 200)
    call("POST", f"{ENV['KEFU_DISPATCH_URL']}/v1/tickets/{number}/transfer", {"agent_id": someone, "reason": "theirs"})
    window.open(f"/tickets/{number}")
    assert window.shows(By.ID, "not-yours", "Not yours")
    assert "泵车臂架" not in window.driver.page_source, "nothing of the ticket is shown"
    # Nor through the pieces the page's script fetches, or the canned replies filled from it.
    for path in (f"/tickets/{number}/conversation", f"/canned?ticket={number}", f"/tickets/{number}/presence"):
        window.open(path)
        assert "泵车臂架" not in window.driver.page_source and "张伟" not in window.driver.page_source, path


def test_both_languages(browser, agent):
    chinese = signed_in(browser, agent, "zh-CN")
    assert "我的工单" in chinese.driver.find_element(By.TAG_NAME, "nav").text
    chinese.shot("queue-zh")
    chinese.driver.find_element(By.CSS_SELECTOR, "form[action='/me/language'] button").click()
    chinese.wait.until(lambda driver: "My tickets" in driver.find_element(By.TAG_NAME, "nav").text)
    # The choice is the person's: another browser, asking for Chinese, gets English now.
    again = browser("zh-CN")
    again.sign_in(agent[0], agent[2])
    assert again.shows(By.TAG_NAME, "nav", "My tickets")


def test_the_main_flow_by_keyboard_alone(browser, agent):
    window = signed_in(browser, agent, "en")
    number = submit_over_amqp(submission(unique("keys") + "@example.com", language="en", subject="Keyboard only"))
    eventually(lambda: call("GET", f"{ENV['KEFU_DISPATCH_URL']}/v1/tickets/{number}")[0] == 200)
    call("POST", f"{ENV['KEFU_DISPATCH_URL']}/v1/tickets/{number}/transfer", {"agent_id": agent[0], "reason": "keys"})
    window.element(By.CSS_SELECTOR, f"tr[data-ticket='{number}']")
    page = window.driver.find_element(By.TAG_NAME, "body")
    page.send_keys("?")
    assert window.element(By.ID, "shortcuts").is_displayed()
    page.send_keys(Keys.ESCAPE)
    rows = window.driver.find_elements(By.CSS_SELECTOR, "#rows tr[data-href]")
    position = [row.get_attribute("data-ticket") for row in rows].index(number)
    for _ in range(position):
        page.send_keys("j")
    page.send_keys("k", "j") if position else page.send_keys("j", "k")
    window.wait.until(lambda driver: driver.find_element(By.CSS_SELECTOR, "tr.selected").get_attribute("data-ticket") == number)
    page.send_keys(Keys.ENTER)
    window.element(By.ID, "ticket")
    window.driver.find_element(By.TAG_NAME, "body").send_keys("a")
    window.wait.until(lambda driver: "accepted" in driver.find_element(By.CSS_SELECTOR, ".facts").text)
    window.driver.find_element(By.TAG_NAME, "body").send_keys("r")
    active = window.driver.switch_to.active_element
    assert active.get_attribute("id") == "reply-text"
    active.send_keys("Answered without a mouse.")
    active.send_keys(Keys.CONTROL, Keys.ENTER)
    window.wait.until(lambda driver: "Answered without a mouse." in driver.find_element(By.ID, "conversation").text)
    window.driver.find_element(By.TAG_NAME, "body").send_keys("/")
    assert window.driver.switch_to.active_element.get_attribute("id") == "search"
