/// The console's pages, as Mustache templates (swift-mustache). `{{ }}` escapes for HTML, and
/// no template uses the unescaped `{{{ }}}` or `{{& }}`: every value on every page is inert text,
/// customer input included (DocumentationTests checks that no template unescapes).
enum Templates {
    static let all: [String: String] = [
        "layout": layout, "login": login, "password": password, "queue": queue, "queue-rows": queueRows,
        "ticket": ticket, "presence": presence, "conversation": conversation, "triage": triage, "search": search,
        "message": message, "not-yours": notYours, "users": users,
    ].merging(screens) { first, _ in first }

    static let layout = """
        <!DOCTYPE html>
        <html lang="{{lang}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · {{t.app_name}}</title>
        <link rel="stylesheet" href="/static/console.css">
        <script src="/static/console.js" defer></script>
        </head>
        <body data-page="{{page}}" data-csrf="{{csrf}}" data-me="{{me}}" data-live="{{live}}">
        {{#signed_in}}
        <header class="bar">
          <a class="brand" href="/">{{t.app_name}}</a>
          <nav>
            <a href="/queues/mine" class="{{#nav_mine}}on{{/nav_mine}}" data-key="mine">{{t.mine}} <span class="count" id="count-mine">{{count_mine}}</span></a>
            <a href="/queues/waiting" class="{{#nav_waiting}}on{{/nav_waiting}}">{{t.waiting_queue}}</a>
            <a href="/queues/team" class="{{#nav_team}}on{{/nav_team}}">{{t.team_queue}}</a>
            <a href="/triage" class="{{#nav_triage}}on{{/nav_triage}}">{{t.triage}}</a>
            {{#supervises}}<a href="/floor" class="{{#nav_floor}}on{{/nav_floor}}" id="nav-floor">{{t.floor}}</a>
            <a href="/kpis" class="{{#nav_kpis}}on{{/nav_kpis}}">{{t.kpis}}</a>
            <a href="/complaints" class="{{#nav_complaints}}on{{/nav_complaints}}">{{t.complaints}}</a>
            <a href="/audit" class="{{#nav_audit}}on{{/nav_audit}}">{{t.audit}}</a>
            <a href="/visits" class="{{#nav_visits}}on{{/nav_visits}}">{{t.visits}}</a>{{/supervises}}
            {{#is_admin}}<a href="/admin/users" class="{{#nav_users}}on{{/nav_users}}">{{t.users}}</a>
            <a href="/admin/agents" class="{{#nav_agents}}on{{/nav_agents}}">{{t.admin_agents}}</a>
            <a href="/admin/organisation" class="{{#nav_organisation}}on{{/nav_organisation}}">{{t.organisation}}</a>
            <a href="/admin/sla" class="{{#nav_sla}}on{{/nav_sla}}">{{t.sla}}</a>
            <a href="/admin/categories" class="{{#nav_categories}}on{{/nav_categories}}">{{t.categories}}</a>
            <a href="/admin/rules" class="{{#nav_rules}}on{{/nav_rules}}">{{t.rules}}</a>
            <a href="/admin/models" class="{{#nav_models}}on{{/nav_models}}">{{t.models}}</a>
            <a href="/admin/templates" class="{{#nav_templates}}on{{/nav_templates}}">{{t.templates}}</a>
            <a href="/admin/webhooks" class="{{#nav_webhooks}}on{{/nav_webhooks}}">{{t.webhooks}}</a>{{/is_admin}}
          </nav>
          <form class="search" action="/search" method="get" role="search">
            <input type="search" name="q" id="search" value="{{query}}" placeholder="{{t.search_hint}}" aria-label="{{t.search}}">
          </form>
          <span class="who">{{display_name}}</span>
          <span class="live" id="live" hidden>{{t.live}}</span>
          <form method="post" action="/me/language"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="language" value="{{other_lang}}"><button type="submit" class="link">{{t.language}}</button></form>
          <form method="post" action="/logout"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" class="link" id="sign-out">{{t.sign_out}}</button></form>
        </header>
        {{/signed_in}}
        <main>
        {{#notice}}<p class="notice {{notice_kind}}" role="status">{{notice}}</p>{{/notice}}
        {{$content}}{{/content}}
        </main>
        <div id="shortcuts" class="overlay" hidden><h2>{{t.shortcuts}}</h2><p>{{t.shortcuts_help}}</p></div>
        </body>
        </html>
        """

