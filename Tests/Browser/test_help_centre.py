"""The public help centre (kefu-knowledge) in chromium, phone-sized: categories, search, an article
with hostile Markdown rendered inert, "did this help?", a customer closing their ticket with a
suggested article, and the contact form opening a ticket through intake."""

import json
import urllib.parse
import urllib.request

from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By

from conftest import ENV, call, eventually, unique

HELP = ENV["KEFU_KNOWLEDGE_URL"]
INTAKE = ENV["KEFU_INTAKE_URL"]
DISPATCH = ENV["KEFU_DISPATCH_URL"]

HOSTILE = """先关掉电源，再**长按**复位键十秒。

<script>window.__pwned = 1; alert('x')</script>
<img src=x onerror="window.__pwned = 2">

- [官网说明](https://example.com/reset)
- [点我](javascript:window.__pwned=3)
- [数据](data:text/html,<script>alert(1)</script>)
<a href="javascript:window.__pwned=4">raw link</a>
"""


def category(name_zh, name_en, parent=None):
    cid = unique("cat").lower()
    body = {"names": {"zh-CN": name_zh, "en": name_en}}
    if parent:
        body["parent_id"] = parent
    status, _ = call("PUT", f"{HELP}/v1/categories/{cid}", body)
    assert status == 200
    return cid


def article(translations, category_id=None, visibility="public"):
    body = {"visibility": visibility, "translations": translations}
    if category_id:
        body["category"] = category_id
    status, answer = call("POST", f"{HELP}/v1/articles", body)
    assert status == 201, answer
    return answer["id"]


def phone(browser):
    window = browser()
    window.driver.set_window_size(390, 844)
    return window


def no_sideways_scroll(window):
    return window.driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_hostile_markdown_is_inert_and_the_page_is_locked_down(browser):
    marker = unique("复位")
    aid = article({"zh-CN": {"title": f"路由器如何复位 {marker}", "body": HOSTILE}})
    window = phone(browser)
    window.driver.get(f"{HELP}/help/zh-CN/articles/{aid}")
    window.element(By.TAG_NAME, "h1")
    assert marker in window.driver.find_element(By.TAG_NAME, "h1").text
    body = window.driver.find_element(By.CSS_SELECTOR, ".body")
    assert body.find_elements(By.TAG_NAME, "script") == [] and body.find_elements(By.TAG_NAME, "img") == []
    assert "<script>" in body.text, "the script shows as text"
    hrefs = [link.get_attribute("href") for link in body.find_elements(By.TAG_NAME, "a")]
    assert hrefs == ["https://example.com/reset"], hrefs
    assert body.find_element(By.TAG_NAME, "strong").text == "长按"
    assert window.driver.execute_script("return window.__pwned === undefined")
    try:
        window.driver.switch_to.alert
        raise AssertionError("an alert opened")
    except NoAlertPresentException:
        pass
    assert window.driver.find_elements(By.TAG_NAME, "script") == [], "the help centre sends no script at all"
    assert no_sideways_scroll(window)
    window.shot("help-article")
    assert window.errors() == [] or all("Content Security Policy" in entry["message"] for entry in window.errors())
    with urllib.request.urlopen(f"{HELP}/help/zh-CN/articles/{aid}") as response:
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "script-src" not in policy and "frame-ancestors 'none'" in policy


def test_categories_search_and_a_vote(browser):
    top = category("售后服务", "After-sales")
    sub = category("洗衣机", "Washing machines", parent=top)
    marker = unique("滚筒")
    aid = article({"zh-CN": {"title": f"洗衣机{marker}脱水时噪音大", "body": "检查是否拆除了运输螺栓，并把机器放平。"},
                   "en": {"title": f"Washing machine {marker} loud when spinning", "body": "Remove the transit bolts and level it."}},
                  category_id=sub)
    window = phone(browser)
    window.driver.get(f"{HELP}/help/zh-CN")
    window.shows(By.TAG_NAME, "body", "售后服务")
    assert no_sideways_scroll(window)
    window.shot("help-home")
    window.driver.get(f"{HELP}/help/zh-CN/categories/{sub}")
    window.shows(By.TAG_NAME, "h1", "洗衣机")
    assert any(marker in link.text for link in window.driver.find_elements(By.CSS_SELECTOR, ".articles a"))

    box = window.driver.find_element(By.NAME, "q")
    box.send_keys(f"{marker} 脱水噪音")
    window.submit(window.driver.find_element(By.CSS_SELECTOR, ".search button"))
    results = window.driver.find_elements(By.CSS_SELECTOR, ".articles a")
    assert results and marker in results[0].text
    window.shot("help-search")
    window.submit(results[0])
    assert aid in window.driver.current_url
    window.submit(window.driver.find_element(By.ID, "vote-yes"))
    window.shows(By.ID, "message", "帮助")
    status, read = call("GET", f"{HELP}/v1/articles/{aid}")
    assert status == 200 and read["helpful"] == 1

    english = phone(browser)
    english.driver.get(f"{HELP}/help/en/articles/{aid}")
    english.shows(By.TAG_NAME, "h1", "loud when spinning")
    assert english.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    # The English help centre: its categories by their English names, and English search.
    english.driver.get(f"{HELP}/help/en")
    english.shows(By.TAG_NAME, "body", "After-sales")
    assert no_sideways_scroll(english)
    english.driver.get(f"{HELP}/help/en/categories/{sub}")
    english.shows(By.TAG_NAME, "h1", "Washing machines")
    english.driver.find_element(By.NAME, "q").send_keys(f"{marker} loud spinning")
    english.submit(english.driver.find_element(By.CSS_SELECTOR, ".search button"))
    results = english.driver.find_elements(By.CSS_SELECTOR, ".articles a")
    assert results and "loud when spinning" in results[0].text
    # The words come back as typed, spaces and all, not as the "+" the form sent them with.
    assert english.driver.find_element(By.NAME, "q").get_attribute("value") == f"{marker} loud spinning"
    assert no_sideways_scroll(english)
    english.shot("help-search-en")


