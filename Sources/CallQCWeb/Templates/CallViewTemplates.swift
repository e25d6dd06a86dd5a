/// One checked call (CallView): the heading, the scorecard with every deduction, the whole-call
/// findings, the script's steps with near-misses, and the transcript. A turn's `said` is the only
/// HTML that comes in made: the turn's text with each finding's span marked, cut and escaped by
/// `HTMLReport.highlightTurn` (shared with the HTML report).
let callViewTemplates: [String: String] = [
    "call-view": """
    <article class="call">
    {{#heading}}
    <h3 id="call-id">{{id}}{{#score}} <span class="score grade-{{grade}}" id="score">{{text}}</span>{{/score}}</h3>
    <p class="meta">{{facts}}</p>
    {{/heading}}
    {{#hasSections}}
    <table class="card" id="scorecard"><thead><tr><th>{{#t}}评分项||Section{{/t}}</th><th>{{#t}}得分||Score{{/t}}</th><th>{{#t}}扣分明细||Deductions{{/t}}</th></tr></thead><tbody>
    {{#sections}}
    <tr><td>{{title}}</td><td>{{score}}</td><td>{{#deductions}}{{^first}}<br>{{/first}}<b>{{#href}}<a class="seek" href="{{href}}" data-t="{{seek}}">{{rule}}</a>{{/href}}{{^href}}{{rule}}{{/href}}</b> −{{points}}{{#turnNumber}}{{#t}} 第{{.}}句|| turn {{.}}{{/t}}{{/turnNumber}}{{#message}}：{{.}}{{/message}}{{#capped}}{{#t}}（封顶）|| (capped){{/t}}{{/capped}}{{/deductions}}{{^deductions}}—{{/deductions}}</td></tr>
    {{/sections}}
    </tbody></table>
    {{/hasSections}}
    {{#hasGeneral}}
    <h4>{{#t}}整通问题||Whole-call findings{{/t}}</h4>
    <ul class="general">{{#general}}<li class="finding sev-{{severity}}"><b>{{#href}}<a class="seek" href="{{href}}" data-t="{{seek}}">{{rule}}</a>{{/href}}{{^href}}{{rule}}{{/href}}</b> {{message}}{{#detail}} <small>{{.}}</small>{{/detail}}{{#suggestion}} <span class="suggest">→ {{#t}}建议||better{{/t}}: {{.}}</span>{{/suggestion}}</li>{{/general}}</ul>
    {{/hasGeneral}}
    {{#script}}
    <h4>{{#t}}话术||Script{{/t}} {{title}} <small>{{#t}}覆盖||coverage{{/t}} {{coverage}}%</small></h4>
    <table id="script-steps"><thead><tr><th>{{#t}}步骤||Step{{/t}}</th><th>{{#t}}状态||Status{{/t}}</th><th>{{#t}}所在句||Turn{{/t}}</th><th>{{#t}}说法 / 最接近的说法||What was said / nearest miss{{/t}}</th></tr></thead><tbody>
    {{#steps}}
    <tr class="step-{{status}}"><td>{{label}}{{#optional}}{{#t}}（可选）|| (optional){{/t}}{{/optional}}</td><td>{{statusText}}</td><td>{{turn}}</td><td>{{said}}{{#near}}{{#t}}最接近：第{{nearTurn}}句（相似 {{similarity}}%）||nearest: turn {{nearTurn}} ({{similarity}}% similar){{/t}} 「{{nearText}}」{{#nearNote}} <small>{{.}}</small>{{/nearNote}}{{/near}}{{#conflict}} <small>{{.}}</small>{{/conflict}}</td></tr>
    {{/steps}}
    </tbody></table>
    {{/script}}
    {{#recording}}
    <section id="player">
    {{#src}}<audio id="recording" controls preload="metadata" src="{{src}}"></audio>
    <span id="speed" role="group" aria-label="{{#t}}播放速度||Playback speed{{/t}}">{{#speeds}}<button type="button" data-rate="{{rate}}" disabled>{{label}}</button>{{/speeds}}</span>
    <p class="meta">{{#t}}点击每句的时间或问题即可跳到录音的那一刻。||Click a turn's time or a finding to hear that moment.{{/t}}</p>
    <script src="/static/recording.js" defer></script>{{/src}}
    {{#missing}}<p class="notice missing" id="recording-missing" role="status">{{#t}}录音文件不存在：||The recording is missing: {{/t}}{{.}}{{#t}}（文件还没有放到录音目录里，或已被移走）。|| (it is not in the recordings folder yet, or was moved).{{/t}}</p>{{/missing}}
    {{#unavailable}}<p class="notice missing" id="recording-unavailable" role="status">{{#t}}录音不可用：它不在工作台的录音目录（--audio-root）之下。||The recording is unavailable: it is not under the workbench's recordings folders (--audio-root).{{/t}}</p>{{/unavailable}}
    {{#remote}}<p class="notice" id="recording-remote" role="status">{{#t}}录音位于 ||The recording is at {{/t}}{{.}}{{#t}}（外部地址，工作台不代为获取）。|| (elsewhere: the workbench does not fetch it).{{/t}}</p>{{/remote}}
    </section>
    {{/recording}}
    <h4>{{#t}}通话文本||Transcript{{/t}}</h4>
    <ol class="transcript" id="transcript">
    {{#turns}}
    <li class="{{role}}"{{#seek}} data-start="{{seek}}"{{/seek}}{{#seekEnd}} data-end="{{seekEnd}}"{{/seekEnd}}><span class="t">{{#href}}<a class="seek" href="{{href}}" data-t="{{seek}}">{{time}}</a>{{/href}}{{^href}}{{time}}{{/href}}</span><span class="who">{{who}}</span><span class="said">{{{said}}}</span>{{#notes}}<span class="note finding sev-{{severity}}">{{#href}}<a class="seek" href="{{href}}" data-t="{{seek}}">{{rule}}</a>{{/href}}{{^href}}{{rule}}{{/href}}: {{message}}{{#sound}} <span class="sound" title="{{#t}}按读音匹配（识别同音字），请复核||matched by sound (a recogniser's homophone); please confirm{{/t}}">音近</span>{{/sound}}{{#detail}} — {{.}}{{/detail}}{{#suggestion}} <span class="suggest">→ {{#t}}建议||better{{/t}}: {{.}}</span>{{/suggestion}}{{#seeAlso}} <span class="related">({{#t}}相关||see also{{/t}} {{.}})</span>{{/seeAlso}}</span>{{/notes}}{{#evidence}}<span class="note related">↳ {{evidenceRule}}: {{#t}}证据，见第 {{evidenceTurn}} 轮||evidence, see turn {{evidenceTurn}}{{/t}}</span>{{/evidence}}</li>
    {{/turns}}
    </ol>
    </article>

    """,
]