    static let login = """
        {{<layout}}{{$content}}
        <section class="card narrow">
          <h1>{{t.sign_in}}</h1>
          <form method="post" action="/login">
            <input type="hidden" name="csrf" value="{{login_csrf}}">
            <input type="hidden" name="next" value="{{next}}">
            <label>{{t.username}} <input name="username" id="username" value="{{username}}" autocomplete="username" required autofocus></label>
            <label>{{t.password}} <input name="password" id="password" type="password" autocomplete="current-password" required></label>
            <button type="submit" id="sign-in">{{t.sign_in}}</button>
          </form>
        </section>
        {{/content}}{{/layout}}
        """

    static let password = """
        {{<layout}}{{$content}}
        <section class="card narrow">
          <h1>{{t.change_password}}</h1>
          <p>{{t.password_rule}}</p>
          <form method="post" action="/password">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <label>{{t.current_password}} <input name="current" id="current-password" type="password" autocomplete="current-password" required></label>
            <label>{{t.new_password}} <input name="password" id="new-password" type="password" autocomplete="new-password" required></label>
            <label>{{t.new_password}} <input name="again" id="again" type="password" autocomplete="new-password" required></label>
            <button type="submit" id="save-password">{{t.send}}</button>
          </form>
        </section>
        {{/content}}{{/layout}}
        """

    static let queue = """
        {{<layout}}{{$content}}
        <section class="queue">
          <h1>{{title}}</h1>
          {{#unavailable}}<p class="unavailable" role="alert">{{t.unavailable}} ({{unavailable}})</p>{{/unavailable}}
          <form class="filters" method="get" action="{{path}}">
            {{#filters}}<label>{{label}} <select name="{{name}}">{{#options}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{text}}</option>{{/options}}</select></label>{{/filters}}
            <button type="submit">{{t.apply}}</button>
          </form>
          <table class="tickets" id="tickets" data-fragment="{{fragment}}">
            <thead><tr><th>{{t.number}}</th><th>{{t.subject}}</th><th>{{t.customer}}</th><th>{{t.priority}}</th><th>{{t.status}}</th><th>{{t.category}}</th><th>{{t.channel}}</th><th>{{t.age}}</th><th>{{t.next_due}}</th></tr></thead>
            <tbody id="rows">{{> queue-rows}}</tbody>
          </table>
        </section>
        {{/content}}{{/layout}}
        """

    static let queueRows = """
        {{#rows}}<tr data-ticket="{{number}}" data-href="/tickets/{{number}}" class="p-{{priority}}">
        <td><a href="/tickets/{{number}}">{{number}}</a></td><td class="subject">{{subject}}</td><td>{{customer}}</td>
        <td>{{priority}}</td><td>{{status}}</td><td>{{category}}</td><td>{{channel}}</td><td>{{age}}</td>
        <td>{{#due}}<span class="due" data-due="{{due}}" data-left="{{left}}" data-paused="{{paused}}">{{due_text}}</span>{{/due}}</td></tr>
        {{/rows}}{{^rows}}<tr class="empty"><td colspan="9">{{t.no_tickets}}</td></tr>{{/rows}}
        """

