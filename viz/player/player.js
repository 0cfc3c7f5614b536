/* Optiscape replay player: one contour map that is drawn once and never redrawn while stepping.
 *
 * Two Plotly graphs are stacked with identical sizes, margins and axis ranges: the lower one holds the
 * contour (and its colour bar) and is only redrawn when the surface or the view changes; the upper one is
 * transparent and holds the paths, the current points and the arrows of the shown step. A step change
 * restyles the upper graph alone, so the map can never be lost (Plotly animation frames with
 * redraw: false over a contour lose it) and a step costs a few milliseconds.
 *
 * Used by the Streamlit component (index.html) and by the standalone HTML export, with the same data:
 * see viz/_replay.py for its fields. Needs plotly.js (window.Plotly).
 */
(function (global) {
  'use strict';

  /* ---- the packed data (viz/_replay.py: pack) ----------------------------------------------------
   * A manifest (small JSON) names its blobs by content hash. A blob is float32 columns, byte-shuffled
   * and deflated; the manifest says which column is a blob row, a constant, or an earlier column
   * shifted by one step. Decoded blobs are kept (by id) for the next update. */

  const BLOBS = new Map();  // id -> {bytes: Uint8Array (deflated)} and, once decoded, rows: Promise
  const KEEP = 64;

  function remember(id, bytes) {
    const e = BLOBS.get(id);
    BLOBS.delete(id);
    BLOBS.set(id, e || {bytes});  // most recently used last
    while (BLOBS.size > KEEP) BLOBS.delete(BLOBS.keys().next().value);
  }

  async function inflate(bytes) {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  /** A blob's rows (Float32Array of rows * len), decoded once. */
  function blobRows(id, shape) {
    const e = BLOBS.get(id);
    if (!e) return null;
    BLOBS.delete(id);
    BLOBS.set(id, e);
    if (!e.rows) {
      e.rows = inflate(e.bytes).then((u8) => {
        const N = shape.rows * shape.len, out = new Uint8Array(4 * N);
        for (let b = 0; b < 4; b++) {
          const o = b * N;
          for (let i = 0; i < N; i++) out[4 * i + b] = u8[o + i];
        }
        return new Float32Array(out.buffer);
      });
    }
    return e.rows;
  }

  function columns(specs, shape, rows) {
    const out = [];
    for (const sp of specs) {
      const n = sp[sp.length - 1];
      if (sp[0] === 'r') out.push(rows.subarray(sp[1] * shape.len, sp[1] * shape.len + n));
      else if (sp[0] === 'c') out.push(new Float32Array(n).fill(sp[1] === null ? NaN : sp[1]));
      else {
        const src = out[sp[1]], off = sp[2], o = new Float32Array(n).fill(sp[3] === null ? NaN : sp[3]);
        for (let k = Math.max(0, -off); k < Math.min(n, src.length - off); k++) o[k] = src[k + off];
        out.push(o);
      }
    }
    return out;
  }

  /** The arrows of every update k -> k+1 as (n * 4) arrays [x0, y0, x1, y1] (NaN: not drawn); the
   * same rule as viz/_replay.py step_arrows. */
  function stepArrows(p, extent) {
    const n = p.n, xy = p.xy, dv = p.diverged_at, nan = NaN;
    const decomposed = p.method === 'momentum' || p.method === 'nesterov';
    const kinds = decomposed ? ['momentum', 'gradient'].concat(p.method === 'nesterov' ? ['lookahead'] : [])
      : ['direction'];
    kinds.push('step');
    const out = Object.fromEntries(kinds.map((k) => [k, new Float32Array(4 * n).fill(nan)]));
    const set = (a, k, x0, y0, x1, y1) => { a[4 * k] = x0; a[4 * k + 1] = y0; a[4 * k + 2] = x1; a[4 * k + 3] = y1; };
    for (let k = 0; k < n; k++) {
      if (dv !== null && dv !== undefined && k >= Math.max(dv - 1, 0)) break;  // frozen after divergence
      const x = xy[2 * k], y = xy[2 * k + 1], sx = xy[2 * k + 2] - x, sy = xy[2 * k + 3] - y;
      const ex = p.ex[k], ey = p.ey[k], gx = p.gx[k], gy = p.gy[k];
      if (decomposed) {
        const ux = -p.lr[k] * gx, uy = -p.lr[k] * gy;  // the gradient step; the rest is mu * v
        set(out.momentum, k, x, y, x + sx - ux, y + sy - uy);
        set(out.gradient, k, ex, ey, ex + ux, ey + uy);
        if (out.lookahead) set(out.lookahead, k, x, y, ex, ey);
      } else {
        const g = Math.hypot(gx, gy);
        if (g > 1e-12) set(out.direction, k, ex, ey, ex - gx / g * 0.08 * extent, ey - gy / g * 0.08 * extent);
      }
      set(out.step, k, x, y, x + sx, y + sy);
    }
    const tiny = 1e-9 * Math.max(extent, 1e-300);
    for (const a of Object.values(out)) {
      for (let k = 0; k < n; k++) {
        if (Math.hypot(a[4 * k + 2] - a[4 * k], a[4 * k + 3] - a[4 * k + 1]) < tiny) a.fill(nan, 4 * k, 4 * k + 4);
      }
    }
    return out;
  }

  /** A JSON blob (deflated UTF-8: a chart's figure without its long arrays), parsed afresh each
   * time (Plotly keeps and changes the objects it draws). */
  async function blobJSON(id) {
    const e = BLOBS.get(id);
    if (!e) return null;
    if (!e.text) e.text = inflate(e.bytes).then((u8) => new TextDecoder().decode(u8));
    return JSON.parse(await e.text);
  }

  function chartBlobs(c) {
    return [c.fig, ...c.traces.filter((t) => t.blob).map((t) => t.blob)];
  }

  /** The manifest's blob ids that are not here (ask for them again). */
  function missing(m) {
    const ids = [m.surface.blob, ...m.paths.map((p) => p.blob)];
    if (m.charts) m.charts.items.forEach((c) => ids.push(...chartBlobs(c)));
    return ids.filter((id) => !BLOBS.has(id));
  }

  /** A chart (viz/_replay.py: pack_figure) -> its figure {data, layout} with the arrays back. */
  async function unpackChart(c) {
    const fig = await blobJSON(c.fig);
    for (const ref of c.traces) {
      const t = fig.data[ref.i];
      if (ref.range) t.x = Array.from({length: ref.range}, (_, i) => i);
      if (ref.blob) {
        const cols = columns(ref.cols, ref.shape, await blobRows(ref.blob, ref.shape));
        ref.keys.forEach((k, j) => { t[k] = cols[j]; });
      }
    }
    return fig;
  }

  /** Manifest + blobs -> what the player draws (typed arrays). */
  async function unpack(m) {
    const s = m.surface;
    const [sx, sy, sz] = columns(s.cols, s.shape, await blobRows(s.blob, s.shape));
    const paths = [];
    for (const p of m.paths) {
      const c = columns(p.cols, p.shape, await blobRows(p.blob, p.shape));
      const n = p.n, xy = new Float64Array(2 * n + 2);
      for (let i = 0; i <= n; i++) { xy[2 * i] = c[0][i]; xy[2 * i + 1] = c[1][i]; }
      const q = {...p, xy, loss: c[2], gx: c[3], gy: c[4], ex: c[5], ey: c[6], lr: c[7], eqv: null};
      if (p.eq) {
        const W = p.eq.widths.reduce((a, b) => a + b, 0), rows = p.eq.rows, v = new Float32Array(rows * W);
        for (let j = 0; j < W; j++) { const col = c[8 + j]; for (let r = 0; r < rows; r++) v[r * W + j] = col[r]; }
        q.eqv = v;
      }
      if (p.inside) {  // the optimizer's state per step (inside.js): rows of w numbers, null for NaN
        q.inside = {M: p.inside.M, G: p.inside.G, q: p.inside.q.map((e) => {
          const rows = c[e.at].length, v = new Array(rows * e.w);
          for (let j = 0; j < e.w; j++) {  // each number as (m, e): m * 10^e, 4 digits
            const m = c[e.at + 2 * j], x = c[e.at + 2 * j + 1];
            for (let r = 0; r < rows; r++) v[r * e.w + j] = Number.isNaN(m[r]) ? null : m[r] * 10 ** x[r];
          }
          return {key: e.key, label: e.label, w: e.w, v};
        })};
      }
      q.arrows = stepArrows(q, m.extent);
      paths.push(q);
    }
    return {...m, surface: {...s, key: s.blob, x: sx, y: sy, z: sz}, paths};
  }

  function fromBase64(map) {
    for (const [id, s] of Object.entries(map)) {
      const bin = atob(s), u8 = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) u8[i] = bin.charCodeAt(i);
      remember(id, u8);
    }
  }

  function num(v) {
    if (!isFinite(v)) return String(v);
    if (v === 0) return '0';
    const a = Math.abs(v);
    if (a >= 1e5 || a < 1e-4) return v.toExponential(3).replace('e+', 'e');
    return String(Number(v.toPrecision(4)));
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /* The player's own words; the page sends them in its language (ui/_map.py: labels), with `terms`
   * translating words that come with the data (arrow labels, inside.js's quantities). */
  const LABELS = {
    first: 'first step (Home)', back: '◀ step', backTitle: 'step back (←)', play: '▶ Play',
    pause: '❚❚ Pause', playTitle: 'play / pause (space)', forward: 'step ▶',
    forwardTitle: 'step forward (→)', last: 'last step (End)', slider: 'step', speed: 'speed ',
    speedTitle: 'steps per second', perSecond: '{s} steps/s', stepOf: 'step {k} / {n}',
    equations: 'This step’s update, filled in with its numbers', minimum: 'minimum', saddle: 'saddle',
    hoverStep: 'step %{pointNumber}', divergedMark: 'diverged (step {k})', divergedLegend: ' (diverged at step {k})',
    cardHead: '{label} — step {m}: f = {f}', nextStep: ', next step |Δx| = {dx}',
    cardSub: 'update {u} (from step {k} to {u}), as the code computes it:',
    divergedCard: 'diverged at step {k}: the iterate ran off (to infinity, or far outside the map); the path is frozen at its last point before that',
    ended: 'the run ends here', terms: {},
  };
  const fill = (s, o) => s.replace(/\{(\w+)\}/g, (m, k) => (k in o ? o[k] : m));

  const SPEEDS = [1, 2, 5, 10, 20, 50, 100, 200];
  const RESIZE_MS = 150;  // a new frame width is drawn once it has held this long
  const MARKERS_MAX = 300;  // steps
  const MARGIN = {l: 58, r: 96, t: 12, b: 46, pad: 0, autoexpand: false};

  class Player {
    constructor(root, hooks) {
      this.hooks = hooks || {};
      this.root = root;
      this.step = null;
      this.timer = null;
      this.surfaceKey = null;
      this.view = null;  // user's zoom/pan: {x: [a, b], y: [c, d]}
      this.L = {...LABELS};
      this.build();
    }

    build() {
      const r = this.root;
      r.classList.add('osp');
      this.titleEl = el('div', 'osp-title');
      const bar = el('div', 'osp-controls');
      const btn = (label, title, fn) => {
        const b = el('button', 'osp-btn', label);
        b.type = 'button';
        b.title = title;
        b.setAttribute('aria-label', title);
        b.addEventListener('click', fn);
        bar.appendChild(b);
        return b;
      };
      const L = this.L;
      this.btns = [btn('|◀', L.first, () => this.jump(0)),
        btn(L.back, L.backTitle, () => this.jump(this.step - 1))];
      this.playBtn = btn(L.play, L.playTitle, () => this.toggle());
      this.btns.push(this.playBtn, btn(L.forward, L.forwardTitle, () => this.jump(this.step + 1)),
        btn('▶|', L.last, () => this.jump(this.n)));
      this.slider = el('input', 'osp-slider');
      this.slider.type = 'range';
      this.slider.min = 0;
      this.slider.setAttribute('aria-label', L.slider);
      this.slider.addEventListener('input', () => this.jump(parseInt(this.slider.value, 10)));
      bar.appendChild(this.slider);
      this.stepLabel = el('span', 'osp-step');
      bar.appendChild(this.stepLabel);
      const sp = (this.speedLabel = el('label', 'osp-speed', L.speed));
      this.speed = el('select');
      this.speed.setAttribute('aria-label', L.speedTitle);
      for (const s of SPEEDS) {
        const o = el('option', null, fill(L.perSecond, {s}));
        o.value = s;
        this.speed.appendChild(o);
      }
      this.speed.addEventListener('change', () => { if (this.timer) { this.pause(); this.play(); } });  // restart the clock
      sp.appendChild(this.speed);
      bar.appendChild(sp);
      this.map = el('div', 'osp-map');
      this.bg = el('div', 'osp-layer osp-bg');
      this.fg = el('div', 'osp-layer osp-fg');
      this.map.appendChild(this.bg);
      this.map.appendChild(this.fg);
      this.legend = el('div', 'osp-legend');
      this.eqWrap = el('details', 'osp-eqwrap');
      this.eqWrap.appendChild((this.eqSummary = el('summary', null, L.equations)));
      this.eq = el('div', 'osp-eq');
      this.eqWrap.appendChild(this.eq);
      this.eqWrap.addEventListener('toggle', () => { if (this.hooks.onResize) this.hooks.onResize(); });
      this.charts = el('div', 'osp-charts');  // the page's line charts (drawCharts)
      this.chartDraws = 0;
      this.table = el('div', 'osp-table');  // the page's summary table (drawTable)
      r.append(this.titleEl, bar, this.map, this.legend, this.eqWrap, this.charts, this.table);
      r.tabIndex = 0;
      r.addEventListener('keydown', (e) => this.key(e));
      let down = null;
      this.fg.addEventListener('mousedown', (e) => { down = [e.clientX, e.clientY]; });
      this.fg.addEventListener('click', (e) => {
        if (!down || Math.hypot(e.clientX - down[0], e.clientY - down[1]) > 4) return;
        this.click(e);
      });
      global.addEventListener('resize', () => this.resize());
    }

    /** The words in the page's language (LABELS' keys; missing ones stay English). */
    setLabels(labels) {
      const L = (this.L = {...LABELS, ...(labels || {})});
      const b = this.btns;
      b[1].textContent = L.back;
      b[2].textContent = this.timer ? L.pause : L.play;
      b[3].textContent = L.forward;
      [L.first, L.backTitle, L.playTitle, L.forwardTitle, L.last].forEach((t, i) => {
        b[i].title = t;
        b[i].setAttribute('aria-label', t);
      });
      this.slider.setAttribute('aria-label', L.slider);
      this.speedLabel.firstChild.textContent = L.speed;
      this.speed.setAttribute('aria-label', L.speedTitle);
      [...this.speed.options].forEach((o) => { o.textContent = fill(L.perSecond, {s: o.value}); });
      this.eqSummary.textContent = L.equations;
      if (this.insideEl) this.insideEl.firstChild.textContent = this.term('Inside the optimizer at this step');
      if (this.data) { this.drawForeground(); this.drawLegend(); this.go(this.step, true); }
    }

    /** A word that came with the data, in the page's language. */
    term(s) { return (this.L.terms && this.L.terms[s]) || s; }

    key(e) {
      if (e.target && e.target.tagName === 'SELECT') return;
      const k = e.key;
      if (e.target && e.target.type === 'range' && k.startsWith('Arrow')) return;  // the slider moves itself
      if (k === 'ArrowRight') this.jump(this.step + 1);
      else if (k === 'ArrowLeft') this.jump(this.step - 1);
      else if (k === ' ' || k === 'k') this.toggle();
      else if (k === 'Home') this.jump(0);
      else if (k === 'End') this.jump(this.n);
      else return;
      e.preventDefault();
    }

    click(e) {
      if (!this.hooks.onClick || !this.fg._fullLayout) return;
      const L = this.fg._fullLayout, xa = L.xaxis, ya = L.yaxis;
      const box = this.fg.getBoundingClientRect();
      const px = e.clientX - box.left - xa._offset, py = e.clientY - box.top - ya._offset;
      if (px < 0 || py < 0 || px > xa._length || py > ya._length) return;
      this.hooks.onClick(xa.p2c(px), ya.p2c(py));
    }

    /** Draw a packed payload (a manifest whose blobs are here: see remember / missing): the map
     * when its data or the presentation scale changed, and each chart whose key changed. A later
     * call wins over one still decoding. */
    async setPacked(m) {
      const seq = (this.seq = (this.seq || 0) + 1), t0 = performance.now();
      const mapKey = m.rev + '|' + JSON.stringify(m.present || null);
      const d = mapKey === this.mapKey ? null : await unpack(m);
      const items = m.charts ? m.charts.items : [];
      const figs = await Promise.all(items.map((c, i) => {
        const div = this.charts.children[i];
        return div && div.dataset.key === c.key ? null : unpackChart(c);
      }));
      if (seq !== this.seq) return;
      const t1 = performance.now();
      if (d) {
        this.mapKey = mapKey;
        this.setData(d);
      }
      const t2 = performance.now();
      this.drawCharts(m.charts, figs);
      this.drawTable(m.table);
      // where an update's time went, in ms (the benchmark reads it)
      this.times = {unpack: t1 - t0, map: t2 - t1, charts: performance.now() - t2};
    }

    /** The page's line charts below the map, in ``spec.cols`` columns; a chart is drawn again only
     * when its key (its content) changed (``figs[i]`` is null for one that did not). */
    drawCharts(spec, figs) {
      const box = this.charts, items = spec ? spec.items : [];
      if (box.nextSibling) this.root.appendChild(box);  // last, under the step's panels (inside.js)
      box.style.gridTemplateColumns = 'repeat(' + (spec ? spec.cols : 1) + ', minmax(0, 1fr))';
      while (box.children.length > items.length) {
        Plotly.purge(box.lastChild);
        box.lastChild.remove();
      }
      items.forEach((c, i) => {
        let div = box.children[i];
        if (!div) box.appendChild((div = el('div', 'osp-chart')));
        if (div.dataset.key === c.key || !figs[i]) return;
        const f = figs[i];
        // (not responsive: resize() redraws a chart when the frame's width changes, not its height)
        Plotly.react(div, f.data, f.layout, {displaylogo: false,
          modeBarButtonsToRemove: ['select2d', 'lasso2d', 'toImage']});
        div.dataset.key = c.key;
        this.chartDraws++;
      });
      this.chartsKey = items.map((c) => c.key).join();
      if (this.hooks.onResize) this.hooks.onResize();
    }

    /** The page's summary table (``{columns, rows}`` of text) under the charts, as a plain HTML
     * table: rebuilt only when its text changed, and no work for the page's own renderer. */
    drawTable(t) {
      const key = t ? JSON.stringify(t) : '';
      if (this.table.nextSibling) this.root.appendChild(this.table);  // last, under the charts
      if (key === this.tableKey) return;
      this.tableKey = key;
      this.table.replaceChildren();
      if (!t) return;
      const table = el('table'), head = el('tr');
      t.columns.forEach((c) => head.appendChild(el('th', null, c)));
      table.appendChild(el('thead')).appendChild(head);
      const body = table.appendChild(el('tbody'));
      t.rows.forEach((row) => {
        const tr = body.appendChild(el('tr'));
        // a number stays on one line (a browser would break "6.55e-14" after its minus sign)
        row.forEach((v) => tr.appendChild(el('td', /^[-+0-9.,e]+$/i.test(v) ? 'osp-n' : null, v)));
      });
      this.table.appendChild(table);
      if (this.hooks.onResize) this.hooks.onResize();
    }

    setData(d) {
      const first = this.data === undefined;
      this.data = d;
      if (first) this.eqWrap.open = !d.equations_closed;
      this.paths = d.paths;
      this.n = Math.max(0, ...this.paths.map((p) => p.n));
      this.slider.max = this.n;
      this.titleEl.textContent = d.title || '';
      this.present(d.present);
      this.fitHeight();
      this.drawnWidth = this.root.clientWidth;
      if (first || this.speedAuto) {
        const want = Math.max(1, this.n / 8);  // a whole replay in about eight seconds
        const s = SPEEDS.find((v) => v >= want) || SPEEDS[SPEEDS.length - 1];
        this.speed.value = s;
        this.speedAuto = true;
      }
      const key = d.surface.key;
      if (key !== this.surfaceKey) {
        this.view = null;
        this.surfaceKey = key;
        this.drawBackground();
      }
      const k = Math.min(this.step === null ? this.n : this.step, this.n);  // a new run keeps the shown step
      this.drawForeground(k);
      this.drawLegend();
      this.go(k, true, true);
    }

    layout(extra) {
      const [x0, x1, y0, y1] = this.view ? [...this.view.x, ...this.view.y] : this.data.bounds;
      const k = this.k || 1, eq = this.k ? {constrain: 'domain'} : {};
      return {
        height: this.h, margin: k === 1 ? MARGIN : Player.scaled(MARGIN, k), showlegend: false,
        ...(this.k ? {width: this.w} : {}),
        paper_bgcolor: 'rgba(0,0,0,0)', plot_bgcolor: 'rgba(0,0,0,0)',
        font: {family: 'Inter, Helvetica, Arial, sans-serif', size: 13 * k, color: '#222'},
        xaxis: {range: [x0, x1], title: {text: 'x'}, showgrid: false, zeroline: false, linecolor: '#999', mirror: true,
                ticks: 'outside', exponentformat: 'power', ...eq},
        yaxis: {range: [y0, y1], title: {text: 'y'}, showgrid: false, zeroline: false, linecolor: '#999', mirror: true,
                ticks: 'outside', exponentformat: 'power', ...(this.k ? {scaleanchor: 'x', scaleratio: 1, ...eq} : {})},
        ...extra,
      };
    }

    drawBackground() {
      const s = this.data.surface;
      const z = s.z, rows = [];
      for (let j = 0; j < s.ny; j++) rows.push(Array.from(z.subarray(j * s.nx, (j + 1) * s.nx)));
      const trace = {
        type: 'contour', x: Array.from(s.x), y: Array.from(s.y), z: rows,
        colorscale: 'Viridis', ncontours: 30, opacity: 0.85, hoverinfo: 'skip',
        contours: {showlines: true}, line: {width: 0.5, color: 'rgba(255,255,255,0.35)', smoothing: 0},
        colorbar: {title: {text: s.zlabel, side: 'right'}, thickness: 12 * (this.k || 1), x: 1.01, xanchor: 'left', xpad: 4,
          exponentformat: 'power'},
      };
      Plotly.react(this.bg, [trace], this.layout({paper_bgcolor: 'white', plot_bgcolor: 'white'}),
        {staticPlot: true});
    }

    /** The foreground's traces, drawn at step ``k`` in one pass (no restyle after). */
    drawForeground(k) {
      const d = this.data, data = [];
      const marks = (pts, name, symbol, size) => ({
        type: 'scatter', mode: 'markers', name, x: pts.map((p) => p[0]), y: pts.map((p) => p[1]),
        marker: {symbol, size, color: 'white', line: {color: 'black', width: 1.5}},
        hovertemplate: name + ' (%{x:.3f}, %{y:.3f})<extra></extra>',
      });
      if (d.minima.length) data.push(marks(d.minima, this.L.minimum, 'star', 14));
      if (d.saddles.length) data.push(marks(d.saddles, this.L.saddle, 'x', 11));
      // the paths' lines, then every start and every current point (one trace each: a trace costs
      // Plotly ~1 ms per draw and per step whether it shows anything or not), the arrows, the marks
      // of divergence (one trace)
      this.traceIndex = this.paths.map((p, j) => ({
        path: data.length + j,
        // a dot per iterate while they can be told apart (drawn by the line itself: see dots); a
        // long path is a plain line
        dots: p.n <= MARKERS_MAX,
        arrows: {},
      }));
      this.paths.forEach((p, j) => {
        data.push({type: 'scatter', mode: 'lines', name: p.label, x: [], y: [],
          line: {color: p.color, width: 2.5, simplify: !this.traceIndex[j].dots},
          hovertemplate: p.label + '<br>' + this.L.hoverStep + '<br>(%{x:.4f}, %{y:.4f})<extra></extra>'});
      });
      data.push({type: 'scatter', mode: 'markers', hoverinfo: 'skip',
        x: this.paths.map((p) => p.xy[0]), y: this.paths.map((p) => p.xy[1]),
        marker: {symbol: 'circle-open', size: 14, color: 'black', line: {width: 2}}});
      this.nowIndex = data.length;
      data.push({type: 'scatter', mode: 'markers', x: [], y: [], hoverinfo: 'skip',
        marker: {size: 13, color: this.paths.map((p) => p.color), line: {color: 'black', width: 1.5}}});
      this.paths.forEach((p, j) => {
        const at = this.traceIndex[j];
        for (const kind of Object.keys(p.arrows)) {
          const st = d.arrow_styles[kind];
          at.arrows[kind] = data.length;
          data.push(kind === 'lookahead'
            ? {type: 'scatter', mode: 'markers', x: [], y: [], hoverinfo: 'skip', name: this.term(st.label),
              marker: {symbol: 'diamond', size: 12, color: p.color, line: {color: 'black', width: 1.5}}}
            : {type: 'scatter', mode: 'lines+markers', x: [], y: [], hoverinfo: 'skip', name: this.term(st.label),
              line: {color: p.color, width: st.width, dash: st.dash},
              marker: {symbol: ['circle', kind === 'direction' ? 'arrow-open' : 'arrow'], size: [0, kind === 'step' ? 14 : 11],
                angleref: 'previous', color: p.color, line: {color: p.color, width: kind === 'direction' ? 2 : 1}}});
        }
      });
      const diverged = this.paths.filter((p) => p.diverged_at !== null && p.diverged_at !== undefined);
      this.divIndex = diverged.length ? data.length : undefined;
      if (diverged.length) {
        data.push({type: 'scatter', mode: 'markers+text', x: [], y: [], hoverinfo: 'skip',
          text: diverged.map((p) => fill(this.L.divergedMark, {k: p.diverged_at})), textposition: 'top center',
          textfont: {color: '#D55E00'}, marker: {symbol: 'x-thin-open', size: 22, color: '#D55E00', line: {width: 4}}});
      }
      const [idx, xs, ys] = this.stepXY(k);
      idx.forEach((i, j) => { data[i].x = xs[j]; data[i].y = ys[j]; });
      if (this.k) data.forEach((t) => Player.scaleTrace(t, this.k));
      // the axes are the background's (the same ranges): drawn once, not on every update
      const lay = this.layout({dragmode: 'pan', hovermode: 'closest'});
      lay.xaxis.visible = lay.yaxis.visible = false;
      Plotly.react(this.fg, data, lay,
        {displaylogo: false, scrollZoom: true, doubleClick: 'reset',  // (resize() follows the width)
          modeBarButtonsToRemove: ['select2d', 'lasso2d', 'autoScale2d', 'toImage']});
      this.dots();
      if (!this.fg._ospBound) {
        this.fg._ospBound = true;
        this.fg.on('plotly_afterplot', () => this.dots());  // (a zoom or a resize draws the lines anew)
        const sync = (ev) => {
          const L = this.fg._fullLayout;
          if (ev && (ev['xaxis.autorange'] || ev['yaxis.autorange'])) {
            this.view = null;
            Plotly.relayout(this.fg, {'xaxis.range': this.data.bounds.slice(0, 2), 'yaxis.range': this.data.bounds.slice(2)});
          } else {
            this.view = {x: L.xaxis.range.slice(), y: L.yaxis.range.slice()};
          }
          const B = this.bg._fullLayout;  // the background follows a zoom or pan (not a no-op)
          if (B && String(B.xaxis.range) === String(L.xaxis.range)
              && String(B.yaxis.range) === String(L.yaxis.range)) return;
          Plotly.relayout(this.bg, {'xaxis.range': L.xaxis.range.slice(), 'yaxis.range': L.yaxis.range.slice()});
        };
        this.fg.on('plotly_relayout', sync);
        this.fg.on('plotly_relayouting', sync);
      }
    }

    /** The iterates' dots on the paths that have them: SVG markers at every vertex of the path's line
     * (one element per path; a Plotly marker is an SVG node per point, styled one by one on every
     * draw, which was a third of an update's drawing at 150 steps). The line keeps every vertex
     * (``simplify: false``); hover still finds each point. */
    dots() {
      const svg = this.fg.querySelector('.main-svg');
      if (!svg || !this.traceIndex) return;
      let defs = svg.querySelector('defs.osp-dots');
      if (!defs) {
        defs = document.createElementNS('http://www.w3.org/2000/svg', 'defs');
        defs.setAttribute('class', 'osp-dots');
        svg.insertBefore(defs, svg.firstChild);
      }
      const want = {};
      this.traceIndex.forEach((at, j) => { if (at.dots) want[at.path] = j; });
      const ids = [];
      for (const g of this.fg.querySelectorAll('.scatterlayer .trace')) {
        const cd = g.__data__, i = cd && cd[0] && cd[0].trace ? cd[0].trace.index : -1;
        const line = g.querySelector('path.js-line');
        if (!line) continue;
        if (!(i in want)) {
          for (const a of ['marker-start', 'marker-mid', 'marker-end']) line.removeAttribute(a);
          continue;
        }
        const j = want[i], id = 'osp-dot-' + j;
        ids.push([id, this.paths[j].color]);
        const url = 'url(#' + id + ')';
        for (const a of ['marker-start', 'marker-mid', 'marker-end']) line.setAttribute(a, url);
      }
      const key = JSON.stringify(ids);
      if (defs.dataset.key === key) return;
      defs.dataset.key = key;
      defs.replaceChildren();
      for (const [id, color] of ids) {  // a dot of diameter 4 px at the line's width 2.5 (1.6 widths)
        const m = document.createElementNS('http://www.w3.org/2000/svg', 'marker');
        for (const [k, v] of Object.entries({id, viewBox: '0 0 2 2', refX: 1, refY: 1, markerWidth: 1.6,
          markerHeight: 1.6, markerUnits: 'strokeWidth', overflow: 'visible'})) m.setAttribute(k, v);
        const c = document.createElementNS('http://www.w3.org/2000/svg', 'circle');
        for (const [k, v] of Object.entries({cx: 1, cy: 1, r: 1, fill: color})) c.setAttribute(k, v);
        m.appendChild(c);
        defs.appendChild(m);
      }
    }

    drawLegend() {
      const lg = this.legend;
      lg.replaceChildren();
      for (const p of this.paths) {
        const it = el('span', 'osp-item');
        const sw = el('span', 'osp-swatch');
        sw.style.background = p.color;
        it.append(sw, el('span', null, p.label + (p.diverged_at !== null && p.diverged_at !== undefined
          ? fill(this.L.divergedLegend, {k: p.diverged_at}) : '')));
        lg.appendChild(it);
      }
      const kinds = new Set();
      this.paths.forEach((p) => Object.keys(p.arrows).forEach((k) => kinds.add(k)));
      for (const [kind, st] of Object.entries(this.data.arrow_styles)) {
        if (!kinds.has(kind)) continue;
        const it = el('span', 'osp-item osp-arrow');
        it.append(Player.sample(kind, st), el('span', null, this.term(st.label)));
        lg.appendChild(it);
      }
    }

    /** A small drawing of an arrow kind for the legend (line style and head), in a neutral colour. */
    static sample(kind, st) {
      const ns = 'http://www.w3.org/2000/svg', svg = document.createElementNS(ns, 'svg');
      svg.setAttribute('width', '30');
      svg.setAttribute('height', '12');
      svg.setAttribute('class', 'osp-sample');
      const add = (tag, attrs) => {
        const e = document.createElementNS(ns, tag);
        for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
        svg.appendChild(e);
      };
      if (kind === 'lookahead') {
        add('path', {d: 'M15 1 L21 6 L15 11 L9 6 Z', fill: '#555', stroke: 'black', 'stroke-width': '1'});
        return svg;
      }
      const dash = {dash: '6 3', dot: '1.5 3', solid: ''}[st.dash] || '';
      add('line', {x1: 1, y1: 6, x2: 22, y2: 6, stroke: '#333', 'stroke-width': String(Math.min(st.width, 3)),
        'stroke-dasharray': dash});
      add('path', {d: 'M21 1 L29 6 L21 11 Z', fill: kind === 'direction' ? 'none' : '#333', stroke: '#333',
        'stroke-width': '1.2'});
      return svg;
    }

    /** Step ``k``: the slider, the label, the paths up to it and its arrows (``drawn``: the
     * foreground was just drawn at k), its equations. */
    go(k, force, drawn) {
      if (!this.paths) return;
      k = Math.max(0, Math.min(this.n, k | 0));
      if (k === this.step && !force) return;
      this.step = k;
      this.slider.value = k;
      this.stepLabel.textContent = fill(this.L.stepOf, {k, n: this.n});
      if (!drawn) {
        const [idx, xs, ys] = this.stepXY(k);
        Plotly.restyle(this.fg, {x: xs, y: ys}, idx);
        this.dots();
      }
      this.drawEquations(k);
      if (global.OptiscapeInside) global.OptiscapeInside.render(this, k);  // viz/player/inside.js
      if (k >= this.n && this.timer) this.pause();
    }

    /** The foreground traces that change with the step, and their points at step ``k``:
     * [trace indices, xs, ys]. */
    stepXY(k) {
      const xs = [], ys = [], idx = [];
      const put = (i, x, y) => { idx.push(i); xs.push(x); ys.push(y); };
      const nx = [], ny = [], dx = [], dy = [];
      this.paths.forEach((p, j) => {
        const at = this.traceIndex[j], m = Math.min(k, p.n);
        const px = new Array(m + 1), py = new Array(m + 1);
        for (let i = 0; i <= m; i++) { px[i] = p.xy[2 * i]; py[i] = p.xy[2 * i + 1]; }
        put(at.path, px, py);
        nx.push(px[m]);
        ny.push(py[m]);
        for (const [kind, i] of Object.entries(at.arrows)) {
          const a = p.arrows[kind];
          const ok = k < p.n && isFinite(a[4 * k]);
          if (kind === 'lookahead') put(i, ok ? [a[4 * k + 2]] : [], ok ? [a[4 * k + 3]] : []);
          else put(i, ok ? [a[4 * k], a[4 * k + 2]] : [], ok ? [a[4 * k + 1], a[4 * k + 3]] : []);
        }
        if (p.diverged_at !== null && p.diverged_at !== undefined) {  // NaN: not shown yet
          const dv = p.diverged_at, q = Math.max(dv - 1, 0), shown = k >= dv;
          dx.push(shown ? p.xy[2 * q] : NaN);
          dy.push(shown ? p.xy[2 * q + 1] : NaN);
        }
      });
      put(this.nowIndex, nx, ny);
      if (this.divIndex !== undefined) put(this.divIndex, dx, dy);
      return [idx, xs, ys];
    }

    drawEquations(k) {
      const box = this.eq;
      box.replaceChildren();
      for (const p of this.paths) {
        const card = el('div', 'osp-card');
        card.style.borderLeftColor = p.color;
        const head = el('div', 'osp-card-head');
        const m = Math.min(k, p.n);
        const dx = m < p.n ? Math.hypot(p.xy[2 * m + 2] - p.xy[2 * m], p.xy[2 * m + 3] - p.xy[2 * m + 1]) : null;
        head.textContent = fill(this.L.cardHead, {label: p.label, m, f: num(p.loss[m])})
          + (dx !== null && (p.diverged_at === null || m < p.diverged_at - 1) ? fill(this.L.nextStep, {dx: num(dx)}) : '');
        card.appendChild(head);
        const W = p.eq ? p.eq.widths.reduce((a, b) => a + b, 0) : 1, rows = p.eq ? p.eqv.length / W : 0;
        if (p.eq && k < rows) {
          card.appendChild(el('div', 'osp-card-sub', fill(this.L.cardSub, {u: k + 1, k})));
          if (!p.eq.offsets) p.eq.offsets = p.eq.widths.reduce((o, w) => [...o, o[o.length - 1] + w], [0]);
          const fmt = (s) => {
            const w = p.eq.widths[s], o = k * W + p.eq.offsets[s], v = (i) => num(p.eqv[o + i]);
            if (w === 1) return v(0);
            if (w === 2) return '(' + v(0) + ', ' + v(1) + ')';
            return '[[' + v(0) + ', ' + v(1) + '], [' + v(2) + ', ' + v(3) + ']]';
          };
          for (const line of p.eq.lines) {
            const row = el('div', 'osp-line');
            row.appendChild(el('code', 'osp-src', line.code));
            row.appendChild(el('code', 'osp-num', line.parts.map((x) => (typeof x === 'number' ? fmt(x) : x)).join('')));
            card.appendChild(row);
          }
        } else {
          const div = p.diverged_at !== null && p.diverged_at !== undefined && k >= p.diverged_at - 1;
          if (div) card.appendChild(el('div', 'osp-card-sub', fill(this.L.divergedCard, {k: p.diverged_at})));
          else if (k >= p.n) card.appendChild(el('div', 'osp-card-sub', this.L.ended));
        }
        box.appendChild(card);
      }
      if (this.hooks.onResize) this.hooks.onResize();
    }

    /** A step chosen by hand: stops the replay first. */
    jump(k) {
      if (this.timer) this.pause();
      this.go(k);
    }

    toggle() { if (this.timer) this.pause(); else this.play(); }

    play() {
      if (this.step >= this.n) this.go(0);
      this.speedAuto = false;
      this.playBtn.textContent = this.L.pause;
      this.root.classList.add('osp-playing');
      // the step follows the clock, so "20 steps/s" is 20 steps a second however long a redraw takes
      const t0 = performance.now(), k0 = this.step;
      const tick = () => {
        if (!this.timer) return;
        const sps = parseFloat(this.speed.value);
        this.go(k0 + Math.floor((performance.now() - t0) * sps / 1000));
        if (this.timer) this.timer = requestAnimationFrame(tick);
      };
      this.timer = requestAnimationFrame(tick);
    }

    pause() {
      cancelAnimationFrame(this.timer);
      this.timer = null;
      this.playBtn.textContent = this.L.play;
      this.root.classList.remove('osp-playing');
    }

    /** The map's height: the asked height, lowered in a narrow column so the plot is not a thin strip;
     * in presentation mode, the equal-aspect plot as large as the window leaves room for. */
    fitHeight() {
      const want = this.data.height || 520, w = (this.k ? this.root : this.map).clientWidth || want;
      this.h = this.k ? this.presentHeight(w) : Math.round(Math.min(want, Math.max(320, 0.8 * w)));
      this.map.style.height = this.h + 'px';
    }

    /** Presentation mode (the data's ``present: {scale}``): text, lines and markers scaled, equal aspect
     * (see present.css); the equations start folded. */
    present(opt) {
      const k = opt && opt.scale ? Number(opt.scale) : 0;
      if (k && !this.k) {
        this.eqWrap.open = false;
        try { if (window.frameElement) window.frameElement.scrollIntoView({block: 'start'}); } catch (e) { /* another origin */ }
      }
      if (!k && this.k) {
        this.map.style.width = '';
        for (const g of [this.bg, this.fg]) if (g._fullLayout) Plotly.relayout(g, {width: null});
      }
      if (k !== this.k) this.surfaceKey = null;  // the background is drawn again at the new scale
      this.k = k;
      this.root.classList.toggle('osp-present', !!k);
      this.root.style.setProperty('--osp-k', String(k || 1));
    }

    presentHeight(w) {
      const [x0, x1, y0, y1] = this.data.bounds, k = this.k, m = Player.scaled(MARGIN, k);
      const natural = (w - m.l - m.r) * (y1 - y0) / (x1 - x0) + m.t + m.b;
      let vh = 0;
      try { vh = window.parent.innerHeight; } catch (e) { vh = 0; }  // (a page of another origin)
      vh = vh || window.innerHeight || 800;
      const other = this.titleEl.offsetHeight + this.playBtn.parentElement.offsetHeight + this.legend.offsetHeight + 40;
      const h = Math.round(Math.max(260, Math.min(natural, vh - other)));
      // narrower than the column when the height is what limits it: the colour bar stays by the plot
      const mw = Math.min(w, Math.ceil((h - m.t - m.b) * (x1 - x0) / (y1 - y0) + m.l + m.r));
      this.map.style.width = mw + 'px';
      this.w = mw;
      return h;
    }

    static scaled(m, k) {
      return {...m, l: m.l * k, r: m.r * k, t: m.t * k, b: m.b * k};
    }

    static scaleTrace(t, k) {
      for (const part of [t.line, t.marker, t.marker && t.marker.line]) {
        if (!part) continue;
        if (typeof part.width === 'number') part.width *= k;
        if (typeof part.size === 'number') part.size *= k;
        else if (Array.isArray(part.size)) part.size = part.size.map((v) => v * k);
      }
      if (t.textfont) t.textfont.size = 13 * k;
    }

    /** The frame's width changed and held for RESIZE_MS: the map and the charts take the new
     * width. A change of the frame's height alone (the panels under the map grew or shrank: the
     * page sized the frame to its content), or a width the page shows for a moment while it
     * re-renders the column, leaves every plot as it is instead of redrawing the map's contour. */
    resize() {
      clearTimeout(this.resizeTimer);  // a width the page holds for a moment only draws nothing
      this.resizeTimer = setTimeout(() => this.fitWidth(), RESIZE_MS);
    }

    fitWidth() {
      if (!this.data) return;
      const width = this.root.clientWidth;
      // (0: the page hid the frame for a moment, as Streamlit does while it re-renders the column)
      if (!width || (!this.k && width === this.drawnWidth)) return;
      this.drawnWidth = width;
      this.fitHeight();
      // the map's two layers at the new width (and the height that goes with it), in one relayout
      const w = this.k ? this.w : this.map.clientWidth;
      for (const g of [this.bg, this.fg]) if (g._fullLayout) Plotly.relayout(g, {height: this.h, width: w});
      for (const div of this.charts.children) if (div._fullLayout) Plotly.Plots.resize(div);
    }
  }

  Player.remember = remember;
  Player.forget = () => BLOBS.clear();  // as after an eviction (tests)
  Player.missing = missing;
  Player.unpackChart = unpackChart;
  Player.fromBase64 = fromBase64;
  Player.LABELS = LABELS;
  Player.fill = fill;
  Player.stepArrows = stepArrows;
  global.OptiscapePlayer = Player;
})(window);
