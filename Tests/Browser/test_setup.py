"""The administrators' set-up pages in a real browser: the organisation (teams in three levels,
calendars with holidays, dedicated representatives), the taxonomy, webhooks with their
deliveries and a retry, and the visit schedule with its intervals per product line. Each page
shows the owning service's field errors next to the fields and keeps what was typed."""

import datetime
import json

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import ENV, call, eventually, submission, submit_over_amqp, unique
from test_supervisor import signed_in_as

DISPATCH, CLASSIFICATION, NOTIFICATION, SURVEY, INTAKE = (ENV[f"KEFU_{name}_URL"] for name in
                                                          ("DISPATCH", "CLASSIFICATION", "NOTIFICATION", "SURVEY", "INTAKE"))


def fill(window, form, values):
    """Types values into a form's fields by name; selects are chosen, checkboxes ticked."""
    for name, value in values.items():
        field = window.element(By.ID, f"{form}-{name}")
        if field.tag_name == "select":
            Select(field).select_by_value(value)
        elif field.get_attribute("type") == "checkbox":
            if field.is_selected() != bool(value):
                field.click()
        elif field.get_attribute("type") == "date":
            window.driver.execute_script("arguments[0].value = arguments[1]", field, value)
        else:
            field.clear()
            field.send_keys(value)
    window.submit(window.driver.find_element(By.ID, f"{form}-submit"))


def field_error(window, form, name):
    return window.shows(By.CSS_SELECTOR, f"label[for='{form}-{name}'] .field-error", "")


def test_teams_in_three_levels_calendars_with_holidays_and_representatives(browser):
    window, _ = signed_in_as(browser, "admin")
    branch, station, calendar = unique("branch"), unique("station"), unique("cal")
    window.open("/admin/organisation")
    # A station straight under headquarters is refused by dispatch, next to the parent.
    fill(window, "team", {"id": station, "name": "Station " + station, "level": "station", "parent_id": "hq"})
    assert field_error(window, "team", "parent_id")
    assert "one level up" in window.driver.find_element(By.CSS_SELECTOR, "label[for='team-parent_id']").text
    assert window.driver.find_element(By.ID, "team-name").get_attribute("value") == "Station " + station, "what was typed is kept"
    window.shot("admin-organisation-refused")
    window.open("/admin/organisation")
    fill(window, "team", {"id": branch, "name": "Branch " + branch, "level": "branch", "parent_id": "hq"})
    assert window.shows(By.CSS_SELECTOR, ".notice.ok", branch)
    fill(window, "team", {"id": station, "name": "Station " + station, "level": "station", "parent_id": branch,
                          "accept_timeout_seconds": "300"})
    assert window.shows(By.CSS_SELECTOR, ".notice.ok", station)
    # The tree: the station two levels in, right after its branch.
    rows = [row.text for row in window.driver.find_elements(By.CSS_SELECTOR, "#team-table tbody tr")]
    at = next(index for index, text in enumerate(rows) if branch in text)
    assert rows[at].startswith("— Branch") and rows[at + 1].startswith("— — Station " + station), rows
    assert call("GET", f"{DISPATCH}/v1/teams")[1] and any(
        team["id"] == station and team["parent_id"] == branch and team["accept_timeout_seconds"] == 300
        for team in call("GET", f"{DISPATCH}/v1/teams")[1])

    # Hours as typed: a line that is no day is refused on the page, naming the line.
    fill(window, "calendar", {"id": calendar, "name": "Branch hours", "time_zone": "Asia/Shanghai",
                              "hours": "mon-fri 08:30-17:30\nsunday 10:00-12:00", "holidays": "2027-01-01"})
    assert window.shows(By.CSS_SELECTOR, "label[for='calendar-hours'] .field-error", "line 2")
    # A time dispatch cannot read is dispatch's error, next to the same field.
    fill(window, "calendar", {"hours": "mon-fri 08:30-25:00"})
    assert field_error(window, "calendar", "hours")
    fill(window, "calendar", {"hours": "mon-fri 08:30-12:00 13:00-17:30\nsat 09:00-12:00", "holidays": "2027-01-01, 2027-02-17"})
    assert window.shows(By.ID, "calendar-table", "sat 09:00-12:00")
    assert window.shows(By.ID, "calendar-table", "2027-02-17")
    saved = next(item for item in call("GET", f"{DISPATCH}/v1/calendars")[1] if item["id"] == calendar)
    assert saved["holidays"] == ["2027-01-01", "2027-02-17"]
    assert saved["hours"]["mon"] == [{"start": "08:30", "end": "12:00"}, {"start": "13:00", "end": "17:30"}] and "sun" not in saved["hours"]
    # Edited from its link: the form comes back filled in.
    window.open(f"/admin/organisation?calendar={calendar}")
    assert "sat 09:00-12:00" in window.element(By.ID, "calendar-hours").get_attribute("value")
    window.shot("admin-organisation")

    engineer, customer = unique("rep"), unique("customer")
    assert call("POST", f"{DISPATCH}/v1/agents", {"id": engineer, "name": "Representative",
                                                  "skills": {"categories": ["console-browser-tests-only"]}})[0] == 201
    fill(window, "representative", {"customer_id": customer, "agent_id": unique("nobody")})
    assert field_error(window, "representative", "agent_id")
    fill(window, "representative", {"agent_id": engineer})
    assert window.shows(By.ID, "representative-table", customer)
    assert {"customer_id": customer, "agent_id": engineer} in call("GET", f"{DISPATCH}/v1/representatives")[1]
    window.submit(window.element(By.ID, f"unassign-{customer}-submit"))
    assert window.shows(By.CSS_SELECTOR, ".notice.ok", customer)
    assert customer not in window.driver.find_element(By.ID, "representative-table").text

    # A station that holds no work can be retired; it stays listed, greyed.
    window.submit(window.element(By.ID, f"retire-{station}-submit"))
    assert window.shows(By.CSS_SELECTOR, ".notice.ok", station)
    assert window.shows(By.CSS_SELECTOR, f"#team-table tr[data-key='{station}']", "retired")
    window.open("/audit?action=team_saved")
    assert window.shows(By.ID, "audit-table", station)


