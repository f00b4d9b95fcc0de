// The page's stylesheet, served at "/style.css".
#pragma once

namespace audiogan::serve::web {

inline constexpr const char kStyleCss[] = R"AGWEB(
:root {
  --bg: #f6f7f9; --card: #fff; --ink: #1d2433; --muted: #6b7385; --line: #e2e5ea;
  --accent: #3d5afe; --accent-ink: #fff; --bad: #b3261e; --bad-bg: #fdecea;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); }
.top { display: flex; align-items: center; gap: 24px; padding: 12px 24px;
       background: var(--card); border-bottom: 1px solid var(--line); }
.top h1 { margin: 0; font-size: 20px; letter-spacing: .5px; }
.tabs { display: flex; gap: 4px; }
.tab { border: 0; background: none; padding: 8px 14px; border-radius: 8px; cursor: pointer;
       font: inherit; color: var(--muted); }
.tab.active { background: #eef1ff; color: var(--accent); font-weight: 600; }
.status { margin-left: auto; font-size: 13px; color: var(--muted); }
.status.ok::before { content: "●"; color: #2e7d32; margin-right: 6px; }
.status.down::before { content: "●"; color: var(--bad); margin-right: 6px; }
main { padding: 20px 24px; max-width: 1280px; margin: 0 auto; }
h2 { font-size: 16px; margin: 28px 0 10px; }
.controls { display: flex; flex-wrap: wrap; gap: 14px; align-items: flex-end; background: var(--card);
            padding: 16px; border: 1px solid var(--line); border-radius: 12px; }
.controls label { display: flex; flex-direction: column; gap: 4px; font-size: 12px; color: var(--muted);
                  font-weight: 600; text-transform: uppercase; letter-spacing: .4px; }
select, input { font: inherit; font-size: 14px; padding: 7px 9px; border: 1px solid var(--line);
                border-radius: 8px; background: #fff; color: var(--ink); min-width: 90px; }
select { min-width: 150px; }
input[type=number] { width: 90px; }
#seed { width: 170px; }
.seed-row { display: flex; gap: 6px; }
button.primary { background: var(--accent); color: var(--accent-ink); border: 0; border-radius: 8px;
                 padding: 9px 22px; font: inherit; font-weight: 600; cursor: pointer;
                 display: inline-flex; align-items: center; gap: 8px; min-height: 38px; }
button.primary:disabled { opacity: .6; cursor: progress; }
button.ghost { border: 1px solid var(--line); background: #fff; border-radius: 8px; padding: 6px 10px;
               font: inherit; font-size: 13px; cursor: pointer; color: var(--muted); }
.spinner { width: 16px; height: 16px; border: 2px solid rgba(255,255,255,.4); border-top-color: #fff;
           border-radius: 50%; animation: spin .8s linear infinite; }
@keyframes spin { to { transform: rotate(360deg); } }
.error { background: var(--bad-bg); color: var(--bad); border: 1px solid #f5c2bd; padding: 10px 14px;
         border-radius: 10px; margin-bottom: 14px; white-space: pre-wrap; }
.summary { color: var(--muted); font-size: 14px; min-height: 1em; }
.empty { color: var(--muted); font-size: 14px; }
.clips { display: grid; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); gap: 16px; }
.clip, .epoch-card { background: var(--card); border: 1px solid var(--line); border-radius: 12px;
                     padding: 12px; display: flex; flex-direction: column; gap: 8px; }
.clip h3, .epoch-card h3 { margin: 0; font-size: 14px; display: flex; justify-content: space-between; }
.clip h3 small { color: var(--muted); font-weight: 400; }
.clip img, .epoch-card img, .figure img { width: 100%; border-radius: 6px; background: #111;
                                          image-rendering: auto; }
audio { width: 100%; height: 36px; }
.clip a.download { font-size: 13px; color: var(--accent); text-decoration: none; align-self: flex-start; }
.compare { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; margin-top: 16px; }
.epoch-card .audio-row { display: grid; grid-template-columns: 110px 1fr; align-items: center; gap: 8px;
                         font-size: 13px; }
.figure { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 12px; }
.metrics table, .eval table { border-collapse: collapse; font-size: 13px; background: var(--card); margin-top: 10px; }
.metrics td, .metrics th, .eval td, .eval th { border: 1px solid var(--line); padding: 5px 10px; text-align: left; }
.eval pre { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px;
            white-space: pre-wrap; font-size: 13px; }
.epoch-list { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: 12px; }
.epoch-list .epoch-card img { max-height: 140px; object-fit: cover; }
footer { color: var(--muted); font-size: 12px; padding: 24px; text-align: center; }
@media (max-width: 760px) { .compare { grid-template-columns: 1fr; } }
)AGWEB";

}  // namespace audiogan::serve::web
