/// The console's style sheet, served as /static/console.css.
/// Kept in the binary, so a copied executable serves its pages whole.
enum ConsoleStyle {
    static let text = #"""
:root { --ink: #1d2433; --muted: #5c667a; --line: #dde2ea; --bg: #f5f7fa; --accent: #1f6feb; --late: #c62828; --soon: #b26a00; --fine: #2e7d32; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, "Noto Sans CJK SC", "PingFang SC", sans-serif; color: var(--ink); background: var(--bg); }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
.bar { display: flex; align-items: center; gap: 14px; padding: 8px 16px; background: #fff; border-bottom: 1px solid var(--line); flex-wrap: wrap; }
.bar .brand { font-weight: 700; color: var(--ink); }
.bar nav { display: flex; gap: 12px; }
.bar nav a.on { font-weight: 700; border-bottom: 2px solid var(--accent); }
.bar .search input { width: 18em; padding: 4px 8px; border: 1px solid var(--line); border-radius: 4px; }
.bar .who { margin-left: auto; color: var(--muted); }
.bar form { margin: 0; }
.count:empty { display: none; }
.count { background: var(--accent); color: #fff; border-radius: 9px; padding: 0 6px; font-size: 12px; }
.live { color: var(--fine); font-size: 12px; }
.live.off { color: var(--late); }
button { font: inherit; padding: 5px 12px; border: 1px solid var(--line); border-radius: 4px; background: #fff; cursor: pointer; }
button:hover { border-color: var(--accent); }
button.link { border: 0; background: none; color: var(--accent); padding: 0; }
main { padding: 16px; max-width: 1400px; margin: 0 auto; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 16px 20px; margin-bottom: 12px; }
.narrow { max-width: 420px; margin: 40px auto; }
label { display: block; margin: 8px 0; }
input, select, textarea { font: inherit; }
.narrow input { display: block; width: 100%; padding: 6px 8px; margin-top: 4px; border: 1px solid var(--line); border-radius: 4px; }
.notice { padding: 8px 12px; border-radius: 4px; background: #e8f0fe; }
.notice.error { background: #fdecea; color: var(--late); }
.notice.ok { background: #e8f5e9; color: var(--fine); }
.unavailable { color: var(--soon); }
.filters { display: flex; gap: 10px; align-items: end; flex-wrap: wrap; margin-bottom: 10px; }
.filters label { margin: 0; }
table.tickets { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); }
table.tickets th, table.tickets td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
table.tickets th { background: #fafbfc; font-weight: 600; color: var(--muted); }
table.tickets tr.selected td { background: #eef4ff; }
table.tickets td.subject { max-width: 28em; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
tr.p-P1 td:first-child { border-left: 3px solid var(--late); }
tr.p-P2 td:first-child { border-left: 3px solid var(--soon); }
.due.late { color: var(--late); font-weight: 600; }
.due.soon { color: var(--soon); font-weight: 600; }
.due.fine { color: var(--fine); }
.due.paused { color: var(--muted); font-style: italic; }
.pill { display: inline-block; padding: 1px 8px; border-radius: 10px; background: #eef1f5; font-size: 12px; }
.pill.warn { background: #fff4e5; color: var(--soon); }
.ticket-head h1 { margin: 0 0 4px; font-size: 20px; }
.columns { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); gap: 16px; }
@media (max-width: 900px) { .columns { grid-template-columns: 1fr; } }
aside section, .main > section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; margin-bottom: 12px; }
aside h2, .main h2 { font-size: 14px; margin: 0 0 6px; color: var(--muted); }
.actions { display: flex; gap: 8px; margin-bottom: 12px; flex-wrap: wrap; }
.actions form { margin: 0; }
.messages { list-style: none; padding: 0; margin: 0; }
.messages li { border-left: 3px solid var(--line); padding: 4px 10px; margin: 8px 0; }
.messages li.customer { border-color: var(--accent); }
.messages li.reply { border-color: var(--fine); }
.messages li.note { border-color: var(--soon); background: #fffaf0; }
.messages pre { white-space: pre-wrap; word-break: break-word; font: inherit; margin: 4px 0; }
.meta { color: var(--muted); font-size: 12px; margin: 0; }
.compose textarea { width: 100%; padding: 8px; border: 1px solid var(--line); border-radius: 4px; }
.compose { position: relative; margin-bottom: 12px; }
.canned { position: absolute; z-index: 5; list-style: none; margin: 0; padding: 4px 0; background: #fff; border: 1px solid var(--line); border-radius: 4px; box-shadow: 0 4px 12px rgba(0,0,0,.12); }
.canned li { padding: 4px 12px; cursor: pointer; }
.canned li.chosen { background: #eef4ff; }
.presence { margin: 4px 0; color: var(--soon); }
.small { font-size: 12px; color: var(--muted); margin: 2px 0; }
.timeline { padding-left: 18px; margin: 0; font-size: 12px; }
.overlay { position: fixed; inset: 20% 25% auto; background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; box-shadow: 0 8px 24px rgba(0,0,0,.2); z-index: 10; }
.toast { position: fixed; right: 16px; bottom: 16px; background: var(--ink); color: #fff; padding: 10px 14px; border-radius: 6px; margin: 0; }
.triage pre { white-space: pre-wrap; font: inherit; }
details.more { margin: 8px 0; }
details.more form { display: flex; gap: 8px; align-items: end; flex-wrap: wrap; margin: 8px 0; }
details.more label { margin: 0; }
.screen .panel { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; margin: 12px 0; }
.screen .panel h2 { margin: 4px 0 8px; font-size: 16px; }
form.inline { display: inline-flex; gap: 4px; align-items: center; margin: 0 4px 0 0; }
form.inline label { margin: 0; font-size: 12px; }
form.inline input, form.inline select { width: 8em; }
td.late, tr.late td { color: var(--late); }
td.soon { color: var(--soon); }
td.fine { color: var(--fine); }
tr.muted td { color: var(--muted); }
td.warn { color: var(--soon); font-weight: 600; }
td.ok { color: var(--fine); }
td.muted { color: var(--muted); }
.field-error { display: block; color: var(--late); font-size: 12px; }
ul.problems { color: var(--late); margin: 4px 0; }
figure.chart { margin: 8px 0; }
figure.chart figcaption { font-size: 12px; color: var(--muted); }
"""#
}