def test_the_taxonomy_is_edited_and_a_category_retired(browser):
    window, _ = signed_in_as(browser, "admin")
    name = unique("browser").replace("-", "_")
    window.open("/admin/categories")
    fill(window, "category", {"id": "Not An Id", "names_en": "Bad", "default_priority": "P2", "sla_class": "standard"})
    assert field_error(window, "category", "id")
    fill(window, "category", {"id": f"fault.{name}", "parent": "fault", "names_en": "Browser fault", "names_zh-CN": "浏览器故障"})
    assert window.shows(By.ID, "category-table", f"fault.{name}")
    row = window.driver.find_element(By.CSS_SELECTOR, f"#category-table tr[data-key='fault.{name}']").text
    assert "— fault." in row and "浏览器故障" in row and "P2" in row
    window.shot("admin-categories")
    window.submit(window.element(By.ID, f"retire-fault.{name}-submit"))
    assert window.shows(By.CSS_SELECTOR, f"#category-table tr[data-key='fault.{name}']", "retired")
    assert any(item["id"] == f"fault.{name}" and item["retired"] for item in call("GET", f"{CLASSIFICATION}/v1/categories")[1])


def test_webhooks_show_their_deliveries_and_a_failed_one_is_retried(browser):
    window, _ = signed_in_as(browser, "admin")
    good, bad = unique("hook"), unique("hook")
    sink = ENV["KEFU_SINK_URL"]
    window.open("/admin/webhooks")
    fill(window, "webhook", {"url": "ftp://example.com/x", "event_types": "kefu.ticket.created"})
    assert field_error(window, "webhook", "url")
    fill(window, "webhook", {"url": f"{sink}/ok/{good}", "event_types": "kefu.ticket.created", "description": "browser test"})
    assert window.shows(By.CSS_SELECTOR, "#webhooks ul.lines", "Secret")
    fill(window, "webhook", {"url": f"{sink}/fail/{bad}", "event_types": "kefu.ticket.created", "description": "always fails"})
    assert window.shows(By.ID, "webhook-table", bad)
    hooks = {hook["url"]: hook["id"] for hook in call("GET", f"{NOTIFICATION}/v1/webhooks")[1]}
    good_id, bad_id = hooks[f"{sink}/ok/{good}"], hooks[f"{sink}/fail/{bad}"]

    number = submit_over_amqp(submission(unique("hooked") + "@example.com"))
    window.open(f"/admin/webhooks?deliveries={good_id}")
    assert eventually(lambda: (window.driver.refresh() or True) and number in window.driver.find_element(By.ID, "delivery-table").text
                      and "sent" in window.driver.find_element(By.ID, "delivery-table").text, timeout=60)
    window.open(f"/admin/webhooks?deliveries={bad_id}")
    # The test profile tries three times, half a second apart, then gives up.
    assert eventually(lambda: (window.driver.refresh() or True) and window.driver.find_elements(By.CSS_SELECTOR, "#delivery-table tbody tr.late"),
                      timeout=60)
    window.shot("admin-webhook-deliveries")
    delivery = window.driver.find_element(By.CSS_SELECTOR, "#delivery-table tbody tr.late").get_attribute("data-key")
    window.submit(window.element(By.ID, f"retry-{delivery}-submit"))
    assert window.shows(By.CSS_SELECTOR, ".notice.ok", delivery)
    assert call("GET", f"{NOTIFICATION}/v1/notifications/{delivery}")[1]["status"] in ("pending", "sending", "failed")
    window.open("/admin/webhooks")
    window.submit(window.element(By.ID, f"pause-{bad_id}-submit"))
    assert window.shows(By.CSS_SELECTOR, f"#webhook-table tr[data-key='{bad_id}']", "paused")
    assert call("GET", f"{NOTIFICATION}/v1/webhooks/{bad_id}")[1]["active"] is False
    for hook in (good_id, bad_id):
        window.submit(window.element(By.ID, f"remove-{hook}-submit"))
        assert window.shows(By.CSS_SELECTOR, ".notice.ok", "removed")
    assert call("GET", f"{NOTIFICATION}/v1/webhooks/{good_id}")[0] == 404
    window.open("/audit?action=delivery_retried")
    assert window.shows(By.ID, "audit-table", delivery)


