/**
 * The dashboard's browser script, served as /dashboard/assets/dashboard.js. Plain ES2020 (no
 * build step): it fetches /api/models/:model and draws uPlot charts; it refreshes every 5 s.
 */
export const DASHBOARD_SCRIPT = String.raw`
(function () {
  'use strict';
  var model = document.body.dataset.model;
  var COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];
  var charts = {};
  function el(tag, attrs, text) { var e = document.createElement(tag); for (var k in attrs || {}) e.setAttribute(k, attrs[k]); if (text !== undefined) e.textContent = text; return e; }
  function fmt(v, d) { return typeof v === 'number' && isFinite(v) ? v.toFixed(d === undefined ? 3 : d) : '–'; }
  function table(headers, rows) {
    var t = el('table'); var tr = el('tr'); headers.forEach(function (h) { tr.appendChild(el('th', {}, h)); }); t.appendChild(tr);
    rows.forEach(function (r) { var row = el('tr'); r.forEach(function (c) { var td = el('td'); if (c && c.node) td.appendChild(c.node); else td.textContent = c === undefined || c === null ? '' : String(c); if (c && c.cls) td.className = c.cls; row.appendChild(td); }); t.appendChild(row); });
    return t;
  }
  function put(id, node) { var host = document.getElementById(id); host.innerHTML = ''; host.appendChild(node); }
  function empty(id, text) { put(id, el('p', { 'class': 'empty' }, text)); }
  function width(id) { return Math.max(320, (document.getElementById(id).clientWidth || 480) - 4); }
  function draw(id, opts, data) {
    if (charts[id]) { charts[id].destroy(); }
    var host = document.getElementById(id); host.innerHTML = '';
    charts[id] = new uPlot(opts, data, host);
    host.dataset.rendered = 'true';
  }
  function seriesName(k) { return k.version + (k.arm ? ' · ' + k.arm : ''); }
  // Aligns time-window history of several series on one x axis (seconds).
  function timeChart(id, series, pick, label) {
    var xs = {};
    series.forEach(function (s) { s.history.forEach(function (p) { xs[Math.round(p.endMs / 1000)] = true; }); });
    var x = Object.keys(xs).map(Number).sort(function (a, b) { return a - b; });
    var lines = [];
    series.forEach(function (s) {
      pick.forEach(function (metric) {
        var byT = {}; var any = false;
        s.history.forEach(function (p) { var v = p.metrics[metric]; if (typeof v === 'number' && isFinite(v)) { byT[Math.round(p.endMs / 1000)] = v; any = true; } });
        if (any) lines.push({ name: seriesName(s.key) + (pick.length > 1 ? ' ' + metric : ''), values: x.map(function (t) { return t in byT ? byT[t] : null; }) });
      });
    });
    if (x.length === 0 || lines.length === 0) { empty(id, 'no closed time window yet'); return; }
    var opts = { width: width(id), height: 220, scales: { x: { time: true } }, series: [{}].concat(lines.map(function (l, i) { return { label: l.name, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: true, points: { show: true, size: 5 } }; })), axes: [{}, { label: label }] };
    draw(id, opts, [x].concat(lines.map(function (l) { return l.values; })));
  }
  function barChart(id, labels, ref, cur, title) {
    var host = el('div', { id: id, 'class': 'histogram' }); host.appendChild(el('div', {}, title));
    document.getElementById('drift-histograms').appendChild(host);
    var sum = function (a) { return a.reduce(function (s, v) { return s + v; }, 0) || 1; };
    var rs = sum(ref), cs = sum(cur);
    var x = labels.map(function (_, i) { return i; });
    var bars = uPlot.paths && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.4, 40], align: 0 }) : undefined;
    var bars2 = uPlot.paths && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.4, 40], align: 1 }) : undefined;
    var opts = { width: 300, height: 160, legend: { show: true }, scales: { x: { time: false, range: [-0.6, labels.length - 0.4] } },
      axes: [{ values: function (u, vals) { return vals.map(function (v) { return labels[v] === undefined ? '' : String(labels[v]); }); } }, {}],
      series: [{}, { label: 'reference', stroke: '#2563eb', fill: 'rgba(37,99,235,0.45)', paths: bars, points: { show: false } }, { label: 'current', stroke: '#dc2626', fill: 'rgba(220,38,38,0.45)', paths: bars2, points: { show: false } }] };
    if (charts[id]) charts[id].destroy();
    charts[id] = new uPlot(opts, [x, ref.map(function (v) { return v / rs; }), cur.map(function (v) { return v / cs; })], host);
    host.dataset.rendered = 'true';
  }
  function render(d) {
    document.getElementById('updated').textContent = ' · updated ' + new Date(d.generatedAtMs).toLocaleTimeString();
    put('versions', table(['version', 'last prediction', 'published', 'parent', 'validation metrics', 'drift profile'], d.deployed.map(function (v) {
      return [v.version, v.lastSeenMs ? new Date(v.lastSeenMs).toLocaleString() : '–', v.publishedAtMs ? new Date(v.publishedAtMs).toLocaleString() : '–', v.parentVersion || '', v.validationMetrics ? Object.keys(v.validationMetrics).map(function (k) { return k + ' ' + fmt(v.validationMetrics[k]); }).join(', ') : '', v.hasDriftProfile === undefined ? '' : v.hasDriftProfile ? 'yes' : 'no'];
    })));
    timeChart('chart-accuracy', d.series, ['accuracy'], 'accuracy');
    timeChart('chart-rates', d.series, ['prediction_rate', 'label_rate'], 'rows/s');
    timeChart('chart-latency', d.series, ['latency_p95_ms'], 'ms');
    put('current', table(['version', 'arm', 'rows', 'accuracy', 'precision', 'recall', 'F1', 'ROC-AUC', 'log loss', 'MAE', 'labelled', 'predicted'], d.series.map(function (s) {
      var m = s.current; return [s.key.version, s.key.arm, s.currentCount, fmt(m.accuracy), fmt(m.precision), fmt(m.recall), fmt(m.f1), fmt(m.roc_auc), fmt(m.log_loss), fmt(m.mae), s.totalLabeled, s.totalPredictions];
    })));
    if (d.comparisons.length) {
      put('ab', table(['baseline', 'arm', 'Δ accuracy', 'CI', 'z', 'p', 'n (base / arm)', 'needed per arm', 'enough data', 'paired', 'regressions', 'gains', 'McNemar p'], d.comparisons.map(function (c) {
        return [(c.baselineArm || '') + ' ' + c.baselineVersion, (c.arm || '') + ' ' + c.version, fmt(c.difference, 4), '[' + fmt(c.ciLow, 4) + ', ' + fmt(c.ciHigh, 4) + '] @' + fmt(c.confidence, 2), fmt(c.z, 2), fmt(c.pValue, 4), (c.baselineCount || 0) + ' / ' + (c.count || 0), c.minimumSampleSize + ' (MDE ' + fmt(c.minimumDetectableEffect, 3) + ')', c.sufficient ? 'yes' : 'not yet', c.pairedCount || 0, c.regressions || 0, c.gains || 0, fmt(c.mcnemarPValue, 4)];
      })));
    } else empty('ab', 'one arm only: nothing to compare');
    if (d.pairs.length) put('flips', table(['served', 'other', 'paired rows', 'acc served', 'acc other', 'regressions', 'gains', 'NFR', 'McNemar p'], d.pairs.map(function (p) {
      return [p.versionA, p.versionB, p.n, fmt(p.accuracyA), fmt(p.accuracyB), p.regressions, p.gains, fmt(p.nfr, 4), fmt(p.mcnemarPValue, 4)];
    }))); else document.getElementById('flips').innerHTML = '';
    // Drift: statistic over time and histograms of the most recent check.
    var latest = d.drift.filter(function (v) { return v.last; }).sort(function (a, b) { return b.last.checkedAtMs - a.last.checkedAtMs; })[0];
    document.getElementById('drift-histograms').innerHTML = '';
    if (!latest) { empty('chart-drift-history', 'no drift check yet (needs a version with a drift profile and enough rows)'); empty('drift-summary', ''); }
    else {
      var names = {}; latest.history.forEach(function (h) { Object.keys(h.features).forEach(function (f) { names[f] = true; }); });
      var feats = Object.keys(names).sort();
      var hx = latest.history.map(function (h) { return Math.round(h.t / 1000); });
      if (hx.length && feats.length) {
        draw('chart-drift-history', { width: width('chart-drift-history'), height: 220, scales: { x: { time: true } }, axes: [{}, { label: 'effect size' }],
          series: [{}].concat(feats.map(function (f, i) { return { label: f, stroke: COLORS[i % COLORS.length], width: 2, points: { show: true, size: 5 } }; })) },
          [hx].concat(feats.map(function (f) { return latest.history.map(function (h) { var v = h.features[f]; return v ? v.effectSize : null; }); })));
      }
      put('drift-summary', table(['feature (' + latest.version + ')', 'test', 'n', 'statistic', 'p (adjusted)', 'effect', 'drifted'], latest.last.features.map(function (f) {
        return [f.feature, f.test, f.sampleSize, fmt(f.statistic), fmt(f.adjustedPValue, 4), f.effectMetric + ' ' + fmt(f.effectSize), { node: document.createTextNode(f.skipped ? 'skipped' : f.drifted ? 'DRIFTED' : 'no'), cls: f.drifted ? 'drifted' : '' }];
      })));
      latest.last.histograms.forEach(function (h, i) {
        var labels = h.kind === 'numeric' ? h.reference.map(function (_, b) { return fmt(h.edges[b], 1); }) : h.categories;
        barChart('hist-' + i, labels, h.reference, h.current, h.feature + (latest.last.driftedFeatures.indexOf(h.feature) >= 0 ? ' (drifted)' : ''));
      });
    }
    // Alerts: timeline (x = time, y = kind) and table.
    var kinds = ['ALERT_KIND_PERFORMANCE', 'ALERT_KIND_DATA_DRIFT', 'ALERT_KIND_CONCEPT_DRIFT', 'ALERT_KIND_PRIOR_SHIFT', 'ALERT_KIND_NEW_DATA', 'ALERT_KIND_SCHEDULE'];
    if (d.alerts.length) {
      var ax = d.alerts.map(function (a) { return Math.round(Number(a.raisedAtMs) / 1000); });
      var ay = d.alerts.map(function (a) { return kinds.indexOf(a.kind) + 1; });
      draw('chart-alerts', { width: width('chart-alerts'), height: 180, scales: { x: { time: true }, y: { range: [0, kinds.length + 1] } },
        axes: [{}, { splits: function () { return kinds.map(function (_, i) { return i + 1; }); }, values: function (u, vals) { return vals.map(function (v) { return kinds[v - 1] ? kinds[v - 1].replace('ALERT_KIND_', '') : ''; }); }, size: 110 }],
        series: [{}, { label: 'alerts', stroke: '#b91c1c', width: 0, points: { show: true, size: 10, fill: '#b91c1c' }, paths: function () { return null; } }] }, [ax, ay]);
      put('alerts', table(['raised', 'kind', 'severity', 'version', 'arm', 'evidence', 'message'], d.alerts.slice().reverse().map(function (a) {
        var e = a.evidence || {};
        return [new Date(Number(a.raisedAtMs)).toLocaleString(), (a.kind || '').replace('ALERT_KIND_', ''), { node: document.createTextNode((a.severity || '').replace('ALERT_SEVERITY_', '')), cls: 'sev-' + (a.severity || '').replace('ALERT_SEVERITY_', '') }, a.version, a.arm || '', (e.statistic || '') + ' ' + fmt(e.value) + (e.pValue !== undefined && e.pValue !== null ? ' p=' + fmt(e.pValue, 4) : '') + (e.effectSize !== undefined && e.effectSize !== null ? ' effect=' + fmt(e.effectSize) : '') + ' n=' + (e.sampleSize || 0), a.message];
      })));
    } else { empty('chart-alerts', 'no alerts'); document.getElementById('alerts').innerHTML = ''; }
    document.body.dataset.ready = 'true';
  }
  function load() {
    fetch('/api/models/' + encodeURIComponent(model)).then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
      .then(render).catch(function (e) { document.getElementById('updated').textContent = ' · ' + e.message; });
  }
  load();
  setInterval(load, 5000);
})();
`;
