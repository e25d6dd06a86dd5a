/// The page around every page's body, and the partials that many pages share.
let layoutTemplates: [String: String] = [
    // A whole page: navigation, the title, the body (HTML from another template), and the privacy note.
    "layout": """
    <!doctype html>
    <html lang="{{htmlLang}}">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{title}} · callqc</title>
    <style>{{{css}}}</style>
    </head>
    <body>
    <nav><b>callqc</b>{{#nav}}<a href="{{href}}"{{#active}} class="active"{{/active}}>{{label}}</a>{{/nav}}<a class="lang" href="{{langHref}}">{{langLabel}}</a>{{#account}}<form method="post" action="/logout" class="logout"><input type="hidden" name="csrf" value="{{csrf}}"><span class="meta">{{name}} ({{role}})</span> <button type="submit">{{#t}}退出||Log out{{/t}}</button></form>{{/account}}</nav>
    <main>
    <h1>{{title}}</h1>
    {{{body}}}
    </main>
    <footer class="meta">callqc {{version}} · {{#redact}}{{#t}}个人信息已脱敏||personal data masked{{/t}}{{/redact}}{{^redact}}{{#t}}未脱敏（--no-redact）||not redacted (--no-redact){{/t}}{{/redact}}</footer>
    </body>
    </html>

    """,
    // The fields every form that changes data carries: the CSRF token, and the language.
    "hidden": #"<input type="hidden" name="csrf" value="{{csrf}}">{{#en}}<input type="hidden" name="lang" value="en">{{/en}}"#,
    // A model's `error` and `notice`, when it has them.
    "error": """
    {{#error}}<p class="error" role="alert">{{.}}</p>
    {{/error}}
    """,
    "notice": """
    {{#notice}}<p class="notice" role="status">{{.}}</p>
    {{/notice}}
    """,
]
