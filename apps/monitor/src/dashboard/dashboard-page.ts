const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#fafafa;color:#222}
header{background:#1f2937;color:#fff;padding:10px 20px}header a{color:#9cf}
main{padding:12px 20px;display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:14px}
section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 12px}
section.wide{grid-column:1/-1}
h2{font-size:15px;margin:0 0 8px}table{border-collapse:collapse;font-size:12px;width:100%}
td,th{border-bottom:1px solid #eee;padding:3px 6px;text-align:left}.num{text-align:right}
.drifted{color:#b91c1c;font-weight:600}.sev-CRITICAL{color:#b91c1c}.sev-WARNING{color:#b45309}.sev-INFO{color:#1d4ed8}
.charts{display:flex;flex-wrap:wrap;gap:8px}.empty{color:#888;font-style:italic}
`;

/** The model list page (GET /dashboard). */
export function indexPage(models: readonly string[]): string {
  const items = models.length
    ? models.map((m) => `<li><a href="/dashboard/${encodeURIComponent(m)}">${escape(m)}</a></li>`).join('')
    : '<li class="empty">no predictions seen yet</li>';
  return `<!doctype html><html><head><meta charset="utf-8"><title>Ratchet monitor</title><style>${STYLE}</style></head>
<body><header><b>Ratchet monitor</b></header><main><section class="wide"><h2>Models</h2><ul id="models">${items}</ul>
<p>JSON API: <a href="/api/models">/api/models</a>, <a href="/api/status">/api/status</a>, /api/models/&lt;model&gt;</p></section></main></body></html>`;
}

/** The dashboard page of one model (GET /dashboard/:model); charts are drawn client-side with uPlot. */
export function modelPage(model: string): string {
  const m = escape(model);
  return `<!doctype html><html><head><meta charset="utf-8"><title>${m} · Ratchet monitor</title>
<link rel="stylesheet" href="/dashboard/assets/uPlot.min.css"><style>${STYLE}</style></head>
<body data-model="${m}"><header><a href="/dashboard">Ratchet monitor</a> / <b>${m}</b> <span id="updated"></span></header>
<main>
<section class="wide"><h2>Deployed versions</h2><div id="versions"></div></section>
<section><h2>Accuracy over time (per version and arm)</h2><div id="chart-accuracy" class="chart"></div></section>
<section><h2>Prediction and label rate (rows/s)</h2><div id="chart-rates" class="chart"></div></section>
<section><h2>Latency p95 (ms)</h2><div id="chart-latency" class="chart"></div></section>
<section><h2>Current window (last N labelled rows)</h2><div id="current"></div></section>
<section class="wide"><h2>A/B comparison</h2><div id="ab"></div><div id="flips"></div></section>
<section class="wide"><h2>Drift statistic over time (effect size per feature)</h2><div id="chart-drift-history" class="chart"></div></section>
<section class="wide"><h2>Drift per feature: reference vs current</h2><div id="drift-summary"></div><div id="drift-histograms" class="charts"></div></section>
<section class="wide"><h2>Alerts timeline</h2><div id="chart-alerts" class="chart"></div><div id="alerts"></div></section>
</main>
<script src="/dashboard/assets/uPlot.iife.min.js"></script>
<script src="/dashboard/assets/dashboard.js"></script>
</body></html>`;
}
