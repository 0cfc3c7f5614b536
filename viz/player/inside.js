/* Inside the optimizer, at the replayed step: every path's state of update k+1 (from step k to k+1),
 * the numbers the shown numpy code computes (velocity, moments, bias-correction factors, accumulator,
 * effective learning rate, Hessian eigenvalues), and the notes' unified form with its M_t and G_t.
 *
 * The player calls OptiscapeInside.render(player, k) on every step change; the data is each path's
 * `inside` field (viz/_inside.py inside_payload): {M, G, q: [{key, label, w, v}]}, where v holds w
 * numbers per update, row after row. Used by the Streamlit component and the standalone HTML export.
 */
(function (global) {
  'use strict';

  const CSS = `
.osp-inside { margin-top: 6px; }
.osp-inside > summary { cursor: pointer; font-weight: 600; padding: 4px 0; }
.osp-in-card { border-left: 4px solid #888; padding: 4px 10px; margin: 6px 0; background: #fafafa; }
.osp-in-head { font-weight: 600; margin-bottom: 2px; }
.osp-in-form { font-size: 0.92em; color: #333; margin: 2px 0 4px; }
.osp-in-table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
.osp-in-table th, .osp-in-table td { padding: 1px 10px 1px 0; text-align: left; }
.osp-in-table td.osp-in-num { text-align: right; font-family: ui-monospace, Menlo, Consolas, monospace; }
.osp-in-table th { font-weight: 500; color: #555; border-bottom: 1px solid #ddd; }
`;

  function num(v) {
    if (v === null || v === undefined) return '—';
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

  /** Words in the page's language: the player's `terms` (ui/_map.py), else as given. */
  const word = (player, s) => (player.term ? player.term(s) : s);
  const fill = (s, o) => s.replace(/\{(\w+)\}/g, (m, k) => (k in o ? o[k] : m));

  function box(player) {
    if (player.insideEl) return player.insideEl;
    if (!document.getElementById('osp-inside-css')) {
      const st = el('style');
      st.id = 'osp-inside-css';
      st.textContent = CSS;
      document.head.appendChild(st);
    }
    const d = el('details', 'osp-inside');
    d.open = !(player.data && player.data.equations_closed);
    d.appendChild(el('summary', null, word(player, 'Inside the optimizer at this step')));
    d.body = el('div', 'osp-in-body');
    d.appendChild(d.body);
    d.addEventListener('toggle', () => { if (player.hooks.onResize) player.hooks.onResize(); });
    player.root.appendChild(d);
    player.insideEl = d;
    return d;
  }

  function render(player, k) {
    const paths = (player.paths || []).filter((p) => p.inside);
    if (!paths.length) {
      if (player.insideEl) player.insideEl.style.display = 'none';
      return;
    }
    const d = box(player);
    d.style.display = '';
    const body = d.body;
    body.replaceChildren();
    for (const p of paths) {
      const ins = p.inside, card = el('div', 'osp-in-card');
      card.style.borderLeftColor = p.color;
      card.dataset.label = p.label;
      const rows = ins.q.length ? ins.q[0].v.length / ins.q[0].w : 0;
      card.appendChild(el('div', 'osp-in-head', p.label + (k < rows
        ? fill(word(player, ' — update {u} (step {k} → {u})'), {u: k + 1, k}) : '')));
      const form = el('div', 'osp-in-form');
      form.textContent = fill(word(player, 'Δθ_t = −α_t / √(G_t + ε) · M_t   with M_t = {M};  G_t = {G}'),
        {M: word(player, ins.M), G: word(player, ins.G)});
      card.appendChild(form);
      if (!ins.q.length) {
        card.appendChild(el('div', 'osp-in-form', word(player, 'no state: each step uses only this step’s gradient')));
      } else if (k >= rows) {
        card.appendChild(el('div', 'osp-in-form', word(player, 'no update from this step: the run ended (or diverged) before it')));
      } else {
        const t = el('table', 'osp-in-table'), head = el('tr');
        for (const h of [word(player, 'quantity'), 'x', 'y']) head.appendChild(el('th', null, h));
        t.appendChild(head);
        for (const q of ins.q) {
          const tr = el('tr');
          tr.dataset.key = q.key;
          tr.appendChild(el('td', null, word(player, q.label)));
          for (let c = 0; c < 2; c++) {
            const td = el('td', 'osp-in-num', c < q.w ? num(q.v[k * q.w + c]) : '');
            if (q.w === 1 && c === 0) td.colSpan = 2;
            if (q.w === 1 && c === 1) continue;
            tr.appendChild(td);
          }
          t.appendChild(tr);
        }
        card.appendChild(t);
      }
      body.appendChild(card);
    }
    if (player.hooks.onResize) player.hooks.onResize();
  }

  global.OptiscapeInside = {render, num};
})(window);
