/// Every word the console shows, in both languages. Templates use them by key (`{{t.accept}}`);
/// the keys are the enum's raw values.
enum Text: String, CaseIterable, Sendable {
    case appName = "app_name", signIn = "sign_in", signOut = "sign_out", username, password, newPassword = "new_password"
    case wrongCredentials = "wrong_credentials", throttled, sessionEnded = "session_ended", csrfRefused = "csrf_refused"
    case changePassword = "change_password", passwordRule = "password_rule", passwordsDiffer = "passwords_differ"
    case mine, waitingQueue = "waiting_queue", teamQueue = "team_queue", triage, search, searchHint = "search_hint"
    case number, subject, customer, priority, status, category, channel, age, nextDue = "next_due", tier
    case noTickets = "no_tickets", filter, all, sortBy = "sort_by", apply
    case conversation, timeline, whyCategory = "why_category", whyAgent = "why_agent", clocks, customerPanel = "customer_panel"
    case earlierTickets = "earlier_tickets", contactPoints = "contact_points", products
    case accept, reply, note, askCustomer = "ask_customer", waitParts = "wait_parts", resume, transfer, recategorise, resolve, reopen
    case send, reason, code, summary, toAgent = "to_agent", toTeam = "to_team", internalNote = "internal_note"
    case notYours = "not_yours", notYoursDetail = "not_yours_detail", unavailable, refused, done, paused, overdue
    case viewing, typing, shortcuts, shortcutsHelp = "shortcuts_help", newAssignment = "new_assignment", language
    case decide, confidence, modelSays = "model_says", noTriage = "no_triage", rulesFired = "rules_fired"
    case customerMessage = "customer_message", agentReply = "agent_reply", internalMark = "internal", cannedHint = "canned_hint", notFound = "not_found"
    case live, reconnecting, target, remaining, met, breached
    case firstResponse = "first_response", resolution, onSite = "on_site"
    case users, addUser = "add_user", role, agentID = "agent_id", displayName = "display_name", oneTimePassword = "one_time_password"
    case userExists = "user_exists", notYourself = "not_yourself", adminsOnly = "admins_only", disable, enable
    case resetPassword = "reset_password", disabled, currentPassword = "current_password"
    case floor, kpis, complaints, audit, adminAgents = "admin_agents", sla, rules, models, templates
    case visits, organisation, categories, webhooks, changeRole = "change_role"
    case suggestedArticles = "suggested_articles", noSuggestions = "no_suggestions", internalArticle = "internal_article"
    case usedInReply = "used_in_reply", draftArticle = "draft_article", draftCreated = "draft_created"
}

