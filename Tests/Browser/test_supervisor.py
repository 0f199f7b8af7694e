"""The supervisors' pages in a real browser: a clock turning amber then red on the live floor and
the ticket reassigned from it; KPIs, complaints, the audit log and a ticket's story; and an
agent refused on every one of those URLs, the forms included."""

import urllib.error
import urllib.request

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import CONSOLE, ENV, add_user, call, eventually, submission, submit_over_amqp, unique


def signed_in_as(browser, role, language="en"):
    username, password = add_user(role, name=unique(role.capitalize()))
    window = browser(language)
    new_password = "Correct-Horse-" + unique("pw")
    window.sign_in(username, password, new_password)
    window.element(By.ID, "sign-out")
    return window, username


def fast_clock_ticket():
    """A ticket whose first response is due 30 s after it arrives: its own category, a rule that
    gives it, and an SLA policy with second-scale targets."""
    marker = unique("floorclock")
    category = "floor_" + marker.split("-")[1]
    status, answer = call("PUT", f"{ENV['KEFU_CLASSIFICATION_URL']}/v1/categories/{category}", {
        "id": category, "names": {"en": "Floor test", "zh-CN": "现场测试"}, "default_priority": "P3", "sla_class": "standard"})
    assert status == 200, answer
    status, rule = call("POST", f"{ENV['KEFU_CLASSIFICATION_URL']}/v1/rules", {
        "name": marker, "position": 0, "when": [{"field": "subject", "match": "keywords", "values": [marker]}],
        "then": {"category": category, "override_category": True}})
    assert status == 201, rule
    status, answer = call("POST", f"{ENV['KEFU_DISPATCH_URL']}/v1/sla-policies", {
        "name": marker, "category": category, "first_response_minutes": 0.5, "resolution_minutes": 600})
    assert status == 201, answer
    try:
        number = submit_over_amqp(submission(marker + "@example.com", subject=f"Boom stuck {marker}", body="The boom is stuck.",
                                             language="en"))
        assert number
        assert eventually(lambda: call("GET", f"{ENV['KEFU_DISPATCH_URL']}/v1/tickets/{number}")[0] == 200)
        return number
    finally:
        call("DELETE", f"{ENV['KEFU_CLASSIFICATION_URL']}/v1/rules/{rule['id']}")


def test_a_clock_turns_amber_then_red_on_the_floor_and_is_reassigned(browser, agent):
    window, _ = signed_in_as(browser, "supervisor")
    number = fast_clock_ticket()
    window.open("/floor")
    window.driver.execute_script("window.kefuSamePage = true;")
    countdown = f"tr[data-key='{number}-first_response'] .due"
    def turned(name):
        return lambda driver: name in (driver.find_element(By.CSS_SELECTOR, countdown).get_attribute("class") or "")
    # Amber at 80 % of the 30 s (24 s in), red at 30 s: the page follows without a reload.
    window.wait.until(lambda driver: driver.find_elements(By.CSS_SELECTOR, countdown))
    window.shot("floor-running")
    clock = WebDriverWait(window.driver, 60, poll_frequency=0.25, ignored_exceptions=[StaleElementReferenceException])
    clock.until(turned("soon"))
    window.shot("floor-amber")
    clock.until(turned("late"))
    window.shot("floor-red")
    assert window.driver.execute_script("return window.kefuSamePage === true;"), "no reload"
    # Reassigned from the floor, to the agent the test made.
    field = f"reassign-{number}-first_response-agent_id"
    window.wait.until(lambda driver: driver.find_element(By.ID, field)).send_keys(agent[0])
    window.submit(window.driver.find_element(By.ID, f"reassign-{number}-first_response-submit"))
    assert window.shows(By.CSS_SELECTOR, ".notice.ok", number)
    assert eventually(lambda: call("GET", f"{ENV['KEFU_DISPATCH_URL']}/v1/tickets/{number}")[1].get("agent_id") == agent[0])
    # The story tells all of it; the audit log has the reassignment.
    # The story is read when the page opens: an event still on its way shows at the next load.
    def story_has_breach():
        window.open(f"/tickets/{number}/story")
        return "sla_breached" in window.element(By.ID, "story-table").text
    assert eventually(story_has_breach, timeout=60, interval=1)
    assert window.shows(By.ID, "story-table", agent[0])
    window.shot("story")
    window.open("/audit?action=ticket_reassigned")
    assert window.shows(By.ID, "audit-table", number)
    assert not window.errors()


