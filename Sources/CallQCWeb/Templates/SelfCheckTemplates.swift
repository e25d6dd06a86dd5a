/// The self-check: the form, and a result above the form for another try.
let selfCheckTemplates: [String: String] = [
    // Within a `form` model: action, text, modes.
    "self-check-form": """
    <p>{{#t}}粘贴一通电话的文本（任何 callqc 能读的格式）或一份话术草稿，看评分、就地标出的问题、更好的说法、按每分钟 120 字计的朗读时长，以及缺失的话术步骤。||Paste a call's transcript (any format callqc reads) or a script draft: see the scorecard, findings marked where they were said, better phrasings, reading time at 120 characters a minute, and missing script steps.{{/t}}</p>
    <form method="post" action="{{action}}" enctype="multipart/form-data" id="self-check-form">
    {{> hidden}}{{! the partial is not alone on its line: the line break stays }}
    <textarea name="text" id="text" placeholder="[00:00.3-00:04.8] 坐席: 您好，很高兴为您服务。">{{text}}</textarea>
    <p><label>{{#t}}或上传文件||or upload a file{{/t}} <input type="file" name="file"></label></p>
    <p>{{#modes}}<label><input type="radio" name="as" value="{{value}}"{{#checked}} checked{{/checked}}> {{label}}</label>{{/modes}}
    <button type="submit">{{#t}}检查||Check{{/t}}</button></p>
    </form>

    """,

    "self-check": """
    {{#form}}{{> self-check-form}}{{/form}}
    """,

    // `calls`: each checked call's reading time and its view (HTML from CallView); `draft`: LintView's HTML.
    "self-check-result": """
    {{> error}}
    {{#warnings}}
    <p class="meta">callqc: warning: {{.}}</p>
    {{/warnings}}
    {{#hasCalls}}
    <section id="result">
    {{#calls}}
    <p class="meta">{{#t}}坐席部分朗读时长（每分钟 120 字）：||Reading time of the agent's turns (120 characters a minute): {{/t}}{{reading}}</p>
    {{{view}}}{{/calls}}</section>
    {{/hasCalls}}
    {{#draft}}
    <section id="result">
    {{{.}}}</section>
    {{/draft}}
    <h2>{{#t}}再检查一份||Check another{{/t}}</h2>
    {{#form}}{{> self-check-form}}{{/form}}
    """,

    // A script draft's lint: reading time, the draft's issues, each line with its own. A line's
    // `said` is HTML: the line with each issue's phrase marked, escaped by LintView.mark.
    "lint": """
    <p class="meta" id="reading-time">{{facts}}</p>
    <p id="issue-count">{{count}}</p>
    {{#hasIssues}}
    <ul class="general">{{#issues}}<li class="finding sev-{{severity}}">{{> lint-issue}}</li>{{/issues}}</ul>
    {{/hasIssues}}
    <ol class="transcript lint">
    {{#lines}}
    <li><span class="t">{{secs}}</span><span class="who">{{label}}</span><span class="said">{{{said}}}</span>{{#issues}}<span class="note finding sev-{{severity}}">{{> lint-issue}}</span>{{/issues}}</li>
    {{/lines}}
    </ol>

    """,

    "lint-issue": """
    <b>{{rule}}</b> {{message}}{{#text}}「{{.}}」{{/text}}{{#detail}} — {{.}}{{/detail}}{{#better}} <span class="suggest">→ {{#t}}建议||better{{/t}}: {{.}}</span>{{/better}}
    """,
]
