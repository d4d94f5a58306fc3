// Renders a layerdiff report from the JSON object in #layerdiff-data (see PageData.java for its
// fields). Layers are columns: L.name[i], L.metrics[i], ... Everything past the answer, the depth
// chart and one page of the layer table is built when it is asked for, so 10,000 layers stay light.
(function () {
  'use strict';

  window.addEventListener('error', function (e) {
    const p = document.createElement('p');
    p.className = 'note';
    p.textContent = 'This page hit a script error: ' + e.message;
    document.body.prepend(p);
  });

  const D = JSON.parse(document.getElementById('layerdiff-data').textContent);
  const L = D.layers;
  const N = L.name.length;
  // A layer's metrics are read by name: D.metricFields names the places of L.metrics[i].
  const MF = {};
  D.metricFields.forEach(function (name, k) { MF[name] = k; });
  const GROUP = D.groupNames, STATUS = D.statusNames, ROLE = D.roleNames;
  const COLOUR = {
    ok: '#2e7d32', noise: '#1f6fd1', introduced: '#c62828', inherited: '#ef8f00', diverged: '#c62828', not_determined: '#7e57c2',
    reference: '#5c6bc0', candidate: '#ef8f00', diff: '#c62828', floor: 'rgba(31, 111, 209, 0.12)'
  };
  const PAGE_ROWS = 100;
  const api = window.layerdiff = { data: D, open: openLayer, depth: null, opened: null };
  let detailCharts = [];

  // ---- small helpers --------------------------------------------------------------------------

  function el(tag, props, ...children) {
    const e = document.createElement(tag);
    if (props) {
      for (const k in props) {
        if (k === 'class') e.className = props[k];
        else if (k === 'text') e.textContent = props[k];
        else if (k.startsWith('on')) e.addEventListener(k.slice(2), props[k]);
        else e.setAttribute(k, props[k]);
      }
    }
    for (const c of children) if (c != null) e.append(c);
    return e;
  }

  function fmt(v) {
    if (v == null) return '\u2013';
    if (v === 'inf') return '\u221e';
    if (typeof v !== 'number') return String(v);
    if (v === 0) return '0';
    const a = Math.abs(v);
    if (Number.isInteger(v) && a < 1e7) return String(v);
    return a >= 1e4 || a < 1e-3 ? v.toExponential(3) : v.toPrecision(4);
  }

  function pct(part, whole) {
    return whole ? ' (' + (100 * part / whole).toPrecision(3) + '%)' : '';
  }

  function statusName(i) { return STATUS[L.status[i]]; }
  function roleName(i) { return L.role[i] == null ? null : ROLE[L.role[i]]; }
  function failed(i) { return statusName(i) !== 'ok'; }
  function badge(word, cls) { return el('span', { class: 'badge ' + (cls || word), text: word }); }

  function layerLink(i, text) {
    if (i == null) return document.createTextNode(text || '');
    return el('button', { type: 'button', class: 'layer', 'data-layer': i, text: text || L.name[i],
      onclick: () => openLayer(i) });
  }

  function shapeText(s) { return s == null ? 'absent' : '[' + s.join(', ') + ']'; }

  /** The indices of a tile along the leading dimensions (all but the last two). */
  function tileIndex(shape, t) {
    const lead = shape.slice(0, Math.max(0, shape.length - 2));
    const idx = new Array(lead.length);
    for (let d = lead.length - 1; d >= 0; d--) { idx[d] = t % lead[d]; t = Math.floor(t / lead[d]); }
    return idx.join(',');
  }

  function destroyDetailCharts() {
    for (const u of detailCharts) u.destroy();
    detailCharts = [];
  }

  // ---- the answer -----------------------------------------------------------------------------

  function renderAnswer() {
    document.getElementById('subtitle').textContent = 'reference ' + D.reference + ' \u00b7 candidate ' + D.candidate
      + ' \u00b7 ' + N + ' layers \u00b7 backend ' + D.backend + ' \u00b7 layerdiff ' + D.version;
    const bug = D.groups.some(g => g.verdict === 'bug');
    const verdict = document.getElementById('verdict');
    verdict.textContent = D.verdictLine;
    verdict.className = D.passed ? 'ok' : bug || D.floor == null ? 'bug' : 'noise';
    const box = document.getElementById('groups');
    for (const g of D.groups) box.append(groupCard(g));
    const floor = document.getElementById('floor');
    if (D.floor != null) {
      floor.append('Noise floor: u = ' + fmt(D.floor) + ', from ' + D.floorSource + '.');
      for (const n of D.notes) floor.append(el('br'), 'Note: ' + n);
    } else {
      floor.append(el('span', { class: 'note', text: 'No diagnosis ran (--no-diagnosis): the verdicts are the tolerance check alone.' }));
    }
  }

  function groupCard(g) {
    const verdict = g.verdict || (g.firstDivergence == null ? 'ok' : 'diverged');
    const card = el('div', { class: 'group', 'data-group': GROUP[g.group] },
      el('h3', null, GROUP[g.group], badge(verdict)));
    if (g.words) card.append(el('p', { class: 'words', text: g.words }));
    if (g.introducedAt != null) {
      const where = L.localized[g.introducedAt];
      card.append(el('p', { class: 'culprit' }, 'Culprit: ', layerLink(g.introducedAt),
        where ? ', error in ' + where : ''));
    }
    if (g.firstDivergence != null && g.firstDivergence !== g.introducedAt) {
      card.append(el('p', null, 'First beyond tolerance: ', layerLink(g.firstDivergence)));
    } else if (g.firstDivergence == null) {
      card.append(el('p', { class: 'note', text: 'Every layer within tolerance.' }));
    }
    if (g.suspects && g.suspects.length) {
      const list = el('ul');
      for (const s of g.suspects) {
        const role = s.layer == null ? null : roleName(s.layer);
        list.append(el('li', null, role ? badge(role) : null, ' ', layerLink(s.layer, s.name),
          ' (score ' + fmt(s.score) + '): ' + s.reason));
      }
      card.append(el('div', { class: 'note', text: 'Suspects' }), list);
    }
    return card;
  }

  function renderHealth() {
    const body = document.getElementById('health-body');
    if (D.health == null) {
      body.append(el('p', { class: 'note', text: 'No health check ran (it runs with the diagnosis).' }));
      return;
    }
    // What only one run shows tells the runs apart: those findings are listed; the shared ones folded, once.
    const only = [], shared = [];
    D.health.forEach((side, k) => {
      for (const f of side.findings) {
        if (!f.inOther) only.push([side.side, f]);
        else if (k === 0) shared.push(['both', f]);
      }
    });
    const summary = D.health.map(s => s.side + ': ' + s.findings.length + ' finding' + (s.findings.length === 1 ? '' : 's')
      + ' in ' + s.tensors + ' tensors' + (s.unread ? ' (' + s.unread + ' not read for dead units: over the budget; layerdiff check reads them all)' : ''));
    body.append(el('p', { text: summary.join('; ') + '.' }));
    const table = (rows, id) => {
      const tbody = el('tbody');
      for (const [side, f] of rows) {
        tbody.append(el('tr', { class: side === 'both' ? 'in-both' : 'only-here' },
          el('td', null, side === 'both' ? el('span', { class: 'note', text: 'both runs' }) : badge('only ' + side, 'bug')),
          el('td', { text: f.kind.replace(/_/g, ' ') }), el('td', null, layerLink(f.layer, f.name)), el('td', { text: f.detail })));
      }
      return el('table', { id: id, class: 'health-table' }, el('thead', null, el('tr', null, el('th', { text: 'run' }),
        el('th', { text: 'finding' }), el('th', { text: 'layer' }), el('th', { text: 'detail' }))), tbody);
    };
    if (only.length) body.append(table(only, 'health-table'));
    if (shared.length) {
      body.append(el('details', null, el('summary', { text: shared.length + ' finding' + (shared.length === 1 ? '' : 's')
        + ' both runs share (the reference\u2019s wording)' }), table(shared, 'health-shared')));
    }
  }

  function renderEnvironment() {
    const body = document.querySelector('#environment-table tbody');
    for (const r of D.environment) {
      body.append(el('tr', { class: r.differs ? 'differs' : '' }, el('th', { text: r.key }),
        valueCell(r.reference), valueCell(r.candidate)));
    }
  }

  /** Segments alternate plain and marked (what the other side lacks). */
  function valueCell(segments) {
    if (segments == null) return el('td', null, el('span', { class: 'absent', text: 'absent' }));
    const td = el('td');
    segments.forEach((s, k) => td.append(k % 2 ? el('mark', { text: s }) : s));
    return td;
  }

  // ---- error against depth --------------------------------------------------------------------

  function renderDepth() {
    const box = document.getElementById('depth-chart');
    const order = [], starts = [];
    for (const w of D.walk) {
      starts.push([order.length, w.group]);
      for (const i of w.layers) order.push(i);
    }
    if (!order.length) {
      box.append(el('p', { class: 'note', text: 'No layer was compared element by element.' }));
      api.depth = { layers: 0, points: 0 };
      return;
    }
    const roles = L.role.some(r => r != null);
    const classes = roles ? ROLE : ['ok', 'diverged'];
    const classOf = i => roles ? L.role[i] : (statusName(i) === 'ok' ? 0 : 1);
    let smallest = Infinity, largest = 0;
    for (const i of order) {
      const v = L.relativeError[i];
      if (v > 0 && v < smallest) smallest = v;
      if (v > largest) largest = v;
    }
    // Identical layers (error 0) sit on the bottom line of the log axis, labelled 0.
    const low = Math.min(smallest, D.floor == null ? Infinity : D.floor, 1);
    const bottom = Math.pow(10, Math.floor(Math.log10(low === Infinity ? 1e-8 : low)) - 1);
    const top = Math.pow(10, Math.ceil(Math.log10(Math.max(largest, D.floor || 0, bottom * 100))));
    const xs = order.map((_, k) => k);
    // A layer with no finite pair (all NaN or Inf on a side) has no relative error: it is drawn on top.
    const y = order.map(i => L.relativeError[i] == null ? top : Math.max(L.relativeError[i], bottom));
    const data = [xs];
    classes.forEach((_, c) => data.push(order.map((i, k) => classOf(i) === c ? y[k] : null)));
    const size = order.length > 2000 ? 3 : order.length > 300 ? 5 : 7;
    const series = [{ label: 'layer' }].concat(classes.map(c => ({
      label: c, stroke: COLOUR[c], fill: COLOUR[c], paths: () => null,
      points: { show: true, size: size, width: 1, stroke: COLOUR[c], fill: COLOUR[c] }
    })));
    const bands = [];
    if (D.floor != null) {
      data.push(xs.map(() => D.floor), xs.map(() => bottom));
      series.push({ label: 'noise floor u', stroke: 'rgba(31, 111, 209, 0.5)', dash: [4, 4], width: 1, points: { show: false } },
        { label: 'floor bottom', stroke: 'transparent', points: { show: false } });
      bands.push({ series: [series.length - 2, series.length - 1], fill: COLOUR.floor });
      box.classList.add('with-floor');
    }
    const readout = document.getElementById('depth-readout');
    const opts = {
      width: Math.max(480, box.clientWidth), height: 320,
      scales: { x: { time: false, range: [-0.5, Math.max(0.5, order.length - 0.5)] },
        y: { distr: 3, range: () => [bottom, top] } },
      series, bands,
      legend: { live: false },
      cursor: { drag: { x: true, y: false }, points: { size: 10 } },
      axes: [
        { label: 'layer, in walk order', values: (u, splits) => splits.map(s => Number.isInteger(s) ? s : '') },
        { label: 'relative error', size: 64, splits: () => decades(bottom, top), filter: (u, splits) => splits,
          values: (u, splits) => splits.map(s => s == null ? '' : s <= bottom * 1.0001 ? '0' : '1e' + Math.round(Math.log10(s))) },
        { side: 0, scale: 'x', grid: { show: true, stroke: '#888', dash: [2, 4], width: 1 }, ticks: { show: false },
          splits: () => starts.map(s => s[0] - 0.5),
          values: () => starts.map(s => GROUP[s[1]] + (s[1] === 0 ? ' \u2192' : ' \u2190 from the output')) }
      ],
      hooks: {
        setCursor: [u => {
          const k = u.cursor.idx;
          readout.textContent = k == null ? '\u00a0' : depthReadout(order[k]);
        }],
        draw: [u => {
          let drawn = 0;
          for (let s = 1; s <= classes.length; s++) {
            for (let k = 0; k < order.length; k++) {
              const v = u.data[s][k];
              if (v != null && v >= u.scales.y.min && v <= u.scales.y.max && k >= u.scales.x.min && k <= u.scales.x.max) drawn++;
            }
          }
          api.depth = { layers: order.length, points: drawn };
        }]
      }
    };
    const u = new uPlot(opts, data, box);
    let downX = null;
    u.over.addEventListener('mousedown', e => { downX = e.clientX; });
    u.over.addEventListener('click', e => {
      if (downX != null && Math.abs(e.clientX - downX) > 3) return;
      if (u.cursor.idx != null) openLayer(order[u.cursor.idx]);
    });
    window.addEventListener('resize', () => u.setSize({ width: Math.max(480, box.clientWidth), height: 320 }));
    api.depthChart = u;
    api.depthOrder = order;
  }

  /** Powers of ten from lo to hi, every second or third one when there are many. */
  function decades(lo, hi) {
    const a = Math.round(Math.log10(lo)), b = Math.round(Math.log10(hi));
    const step = Math.max(1, Math.ceil((b - a) / 10));
    const out = [];
    for (let e = a; e <= b; e += step) out.push(Math.pow(10, e));
    return out;
  }

  function depthReadout(i) {
    const m = L.metrics[i];
    let s = L.name[i] + '  ' + GROUP[L.group[i]] + ', ' + statusName(i) + (roleName(i) ? ', ' + roleName(i) : '')
      + '\nrelative error ' + (L.relativeError[i] == null ? 'undefined (no pair of finite values)' : fmt(L.relativeError[i]));
    if (L.units[i] != null) s += ' = ' + fmt(L.units[i]) + ' units';
    if (m) s += ', max |d| ' + fmt(m[MF.max_abs]) + ', mismatched ' + m[MF.mismatched] + ' of ' + L.numel[i];
    return s;
  }

  // ---- the layer table ------------------------------------------------------------------------

  let tableRows = [], tablePage = 0;

  function tableOrder() {
    const walkPos = new Array(N).fill(Infinity);
    let k = 0;
    for (const w of D.walk) for (const i of w.layers) walkPos[i] = k++;
    const suspect = new Set();
    for (const g of D.groups) for (const s of g.suspects || []) if (s.layer != null) suspect.add(s.layer);
    const rank = i => roleName(i) === 'introduced' ? 0 : suspect.has(i) ? 1 : failed(i) ? 2 : 3;
    const idx = Array.from({ length: N }, (_, i) => i);
    idx.sort((a, b) => rank(a) - rank(b) || walkPos[a] - walkPos[b] || L.order[a] - L.order[b]);
    return idx;
  }

  function renderTable() {
    const all = tableOrder();
    const filter = document.getElementById('layer-filter'), status = document.getElementById('layer-status');
    const apply = () => {
      const text = filter.value.toLowerCase(), want = status.value;
      tableRows = all.filter(i => (!text || L.name[i].toLowerCase().includes(text))
        && (want === 'all' || (want === 'ok') !== failed(i)));
      tablePage = 0;
      drawTable();
    };
    filter.addEventListener('input', apply);
    status.addEventListener('change', apply);
    document.getElementById('layer-prev').addEventListener('click', () => { if (tablePage > 0) { tablePage--; drawTable(); } });
    document.getElementById('layer-next').addEventListener('click', () => {
      if ((tablePage + 1) * PAGE_ROWS < tableRows.length) { tablePage++; drawTable(); }
    });
    apply();
  }

  function drawTable() {
    const body = document.querySelector('#layer-table tbody');
    body.replaceChildren();
    const from = tablePage * PAGE_ROWS, to = Math.min(tableRows.length, from + PAGE_ROWS);
    for (let r = from; r < to; r++) {
      const i = tableRows[r], m = L.metrics[i], role = roleName(i);
      body.append(el('tr', { 'data-layer': i, class: api.opened === i ? 'selected' : '', onclick: () => openLayer(i) },
        el('td', { text: L.name[i] }), el('td', { text: GROUP[L.group[i]] }),
        el('td', { class: 'status-' + statusName(i), text: statusName(i) }),
        el('td', { class: role ? 'role-' + role : '', text: role || '' }),
        el('td', { class: 'num', text: fmt(L.relativeError[i]) }), el('td', { class: 'num', text: fmt(L.units[i]) }),
        el('td', { class: 'num', text: m ? fmt(m[MF.max_abs]) : '\u2013' }),
        el('td', { class: 'num', text: m ? m[MF.mismatched] + ' / ' + L.numel[i] : '\u2013' })));
    }
    document.getElementById('layer-count').textContent = tableRows.length
      ? 'rows ' + (from + 1) + '\u2013' + to + ' of ' + tableRows.length : 'no layer matches';
  }

  // ---- one layer ------------------------------------------------------------------------------

  function openLayer(i) {
    destroyDetailCharts();
    api.opened = i;
    const section = document.getElementById('detail');
    section.hidden = false;
    const role = roleName(i);
    document.getElementById('detail-title').replaceChildren(el('span', { class: 'mono', text: L.name[i] }),
      badge(GROUP[L.group[i]], 'plain'), badge(statusName(i), statusName(i) === 'ok' ? 'ok' : 'diverged'),
      role ? badge(role) : null);
    const body = document.getElementById('detail-body');
    body.replaceChildren();
    if (L.localized[i]) body.append(el('p', { class: 'culprit', text: 'The error sits in ' + L.localized[i] + '.' }));
    body.append(el('div', { class: 'cards' }, metricsCard(i), sidesCard(i)));
    body.append(el('h3', { text: 'Histograms' }));
    body.append(histograms(i));
    body.append(el('h3', { text: 'Enhanced-diff image of |cand - ref|' }));
    body.append(imageView(i));
    body.append(el('h3', { text: 'Error along dim 0 and dim 1' }));
    body.append(slicesView(i));
    history.replaceState(null, '', '#layer=' + encodeURIComponent(L.name[i]));
    for (const tr of document.querySelectorAll('#layer-table tbody tr')) {
      tr.classList.toggle('selected', Number(tr.dataset.layer) === i);
    }
    section.scrollIntoView({ block: 'start' });
  }

  function metricsCard(i) {
    const m = L.metrics[i], t = L.tolerance[i] == null ? null : L.tolerances[L.tolerance[i]], rows = [];
    if (m) {
      const pos = m[MF.max_abs_position];
      const est = L.estimated[i];
      if (est) {
        // Estimated from a summary (~, with its bounds) or bounded below by recorded statistics (>=).
        rows.push(['relative error, estimated', est[2] == null ? '\u2265 ' + fmt(est[1]) + ' (from recorded statistics)'
          : '~' + fmt(est[0]) + ' (between ' + fmt(est[1]) + ' and ' + fmt(est[2]) + ', from summaries)']);
      }
      rows.push(['max |d|', fmt(m[MF.max_abs]) + (pos ? ' at [' + pos.join(', ') + ']' : '')], ['mean |d|', fmt(m[MF.mean_abs])],
        ['max |d| / |ref|', fmt(m[MF.max_rel])], ['rmse', fmt(m[MF.rmse])],
        ['cosine', m[MF.cosine] == null ? '\u2013' : m[MF.cosine].toFixed(6)],
        ['SQNR (dB)', m[MF.sqnr_db] === 'inf' ? '\u221e (identical)' : fmt(m[MF.sqnr_db])],
        ['mismatched', m[MF.mismatched] + ' of ' + L.numel[i] + pct(m[MF.mismatched], L.numel[i])]);
      if (m[MF.finite_pairs] < L.numel[i]) rows.push(['pairs not both finite', String(L.numel[i] - m[MF.finite_pairs])]);
    } else {
      rows.push(['compared', 'no: ' + statusName(i).replace(/_/g, ' ')]);
    }
    if (t) rows.push(['tolerance', 'rtol ' + fmt(t[0]) + ', atol ' + fmt(t[1])]);
    rows.push(['relative error', fmt(L.relativeError[i])]);
    if (L.units[i] != null) rows.push(['in units of u', fmt(L.units[i])], ['introduced score', fmt(L.score[i])]);
    return el('div', null, el('table', null, el('tbody', null, ...rows.map(r =>
      el('tr', null, el('th', { text: r[0] }), el('td', { class: 'num', text: r[1] }))))));
  }

  function sidesCard(i) {
    const [rs, cs] = L.stats[i];
    // A second entry is written only where the candidate's differs from the reference's.
    const sh = L.shape[i], dt = L.dtype[i].map(k => k == null ? 'absent' : L.dtypeNames[k]);
    const rows = [['shape', shapeText(sh[0]), shapeText(sh.length > 1 ? sh[1] : sh[0])],
      ['dtype', dt[0], dt.length > 1 ? dt[1] : dt[0]]];
    const names = ['elements', 'finite', 'NaN', '+Inf', '-Inf', 'min', 'max', 'mean', 'std', 'zero fraction'];
    for (let k = 5; k < names.length; k++) rows.push([names[k], rs ? fmt(rs[k]) : '\u2013', cs ? fmt(cs[k]) : '\u2013']);
    for (let k = 2; k <= 4; k++) {
      if ((rs && rs[k]) || (cs && cs[k])) rows.push([names[k], rs ? fmt(rs[k]) : '\u2013', cs ? fmt(cs[k]) : '\u2013']);
    }
    if (L.candidateName[i]) rows.push(['name', L.name[i], L.candidateName[i]]);
    return el('div', null, el('table', null,
      el('thead', null, el('tr', null, el('th'), el('th', { text: 'reference' }), el('th', { text: 'candidate' }))),
      el('tbody', null, ...rows.map(r => el('tr', null, el('th', { text: r[0] }),
        el('td', { class: 'num', text: r[1] }), el('td', { class: 'num', text: r[2] }))))));
  }

  /** Counts per bin of a histogram [lowest exponent, negative, positive, zero, nan, +inf, -inf]. */
  function bins(h) {
    const lo = h[0], neg = h[1], pos = h[2];
    return { lo: lo, hi: lo + pos.length - 1, neg: e => neg[e - lo] || 0, pos: e => pos[e - lo] || 0,
      zero: h[3], nan: h[4], posInf: h[5], negInf: h[6], empty: pos.length === 0 };
  }

  function range(hs) {
    let lo = Infinity, hi = -Infinity;
    for (const b of hs) if (b && !b.empty) { lo = Math.min(lo, b.lo); hi = Math.max(hi, b.hi); }
    return lo > hi ? null : [lo, hi];
  }

  function histograms(i) {
    const h = L.histograms[i];
    if (!h) return el('p', { class: 'note', text: 'No histograms for this layer.' });
    const box = el('div', { class: 'charts hist' });
    const ref = h[0] && bins(h[0]), cand = h[1] && bins(h[1]), diff = h[2] && bins(h[2]);

    // Values of both sides on one signed-exponent axis: -2^hi ... -2^lo, 0, 2^lo ... 2^hi.
    const r = range([ref, cand]);
    const sides = [ref, cand].filter(b => b);
    const labels = [], series = sides.map(() => []);
    const push = (label, f) => { labels.push(label); sides.forEach((b, s) => series[s].push(f(b) || null)); };
    if (sides.some(b => b.negInf)) push('-inf', b => b.negInf);
    if (r) for (let e = r[1]; e >= r[0]; e--) push('-2^' + e, b => b.neg(e));
    push('0', b => b.zero);
    if (r) for (let e = r[0]; e <= r[1]; e++) push('2^' + e, b => b.pos(e));
    if (sides.some(b => b.posInf)) push('+inf', b => b.posInf);
    if (sides.some(b => b.nan)) push('nan', b => b.nan);
    const names = [ref ? 'reference' : null, cand ? 'candidate' : null].filter(n => n);
    box.append(barChart('Values by sign and binary exponent', labels, names, series, 'count'));

    // |d| beside |ref| on one magnitude axis: how far apart they sit is the relative error, in octaves.
    if (diff) {
      const mags = [diff, ref].filter(b => b), rr = range(mags);
      const dl = [], ds = [[], []];
      const add = (label, d, rf) => { dl.push(label); ds[0].push(d || null); ds[1].push(rf || null); };
      add('0', diff.zero, ref ? ref.zero : 0);
      if (rr) for (let e = rr[0]; e <= rr[1]; e++) add('2^' + e, diff.pos(e), ref ? ref.pos(e) + ref.neg(e) : 0);
      if (diff.posInf || diff.nan) add('inf/nan', diff.posInf + diff.nan, ref ? ref.posInf + ref.negInf + ref.nan : 0);
      box.append(barChart('|cand - ref| beside |ref|, by binary exponent (the gap is the relative error)', dl,
        ['|cand - ref|', '|ref|'], ds, 'count', ['diff', 'reference']));
    }
    return box;
  }

  function barChart(title, labels, names, series, yLabel, colours) {
    const box = el('div', { class: 'chart' }, el('h4', { text: title }));
    const n = series.length;
    const xs = labels.map((_, k) => k);
    const width = Math.min(1100, Math.max(360, labels.length * 16 * n + 90));
    const u = new uPlot({
      width: width, height: 220,
      scales: { x: { time: false, range: [-0.6, labels.length - 0.4] }, y: { distr: 3 } },
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
      series: [{ label: 'bin', value: (u, v) => v == null ? '' : labels[v] }].concat(series.map((_, s) => {
        const c = COLOUR[(colours || names)[s]] || COLOUR.reference;
        return { label: names[s], fill: c + 'cc', stroke: c, width: 1,
          paths: uPlot.paths.bars({ size: [0.8 / n, 40], align: n === 1 ? 0 : s === 0 ? -1 : 1 }),
          points: { show: false }, value: (u, v) => v == null ? '0' : String(v) };
      })),
      axes: [
        { splits: u => categorySplits(u, labels), values: (u, splits) => splits.map(s => labels[s]), rotate: -45, size: 56 },
        { label: yLabel, size: 60, values: (u, splits) => splits.map(fmt) }
      ]
    }, [xs].concat(series), box);
    detailCharts.push(u);
    return box;
  }

  /** Every few categories, as many as fit 16 px apart, and always the zero, infinity and NaN bins. */
  function categorySplits(u, labels) {
    const px = u.bbox.width / (window.devicePixelRatio || 1) / labels.length;
    const step = Math.max(1, Math.ceil(16 / px));
    const special = /^(0|[-+]?inf|nan|inf\/nan)$/;
    const out = [];
    labels.forEach((label, k) => { if (k % step === 0 || special.test(label)) out.push(k); });
    return out;
  }

  function slicesView(i) {
    const sl = L.slices[i];
    if (!sl) {
      return el('p', { class: 'note', text: failed(i) && L.metrics[i]
        ? 'Breakdowns are computed for the layers the diagnosis flags (suspects); this one was not flagged.'
        : 'No breakdown: the layer is within tolerance or was not compared.' });
    }
    const box = el('div', { class: 'charts slices' });
    for (const [dim, rel, mism] of sl) {
      const labels = rel.map((_, k) => String(k));
      const what = dim === 0 ? 'dim 0 (batch element)' : 'dim 1 (channel, token position or head)';
      const chart = barChart('Relative error along ' + what + ' (no bar: exactly equal)', labels,
        ['relative error'], [rel.map(v => v || null)], 'relative error', ['diff']);
      chart.append(el('p', { class: 'note', text: 'mismatched per index: ' + summarise(mism) }));
      box.append(chart);
    }
    return box;
  }

  function summarise(values) {
    return values.length <= 32 ? values.join(', ') : values.slice(0, 32).join(', ') + ', ... (' + values.length + ')';
  }

  // ---- the enhanced-diff image ----------------------------------------------------------------

  const MAP = D.colours.map.map(hex => [1, 3, 5].map(k => parseInt(hex.substr(k, 2), 16)));
  const rgb = hex => [1, 3, 5].map(k => parseInt(hex.substr(k, 2), 16));
  const NON_FINITE = rgb(D.colours.nonFinite), PADDING = rgb(D.colours.padding);

  function imageView(i) {
    const im = D.images[i];
    if (!im) {
      let why;
      if (!L.metrics[i]) why = 'No image: the layer was not compared element by element.';
      else if (!failed(i)) why = 'No image: every element is within tolerance.';
      else why = 'Image left out: the page carries ' + D.imageLimit + ' images (culprits and suspects first); '
        + D.imagesLeftOut + ' diverged layers have none. layerdiff compare --images DIR writes every one as PNG.';
      return el('p', { class: 'note', text: why });
    }
    const group = L.group[i], shared = D.sharedRange[group];
    const scale = Math.max(1, Math.min(16, Math.floor(640 / im.width), Math.floor(480 / im.height)));
    const cssW = im.width * scale, cssH = Math.max(im.height * scale, im.height === 1 ? 16 : 0);
    const canvas = el('canvas', { class: 'diff', width: im.width, height: im.height });
    canvas.style.width = cssW + 'px';
    canvas.style.height = cssH + 'px';
    const plot = el('div', { class: 'plot' }, canvas);
    plot.style.width = cssW + 'px';
    const n = im.shape.length;
    if (n >= 2) {
      plot.append(el('div', { class: 'axis-x', text: 'columns: dim ' + (n - 1) + (n > 2 ? ' within each tile' : '') }));
      plot.append(el('div', { class: 'axis-y', text: 'rows: dim ' + (n - 2) }));
    } else {
      plot.append(el('div', { class: 'axis-x', text: n === 1 ? 'dim 0' : 'one element' }));
    }
    tileGrid(plot, im, scale, cssW, cssH);
    tileLabels(plot, im, scale);

    const bar = el('canvas', { width: 1, height: 256 });
    bar.style.height = Math.max(160, Math.min(cssH, 360)) + 'px';
    const ticks = el('div', { class: 'ticks' });
    const choice = el('div');
    const readout = el('p', { class: 'readout', text: 'hover the image for a block\u2019s indices and value' });
    let levels = null, current = 'own';

    const paint = () => {
      const [lo, hi] = current === 'own' || !shared ? [im.lo, im.hi] : shared;
      ticks.replaceChildren(el('span', { text: fmt(hi) }), el('span', { text: fmt((lo + hi) / 2) }), el('span', { text: fmt(lo) }));
      const bctx = bar.getContext('2d'), bdata = bctx.createImageData(1, 256);
      for (let k = 0; k < 256; k++) bdata.data.set(MAP[255 - k].concat(255), 4 * k);
      bctx.putImageData(bdata, 0, 0);
      if (!levels) return;
      const ctx = canvas.getContext('2d'), out = ctx.createImageData(im.width, im.height);
      const top = D.colours.levels - 1;
      for (let p = 0; p < levels.length; p++) {
        const lv = levels[p];
        let c;
        if (lv === D.colours.paddingLevel) c = PADDING;
        else if (lv === D.colours.nonFiniteLevel) c = NON_FINITE;
        else {
          const v = im.lo + lv / top * (im.hi - im.lo);
          const t = hi > lo ? (v - lo) / (hi - lo) : 0;
          c = MAP[Math.max(0, Math.min(255, Math.round(t * 255)))];
        }
        out.data[4 * p] = c[0]; out.data[4 * p + 1] = c[1]; out.data[4 * p + 2] = c[2]; out.data[4 * p + 3] = 255;
      }
      ctx.putImageData(out, 0, 0);
      canvas.dataset.scale = current;
    };

    const option = (value, text) => el('label', { class: 'legend-item' },
      el('input', Object.assign({ type: 'radio', name: 'scale-' + i, value: value,
        onchange: () => { current = value; paint(); } }, value === current ? { checked: '' } : {})), text);
    choice.append(option('own', 'this layer\u2019s own scale [' + fmt(im.lo) + ', ' + fmt(im.hi) + ']'));
    if (shared) choice.append(option('shared', 'one scale for every ' + GROUP[group] + ' image [' + fmt(shared[0]) + ', ' + fmt(shared[1]) + ']'));

    canvas.addEventListener('mousemove', e => {
      if (!levels) return;
      const px = Math.floor(e.offsetX / cssW * im.width), py = Math.floor(e.offsetY / cssH * im.height);
      if (px < 0 || py < 0 || px >= im.width || py >= im.height) return;
      readout.textContent = blockText(im, px, py, levels[py * im.width + px]);
    });

    const img = new Image();
    img.onload = () => {
      const c = document.createElement('canvas');
      c.width = im.width; c.height = im.height;
      const ctx = c.getContext('2d');
      ctx.drawImage(img, 0, 0);
      const rgba = ctx.getImageData(0, 0, im.width, im.height).data;
      levels = new Uint8Array(im.width * im.height);
      for (let p = 0; p < levels.length; p++) levels[p] = rgba[4 * p];
      paint();
      canvas.dataset.ready = '1';
    };
    img.src = 'data:image/png;base64,' + im.png;
    paint();

    const side = el('div', { class: 'image-side' },
      el('div', { class: 'colour-bar' }, bar, ticks),
      el('div', { class: 'legend-item' }, el('span', { class: 'swatch', style: 'background:' + D.colours.nonFinite }), 'NaN or Inf in the block'),
      el('div', { class: 'legend-item' }, el('span', { class: 'swatch', style: 'background:' + D.colours.padding }), 'padding (no tile)'),
      choice,
      el('p', { class: 'caption', text: im.caption + (im.foldX > 1 || im.foldY > 1
        ? '; reduced again by ' + im.foldX + ' x ' + im.foldY + ' for this page' : '') + '.' }));
    return el('div', null, el('div', { class: 'diff-image' }, plot, side), readout);
  }

  /** Element rows and columns of one tile that a page pixel covers. */
  function blockText(im, px, py, level) {
    const rows = im.rowsPerPixel * im.foldY, cols = im.columnsPerPixel * im.foldX;
    const r0 = py * rows, c0 = px * cols;
    const tr = Math.floor(r0 / im.tileRows), tc = Math.floor(c0 / im.tileCols);
    const tile = tr * im.tilesX + tc;
    if (level === D.colours.paddingLevel || tc >= im.tilesX || tile >= im.tiles) return 'padding: no tile here';
    const rIn = r0 - tr * im.tileRows, cIn = c0 - tc * im.tileCols;
    const span = (a, n, lim) => n > 1 ? a + '\u2013' + Math.min(a + n - 1, lim - 1) : String(a);
    const where = (im.shape.length > 2 ? 'tile ' + tileIndex(im.shape, tile) + ' (indices of dims 0..' + (im.shape.length - 3) + '), ' : '')
      + 'rows ' + span(rIn, rows, im.tileRows) + ', columns ' + span(cIn, cols, im.tileCols);
    if (level === D.colours.nonFiniteLevel) return where + ': NaN or Inf';
    const v = im.lo + level / (D.colours.levels - 1) * (im.hi - im.lo);
    return where + ': max |d| \u2248 ' + fmt(v);
  }

  /** Faint lines between tiles, where tiles are large enough to tell apart. */
  function tileGrid(plot, im, scale, w, h) {
    if (im.shape.length < 3) return;
    const tw = im.tileCols / im.columnsPerPixel / im.foldX * scale, th = im.tileRows / im.rowsPerPixel / im.foldY * scale;
    if (tw < 6 || th < 6) return;
    const grid = el('div', { class: 'tile-grid' });
    grid.style.width = Math.min(w, im.tilesX * tw) + 'px';
    grid.style.height = h + 'px';
    grid.style.backgroundSize = tw + 'px ' + th + 'px';
    plot.append(grid);
  }

  /** Each tile's indices where they fit inside it, else the first tile's of every few grid rows. */
  function tileLabels(plot, im, scale) {
    if (im.shape.length < 3) return;
    const tw = im.tileCols / im.columnsPerPixel / im.foldX * scale, th = im.tileRows / im.rowsPerPixel / im.foldY * scale;
    const inside = tw >= 26 && th >= 13 && im.tiles <= 256;
    const every = inside ? 1 : Math.max(1, Math.ceil(14 / th));
    let made = 0;
    for (let t = 0; t < im.tiles && made < 256; t++) {
      const row = Math.floor(t / im.tilesX), col = t % im.tilesX;
      if (!inside && (col !== 0 || row % every !== 0)) continue;
      const label = el('span', { class: 'tile-label', text: tileIndex(im.shape, t) });
      label.style.left = (col * tw + 1) + 'px';
      label.style.top = (row * th + 1) + 'px';
      plot.append(label);
      made++;
    }
  }

  // ---- start ----------------------------------------------------------------------------------

  function footer() {
    const shown = Object.keys(D.images).length;
    document.getElementById('footer').textContent = 'layerdiff ' + D.version + ' \u00b7 charts by uPlot (MIT licence, inlined) \u00b7 '
      + shown + ' layers carry an enhanced-diff image' + (D.imagesLeftOut ? '; ' + D.imagesLeftOut
      + ' diverged layers have none (the page carries at most ' + D.imageLimit + ')' : '') + '.';
  }

  renderAnswer();
  renderHealth();
  renderEnvironment();
  renderDepth();
  renderTable();
  footer();
  const linked = /^#layer=(.*)$/.exec(location.hash);
  if (linked) {
    const i = L.name.indexOf(decodeURIComponent(linked[1]));
    if (i >= 0) openLayer(i);
  }
})();