def test_duty_kpis_complaints_and_the_monthly_report(browser, agent):
    window, username = signed_in_as(browser, "supervisor", "zh-CN")
    window.open("/floor")
    duty = f"duty-{agent[0]}-duty"
    window.wait.until(lambda driver: driver.find_element(By.ID, duty))
    window.driver.execute_script(f"document.getElementById('{duty}').value = 'break';")
    window.submit(window.driver.find_element(By.ID, f"duty-{agent[0]}-submit"))
    assert eventually(lambda: call("GET", f"{ENV['KEFU_DISPATCH_URL']}/v1/agents/{agent[0]}")[1].get("duty") == "break")
    window.shot("floor")
    window.open("/audit")
    assert window.shows(By.ID, "audit-table", "agent_duty_changed")
    assert window.shows(By.ID, "audit-table", username)
    window.shot("audit")
    window.open("/kpis?group_by=team")
    window.element(By.ID, "kpi-table")
    assert window.driver.find_elements(By.CSS_SELECTOR, "figure.chart svg rect"), "charts drawn on the server"
    window.shot("kpis")
    window.open("/complaints")
    window.element(By.ID, "complaint-table")
    window.shot("complaints")
    assert not window.errors()
    window.open("/kpis")
    window.click(By.LINK_TEXT, window.driver.find_element(By.CSS_SELECTOR, "#report-links a").text)
    window.wait.until(lambda driver: driver.find_elements(By.TAG_NAME, "svg"))
    window.shot("monthly-report")


def status_of(method, path, cookie, csrf=None):
    data = ("csrf=" + csrf + "&number=KF-1&agent_id=x&team_id=y&agent=x&duty=on").encode() if method == "POST" else None
    request = urllib.request.Request(CONSOLE + path, data=data, method=method)
    request.add_header("Cookie", cookie)
    request.add_header("Origin", CONSOLE)
    if data:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


SUPERVISOR_PAGES = ["/floor", "/floor/fragment", "/kpis", "/kpis?group_by=agent", "/kpis/monthly?month=2026-12", "/complaints",
                    "/audit", "/tickets/KF-1/story", "/tickets/KF-1/story/fragment", "/visits"]
SUPERVISOR_FORMS = ["/floor/reassign", "/floor/transfer", "/floor/duty", "/tickets/KF-1/story/reassign", "/visits/move",
                    "/visits/cancel"]
ADMIN_PAGES = ["/admin/users", "/admin/agents", "/admin/organisation", "/admin/sla", "/admin/categories", "/admin/rules",
               "/admin/models", "/admin/templates", "/admin/webhooks"]
ADMIN_FORMS = ["/admin/users", "/admin/agents/save", "/admin/agents/import", "/admin/organisation/team", "/admin/organisation/retire",
               "/admin/organisation/calendar", "/admin/organisation/representative", "/admin/organisation/unassign",
               "/admin/sla/add", "/admin/sla/delete", "/admin/categories/save", "/admin/categories/retire", "/admin/rules/add",
               "/admin/rules/try", "/admin/models/train", "/admin/models/activate", "/admin/templates/save", "/admin/templates/revert",
               "/admin/webhooks/add", "/admin/webhooks/pause", "/admin/webhooks/resume", "/admin/webhooks/remove",
               "/admin/webhooks/retry", "/visits/line", "/admin/templates/draft",
               "/admin/users/00000000-0000-0000-0000-000000000000/role"]


def test_an_agent_is_refused_on_every_supervisor_page_and_form(browser, agent):
    window = browser("en")
    window.sign_in(*agent)
    window.element(By.ID, "tickets")
    assert not window.driver.find_elements(By.ID, "nav-floor"), "no link drawn"
    cookie = "kefu_session=" + window.driver.get_cookie("kefu_session")["value"]
    csrf = window.driver.find_element(By.TAG_NAME, "body").get_attribute("data-csrf")
    for path in SUPERVISOR_PAGES + ADMIN_PAGES:
        assert status_of("GET", path, cookie) == 403, path
    for path in SUPERVISOR_FORMS + ADMIN_FORMS:
        assert status_of("POST", path, cookie, csrf) == 403, path
    # Nothing the agent tried was done.
    assert call("GET", f"{ENV['KEFU_DISPATCH_URL']}/v1/agents/{agent[0]}")[1].get("duty") == "on"


def test_a_supervisor_is_refused_on_every_admin_page_and_form(browser):
    window, _ = signed_in_as(browser, "supervisor")
    assert window.driver.find_elements(By.ID, "nav-floor") and not window.driver.find_elements(By.CSS_SELECTOR, "a[href='/admin/users']")
    cookie = "kefu_session=" + window.driver.get_cookie("kefu_session")["value"]
    csrf = window.driver.find_element(By.TAG_NAME, "body").get_attribute("data-csrf")
    for path in SUPERVISOR_PAGES:
        assert status_of("GET", path, cookie) in (200, 404), path
    for path in ADMIN_PAGES:
        assert status_of("GET", path, cookie) == 403, path
    for path in ADMIN_FORMS:
        assert status_of("POST", path, cookie, csrf) == 403, path