enum Texts {
    static let all: [Text: (en: String, zh: String)] = [
        .appName: ("Kefu console", "客服工作台"),
        .suggestedArticles: ("Suggested articles", "推荐文章"),
        .noSuggestions: ("No article fits this ticket.", "没有与此工单相关的文章。"),
        .internalArticle: ("staff only", "仅内部"),
        .usedInReply: ("used in a reply", "已用于回复"),
        .draftArticle: ("Draft an article from this ticket", "根据此工单起草文章"),
        .draftCreated: ("A draft article was made; a supervisor reviews and publishes it", "已生成文章草稿，待主管审核发布"),
        .signIn: ("Sign in", "登录"),
        .signOut: ("Sign out", "退出"),
        .currentPassword: ("Current password", "当前密码"),
        .username: ("Username", "用户名"),
        .password: ("Password", "密码"),
        .newPassword: ("New password", "新密码"),
        .wrongCredentials: ("Wrong username or password.", "用户名或密码不正确。"),
        .throttled: ("Too many failed sign-ins. Try again in a few minutes.", "登录失败次数过多，请稍后再试。"),
        .sessionEnded: ("You were signed out. Please sign in again.", "您已退出，请重新登录。"),
        .csrfRefused: ("This form did not come from the console. Reload the page and try again.", "此表单并非来自工作台，请刷新页面后重试。"),
        .changePassword: ("Choose your own password", "请设置您自己的密码"),
        .passwordRule: ("At least 12 characters.", "至少 12 个字符。"),
        .passwordsDiffer: ("The two passwords differ.", "两次输入的密码不一致。"),
        .mine: ("My tickets", "我的工单"),
        .waitingQueue: ("Waiting", "等待中"),
        .teamQueue: ("Team queue", "团队队列"),
        .triage: ("Triage", "待分类"),
        .search: ("Search", "搜索"),
        .searchHint: ("Ticket number, phone, email or words", "工单号、电话、邮箱或关键词"),
        .number: ("Number", "工单号"),
        .subject: ("Subject", "主题"),
        .customer: ("Customer", "客户"),
        .priority: ("Priority", "优先级"),
        .status: ("Status", "状态"),
        .category: ("Category", "类别"),
        .channel: ("Channel", "渠道"),
        .age: ("Age", "时长"),
        .nextDue: ("Next due", "最近时限"),
        .tier: ("Tier", "客户等级"),
        .noTickets: ("Nothing here.", "暂无工单。"),
        .filter: ("Filter", "筛选"),
        .all: ("All", "全部"),
        .sortBy: ("Sort by", "排序"),
        .apply: ("Apply", "应用"),
        .conversation: ("Conversation", "对话"),
        .timeline: ("Timeline", "时间线"),
        .whyCategory: ("Why this category and priority", "分类与优先级依据"),
        .whyAgent: ("Why it came to this agent", "分派依据"),
        .clocks: ("SLA clocks", "服务时限"),
        .customerPanel: ("Customer", "客户信息"),
        .earlierTickets: ("Earlier tickets", "历史工单"),
        .contactPoints: ("Contact", "联系方式"),
        .products: ("Products", "产品"),
        .accept: ("Accept", "接单"),
        .reply: ("Reply to the customer", "回复客户"),
        .note: ("Internal note", "内部备注"),
        .askCustomer: ("Ask the customer", "等待客户"),
        .waitParts: ("Wait for parts", "等待配件"),
        .resume: ("Resume", "恢复处理"),
        .transfer: ("Transfer", "转派"),
        .recategorise: ("Recategorise", "重新分类"),
        .resolve: ("Resolve", "解决"),
        .reopen: ("Reopen", "重新打开"),
        .send: ("Send", "发送"),
        .reason: ("Reason", "原因"),
        .code: ("Resolution code", "解决代码"),
        .summary: ("Summary", "处理说明"),
        .toAgent: ("To agent", "转给坐席"),
        .toTeam: ("To team", "转给团队"),
        .internalNote: ("internal", "内部"),
        .notYours: ("Not yours", "不是您的工单"),
        .notYoursDetail: ("This ticket is assigned to someone else. Ask a supervisor if you should take it.",
                          "此工单已分派给其他人。如需接手，请联系主管。"),
        .unavailable: ("Not available right now; the rest of the page works.", "暂时无法显示，页面其余部分仍可使用。"),
        .refused: ("Not done", "未完成"),
        .done: ("Done", "已完成"),
        .paused: ("paused", "已暂停"),
        .overdue: ("overdue", "已超时"),
        .viewing: ("has this ticket open", "正在查看此工单"),
        .typing: ("is typing a reply", "正在输入回复"),
        .shortcuts: ("Keyboard shortcuts", "快捷键"),
        .shortcutsHelp: ("j / k: next / previous · Enter: open · a: accept · r: reply · n: note · /: search · ?: this help",
                         "j / k：下一个 / 上一个 · Enter：打开 · a：接单 · r：回复 · n：备注 · /：搜索 · ?：帮助"),
        .newAssignment: ("New ticket for you", "您有新工单"),
        .language: ("中文", "English"),
        .decide: ("Decide", "确定分类"),
        .confidence: ("confidence", "置信度"),
        .modelSays: ("The model's guesses", "模型推荐"),
        .noTriage: ("No ticket waits for a person.", "没有待人工分类的工单。"),
        .rulesFired: ("Rules that fired", "命中的规则"),
        .customerMessage: ("Customer", "客户"),
        .agentReply: ("Reply", "回复"),
        .internalMark: ("Internal note", "内部备注"),
        .cannedHint: ("Type / for canned replies", "输入 / 插入常用回复"),
        .notFound: ("No such ticket.", "没有这个工单。"),
        .live: ("live", "实时"),
        .reconnecting: ("reconnecting…", "正在重新连接…"),
        .target: ("target", "目标"),
        .remaining: ("left", "剩余"),
        .met: ("met", "已达成"),
        .breached: ("breached", "已违约"),
        .firstResponse: ("First response", "首次响应"),
        .resolution: ("Resolution", "解决"),
        .onSite: ("On site", "上门"),
        .users: ("People", "人员"),
        .addUser: ("Add a person", "添加人员"),
        .role: ("Role", "角色"),
        .agentID: ("Dispatch agent id", "坐席编号"),
        .displayName: ("Name", "姓名"),
        .oneTimePassword: ("One-time password (shown once; changed at first sign-in) for", "一次性密码（仅显示一次，首次登录时须修改），用户"),
        .userExists: ("Someone has that username.", "该用户名已被使用。"),
        .notYourself: ("You cannot disable your own account.", "不能停用自己的账号。"),
        .adminsOnly: ("Only administrators may manage people.", "只有管理员可以管理人员。"),
        .disable: ("Disable", "停用"),
        .enable: ("Enable", "启用"),
        .resetPassword: ("Reset password", "重置密码"),
        .disabled: ("disabled", "已停用"),
        .floor: ("Floor", "现场"),
        .kpis: ("KPIs", "指标"),
        .complaints: ("Complaints", "投诉"),
        .audit: ("Audit", "审计"),
        .adminAgents: ("Agents", "坐席"),
        .sla: ("SLA", "服务时限"),
        .rules: ("Rules", "分类规则"),
        .models: ("Model", "模型"),
        .templates: ("Templates", "通知模板"),
        .visits: ("Visits", "回访"),
        .organisation: ("Organisation", "组织"),
        .categories: ("Categories", "类别"),
        .webhooks: ("Webhooks", "Webhook"),
        .changeRole: ("Change role", "更改角色"),
    ]
}