def test_a_customer_closes_their_ticket_with_a_suggested_article(browser):
    marker = unique("净水器")
    aid = article({"zh-CN": {"title": f"{marker} 滤芯指示灯一直闪", "body": "更换滤芯后，长按复位键三秒。"}})
    email_address = f"{unique('help')}@example.com"
    status, ticket = call("POST", f"{INTAKE}/v1/tickets", {
        "submission_id": unique("help"), "channel": "web", "language": "zh-CN", "subject": f"{marker} 滤芯指示灯一直闪",
        "body": "换了滤芯，灯还在闪。", "customer": {"email": email_address}}, token=ENV["KEFU_INTEGRATOR_TOKEN"])
    assert status == 201, ticket
    number = ticket["number"]

    def suggested():
        status, answer = call("GET", f"{HELP}/v1/tickets/{number}/suggestions")
        return answer if status == 200 and answer.get("articles") else None

    suggestions = eventually(suggested)
    assert suggestions and suggestions["articles"][0]["id"] == aid
    link = suggestions["articles"][0]["url"]
    assert "?t=" in link
    # The ticket reaches dispatch first, as it does long before a customer reads the article.
    assert eventually(lambda: call("GET", f"{DISPATCH}/v1/tickets/{number}")[0] == 200)

    window = phone(browser)
    window.driver.get(link)
    window.shows(By.CSS_SELECTOR, ".solved", number)
    window.shot("help-solved-offer")
    window.submit(window.driver.find_element(By.ID, "solved"))
    window.shows(By.ID, "message", "工单已关闭")
    assert eventually(lambda: call("GET", f"{DISPATCH}/v1/tickets/{number}")[1].get("status") == "closed")
    window.driver.get(link)
    assert window.driver.find_elements(By.ID, "solved") == [], "a closed ticket is not offered again"


def test_the_contact_form_keeps_what_was_typed_and_opens_a_ticket(browser):
    window = phone(browser)
    window.driver.get(f"{HELP}/help/zh-CN/contact")
    window.element(By.ID, "subject").send_keys("热水器打不着火")
    window.submit(window.driver.find_element(By.ID, "send"))
    assert "请描述您的问题" in window.driver.page_source and "请留下电子邮箱或手机号码" in window.driver.page_source
    assert window.driver.find_element(By.ID, "subject").get_attribute("value") == "热水器打不着火", "nothing typed is lost"
    window.shot("help-contact-errors")
    address = f"{unique('contact')}@example.com"
    window.driver.find_element(By.ID, "email").send_keys(address)
    window.driver.find_element(By.ID, "body").send_keys("<b>点火</b>时只有咔哒声。")
    window.submit(window.driver.find_element(By.ID, "send"))
    message = window.element(By.ID, "message").text
    number = message.split()[-1]
    assert "已为您创建工单" in message and number
    status, ticket = call("GET", f"{INTAKE}/v1/tickets/{urllib.parse.quote(number)}")
    assert status == 200 and ticket["channel"] == "web" and ticket["subject"] == "热水器打不着火"
    status, customer = call("GET", f"{INTAKE}/v1/customers/{ticket['customer']['id']}")
    assert status == 200 and address in json.dumps(customer), "the customer is reachable at the address given"


def test_the_agent_sees_the_suggestion_and_a_reply_that_links_it_counts_as_used(browser, agent):
    marker = unique("hoist")
    aid = article({"en": {"title": f"Hoist {marker} stops at half height", "body": "Reset the overload limiter, then test empty."}})
    username, password, new_password = agent
    window = browser("en")
    window.sign_in(username, password, new_password)
    window.element(By.ID, "tickets")
    status, ticket = call("POST", f"{INTAKE}/v1/tickets", {
        "submission_id": unique("help-agent"), "channel": "web", "language": "en", "subject": f"Hoist {marker} stops at half height",
        "body": "It stops halfway every time.", "customer": {"email": f"{unique('hoist')}@example.com"}},
        token=ENV["KEFU_INTEGRATOR_TOKEN"])
    assert status == 201, ticket
    number = ticket["number"]
    assert eventually(lambda: call("GET", f"{DISPATCH}/v1/tickets/{number}")[0] == 200)
    status, answer = call("POST", f"{DISPATCH}/v1/tickets/{number}/transfer", {"agent_id": username, "reason": "help test"})
    assert status == 200, answer
    assert eventually(lambda: call("GET", f"{HELP}/v1/tickets/{number}/suggestions")[0] == 200)
    window.driver.get(f"{ENV['KEFU_CONSOLE_URL']}/tickets/{number}")
    window.shows(By.ID, "suggestions", f"Hoist {marker}")
    link = window.driver.find_element(By.CSS_SELECTOR, f"#suggestions [data-article='{aid}'] a").get_attribute("href")
    assert link.startswith(f"{HELP}/help/en/articles/{aid}?t=")
    window.click(By.ID, "action-accept")
    window.wait.until(lambda driver: "accepted" in driver.find_element(By.CSS_SELECTOR, ".facts").text)
    window.type_into(By.ID, "reply-text", f"This should fix it: {link}")
    window.shot("console-suggestions")
    window.click(By.ID, "send-reply")
    window.element(By.CSS_SELECTOR, ".notice.ok")
    used = eventually(lambda: aid in call("GET", f"{HELP}/v1/tickets/{number}/suggestions")[1].get("used", []))
    assert used, "the reply's link was recorded as the article used"
