/// The console's one script, served as /static/console.js. Hand-written: no npm registry here
/// (docs/console.md). It never builds markup from data; see the comment at its top.
/// Kept in the binary, so a copied executable serves its pages whole.
enum ConsoleScript {
    static let text = #"""
// Kefu console: live lists, SLA countdowns, presence, canned replies and keyboard shortcuts.
// Every page works without this script; it only makes them live. It never builds markup from
// data: what it shows comes from the console's own server-rendered (escaped) fragments, or goes
// in as text (textContent, a text box's value).
(function () {
  "use strict";
  var body = document.body;
  var csrf = body.dataset.csrf || "";
  var me = body.dataset.me || "";
  var page = body.dataset.page || "";
  var ticket = document.getElementById("ticket");
  var number = ticket ? ticket.dataset.ticket : null;
  var baseTitle = document.title;
  var alerts = 0;

  function fetchText(url) {
    // Marked as the page's own request: it does not keep an idle session alive.
    var headers = { "X-Requested-With": "kefu", "X-Kefu-Background": "1" };
    return fetch(url, { headers: headers, credentials: "same-origin" }).then(function (r) {
      if (r.status === 401 || r.redirected && r.url.indexOf("/login") >= 0) { location.href = "/login"; throw new Error("signed out"); }
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.text();
    });
  }

  function swap(id, url) {
    var element = document.getElementById(id);
    if (!element || !url) { return Promise.resolve(); }
    return fetchText(url).then(function (html) { element.innerHTML = html; tick(); }).catch(function () {});
  }

  // --- SLA countdowns -------------------------------------------------------------------------
  function duration(seconds) {
    var minutes = Math.floor(Math.abs(seconds) / 60), h = Math.floor(minutes / 60) % 24, d = Math.floor(minutes / 1440);
    var zh = body.parentElement.lang === "zh-CN";
    if (d > 0) { return zh ? d + "天" + h + "小时" : d + " d " + h + " h"; }
    if (h > 0) { return zh ? h + "小时" + (minutes % 60) + "分" : h + " h " + (minutes % 60) + " min"; }
    var s = Math.floor(Math.abs(seconds)) % 60;
    return zh ? (minutes % 60) + "分" + s + "秒" : (minutes % 60) + " min " + s + " s";
  }

  function tick() {
    var now = Date.now(), zh = body.parentElement.lang === "zh-CN";
    document.querySelectorAll(".due[data-due]").forEach(function (element) {
      var paused = element.dataset.paused === "true";
      // A paused clock shows the time it has left, which does not run down.
      var left = paused && element.dataset.left ? Number(element.dataset.left) : (Date.parse(element.dataset.due) - now) / 1000;
      if (isNaN(left)) { return; }
      var text = left >= 0 ? duration(left) + (zh ? " 剩余" : " left") : duration(left) + (zh ? " 已超时" : " overdue");
      if (paused) { text += zh ? "（已暂停）" : " (paused)"; }
      element.textContent = text;
      // Amber from the clock's warning time when the page gives it (the floor), else in the last half hour.
      var warn = element.dataset.warn ? (Date.parse(element.dataset.warn) - now) / 1000 : left - 1800;
      element.classList.toggle("paused", paused);
      element.classList.toggle("late", !paused && left < 0);
      element.classList.toggle("soon", !paused && left >= 0 && warn <= 0);
      element.classList.toggle("fine", !paused && left >= 0 && warn > 0);
    });
  }
  setInterval(tick, 1000);
  tick();

  // --- The live stream -------------------------------------------------------------------------
  var pendingList = null;
  function refreshList() {
    var table = document.getElementById("tickets");
    if (!table || !table.dataset.fragment) { return; }
    clearTimeout(pendingList);
    pendingList = setTimeout(function () {
      swap("rows", table.dataset.fragment).then(function () {
        select();
        var count = document.getElementById("count-mine");
        if (count && page === "mine") { count.textContent = String(rows().length); }
      });
    }, 200);
  }

  // A supervisor's page that follows the stream (the floor) is fetched again, at most twice a second.
  var pendingScreen = null;
  function refreshScreen() {
    var screen = document.getElementById("screen");
    if (!screen || !screen.dataset.refresh) { return; }
    clearTimeout(pendingScreen);
    pendingScreen = setTimeout(function () {
      // Not while someone is typing into one of its forms.
      if (screen.contains(document.activeElement) && /INPUT|SELECT|TEXTAREA/.test(document.activeElement.tagName)) { return; }
      swap("screen-body", screen.dataset.refresh);
    }, 500);
  }
  if (document.getElementById("screen") && document.getElementById("screen").dataset.refresh) { setInterval(refreshScreen, 15000); }

  function refreshTicket(event) {
    if (!number || event.ticket_number !== number) { return; }
    swap("conversation", "/tickets/" + encodeURIComponent(number) + "/conversation");
    if (["kefu.ticket.message_added", "kefu.ticket.note_added"].indexOf(event.type) < 0) {
      // The state changed: the actions and clocks change with it.
      fetchText("/tickets/" + encodeURIComponent(number)).then(function (html) {
        var next = new DOMParser().parseFromString(html, "text/html").getElementById("ticket");
        var reply = document.getElementById("reply-text");
        var draft = reply ? reply.value : null;
        if (next && ticket) { ticket.replaceWith(next); ticket = next; bindTicket(); }
        var again = document.getElementById("reply-text");
        if (again && draft !== null) { again.value = draft; }
        tick();
      }).catch(function () {});
    }
  }

  function alertNew(event) {
    if (event.type !== "kefu.ticket.assigned" || event.agent_id !== me) { return; }
    if (!document.hasFocus() || page !== "mine") { alerts += 1; document.title = "(" + alerts + ") " + baseTitle; }
    var toast = document.createElement("p");
    toast.className = "toast";
    toast.textContent = (body.parentElement.lang === "zh-CN" ? "您有新工单：" : "New ticket for you: ") + (event.ticket_number || "");
    body.appendChild(toast);
    setTimeout(function () { toast.remove(); }, 8000);
    var count = document.getElementById("count-mine");
    if (count && page !== "mine") { count.textContent = String((parseInt(count.textContent, 10) || 0) + 1); }
  }
  window.addEventListener("focus", function () { alerts = 0; document.title = baseTitle; });

  if (body.dataset.live && window.EventSource) {
    var live = document.getElementById("live");
    // Events between the last page's stream and this one's are replayed, if that was recent.
    var resume = "";
    try {
      var last = JSON.parse(sessionStorage.getItem("kefu.lastEvent") || "null");
      if (last && Date.now() - last.at < 600000) { resume = "?after=" + encodeURIComponent(last.id); }
    } catch (e) {}
    var source = new EventSource(body.dataset.live + resume);
    source.addEventListener("open", function () { if (live) { live.hidden = false; live.classList.remove("off"); } });
    source.addEventListener("error", function () { if (live) { live.classList.add("off"); } });
    source.addEventListener("ticket", function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      body.dataset.lastEvent = message.lastEventId;
      try { sessionStorage.setItem("kefu.lastEvent", JSON.stringify({ id: message.lastEventId, at: Date.now() })); } catch (e) {}
      refreshList();
      refreshScreen();
      refreshTicket(event);
      alertNew(event);
    });
  }

  // --- Presence and drafts ---------------------------------------------------------------------
  var lastTyped = 0;
  function bindTicket() {
    var reply = document.getElementById("reply-text");
    if (reply) {
      reply.addEventListener("input", function () { lastTyped = Date.now(); canned(reply); });
      reply.addEventListener("keydown", function (event) { cannedKeys(event, reply); });
    }
  }
  if (number) {
    bindTicket();
    setInterval(function () {
      var reply = document.getElementById("reply-text");
      var form = new URLSearchParams();
      form.set("csrf", csrf);
      var typing = Date.now() - lastTyped < 4000;
      form.set("typing", String(typing));
      if (reply) { form.set("draft", reply.value); }
      var headers = { "X-Requested-With": "kefu" };
      if (!typing) { headers["X-Kefu-Background"] = "1"; }
      fetch("/tickets/" + encodeURIComponent(number) + "/presence", {
        method: "POST", body: form, credentials: "same-origin", headers: headers
      }).catch(function () {});
    }, 3000);
    setInterval(function () { swap("presence", "/tickets/" + encodeURIComponent(number) + "/presence"); }, 3000);
  }

  // --- Canned replies: "/" at the start of a word opens the menu -------------------------------
  var cannedItems = null, menu = null, chosen = 0;
  function cannedQuery(reply) {
    var before = reply.value.slice(0, reply.selectionStart);
    var match = /(^|\s)\/([^\s\/]*)$/.exec(before);
    return match ? { query: match[2], start: before.length - match[2].length - 1 } : null;
  }
  function closeMenu() { if (menu) { menu.remove(); menu = null; } }
  function canned(reply) {
    var found = cannedQuery(reply);
    if (!found) { closeMenu(); return; }
    var load = cannedItems ? Promise.resolve(cannedItems)
      : fetch(reply.dataset.canned, { credentials: "same-origin" }).then(function (r) { return r.json(); })
        .then(function (items) { cannedItems = items; return items; });
    load.then(function (items) {
      var matching = items.filter(function (item) { return item.name.indexOf(found.query) >= 0; });
      closeMenu();
      if (!matching.length) { return; }
      menu = document.createElement("ul");
      menu.className = "canned";
      menu.id = "canned-menu";
      chosen = 0;
      matching.forEach(function (item, index) {
        var entry = document.createElement("li");
        entry.textContent = item.name;
        entry.dataset.index = String(index);
        if (index === 0) { entry.className = "chosen"; }
        entry.addEventListener("mousedown", function (event) { event.preventDefault(); insert(reply, item, found); });
        menu.appendChild(entry);
      });
      menu.items = matching;
      menu.found = found;
      reply.parentElement.insertBefore(menu, reply.nextSibling);
    }).catch(function () {});
  }
  function insert(reply, item, found) {
    var end = reply.selectionStart;
    reply.value = reply.value.slice(0, found.start) + item.text + reply.value.slice(end);
    reply.selectionStart = reply.selectionEnd = found.start + item.text.length;
    closeMenu();
    reply.focus();
  }
  function cannedKeys(event, reply) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      var kind = reply.dataset.kind === "note" ? "send-note" : "send-reply";
      document.getElementById(kind).click();
      return;
    }
    if (!menu) { return; }
    var entries = menu.querySelectorAll("li");
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      entries[chosen].className = "";
      chosen = (chosen + (event.key === "ArrowDown" ? 1 : entries.length - 1)) % entries.length;
      entries[chosen].className = "chosen";
    } else if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      insert(reply, menu.items[chosen], menu.found);
    } else if (event.key === "Escape") {
      closeMenu();
    }
  }

  // --- Keyboard --------------------------------------------------------------------------------
  var selected = -1;
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("#rows tr[data-href]")); }
  function select(index) {
    var list = rows();
    if (!list.length) { selected = -1; return; }
    if (typeof index === "number") { selected = Math.max(0, Math.min(list.length - 1, index)); }
    selected = Math.max(0, Math.min(list.length - 1, selected));
    list.forEach(function (row, i) { row.classList.toggle("selected", i === selected); });
    if (list[selected]) { list[selected].scrollIntoView({ block: "nearest" }); }
  }
  document.addEventListener("keydown", function (event) {
    var target = event.target, typing = /INPUT|TEXTAREA|SELECT/.test(target.tagName);
    var help = document.getElementById("shortcuts");
    if (event.key === "Escape") { if (help) { help.hidden = true; } if (typing) { target.blur(); } return; }
    if (typing || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var reply = document.getElementById("reply-text");
    switch (event.key) {
    case "j": select(selected + 1); break;
    case "k": select(selected - 1); break;
    case "Enter":
      var list = rows();
      if (list[selected]) { location.href = list[selected].dataset.href; }
      break;
    case "/": event.preventDefault(); var search = document.getElementById("search"); if (search) { search.focus(); } break;
    case "?": if (help) { help.hidden = !help.hidden; } break;
    case "a": var accept = document.getElementById("action-accept"); if (accept) { accept.click(); } break;
    case "r": if (reply) { event.preventDefault(); reply.dataset.kind = "reply"; reply.focus(); } break;
    case "n": if (reply) { event.preventDefault(); reply.dataset.kind = "note"; reply.focus(); } break;
    default: return;
    }
  });
  document.querySelectorAll("#rows tr[data-href]").forEach(function (row) {
    row.addEventListener("dblclick", function () { location.href = row.dataset.href; });
  });
  if (rows().length) { select(0); }
})();
"""#
}
