/// The review queue, calibration, reports and the case library.
let libraryTemplates: [String: String] = [
    // Within a model with date, perAgent, seed.
    "queue-form": """
    <form method="get" action="/queue">{{#en}}<input type="hidden" name="lang" value="en">{{/en}}
    <label>{{#t}}日期||Date{{/t}} <input type="date" name="date" value="{{date}}"></label>
    <label>{{#t}}每位坐席||Per agent{{/t}} <input type="number" name="per_agent" min="1" value="{{perAgent}}" style="width:4rem"></label>
    <label>{{#t}}种子||Seed{{/t}} <input type="number" name="seed" min="0" value="{{seed}}" style="width:6rem"></label>
    <button type="submit">{{#t}}抽取||Draw{{/t}}</button></form>

    """,

    "queue": """
    {{> error}}
    {{> queue-form}}
    {{#summary}}
    <p class="meta">{{.}}</p>
    {{/summary}}
    {{> notice}}
    {{#hasPicks}}
    {{{chart}}}
    <p class="meta"><a href="{{csvHref}}" class="csv" id="csv-queue" download>{{#t}}下载 CSV||Download CSV{{/t}}</a></p>
    <table id="queue"><thead><tr><th>{{#t}}坐席||Agent{{/t}}</th><th>{{#t}}通话||Call{{/t}}</th><th>{{#t}}分数||Score{{/t}}</th><th>{{#t}}等级||Grade{{/t}}</th><th>{{#t}}抽取原因||Why{{/t}}</th></tr></thead><tbody>
    {{#picks}}
    <tr><td>{{agent}}</td><td><a href="{{href}}">{{key}}</a></td><td>{{score}}</td><td>{{grade}}</td><td>{{reason}}</td></tr>
    {{/picks}}
    </tbody></table>
    {{/hasPicks}}
    {{#short}}
    <p class="meta">{{.}}</p>
    {{/short}}
    {{#hasDone}}
    <h2>{{#t}}已复核||Reviewed{{/t}} <a href="{{doneCSVHref}}" class="csv" id="csv-reviewed" download>{{#t}}下载 CSV||Download CSV{{/t}}</a></h2>
    <table id="reviewed"><thead><tr><th>{{#t}}通话||Call{{/t}}</th><th>{{#t}}人工分||Human score{{/t}}</th><th>{{#t}}确认||Confirmed{{/t}}</th><th>{{#t}}驳回||Rejected{{/t}}</th><th>{{#t}}复核人||Reviewer{{/t}}</th><th>{{#t}}时间||When{{/t}}</th></tr></thead><tbody>
    {{#done}}
    <tr><td><a href="{{href}}">{{call}}</a></td><td>{{score}}</td><td>{{confirmed}}</td><td>{{rejected}}</td><td>{{reviewer}}</td><td>{{when}}</td></tr>
    {{/done}}
    </tbody></table>
    {{/hasDone}}
    """,

    "calibration": """
    <p>{{#t}}机器发现与复核人员结论的一致程度：每条规则的准确率（确认 ÷ (确认 + 驳回)）与召回率（确认 ÷ (确认 + 漏检)），漏检的句子，机器分与人工分之差。||How far machine and reviewers agree: each rule's precision (confirmed ÷ (confirmed + rejected)) and recall (confirmed ÷ (confirmed + missed)), the missed turns, and machine minus human scores.{{/t}}</p>
    {{> notice}}
    {{#hasRules}}
    {{{chart}}}
    <p class="meta"><a href="{{rulesCSVHref}}" class="csv" id="csv-calibration-rules" download>{{#t}}下载 CSV||Download CSV{{/t}}</a></p>
    <table id="calibration-rules"><thead><tr><th>{{#t}}规则||Rule{{/t}}</th><th>{{#t}}确认||Confirmed{{/t}}</th><th>{{#t}}驳回||Rejected{{/t}}</th><th>{{#t}}漏检||Missed{{/t}}</th><th>{{#t}}准确率||Precision{{/t}}</th><th>{{#t}}召回率||Recall{{/t}}</th></tr></thead><tbody>
    {{#rules}}
    <tr><td>{{rule}}</td><td>{{confirmed}}</td><td>{{rejected}}</td><td>{{missed}}</td><td>{{precision}}</td><td>{{recall}}</td></tr>
    {{/rules}}
    </tbody></table>
    {{/hasRules}}
    {{#hasMissedTurns}}
    <h2>{{#t}}漏检的句子||Missed turns{{/t}} <a href="{{missedCSVHref}}" class="csv" id="csv-calibration-missed" download>CSV</a></h2>
    <table id="calibration-missed"><thead><tr><th>{{#t}}规则||Rule{{/t}}</th><th>{{#t}}通话||Call{{/t}}</th><th>#</th><th>{{#t}}内容||Text{{/t}}</th><th>{{#t}}说明||Note{{/t}}</th><th>{{#t}}复核人||Reviewer{{/t}}</th></tr></thead><tbody>
    {{#missedTurns}}
    <tr><td>{{rule}}</td><td><a href="{{href}}">{{call}}</a></td><td>{{turn}}</td><td>{{text}}</td><td>{{note}}</td><td>{{reviewer}}</td></tr>
    {{/missedTurns}}
    </tbody></table>
    {{/hasMissedTurns}}
    {{#hasDifferences}}<p class="meta"><a href="{{differencesCSVHref}}" class="csv" id="csv-calibration-differences" download>{{#t}}机器与人工分差 CSV||Machine − human differences, CSV{{/t}}</a></p>{{/hasDifferences}}
    {{#differences}}
    <h2>{{heading}}</h2>
    <table id="{{id}}"><thead><tr><th></th><th>{{#t}}通话||Calls{{/t}}</th><th>{{#t}}机器−人工（均值）||Machine − human (mean){{/t}}</th><th>{{#t}}离散度||Spread{{/t}}</th></tr></thead><tbody>
    {{#rows}}
    <tr><td>{{key}}</td><td>{{count}}</td><td>{{mean}}</td><td>{{spread}}</td></tr>
    {{/rows}}
    </tbody></table>
    {{/differences}}
    {{#unmatched}}
    <p class="meta">{{#t}}结果库中没有的通话的复核：||Reviews of calls not in the store: {{/t}}{{.}}</p>
    {{/unmatched}}
    """,

    "reports": """
    {{> error}}
    <form method="get" action="/reports">{{#en}}<input type="hidden" name="lang" value="en">{{/en}}
    <label>{{#t}}从||From{{/t}} <input type="date" name="from" value="{{from}}"></label>
    <label>{{#t}}到||To{{/t}} <input type="date" name="to" value="{{to}}"></label>
    <button type="submit">{{#t}}查看||Show{{/t}}</button>
    <a href="{{fullHref}}" id="full-report">{{#t}}完整报告（含通话明细）||Full report (with the calls){{/t}}</a></form>
    <section class="kpis"><div><b>{{calls}}</b><span>{{#t}}通话||calls{{/t}}</span></div><div><b>{{agents}}</b><span>{{#t}}坐席||agents{{/t}}</span></div><div><b>{{mean}}</b><span>{{#t}}平均分||mean score{{/t}}</span></div><div><b>{{vetoes}}</b><span>{{#t}}一票否决||vetoes{{/t}}</span></div></section>
    <p class="meta">{{#t}}分数分布||Scores{{/t}}: {{distribution}}</p>
    <div class="charts">{{{charts}}}</div>
    <p class="meta"><a href="{{ruleCSVHref}}" class="csv" id="csv-by-rule" download>{{#t}}按规则汇总 CSV||By rule, CSV{{/t}}</a></p>
    {{#tables}}
    <h2>{{heading}} <a href="{{csvHref}}" class="csv" id="csv-{{id}}" download>CSV</a></h2>
    <table id="{{id}}"><thead><tr><th>{{#byAgent}}{{#t}}坐席||Agent{{/t}}{{/byAgent}}{{^byAgent}}{{#t}}日期||Day{{/t}}{{/byAgent}}</th><th>{{#t}}通话||Calls{{/t}}</th><th>{{#byAgent}}{{#t}}天数||Days{{/t}}{{/byAgent}}{{^byAgent}}{{#t}}坐席数||Agents{{/t}}{{/byAgent}}</th><th>{{#t}}平均分||Mean{{/t}}</th><th>{{#t}}最低分||Lowest{{/t}}</th><th>{{#t}}否决||Vetoes{{/t}}</th><th>{{#t}}语速中位数||Median rate{{/t}}</th>{{#byAgent}}<th>{{#t}}低于日目标({{target}})的天数||Days under {{target}}/day{{/t}}</th>{{/byAgent}}<th>{{#t}}主要问题||Top findings{{/t}}</th></tr></thead><tbody>
    {{^rows}}
    <tr><td colspan="9">{{#t}}没有通话。||No calls.{{/t}}</td></tr>
    {{/rows}}
    {{#rows}}
    <tr><td>{{#href}}<a href="{{href}}">{{key}}</a>{{/href}}{{^href}}{{key}}{{/href}}</td><td>{{calls}}</td><td>{{spread}}</td><td>{{mean}}</td><td>{{lowest}}</td><td>{{vetoes}}</td><td>{{rate}}</td>{{#byAgent}}<td>{{under}}</td>{{/byAgent}}<td>{{top}}</td></tr>
    {{/rows}}
    </tbody></table>
    {{/tables}}
    """,

    "cases": """
    {{> error}}
    <form method="get" action="/cases">{{#en}}<input type="hidden" name="lang" value="en">{{/en}}
    <label>{{#t}}搜索||Search{{/t}} <input type="search" name="q" value="{{q}}"></label>
    <label>{{#t}}类别||Category{{/t}} <select name="category"><option value="">{{#t}}全部||all{{/t}}</option>{{#categories}}<option{{#selected}} selected{{/selected}}>{{name}}</option>{{/categories}}</select></label>
    <button type="submit">{{#t}}查找||Find{{/t}}</button></form>
    {{^cases}}
    <p class="notice" role="status">{{#t}}没有案例。在一通电话的页面上可以把它加入案例库。||No cases. A call's page can add it to the library.{{/t}}</p>
    {{/cases}}
    {{#hasCases}}
    <table id="cases"><thead><tr><th>{{#t}}编号||Case{{/t}}</th><th>{{#t}}类别||Category{{/t}}</th><th>{{#t}}标题||Title{{/t}}</th><th>{{#t}}通话||Call{{/t}}</th><th>{{#t}}坐席||Agent{{/t}}</th><th>{{#t}}分数||Score{{/t}}</th><th>{{#t}}导出||Export{{/t}}</th></tr></thead><tbody>
    {{#cases}}
    <tr><td><a href="{{href}}">{{label}}</a></td><td>{{category}}</td><td>{{title}}</td><td>{{call}}</td><td>{{agent}}</td><td>{{score}}</td><td><a href="/cases/{{id}}/export" download>Markdown</a></td></tr>
    {{/cases}}
    </tbody></table>
    {{/hasCases}}
    <h2>{{#t}}从通话添加||Add from a call{{/t}}</h2>
    <form method="post" action="/cases" id="case-form">{{> hidden}}
    <label>{{#t}}通话编号||Call id{{/t}} <input type="text" name="call" required></label>
    <label>{{#t}}标题||Title{{/t}} <input type="text" name="title" size="30"></label>
    <button type="submit">{{#t}}加入||Add{{/t}}</button></form>

    """,

    // The bar put on top of a case's training document (CaseDocument's HTML, shared with the CLI).
    "case-bar": """
    <nav><a href="{{back}}">← {{#t}}案例库||Case library{{/t}}</a> · <a href="/cases/{{id}}/export" id="export" download>{{#t}}导出 Markdown||Export Markdown{{/t}}</a>{{#share}} · <form method="post" action="/cases/{{id}}/share" id="share-form" style="display:inline">{{> hidden}}<input type="hidden" name="shared" value="{{value}}"><button type="submit">{{label}}</button></form>{{/share}}</nav>

    """,
]
