/// The live board (实时监控) and the agent's assist panel: a shell the board's script
/// (`/static/live.js`, served by the workbench) fills from the Server-Sent Events.
let liveTemplates: [String: String] = [
    "live": """
    <form method="get" action="/live" id="live-filter">
    {{#en}}<input type="hidden" name="lang" value="en">{{/en}}
    {{^agent}}<label>{{#t}}班组||Team{{/t}} <input type="text" name="team" value="{{team}}"></label> <button type="submit">{{#t}}筛选||Filter{{/t}}</button>{{/agent}}
    </form>
    <p class="meta" id="live-status" data-lang="{{lang}}" data-team="{{team}}" data-mode="{{mode}}">{{#t}}正在连接……||Connecting…{{/t}}</p>
    <div id="live-calls"></div>
    <h2>{{#t}}最新提醒||Latest alerts{{/t}}</h2>
    <ol id="live-alerts" class="live-alerts"></ol>
    <script src="/static/live.js"></script>
    """,
]
