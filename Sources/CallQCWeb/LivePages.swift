import CallQC
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The live board page (`/live`): supervisors see the calls in progress of their team (or the
/// team they filter by) with alerts as they arrive, newest first; an agent sees their own call's
/// assist panel: the script checklist ticking off, and alerts with the better phrasing.
extension Workbench {
    func livePage(_ request: Request) -> Response {
        var p = page(request)
        let team = request.uri.queryParameters.get("team") ?? ""
        p.here = "/live" + (team.isEmpty ? "" : "?team=" + Form.encode(team))
        let agent = FloorRequest.user?.role == .agent
        let model: [String: Any] = ["team": team, "agent": agent, "mode": agent ? "assist" : "board", "lang": p.lang.rawValue]
        let title = agent ? p.t("通话助手", "Assist panel") : p.t("实时监控", "Live board")
        return Response.html(Templates.page("live", title: title, model, p, active: "live"), p)
    }

    /// The board's script, a static file: the pages' policy allows scripts from the workbench only.
    static func liveScriptResponse() -> Response {
        var headers: HTTPFields = [.contentType: "text/javascript; charset=utf-8", .cacheControl: "no-cache"]
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: LiveScript.source)))
    }
}

/// `/static/live.js`: plain JavaScript over Server-Sent Events (`/api/live/events`). It writes
/// text only through `textContent`, never as HTML.
enum LiveScript {
    static let source = #"""
    "use strict";
    (function () {
      var status = document.getElementById("live-status");
      if (!status) { return; }
      var zh = status.getAttribute("data-lang") !== "en";
      var assist = status.getAttribute("data-mode") === "assist";
      var team = status.getAttribute("data-team") || "";
      var T = function (a, b) { return zh ? a : b; };
      var callsBox = document.getElementById("live-calls");
      var alertsBox = document.getElementById("live-alerts");
      var calls = {};
      var kinds = {
        "forbidden": T("服务忌语", "Forbidden phrase"), "curt-refusal": T("生硬拒绝", "Curt refusal"),
        "complaint": T("投诉苗头", "Complaint cue"), "personal-data": T("读出个人信息", "Personal data read out"),
        "pace": T("语速过快", "Too fast"), "interruption": T("抢话", "Interruption"), "silence": T("冷场", "Silence"),
        "no-greeting": T("未问候", "No greeting"), "step-said": T("已完成步骤", "Step said"),
        "steps-missing": T("步骤未完成", "Steps missing"), "closing-reminder": T("结束语提醒", "Closing reminder")
      };
      function el(tag, cls, text) {
        var e = document.createElement(tag);
        if (cls) { e.className = cls; }
        if (text !== undefined && text !== null) { e.textContent = String(text); }
        return e;
      }
      function card(c) {
        if (calls[c.call]) { return calls[c.call]; }
        var box = el("section", "live-call");
        box.setAttribute("data-call", c.call);
        box.appendChild(el("h3", null, c.call + (c.agent ? " · " + c.agent : "")));
        var list = el("ul", "live-checklist");
        (c.checklist || []).forEach(function (s) {
          var li = el("li", s.turn ? "step-done" : "step-open", (s.turn ? "☑ " : "☐ ") + s.label + (s.required ? "" : T("（选做）", " (optional)")));
          li.setAttribute("data-step", s.id);
          list.appendChild(li);
        });
        box.appendChild(list);
        var own = el("ol", "live-alerts");
        box.appendChild(own);
        callsBox.insertBefore(box, callsBox.firstChild);
        calls[c.call] = { box: box, list: list, alerts: own };
        return calls[c.call];
      }
      function alertItem(a) {
        var li = el("li", "alert-" + a.severity + (a.partial ? " partial" : ""));
        li.setAttribute("data-kind", a.kind);
        li.appendChild(el("strong", null, kinds[a.kind] || a.kind));
        li.appendChild(document.createTextNode(" " + a.call + (a.turn ? " #" + a.turn : "") + " "));
        if (a.text) { li.appendChild(el("q", null, a.text)); li.appendChild(document.createTextNode(" ")); }
        li.appendChild(el("span", null, a.message));
        if (a.suggestion) { li.appendChild(el("span", "suggest", " → " + a.suggestion)); }
        return li;
      }
      function onAlert(d) {
        var a = d.alert;
        var c = card({ call: a.call, agent: d.agent, checklist: [] });
        if (a.kind === "step-said") {
          (a.steps || []).forEach(function (id) {
            var li = c.list.querySelector('[data-step="' + id.replace(/["\\]/g, "") + '"]');
            if (li) { li.className = "step-done"; li.textContent = "☑ " + li.textContent.slice(2); }
          });
          if (!assist) { return; }
        }
        c.alerts.insertBefore(alertItem(a), c.alerts.firstChild);
        if (a.kind !== "step-said") { alertsBox.insertBefore(alertItem(a), alertsBox.firstChild); }
      }
      function onEnd(d) {
        var c = calls[d.call];
        if (!c) { return; }
        c.box.className = "live-call ended";
        c.box.appendChild(el("p", "meta", T("已结束", "Ended") + (d.score !== null && d.score !== undefined ? " · " + d.score + " " + (d.grade || "") : "") + (d.note ? " · " + d.note : "")));
      }
      var url = "/api/live/events" + (team ? "?team=" + encodeURIComponent(team) : "");
      var source = new EventSource(url);
      source.addEventListener("open", function () { status.textContent = T("已连接：通话中的提醒会即时出现。", "Connected: alerts appear as they arise."); status.setAttribute("data-connected", "1"); });
      source.addEventListener("error", function () { status.textContent = T("连接中断，正在重连……", "Disconnected, reconnecting…"); });
      source.addEventListener("call", function (e) { card(JSON.parse(e.data)); });
      source.addEventListener("alert", function (e) { onAlert(JSON.parse(e.data)); });
      source.addEventListener("end", function (e) { onEnd(JSON.parse(e.data)); });
    })();
    """#
}
