"""The administrators' pages in a real browser: agents imported from a CSV with one bad row named,
a rule created, tried in the try-it box and taken by the next ticket, an SLA policy refused field
by field and then saved, and each change in the audit log."""

import pathlib
import tempfile

from selenium.webdriver.common.by import By

from selenium.webdriver.support.ui import Select

from conftest import ENV, add_user, call, eventually, submission, submit_over_amqp, unique
from test_supervisor import signed_in_as


def upload(window, text, name):
    folder = pathlib.Path(tempfile.mkdtemp())
    path = folder / name
    path.write_text(text)
    window.element(By.ID, "import-file").send_keys(str(path))
    window.submit(window.driver.find_element(By.ID, "import-submit"))


def test_agents_import_names_the_bad_row_then_imports(browser):
    window, username = signed_in_as(browser, "admin")
    window.open("/admin/agents")
    good, other = unique("imported"), unique("imported")
    header = "id,name,max_open,daily_cap,duty,categories\n"
    upload(window, header + f"{good},Good Row,5,40,off,console-browser-tests-only\n{other},Bad Row,-1,40,off,x\n", "agents.csv")
    assert window.shows(By.CSS_SELECTOR, "#import ul.problems", "Row 2")
    assert "max_open" in window.driver.find_element(By.CSS_SELECTOR, "#import ul.problems").text
    window.shot("admin-import-bad-row")
    assert call("GET", f"{ENV['KEFU_DISPATCH_URL']}/v1/agents/{good}")[0] == 404, "all or nothing"
    upload(window, header + f"{good},Good Row,5,40,off,console-browser-tests-only\n{other},Other Row,3,40,off,console-browser-tests-only\n",
           "agents.csv")
    assert window.shows(By.CSS_SELECTOR, ".notice.ok", "agents.csv")
    assert window.shows(By.ID, "agent-table", other)
    window.shot("admin-agents")
    # Edited in place: the row's own form.
    capacity = window.element(By.ID, f"agent-{good}-max_open")
    capacity.clear()
    capacity.send_keys("7")
    window.submit(window.driver.find_element(By.ID, f"agent-{good}-submit"))
    assert eventually(lambda: call("GET", f"{ENV['KEFU_DISPATCH_URL']}/v1/agents/{good}")[1].get("max_open") == 7)
    window.open("/audit")
    assert window.shows(By.ID, "audit-table", "agents_imported")
    assert window.shows(By.ID, "audit-table", "agent_changed")


def test_a_rule_is_created_tried_and_taken_by_the_next_ticket(browser):
    window, _ = signed_in_as(browser, "admin")
    marker = unique("ruletest")
    window.open("/admin/rules")
    window.element(By.ID, "rule-name").send_keys("Browser " + marker)
    when = window.driver.find_element(By.ID, "rule-when")
    when.clear()
    when.send_keys('[{"field": "text", "match": "keywords", "values": ["%s"]}]' % marker)
    then = window.driver.find_element(By.ID, "rule-then")
    then.clear()
    then.send_keys('{"category": "no_such_category_here"}')
    window.submit(window.driver.find_element(By.ID, "rule-submit"))
    # The service's field error comes back next to the field.
    assert window.shows(By.CSS_SELECTOR, "#rule .field-error", "")
    window.shot("admin-rule-refused")
    then = window.driver.find_element(By.ID, "rule-then")
    then.clear()
    then.send_keys('{"category": "parts", "override_category": true}')
    window.submit(window.driver.find_element(By.ID, "rule-submit"))
    assert window.shows(By.CSS_SELECTOR, ".notice.ok", "")
    rules = call("GET", f"{ENV['KEFU_CLASSIFICATION_URL']}/v1/rules")[1]
    rule = next(r for r in rules if r["name"] == "Browser " + marker)
    try:
        window.element(By.ID, "tryit-text").send_keys(f"the display is dark {marker}")
        window.submit(window.driver.find_element(By.ID, "tryit-submit"))
        assert window.shows(By.CSS_SELECTOR, "#try-it ul.lines", "Browser " + marker)
        assert window.shows(By.CSS_SELECTOR, "#try-it ul.lines", "parts")
        window.shot("admin-rules-try-it")
        number = submit_over_amqp(submission(marker + "@example.com", subject=f"Screen dark {marker}", body="Dark.", language="en"))
        decision = eventually(lambda: (lambda r: r[1] if r[0] == 200 else None)(
            call("GET", f"{ENV['KEFU_CLASSIFICATION_URL']}/v1/decisions/{number}")))
        assert decision["category"] == "parts"
        assert "Browser " + marker in [fired["name"] for fired in decision["rules_fired"]]
        window.open("/audit?action=rule_added")
        assert window.shows(By.ID, "audit-table", "Browser " + marker)
    finally:
        call("DELETE", f"{ENV['KEFU_CLASSIFICATION_URL']}/v1/rules/{rule['id']}")


