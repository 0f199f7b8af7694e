/// The help centre's words in each of its languages.
enum HelpTexts {
    static func texts(_ language: String) -> [String: String] {
        language == "en" ? english : chinese
    }

    static let chinese: [String: String] = [
        "site": "帮助中心", "other_language": "English", "search": "搜索", "search_placeholder": "请输入您的问题",
        "how_can_we_help": "有什么可以帮您？", "popular": "常见问题", "home": "首页", "no_articles": "这里还没有文章。",
        "results_for": "搜索结果：", "nothing_found": "没有找到相关文章，换个说法试试？", "contact_us": "联系客服",
        "only_in_other_language": "本文暂无中文版本，以下为英文版。", "updated": "更新于",
        "did_this_help": "这篇文章对您有帮助吗？", "yes": "有帮助", "no": "没帮助", "voted_title": "感谢您的反馈", "voted_text": "您的意见将帮助我们改进文章。",
        "solved_question": "问题已经解决了吗？我们可以为您关闭工单", "solved_button": "问题已解决，关闭我的工单",
        "your_name": "您的姓名", "email": "电子邮箱", "phone": "手机号码", "subject": "主题", "describe": "问题描述",
        "send": "提交", "back": "返回",
        "closed_title": "工单已关闭", "closed_text": "很高兴问题已经解决。工单已关闭；如仍需帮助，回复我们的消息即可重新打开。",
        "already_closed_title": "工单已关闭", "already_closed_text": "这张工单已经关闭了。",
        "not_found_title": "找不到页面", "not_found_text": "链接无效，或文章已下线。",
        "forbidden_title": "无法提交", "forbidden_text": "页面已失效，请刷新后重试。",
        "busy_title": "请稍后再试", "busy_text": "请求过于频繁，请稍后再试。",
        "submitted_title": "已收到您的问题", "submitted_text": "我们已为您创建工单，工单号：",
        "unavailable_title": "暂时无法提交", "unavailable_text": "系统繁忙，您填写的内容没有丢失，请稍后再试。",
        "error_contact": "请留下电子邮箱或手机号码，以便我们联系您", "error_body": "请描述您的问题（不超过10000字）",
        "error_subject": "主题不超过200字", "error_name": "姓名不超过100字", "error_email": "请输入有效的电子邮箱",
        "error_phone": "请输入有效的手机号码",
    ]

    static let english: [String: String] = [
        "site": "Help centre", "other_language": "中文", "search": "Search", "search_placeholder": "Describe your question",
        "how_can_we_help": "How can we help?", "popular": "Popular answers", "home": "Home", "no_articles": "No articles here yet.",
        "results_for": "Results for", "nothing_found": "Nothing found. Try other words?", "contact_us": "Contact us",
        "only_in_other_language": "This article has no English version yet; here it is in Chinese.", "updated": "Updated",
        "did_this_help": "Did this help?", "yes": "Yes", "no": "No", "voted_title": "Thank you",
        "voted_text": "Your answer helps us make our articles better.",
        "solved_question": "Did this solve your problem? We can close your ticket", "solved_button": "Yes, it's solved: close my ticket",
        "your_name": "Your name", "email": "Email", "phone": "Mobile number", "subject": "Subject", "describe": "What happened?",
        "send": "Send", "back": "Back",
        "closed_title": "Ticket closed", "closed_text": "We are glad it is solved. Your ticket is closed; reply to our message to reopen it if you need us.",
        "already_closed_title": "Ticket closed", "already_closed_text": "This ticket is closed already.",
        "not_found_title": "Not found", "not_found_text": "The link is not valid, or the article was taken down.",
        "forbidden_title": "Could not send", "forbidden_text": "This page is no longer valid. Please reload it and try again.",
        "busy_title": "Please try again shortly", "busy_text": "Too many requests. Please wait a moment and try again.",
        "submitted_title": "We have your question", "submitted_text": "We opened a ticket for you. Its number is",
        "unavailable_title": "Could not send just now", "unavailable_text": "Nothing you wrote is lost; please try again in a moment.",
        "error_contact": "Leave an email address or a mobile number so that we can answer", "error_body": "Describe the problem (at most 10,000 characters)",
        "error_subject": "At most 200 characters", "error_name": "At most 100 characters", "error_email": "Enter a valid email address",
        "error_phone": "Enter a valid mobile number",
    ]
}