def test_visits_are_moved_and_cancelled_and_intervals_set(browser):
    number = submit_over_amqp(submission(unique("owner") + "@example.com"))
    customer = call("GET", f"{INTAKE}/v1/tickets/{number}")[1]["customer"]["id"]
    model = unique("BT").upper()
    today = datetime.date.today()
    status, answer = call("POST", f"{INTAKE}/v1/customers/{customer}/products",
                          {"model": model, "serial": unique("SN"), "delivered_on": today.isoformat()})
    assert status == 201, answer
    visits = eventually(lambda: [visit for visit in call("GET", f"{SURVEY}/v1/visits?customer={customer}")[1]
                                 if visit["status"] == "scheduled"] or None, timeout=60)
    assert visits, "the product's inspections were scheduled"

    window, _ = signed_in_as(browser, "supervisor")
    window.open(f"/visits?customer={customer}")
    first = window.driver.find_element(By.CSS_SELECTOR, "#visit-table tbody tr").get_attribute("data-key")
    later = (today + datetime.timedelta(days=45)).isoformat()
    fill(window, f"move-{first}", {"due_on": later})
    assert window.shows(By.CSS_SELECTOR, ".notice.ok", "")
    moved = next(visit for visit in call("GET", f"{SURVEY}/v1/visits?customer={customer}")[1] if visit["id"] == first)
    assert moved["due_on"] == later and moved["moved_from"]
    window.shot("supervisor-visits")
    window.submit(window.element(By.ID, f"cancel-{first}-submit"))
    assert window.shows(By.CSS_SELECTOR, ".notice.ok", "")
    assert next(visit for visit in call("GET", f"{SURVEY}/v1/visits?customer={customer}")[1] if visit["id"] == first)["status"] == "cancelled"
    assert not window.driver.find_elements(By.ID, "line"), "a supervisor does not set intervals"

    admin, _ = signed_in_as(browser, "admin")
    admin.open("/visits")
    fill(admin, "line", {"prefix": model, "intervals_months": "two"})
    assert field_error(admin, "line", "intervals_months")
    fill(admin, "line", {"intervals_months": "2, 4"})
    assert admin.shows(By.ID, "line-table", model)
    assert {"prefix": model, "intervals_months": [2, 4]} in call("GET", f"{SURVEY}/v1/product-lines")[1]