def test_an_sla_policy_is_refused_by_field_then_saved(browser):
    window, _ = signed_in_as(browser, "admin", "zh-CN")
    name = unique("policy")
    window.open("/admin/sla")
    window.element(By.ID, "policy-name").send_keys(name)
    window.driver.find_element(By.ID, "policy-category").send_keys("sla_browser_" + name.split("-")[1])
    window.driver.find_element(By.ID, "policy-first_response_minutes").send_keys("0")
    window.driver.find_element(By.ID, "policy-resolution_minutes").send_keys("120")
    window.submit(window.driver.find_element(By.ID, "policy-submit"))
    assert window.shows(By.CSS_SELECTOR, "label[for='policy-first_response_minutes'] .field-error", "")
    assert window.driver.find_element(By.ID, "policy-name").get_attribute("value") == name, "what was typed is kept"
    window.shot("admin-sla-refused")
    minutes = window.driver.find_element(By.ID, "policy-first_response_minutes")
    minutes.clear()
    minutes.send_keys("15")
    window.submit(window.driver.find_element(By.ID, "policy-submit"))
    assert window.shows(By.ID, "policy-table", name)
    window.shot("admin-sla")
    window.open("/audit?action=sla_policy_added")
    assert window.shows(By.ID, "audit-table", name)
    # The refused form's 422 is logged as a network error; a script error would be a failure.
    assert not [entry for entry in window.errors() if entry.get("source") != "network"]


def test_a_model_is_trained_from_an_uploaded_file_and_rolled_back(browser):
    window, _ = signed_in_as(browser, "admin")
    before = call("GET", f"{ENV['KEFU_CLASSIFICATION_URL']}/v1/models")[1]
    active = next((model["version"] for model in before if model.get("active")), None)
    window.open("/admin/models")
    lines = ["text,label"]
    for i in range(12):
        lines += [f"pump pressure drops on site {i},fault", f"need a spare filter for the pump {i},parts",
                  f"invoice shows the wrong amount {i},billing"]
    folder = pathlib.Path(tempfile.mkdtemp())
    path = folder / "examples.csv"
    path.write_text("\n".join(lines) + "\n")
    window.element(By.ID, "examples-file").send_keys(str(path))
    window.submit(window.driver.find_element(By.ID, "examples-submit"))
    assert window.shows(By.CSS_SELECTOR, "#examples-section ul.lines", "36")
    window.submit(window.element(By.ID, "train-submit"))
    assert window.shows(By.CSS_SELECTOR, "#train-section ul.lines", "%")
    window.shot("admin-model-trained")
    after = call("GET", f"{ENV['KEFU_CLASSIFICATION_URL']}/v1/models")[1]
    assert len(after) == len(before) + 1
    trained = after[0]
    assert trained["version"] not in [model["version"] for model in before]
    assert window.shows(By.ID, "model-table", str(trained["version"]))
    # Rolled back to the version that was active before, from its row, when there was one.
    if active is not None and trained.get("active"):
        window.submit(window.element(By.ID, f"activate-{active}-submit"))
        assert eventually(lambda: next(m for m in call("GET", f"{ENV['KEFU_CLASSIFICATION_URL']}/v1/models")[1]
                                       if m["version"] == active).get("active"))
    window.open("/audit")
    assert window.shows(By.ID, "audit-table", "model_trained")
    assert window.shows(By.ID, "audit-table", "training_examples_added")


