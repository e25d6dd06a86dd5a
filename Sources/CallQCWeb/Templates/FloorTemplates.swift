/// The floor's pages: logging in, setting a password, appeals, the audit log, users, and the
/// floor's part of a call page (its appeals, an agent's appeal form, a supervisor's unmask form).
let floorTemplates: [String: String] = [
    "login": """
    {{> error}}
    <form method="post" action="{{action}}" id="login">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="next" value="{{next}}">
    <p><label>{{#t}}用户名||User{{/t}} <input type="text" name="user" value="{{user}}" autocomplete="username" required></label></p>
    <p><label>{{#t}}密码||Password{{/t}} <input type="password" name="password" autocomplete="current-password" required></label></p>
    <p><button type="submit">{{#t}}登录||Log in{{/t}}</button></p>
    </form>
    <p class="meta">{{#t}}账号由管理员用 callqc users add 创建；忘记密码请找管理员重置（callqc users reset-password）。||Accounts are created by an administrator (callqc users add); ask them to reset a forgotten password (callqc users reset-password).{{/t}}</p>
    """,

    "set-password": """
    {{> error}}
    <form method="post" action="{{action}}" id="set-password">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="token" value="{{token}}">
    <p><label>{{#t}}新密码（至少 {{minimum}} 位）||New password (at least {{minimum}} characters){{/t}} <input type="password" name="password" autocomplete="new-password" required></label></p>
    <p><label>{{#t}}再输一次||Again{{/t}} <input type="password" name="again" autocomplete="new-password" required></label></p>
    <p><button type="submit">{{#t}}设置密码||Set the password{{/t}}</button></p>
    </form>
    """,

    "appeals": """
    {{> notice}}
    {{^rows}}<p>{{#t}}没有申诉。||No appeals.{{/t}}</p>{{/rows}}<table id="appeal-queue"><thead><tr><th>#</th><th>{{#t}}通话||Call{{/t}}</th><th>{{#t}}坐席||Agent{{/t}}</th><th>{{#t}}对象||What{{/t}}</th><th>{{#t}}理由||Reason{{/t}}</th><th>{{#t}}状态||Status{{/t}}</th><th></th></tr></thead><tbody>
    {{#rows}}
    <tr class="{{status}}"><td>{{id}}</td><td><a href="{{href}}">{{call}}</a></td><td>{{agent}}</td><td>{{what}}</td><td>{{reason}}</td><td>{{status}}{{#decisionNote}} · {{.}}{{/decisionNote}}</td><td>{{#decide}}<form method="post" action="/appeals/{{id}}/decide" class="decide">{{> hidden}}<input type="text" name="note" placeholder="{{#t}}说明||note{{/t}}"><button name="decision" value="accept">{{#t}}采纳||Accept{{/t}}</button><button name="decision" value="reject">{{#t}}驳回||Reject{{/t}}</button></form>{{/decide}}</td></tr>
    {{/rows}}
    </tbody></table>

    """,

    "audit": """
    <form method="get" action="/admin/audit" id="audit-filter">
    <label>{{#t}}从||From{{/t}} <input type="date" name="from" value="{{from}}"></label>
    <label>{{#t}}到||To{{/t}} <input type="date" name="to" value="{{to}}"></label>
    <label>{{#t}}用户||User{{/t}} <input type="text" name="user" value="{{actor}}"></label>
    <label>{{#t}}动作||Action{{/t}} <select name="action"><option value="">{{#t}}全部||all{{/t}}</option>{{#actions}}<option{{#selected}} selected{{/selected}}>{{name}}</option>{{/actions}}</select></label>
    <button type="submit">{{#t}}筛选||Filter{{/t}}</button></form>
    <p class="meta"><a href="{{csvHref}}" class="csv" id="csv-audit" download>{{#t}}下载 CSV||Download CSV{{/t}}</a></p>
    <table id="audit"><thead><tr><th>{{#t}}时间||When{{/t}}</th><th>{{#t}}用户||Who{{/t}}</th><th>{{#t}}动作||Action{{/t}}</th><th>{{#t}}对象||Target{{/t}}</th><th>{{#t}}说明||Detail{{/t}}</th><th>{{#t}}地址||Address{{/t}}</th></tr></thead><tbody>
    {{#entries}}
    <tr><td>{{at}}</td><td>{{who}}</td><td>{{action}}</td><td>{{target}}</td><td>{{detail}}</td><td>{{address}}</td></tr>
    {{/entries}}
    </tbody></table>
    <p class="meta">{{#t}}审计日志只能追加，callqc 不提供修改或删除。||The audit log is append-only: callqc offers no way to change or delete it.{{/t}}</p>
    """,

    "account": """
    <p id="me">{{name}} · {{role}}{{#agentID}} · {{.}}{{/agentID}}{{#team}} · {{.}}{{/team}}</p>
    {{#newToken}}<p class="notice">{{#t}}新的 API 令牌（只显示这一次，请立即保存）：||Your new API token (shown this once: keep it now):{{/t}}</p>
    <p><code id="new-token">{{.}}</code></p>{{/newToken}}
    <h2>{{#t}}API 令牌||API tokens{{/t}}</h2>
    <table id="tokens"><thead><tr><th>#</th><th>{{#t}}用途||Label{{/t}}</th><th>{{#t}}创建||Created{{/t}}</th><th>{{#t}}最近使用||Last used{{/t}}</th><th></th></tr></thead><tbody>
    {{#tokens}}
    <tr><td>{{id}}</td><td>{{label}}</td><td>{{created}}</td><td>{{lastUsed}}</td><td>{{#revoked}}{{#t}}已吊销 ||revoked {{/t}}{{.}}{{/revoked}}{{^revoked}}<form method="post" action="/account/tokens/{{id}}/revoke" class="revoke">{{> hidden}}<button type="submit">{{#t}}吊销||Revoke{{/t}}</button></form>{{/revoked}}</td></tr>
    {{/tokens}}
    </tbody></table>
    <form method="post" action="/account/tokens" id="token-form">{{> hidden}}<label>{{#t}}用途||Label{{/t}} <input type="text" name="label" required></label> <button type="submit">{{#t}}生成新令牌||New token{{/t}}</button></form>
    <p class="meta">{{#t}}程序用 Authorization: Bearer 令牌 访问 API；令牌只保存摘要。||Programs send Authorization: Bearer TOKEN to the API; only the token's digest is stored.{{/t}}</p>
    """,

    "users": """
    {{> error}}{{> notice}}
    {{#link}}<p>{{#t}}一次性设置密码链接（72 小时内有效，只显示这一次）：||One-time set-password link (valid 72 hours, shown this once):{{/t}} <code id="setup-link">{{.}}</code></p>{{/link}}
    <table id="users"><thead><tr><th>{{#t}}用户||User{{/t}}</th><th>{{#t}}角色||Role{{/t}}</th><th>{{#t}}坐席工号||Agent id{{/t}}</th><th>{{#t}}组||Team{{/t}}</th><th>{{#t}}状态||Status{{/t}}</th><th></th></tr></thead><tbody>
    {{#users}}
    <tr><td>{{name}}</td><td>{{role}}</td><td>{{agentID}}</td><td>{{team}}</td><td>{{status}}</td><td class="user-actions">
    <form method="post" action="/admin/users/{{name}}/role" class="set-role">{{> hidden}}<select name="role">{{#roles}}<option{{#selected}} selected{{/selected}}>{{value}}</option>{{/roles}}</select><button type="submit">{{#t}}改角色||Set role{{/t}}</button></form>
    <form method="post" action="/admin/users/{{name}}/{{toggle}}" class="toggle">{{> hidden}}<button type="submit">{{toggleLabel}}</button></form>
    <form method="post" action="/admin/users/{{name}}/reset" class="reset">{{> hidden}}<button type="submit">{{#t}}重置密码||Reset password{{/t}}</button></form>
    </td></tr>
    {{/users}}
    </tbody></table>
    <h2>{{#t}}添加用户||Add a user{{/t}}</h2>
    <form method="post" action="/admin/users" id="add-user">{{> hidden}}
    <label>{{#t}}用户名||Name{{/t}} <input type="text" name="name" required></label>
    <label>{{#t}}角色||Role{{/t}} <select name="role">{{#allRoles}}<option>{{.}}</option>{{/allRoles}}</select></label>
    <label>{{#t}}坐席工号（坐席必填）||Agent id (agents){{/t}} <input type="text" name="agent_id"></label>
    <label>{{#t}}组||Team{{/t}} <input type="text" name="team"></label>
    <button type="submit">{{#t}}添加||Add{{/t}}</button></form>
    <p class="meta">{{#t}}命令行同样可以：callqc users add|disable|set-role|reset-password。所有改动记入审计日志。||The command line does the same: callqc users add|disable|set-role|reset-password. Every change is in the audit log.{{/t}}</p>
    """,

    // The floor's part of a call page.
    "call-floor": """
    {{#hasAppeals}}
    <h2>{{#t}}申诉||Appeals{{/t}}</h2>
    <ul id="appeals">{{#appeals}}<li class="appeal {{status}}">{{line}}</li>{{/appeals}}</ul>
    {{/hasAppeals}}
    {{#windowClosed}}
    <p class="meta">{{.}}</p>
    {{/windowClosed}}
    {{#appealForm}}
    <h2>{{#t}}提出申诉||Appeal{{/t}}</h2>
    <form method="post" action="{{action}}" id="appeal-form">{{> hidden}}
    <p><label>{{#t}}申诉对象||What{{/t}} <select name="finding"><option value="score">{{#t}}整通评分||the call's score{{/t}}</option>{{#findings}}<option value="{{index}}">#{{number}} {{rule}} (−{{points}})</option>{{/findings}}</select></label></p>
    <p><label>{{#t}}理由||Reason{{/t}} <input type="text" name="reason" size="60" required></label></p>
    <button type="submit">{{#t}}提交申诉||Send the appeal{{/t}}</button></form>
    {{/appealForm}}
    {{#unmaskAction}}
    <form method="post" action="{{.}}" id="unmask-form">{{> hidden}}
    <label>{{#t}}查看原文的理由（记入审计日志）||Reason to see the original (written to the audit log){{/t}} <input type="text" name="reason" size="40" required></label> <button type="submit">{{#t}}显示原文||Show original{{/t}}</button></form>
    {{/unmaskAction}}
    """,
]