    static let ticket = """
        {{<layout}}{{$content}}
        <article class="ticket" data-ticket="{{number}}" id="ticket">
          <header class="ticket-head">
            <h1><span class="number">{{number}}</span> <span class="subject">{{subject}}</span></h1>
            <p class="facts"><span class="pill">{{status}}</span> <span class="pill p-{{priority}}">{{priority}}</span> <span class="pill">{{category}}</span> <span class="pill">{{channel}}</span>{{#triage}} <span class="pill warn">{{t.triage}}: {{triage}}</span>{{/triage}}</p>
            <div id="presence" data-fragment="/tickets/{{number}}/presence">{{> presence}}</div>
          </header>
          {{#unavailable}}<p class="unavailable" role="alert">{{t.unavailable}} ({{unavailable}})</p>{{/unavailable}}
          <div class="columns">
            <div class="main">
              <nav class="actions">
                {{#actions}}<form method="post" action="/tickets/{{number}}/{{action}}"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" id="action-{{action}}" data-key="{{key}}">{{label}}</button></form>{{/actions}}
              </nav>
              <section id="conversation" data-fragment="/tickets/{{number}}/conversation"><h2>{{t.conversation}}</h2>{{> conversation}}</section>
              {{#can_write}}
              <form class="compose" method="post" action="/tickets/{{number}}/notes" id="compose">
                <input type="hidden" name="csrf" value="{{csrf}}">
                <textarea name="text" id="reply-text" rows="5" placeholder="{{t.canned_hint}}" data-canned="/canned?ticket={{number}}">{{draft}}</textarea>
                <button type="submit" name="kind" value="reply" id="send-reply" data-key="r">{{t.reply}}</button>
                <button type="submit" name="kind" value="note" id="send-note" data-key="n">{{t.note}}</button>
              </form>
              <details class="more"><summary>{{t.transfer}} · {{t.recategorise}} · {{t.resolve}}</summary>
                <form method="post" action="/tickets/{{number}}/transfer"><input type="hidden" name="csrf" value="{{csrf}}"><label>{{t.to_agent}} <input name="agent_id"></label><label>{{t.to_team}} <input name="team_id"></label><label>{{t.reason}} <input name="reason" required></label><button type="submit">{{t.transfer}}</button></form>
                <form method="post" action="/tickets/{{number}}/recategorise"><input type="hidden" name="csrf" value="{{csrf}}"><label>{{t.category}} <input name="category" required></label><label>{{t.reason}} <input name="reason"></label><button type="submit">{{t.recategorise}}</button></form>
                <form method="post" action="/tickets/{{number}}/resolve" id="resolve-form"><input type="hidden" name="csrf" value="{{csrf}}"><label>{{t.code}} <input name="code" id="resolve-code" required></label><label>{{t.summary}} <input name="summary" id="resolve-summary"></label><button type="submit" id="resolve">{{t.resolve}}</button></form>
              </details>
              {{/can_write}}
            </div>
            <aside>
              <section id="clocks"><h2>{{t.clocks}}</h2>{{#clocks}}<p class="clock" data-target="{{target_key}}"><b>{{target}}</b> {{#running}}<span class="due" data-due="{{due}}" data-left="{{left}}" data-paused="{{paused}}">{{due_text}}</span>{{/running}}{{^running}}<span class="{{outcome_class}}">{{outcome}}</span>{{/running}}</p>{{/clocks}}{{#clocks_unavailable}}<p class="unavailable">{{t.unavailable}}</p>{{/clocks_unavailable}}</section>
              <section><h2>{{t.why_category}}</h2>{{#decision}}<p>{{category}} · {{priority}} · {{source}}</p>{{#rules}}<p class="small">{{t.rules_fired}}: {{rules}}</p>{{/rules}}{{#model}}<p class="small">{{t.model_says}}: {{model}}</p>{{/model}}{{/decision}}{{^decision}}<p class="unavailable">{{t.unavailable}}</p>{{/decision}}</section>
              <section id="suggestions"><h2>{{t.suggested_articles}}</h2>{{#suggestions}}<p class="suggestion" data-article="{{id}}">{{#url}}<a href="{{url}}" target="_blank" rel="noopener noreferrer">{{title}}</a>{{/url}}{{^url}}{{title}} <span class="small">({{t.internal_article}})</span>{{/url}} <span class="small">{{score}}</span>{{#used}} <span class="small">· {{t.used_in_reply}}</span>{{/used}}</p>{{/suggestions}}{{^suggestions}}<p class="small">{{t.no_suggestions}}</p>{{/suggestions}}
                {{#resolved}}<form method="post" action="/tickets/{{number}}/article-draft"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" id="draft-article">{{t.draft_article}}</button></form>{{/resolved}}</section>
              <section><h2>{{t.why_agent}}</h2>{{#assignment}}<p>{{agent}} · {{rule}}</p>{{/assignment}}</section>
              <section id="customer"><h2>{{t.customer_panel}}</h2>{{#customer}}<p>{{#name}}<b>{{name}}</b> · {{/name}}{{t.tier}}: {{tier}}</p>{{#contacts}}<p class="small">{{.}}</p>{{/contacts}}{{#products}}<p class="small">{{t.products}}: {{.}}</p>{{/products}}{{/customer}}{{^customer}}<p class="unavailable">{{t.unavailable}}</p>{{/customer}}
                {{#has_earlier}}<h3>{{t.earlier_tickets}}</h3><ul>{{#earlier}}<li><a href="/tickets/{{number}}">{{number}}</a> {{subject}} ({{status}})</li>{{/earlier}}</ul>{{/has_earlier}}</section>
              <section><h2>{{t.timeline}}</h2><ol class="timeline">{{#timeline}}<li><time>{{at}}</time> {{type}}{{#status}} → {{status}}{{/status}}</li>{{/timeline}}</ol></section>
            </aside>
          </div>
        </article>
        {{/content}}{{/layout}}
        """

    static let presence = """
        {{#others}}<p class="presence {{#typing}}typing{{/typing}}"><b>{{name}}</b> {{#typing}}{{t.typing}}{{/typing}}{{^typing}}{{t.viewing}}{{/typing}}</p>{{/others}}
        """

    static let conversation = """
        {{#conversation_unavailable}}<p class="unavailable">{{t.unavailable}}: {{conversation_unavailable}}</p>{{/conversation_unavailable}}<ol class="messages">{{#messages}}<li class="{{kind}}"><p class="meta"><b>{{who}}</b> · <time>{{at}}</time>{{#internal}} · {{t.internal}}{{/internal}}</p>{{#message_subject}}<p class="msg-subject">{{message_subject}}</p>{{/message_subject}}<pre>{{body}}</pre></li>{{/messages}}</ol>
        """