def test_an_edited_template_is_previewed_used_by_the_next_notification_and_reverted(browser):
    from conftest import mails_to, text_of
    window, _ = signed_in_as(browser, "admin")
    marker = unique("edited")
    window.open("/admin/templates?event=acknowledgement&channel=email&language=en")
    try:
        text = window.element(By.ID, "template-text")
        text.clear()
        text.send_keys(f"Dear {{{{customer_name}}}}, ticket {{{{ticket_number}}}} is in. {marker}")
        window.submit(window.driver.find_element(By.ID, "template-submit"))
        assert window.shows(By.CSS_SELECTOR, ".notice.ok", "acknowledgement/email/en")
        address = marker + "@example.com"
        number = submit_over_amqp(submission(address, subject="Template test", body="Testing the template.", language="en"))
        # The acknowledgement, among whatever else the customer was sent (the assignment notice).
        mail = eventually(lambda: [message for message in mails_to(address) if marker in text_of(message)], timeout=60)
        assert mail and number in text_of(mail[0])
        window.open("/admin/templates?event=acknowledgement&channel=email&language=en")
        window.element(By.ID, "preview-ticket_number").send_keys(number)
        window.submit(window.driver.find_element(By.ID, "preview-submit"))
        assert window.shows(By.CSS_SELECTOR, "#template-section ul.lines", marker)
        window.shot("admin-template-preview")
        window.submit(window.element(By.ID, "revert-submit"))
        assert window.shows(By.CSS_SELECTOR, ".notice.ok", "acknowledgement/email/en")
        # A draft is previewed as typed, and nothing is saved.
        draft = unique("draft")
        window.open("/admin/templates?event=acknowledgement&channel=email&language=en")
        text = window.element(By.ID, "template-text")
        text.clear()
        text.send_keys(f"Ticket {{{{ticket_number}}}}: {draft}")
        window.element(By.ID, "template-ticket_number").send_keys(number)
        window.submit(window.driver.find_element(By.ID, "template-alternate"))
        assert window.shows(By.CSS_SELECTOR, "#template-section ul.lines", f"Ticket {number}: {draft}")
        assert draft in window.driver.find_element(By.ID, "template-text").get_attribute("value"), "the draft stays in the form"
        assert call("GET", f"{ENV['KEFU_NOTIFICATION_URL']}/v1/templates/acknowledgement/email/en")[1].get("edited") is False
        window.shot("admin-template-draft")
        window.open("/audit?action=template_edited")
        assert window.shows(By.ID, "audit-table", "acknowledgement/email/en")
    finally:
        call("DELETE", f"{ENV['KEFU_NOTIFICATION_URL']}/v1/templates/acknowledgement/email/en")
    assert call("GET", f"{ENV['KEFU_NOTIFICATION_URL']}/v1/templates/acknowledgement/email/en")[1].get("edited") is False


def test_a_role_is_changed_and_an_agent_given_a_team_and_a_shift_calendar(browser):
    window, admin = signed_in_as(browser, "admin")
    person, password = add_user("agent", name=unique("Promoted"))
    window.open("/admin/users")
    # Not one's own role.
    Select(window.element(By.ID, f"role-{admin}")).select_by_value("agent")
    window.submit(window.driver.find_element(By.ID, f"role-{admin}-submit"))
    assert window.shows(By.CSS_SELECTOR, ".notice.error", "")
    Select(window.element(By.ID, f"role-{person}")).select_by_value("supervisor")
    window.submit(window.driver.find_element(By.ID, f"role-{person}-submit"))
    assert window.shows(By.CSS_SELECTOR, ".notice.ok", person)
    promoted = browser("en")
    promoted.sign_in(person, password, "Correct-Horse-" + unique("pw"))
    assert promoted.element(By.ID, "nav-floor"), "a supervisor from the next request on"
    window.open("/audit?action=role_changed")
    assert window.shows(By.ID, "audit-table", person)

    agents = f"{ENV['KEFU_DISPATCH_URL']}/v1/agents/{person}"
    window.open("/admin/agents")
    Select(window.element(By.ID, f"agent-{person}-team_id")).select_by_value("hq")
    Select(window.driver.find_element(By.ID, f"agent-{person}-shift_calendar_id")).select_by_value("24x7")
    window.submit(window.driver.find_element(By.ID, f"agent-{person}-submit"))
    assert eventually(lambda: (lambda agent: agent.get("team_id") == "hq" and agent.get("shift_calendar_id") == "24x7")(call("GET", agents)[1]))
    window.open("/admin/agents")
    Select(window.element(By.ID, f"agent-{person}-shift_calendar_id")).select_by_value("")
    window.submit(window.driver.find_element(By.ID, f"agent-{person}-submit"))
    assert eventually(lambda: "shift_calendar_id" not in call("GET", agents)[1]), "none clears the shift calendar"
    assert call("GET", agents)[1].get("team_id") == "hq"
