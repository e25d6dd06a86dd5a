/// The supervisors' pages: a stored call with its reviews and forms, the review form, and the
/// list a call id that names several calls leads to.
let reviewTemplates: [String: String] = [
    // `view` is CallView's HTML (the transcript with highlighted spans, escaped there).
    "call": """
    {{> error}}
    {{> notice}}
    {{{view}}}{{#hasReviews}}<h2>{{#t}}复核记录||Reviews{{/t}}</h2>
    <ul id="reviews">{{#reviews}}<li class="review">{{.}}</li>{{/reviews}}</ul>
    {{/hasReviews}}
    {{#appealed}}
    <p class="notice" role="status">{{#t}}申诉已提交，等待主管处理。||The appeal was sent to a supervisor.{{/t}}</p>
    {{/appealed}}
    {{#floor}}
    {{> call-floor}}
    {{/floor}}
    {{#review}}
    {{> review-form}}
    {{/review}}
    {{#caseForm}}
    <h2>{{#t}}加入案例库||Add to the case library{{/t}}</h2>
    <form method="post" action="/cases" id="case-form">{{> hidden}}<input type="hidden" name="call" value="{{call}}">
    <label>{{#t}}标题||Title{{/t}} <input type="text" name="title" size="40"></label>
    <label>{{#t}}类别||Category{{/t}} <select name="category"><option value="">{{#t}}自动建议||suggest{{/t}}</option>{{#categories}}<option>{{.}}</option>{{/categories}}</select></label>
    <button type="submit">{{#t}}加入||Add{{/t}}</button></form>
    {{/caseForm}}
    """,

    // The review form; a verdict per rule (`verdict.RULE`) and a miss per turn (`missed.N`).
    "review-form": """
    <h2>{{#t}}记录复核结果||Record the review{{/t}}</h2>
    <form method="post" action="{{action}}" id="review-form">{{> hidden}}
    <p><label>{{#t}}人工评分||Human score{{/t}} <input type="number" name="score" min="0" step="0.5" value="{{score}}"></label>{{#loggedIn}}<span class="meta">{{#t}}复核人||Reviewer{{/t}}: {{.}}</span>{{/loggedIn}}{{^loggedIn}}<label>{{#t}}复核人||Reviewer{{/t}} <input type="text" name="reviewer" value="{{typedReviewer}}"></label>{{/loggedIn}}</p>
    {{^rules}}
    <p class="meta">{{#t}}这通电话没有机器发现的问题。||The machine found nothing in this call.{{/t}}</p>
    {{/rules}}
    {{#hasRules}}
    <table class="review"><thead><tr><th>{{#t}}规则||Rule{{/t}}</th><th>{{#t}}确认||Confirm{{/t}}</th><th>{{#t}}驳回||Reject{{/t}}</th><th>{{#t}}不评||Skip{{/t}}</th></tr></thead><tbody>
    {{#rules}}
    <tr><td>{{rule}}</td><td><input type="radio" name="verdict.{{rule}}" value="confirm"{{#confirm}} checked{{/confirm}}></td><td><input type="radio" name="verdict.{{rule}}" value="reject"{{#reject}} checked{{/reject}}></td><td><input type="radio" name="verdict.{{rule}}" value=""{{#skip}} checked{{/skip}}></td></tr>
    {{/rules}}
    </tbody></table>
    {{/hasRules}}
    <details id="missed"{{#missedOpen}} open{{/missedOpen}}><summary>{{#t}}漏检：机器没有发现的问题||Missed: what the machine did not find{{/t}}</summary>
    <table class="missed"><thead><tr><th>#</th><th>{{#t}}角色||Role{{/t}}</th><th>{{#t}}内容||Text{{/t}}</th><th>{{#t}}漏检规则||Missed rule{{/t}}</th><th>{{#t}}说明||Note{{/t}}</th></tr></thead><tbody>
    {{#turns}}
    <tr><td>{{n}}</td><td>{{role}}</td><td>{{text}}</td><td><select name="missed.{{n}}" aria-label="{{missedLabel}}"><option value=""></option>{{#options}}<option{{#selected}} selected{{/selected}}>{{rule}}</option>{{/options}}</select></td><td><input type="text" name="missed_note.{{n}}" size="24" value="{{missedNote}}"></td></tr>
    {{/turns}}
    </tbody></table></details>
    <p><label>{{#t}}备注||Note{{/t}} <input type="text" name="note" size="60" value="{{note}}"></label></p>
    <button type="submit">{{#t}}保存复核||Save review{{/t}}</button></form>
    """,

    "call-candidates": """
    {{> error}}<ul id="candidates">{{#candidates}}<li><a href="{{href}}">{{key}}</a> {{source}}</li>{{/candidates}}</ul>

    """,
]