    static let triage = """
        {{<layout}}{{$content}}
        <section class="queue">
          <h1>{{t.triage}}</h1>
          {{#unavailable}}<p class="unavailable" role="alert">{{t.unavailable}} ({{unavailable}})</p>{{/unavailable}}
          {{#items}}<article class="card triage" data-ticket="{{number}}"><h2><a href="/tickets/{{number}}">{{number}}</a> {{subject}}</h2><pre>{{body}}</pre>
            <p>{{t.model_says}}: {{#guesses}}<span class="pill">{{category}} {{percent}}%</span> {{/guesses}}</p>
            <form method="post" action="/triage/{{number}}"><input type="hidden" name="csrf" value="{{csrf}}"><label>{{t.category}} <input name="category" value="{{best}}" required></label><button type="submit">{{t.decide}}</button></form></article>{{/items}}
          {{^items}}<p>{{t.no_triage}}</p>{{/items}}
        </section>
        {{/content}}{{/layout}}
        """

    static let search = """
        {{<layout}}{{$content}}
        <section class="queue"><h1>{{t.search}}: {{query}}</h1>
          {{#unavailable}}<p class="unavailable" role="alert">{{t.unavailable}} ({{unavailable}})</p>{{/unavailable}}
          <table class="tickets" id="tickets"><thead><tr><th>{{t.number}}</th><th>{{t.subject}}</th><th>{{t.customer}}</th><th>{{t.priority}}</th><th>{{t.status}}</th><th>{{t.category}}</th><th>{{t.channel}}</th><th>{{t.age}}</th><th>{{t.next_due}}</th></tr></thead>
          <tbody id="rows">{{> queue-rows}}</tbody></table>
        </section>
        {{/content}}{{/layout}}
        """

    static let message = """
        {{<layout}}{{$content}}<section class="card narrow"><h1>{{heading}}</h1><p>{{text}}</p><p><a href="/">{{t.mine}}</a></p></section>{{/content}}{{/layout}}
        """

    static let notYours = """
        {{<layout}}{{$content}}<section class="card narrow" id="not-yours"><h1>{{t.not_yours}}</h1><p>{{t.not_yours_detail}}</p><p><a href="/">{{t.mine}}</a></p></section>{{/content}}{{/layout}}
        """

    static let users = """
        {{<layout}}{{$content}}
        <section class="queue">
          <h1>{{t.users}}</h1>
          {{#one_time_password}}<p class="notice ok" role="status">{{notice}}<code id="one-time-password">{{one_time_password}}</code></p>{{/one_time_password}}
          <table class="tickets" id="accounts"><thead><tr><th>{{t.username}}</th><th>{{t.display_name}}</th><th>{{t.role}}</th><th>{{t.agent_id}}</th><th></th></tr></thead>
          <tbody>{{#accounts}}<tr data-user="{{username}}"><td>{{username}}{{#disabled}} <span class="pill warn">{{t.disabled}}</span>{{/disabled}}</td><td>{{display_name}}</td><td>{{role}}</td><td>{{agent_id}}</td>
            <td class="row-actions"><form method="post" action="/admin/users/{{id}}/role"><input type="hidden" name="csrf" value="{{csrf}}"><select name="role" id="role-{{username}}" aria-label="{{t.role}}">{{#role_options}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/role_options}}</select><button type="submit" id="role-{{username}}-submit">{{t.change_role}}</button></form>
            <form method="post" action="/admin/users/{{id}}/reset"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">{{t.reset_password}}</button></form>
            {{#disabled}}<form method="post" action="/admin/users/{{id}}/enable"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">{{t.enable}}</button></form>{{/disabled}}
            {{^disabled}}<form method="post" action="/admin/users/{{id}}/disable"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">{{t.disable}}</button></form>{{/disabled}}</td></tr>{{/accounts}}</tbody></table>
          <h2>{{t.add_user}}</h2>
          <form class="filters" method="post" action="/admin/users" id="add-user">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <label>{{t.username}} <input name="username" id="new-username" required></label>
            <label>{{t.display_name}} <input name="display_name" id="new-name"></label>
            <label>{{t.role}} <select name="role" id="new-role">{{#roles}}<option value="{{.}}">{{.}}</option>{{/roles}}</select></label>
            <label>{{t.agent_id}} <input name="agent_id" id="new-agent"></label>
            <label>{{t.language}} <select name="language"><option value=""></option><option value="zh-CN">中文</option><option value="en">English</option></select></label>
            <button type="submit" id="add-user-button">{{t.add_user}}</button>
          </form>
        </section>
        {{/content}}{{/layout}}
        """
}
