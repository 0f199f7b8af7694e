/// The help centre's pages, as Mustache templates. `{{ }}` escapes for HTML; the one unescaped
/// value is `{{{article_html}}}`, which `MarkdownRenderer` writes and which escapes every
/// character of the author's text itself (docs/knowledge.md, "Safe Markdown").
enum HelpTemplates {
    static let all: [String: String] = [
        "layout": layout, "home": home, "category": category, "search": search, "article": article,
        "contact": contact, "message": message,
    ]

    static let layout = """
        <!DOCTYPE html>
        <html lang="{{lang}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · {{t.site}}</title>
        <link rel="stylesheet" href="/help/static/help.css">
        </head>
        <body>
        <header>
          <a class="site" href="/help/{{lang}}">{{t.site}}</a>
          <a class="lang" href="/help/{{other_lang}}" hreflang="{{other_lang}}">{{t.other_language}}</a>
        </header>
        <form class="search" method="get" action="/help/{{lang}}/search" role="search">
          <input type="search" name="q" value="{{query}}" placeholder="{{t.search_placeholder}}" aria-label="{{t.search}}" maxlength="200">
          <button type="submit">{{t.search}}</button>
        </form>
        <main>
        {{$content}}{{/content}}
        </main>
        <footer>{{#contact}}<a href="/help/{{lang}}/contact">{{t.contact_us}}</a>{{/contact}}</footer>
        </body>
        </html>
        """

    static let home = """
        {{<layout}}{{$content}}
        <h1>{{t.how_can_we_help}}</h1>
        {{#categories}}
        <section class="category"><h2><a href="/help/{{lang}}/categories/{{id}}">{{name}}</a></h2>
        {{#has_children}}<ul>{{#children}}<li><a href="/help/{{lang}}/categories/{{id}}">{{name}}</a></li>{{/children}}</ul>{{/has_children}}
        </section>
        {{/categories}}
        {{#has_popular}}<h2>{{t.popular}}</h2><ul class="articles">{{#popular}}<li><a href="/help/{{lang}}/articles/{{id}}">{{title}}</a></li>{{/popular}}</ul>{{/has_popular}}
        {{/content}}{{/layout}}
        """

    static let category = """
        {{<layout}}{{$content}}
        <nav class="crumbs"><a href="/help/{{lang}}">{{t.home}}</a>{{#parents}} › <a href="/help/{{lang}}/categories/{{id}}">{{name}}</a>{{/parents}}</nav>
        <h1>{{name}}</h1>
        {{#has_children}}<ul>{{#children}}<li><a href="/help/{{lang}}/categories/{{id}}">{{name}}</a></li>{{/children}}</ul>{{/has_children}}
        <ul class="articles">{{#articles}}<li><a href="/help/{{lang}}/articles/{{id}}">{{title}}</a></li>{{/articles}}</ul>
        {{^articles}}<p class="muted">{{t.no_articles}}</p>{{/articles}}
        {{/content}}{{/layout}}
        """

    static let search = """
        {{<layout}}{{$content}}
        <h1>{{t.results_for}} “{{query}}”</h1>
        <ul class="articles">{{#results}}<li><a href="/help/{{lang}}/articles/{{id}}">{{title}}</a></li>{{/results}}</ul>
        {{^results}}<p class="muted">{{t.nothing_found}}</p>{{#contact}}<p><a href="/help/{{lang}}/contact">{{t.contact_us}}</a></p>{{/contact}}{{/results}}
        {{/content}}{{/layout}}
        """

    static let article = """
        {{<layout}}{{$content}}
        <nav class="crumbs"><a href="/help/{{lang}}">{{t.home}}</a>{{#parents}} › <a href="/help/{{lang}}/categories/{{id}}">{{name}}</a>{{/parents}}</nav>
        <article>
        <h1>{{article_title}}</h1>
        {{#other_version}}<p class="muted">{{t.only_in_other_language}}</p>{{/other_version}}
        <div class="body">{{{article_html}}}</div>
        <p class="muted">{{t.updated}} {{updated}}</p>
        </article>
        {{#solvable}}
        <form class="solved" method="post" action="/help/{{lang}}/articles/{{id}}/solved">
          <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="t" value="{{ticket_token}}">
          <p>{{t.solved_question}} {{ticket_number}}</p>
          <button type="submit" id="solved">{{t.solved_button}}</button>
        </form>
        {{/solvable}}
        <form class="vote" method="post" action="/help/{{lang}}/articles/{{id}}/vote">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <span>{{t.did_this_help}}</span>
          <button type="submit" name="helpful" value="yes" id="vote-yes">{{t.yes}}</button>
          <button type="submit" name="helpful" value="no" id="vote-no">{{t.no}}</button>
        </form>
        {{/content}}{{/layout}}
        """

