/// The agent's own page (`/me`).
let agentTemplates: [String: String] = [
    "me": """
    {{> error}}
    {{#hasChoices}}
    <p>{{#t}}选择一位坐席：||Choose an agent:{{/t}} <a href="{{choicesCSVHref}}" class="csv" id="csv-agent-choices" download>{{#t}}下载 CSV||Download CSV{{/t}}</a></p>
    <table id="agent-choices"><thead><tr><th>{{#t}}坐席||Agent{{/t}}</th><th>{{#t}}通话||Calls{{/t}}</th></tr></thead><tbody>
    {{#choices}}<tr><td><a href="{{href}}">{{agent}}</a></td><td>{{calls}}</td></tr>{{/choices}}
    {{^choices}}<tr><td colspan="2">{{#t}}没有通话。||No calls.{{/t}}</td></tr>{{/choices}}
    </tbody></table>
    {{/hasChoices}}
    {{#agent}}
    <p class="meta" id="agent-summary">{{summary}}</p>
    <div class="charts">{{{charts}}}</div>
    <h2>{{#t}}我的常见问题||My most frequent findings{{/t}}{{#hasFindings}} <a href="{{findingsCSVHref}}" class="csv" id="csv-my-findings" download>{{#t}}下载 CSV||Download CSV{{/t}}</a>{{/hasFindings}}</h2>
    {{^hasFindings}}<p>{{#t}}没有发现问题。||No findings.{{/t}}</p>{{/hasFindings}}
    {{#hasFindings}}
    <table id="my-findings"><thead><tr><th>{{#t}}规则||Rule{{/t}}</th><th>{{#t}}次数||Findings{{/t}}</th><th>{{#t}}通话||Calls{{/t}}</th><th>{{#t}}例子||Example{{/t}}</th><th>{{#t}}更好的说法||Better phrasing{{/t}}</th></tr></thead><tbody>
    {{#findings}}
    <tr><td>{{rule}}</td><td>{{count}}</td><td>{{calls}}</td><td>{{#quote}}<q>{{.}}</q>{{/quote}} <span class="meta">{{message}}</span>{{#href}}<br><a href="{{href}}" class="example">{{call}}{{#turn}} #{{.}}{{/turn}}</a>{{/href}}</td><td class="suggest">{{#better}}{{.}}{{/better}}{{^better}}–{{/better}}</td></tr>
    {{/findings}}
    </tbody></table>
    {{/hasFindings}}
    <h2>{{#t}}最近的通话||Recent calls{{/t}}{{#hasCalls}} <a href="{{callsCSVHref}}" class="csv" id="csv-my-calls" download>{{#t}}下载 CSV||Download CSV{{/t}}</a>{{/hasCalls}}</h2>
    {{^hasCalls}}<p>{{#t}}没有通话。||No calls.{{/t}}</p>{{/hasCalls}}
    {{#hasCalls}}
    <table id="my-calls"><thead><tr><th>{{#t}}通话||Call{{/t}}</th><th>{{#t}}日期||Date{{/t}}</th><th>{{#t}}分数||Score{{/t}}</th><th>{{#t}}等级||Grade{{/t}}</th><th>{{#t}}发现||Findings{{/t}}</th></tr></thead><tbody>
    {{#calls}}<tr><td><a href="{{href}}">{{key}}</a></td><td>{{date}}</td><td>{{score}}</td><td>{{grade}}</td><td>{{findings}}</td></tr>{{/calls}}
    </tbody></table>
    {{/hasCalls}}
    <h2>{{#t}}我的申诉||My appeals{{/t}}{{#hasAppeals}} <a href="{{appealsCSVHref}}" class="csv" id="csv-my-appeals" download>{{#t}}下载 CSV||Download CSV{{/t}}</a>{{/hasAppeals}}</h2>
    {{^hasAppeals}}<p>{{#t}}没有申诉。||No appeals.{{/t}}</p>{{/hasAppeals}}
    {{#hasAppeals}}
    <table id="my-appeals"><thead><tr><th>{{#t}}通话||Call{{/t}}</th><th>{{#t}}对象||What{{/t}}</th><th>{{#t}}理由||Reason{{/t}}</th><th>{{#t}}结果||Outcome{{/t}}</th><th>{{#t}}说明||Note{{/t}}</th><th>{{#t}}时间||When{{/t}}</th></tr></thead><tbody>
    {{#appeals}}<tr><td><a href="{{href}}">{{call}}</a></td><td>{{what}}</td><td>{{reason}}</td><td>{{status}}</td><td>{{#note}}{{.}}{{/note}}</td><td>{{when}}</td></tr>{{/appeals}}
    </tbody></table>
    {{/hasAppeals}}
    <h2>{{#t}}自检记录||Self-check history{{/t}}{{#hasSelfChecks}} <a href="{{selfChecksCSVHref}}" class="csv" id="csv-my-self-checks" download>{{#t}}下载 CSV||Download CSV{{/t}}</a>{{/hasSelfChecks}}</h2>
    {{^selfChecksKept}}<p class="meta">{{#t}}没有账号的工作台不保存自检记录。||Without accounts the workbench keeps no self-check history.{{/t}}</p>{{/selfChecksKept}}
    {{^hasSelfChecks}}<p>{{#t}}还没有自检记录。||No self-checks yet.{{/t}}</p>{{/hasSelfChecks}}
    {{#hasSelfChecks}}
    <table id="my-self-checks"><thead><tr><th>{{#t}}时间||When{{/t}}</th><th>{{#t}}内容||What{{/t}}</th><th>{{#t}}类型||Kind{{/t}}</th><th>{{#t}}分数||Score{{/t}}</th><th>{{#t}}问题||Findings{{/t}}</th><th>{{#t}}严重||Critical{{/t}}</th><th>{{#t}}错误||Errors{{/t}}</th><th>{{#t}}警告||Warnings{{/t}}</th></tr></thead><tbody>
    {{#selfChecks}}<tr><td>{{when}}</td><td>{{label}}</td><td>{{kind}}</td><td>{{score}}</td><td>{{findings}}</td><td>{{critical}}</td><td>{{errors}}</td><td>{{warnings}}</td></tr>{{/selfChecks}}
    </tbody></table>
    {{/hasSelfChecks}}
    {{/agent}}
    """,
]