    static let contact = """
        {{<layout}}{{$content}}
        <h1>{{t.contact_us}}</h1>
        <form class="contact" method="post" action="/help/{{lang}}/contact">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <label for="name">{{t.your_name}}</label>{{#errors.name}}<p class="error">{{errors.name}}</p>{{/errors.name}}
          <input id="name" name="name" value="{{form.name}}" maxlength="100">
          {{#errors.contact}}<p class="error" id="contact-error">{{errors.contact}}</p>{{/errors.contact}}
          <label for="email">{{t.email}}</label>{{#errors.email}}<p class="error">{{errors.email}}</p>{{/errors.email}}
          <input id="email" name="email" type="email" value="{{form.email}}" maxlength="200">
          <label for="phone">{{t.phone}}</label>{{#errors.phone}}<p class="error">{{errors.phone}}</p>{{/errors.phone}}
          <input id="phone" name="phone" type="tel" value="{{form.phone}}" maxlength="40">
          <label for="subject">{{t.subject}}</label>{{#errors.subject}}<p class="error">{{errors.subject}}</p>{{/errors.subject}}
          <input id="subject" name="subject" value="{{form.subject}}" maxlength="200">
          <label for="body">{{t.describe}}</label>{{#errors.body}}<p class="error">{{errors.body}}</p>{{/errors.body}}
          <textarea id="body" name="body" rows="6" maxlength="10000">{{form.body}}</textarea>
          {{#errors.form}}<p class="error">{{errors.form}}</p>{{/errors.form}}
          <button type="submit" id="send">{{t.send}}</button>
        </form>
        {{/content}}{{/layout}}
        """

    static let message = """
        {{<layout}}{{$content}}
        <h1>{{heading}}</h1>
        <p id="message">{{text}}</p>
        {{#back}}<p><a href="{{back}}">{{t.back}}</a></p>{{/back}}
        {{/content}}{{/layout}}
        """

    static let style = """
        body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;margin:0 auto;padding:0 1rem 2rem;max-width:40rem;line-height:1.6;color:#1f2328;overflow-wrap:anywhere}
        header{display:flex;justify-content:space-between;align-items:center;padding:.8rem 0;border-bottom:1px solid #d0d7de}
        .site{font-weight:700;font-size:1.1rem;color:#1f2328;text-decoration:none}.lang{font-size:.9rem}
        .search{display:flex;gap:.4rem;margin:1rem 0}.search input{flex:1;min-width:0;padding:.6rem;font:inherit;border:1px solid #8c959f;border-radius:.4rem}
        button{padding:.6rem 1rem;font:inherit;background:#1f6feb;color:#fff;border:0;border-radius:.4rem;cursor:pointer}
        a{color:#0550ae}h1{font-size:1.5rem;line-height:1.3}h2{font-size:1.15rem}.muted{color:#57606a}.crumbs{font-size:.9rem;margin:.5rem 0}
        .articles{padding-left:1.2rem}.articles li{margin:.4rem 0}.category{border-bottom:1px solid #eaeef2;padding-bottom:.5rem}
        .body pre{background:#f6f8fa;padding:.8rem;overflow-x:auto;border-radius:.4rem}.body code{background:#f6f8fa;padding:0 .2rem}
        .body blockquote{border-left:3px solid #d0d7de;margin:0;padding-left:1rem;color:#57606a}
        .vote,.solved{margin:1.5rem 0;padding:1rem;background:#f6f8fa;border-radius:.5rem}.vote span{display:block;margin-bottom:.6rem}.vote button{margin-right:.5rem}
        .solved button{background:#1a7f37;width:100%}.thanks{color:#1a7f37}
        .contact label{display:block;margin-top:.8rem;font-weight:600}.contact input,.contact textarea{width:100%;box-sizing:border-box;padding:.5rem;font:inherit;border:1px solid #8c959f;border-radius:.4rem}
        .contact button{margin-top:1rem;width:100%}.error{color:#cf222e;margin:.2rem 0}footer{margin-top:2rem;font-size:.9rem}
        """
}
