// Draws speedup against N as a self-contained SVG: no plotting library, no service.

/** @param {number} v */
const fmt = (v) => (Math.round(v * 10) / 10).toString();

/** @param {string} s */
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A step of 1, 2 or 5 times a power of ten giving at most `count` intervals up to `max`. */
function niceStep(max, count) {
  const raw = max / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

/**
 * @typedef {{ name: string, color: string, dash?: string, marker: 'circle' | 'square' | 'triangle' | 'none',
 *   labelAll?: boolean, labelBelow?: boolean, points: { x: number, y: number }[] }} Series
 */

/**
 * @param {{ n: number, trueSpeedup: number | null, referenceSpeedup: number | null, reportedSpeedup: number | null,
 *   gated?: { speedup: number | null, gate: number } | null }[]} rows
 * @param {{ title: string, subtitle?: string }} labels
 */
export function renderSpeedupChart(rows, labels) {
  const W = 720;
  const H = 460;
  const m = { left: 64, right: 270, top: 64, bottom: 56 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const ns = rows.map((r) => r.n);
  const maxN = Math.max(1, ...ns);
  /** @param {(r: (typeof rows)[number]) => number | null} pick */
  const pts = (pick) =>
    rows.flatMap((r) => {
      const y = pick(r);
      return y === null || !Number.isFinite(y) ? [] : [{ x: r.n, y }];
    });
  /** @type {Series[]} */
  const series = [
    {
      name: 'ideal (N)',
      color: '#9e9e9e',
      dash: '6 4',
      marker: 'none',
      points: [{ x: 0, y: 0 }, ...ns.map((n) => ({ x: n, y: n }))],
    },
    {
      name: 'reference: bash & + wait',
      color: '#e67e22',
      marker: 'square',
      labelBelow: true,
      points: pts((r) => r.referenceSpeedup),
    },
    {
      name: 'action: true speedup',
      color: '#1f5fbf',
      marker: 'circle',
      labelAll: true,
      points: pts((r) => r.trueSpeedup),
    },
    {
      name: 'action: its reported speedup',
      color: '#1f5fbf',
      dash: '3 3',
      marker: 'triangle',
      points: pts((r) => r.reportedSpeedup),
    },
  ];
  if (rows.some((r) => r.gated)) {
    const k = rows.find((r) => r.gated)?.gated?.gate;
    series.push({
      name: `reference, start-gated (K = ${k})`,
      color: '#2e9e4f',
      dash: '2 3',
      marker: 'square',
      points: pts((r) => r.gated?.speedup ?? null),
    });
  }
  series[0].points = [...new Map(series[0].points.map((p) => [p.x, p])).values()].sort((a, b) => a.x - b.x);
  const maxY = Math.max(maxN, ...series.flatMap((s) => s.points.map((p) => p.y)));
  const xStep = niceStep(maxN, 10);
  const yStep = niceStep(maxY, 8);
  const xMax = Math.ceil(maxN / xStep) * xStep;
  const yMax = Math.ceil(maxY / yStep) * yStep;
  const X = (/** @type {number} */ x) => m.left + (x / xMax) * pw;
  const Y = (/** @type {number} */ y) => m.top + ph - (y / yMax) * ph;

  const out = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${m.left}" y="26" font-size="16" font-weight="bold">${esc(labels.title)}</text>`);
  if (labels.subtitle) out.push(`<text x="${m.left}" y="46" fill="#555">${esc(labels.subtitle)}</text>`);
  for (let x = 0; x <= xMax + 1e-9; x += xStep) {
    out.push(`<line x1="${X(x)}" y1="${m.top}" x2="${X(x)}" y2="${m.top + ph}" stroke="#eee"/>`);
    out.push(`<text x="${X(x)}" y="${m.top + ph + 18}" text-anchor="middle">${fmt(x)}</text>`);
  }
  for (let y = 0; y <= yMax + 1e-9; y += yStep) {
    out.push(`<line x1="${m.left}" y1="${Y(y)}" x2="${m.left + pw}" y2="${Y(y)}" stroke="#eee"/>`);
    out.push(`<text x="${m.left - 8}" y="${Y(y) + 4}" text-anchor="end">${fmt(y)}</text>`);
  }
  out.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${m.left + pw / 2}" y="${H - 14}" text-anchor="middle">N (agents)</text>`);
  out.push(
    `<text x="18" y="${m.top + ph / 2}" text-anchor="middle" transform="rotate(-90 18 ${m.top + ph / 2})">speedup over sequential (×)</text>`,
  );

  /** @type {{ x: number, y: number, text: string, color: string }[]} */
  const labelsToDraw = [];
  for (const s of series) {
    if (!s.points.length) continue;
    const d = s.points.map((p, i) => `${i ? 'L' : 'M'}${X(p.x).toFixed(1)},${Y(p.y).toFixed(1)}`).join(' ');
    out.push(
      `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`,
    );
    s.points.forEach((p, i) => {
      out.push(marker(s.marker, X(p.x), Y(p.y), s.color));
      // Values are written at every point of the action's true speedup, and at the last point of the others.
      const last = i === s.points.length - 1;
      if (s.marker !== 'none' && (s.labelAll || last)) {
        labelsToDraw.push({ x: X(p.x) + 7, y: Y(p.y) + (s.labelBelow ? 14 : -6), text: fmt(p.y), color: s.color });
      }
    });
  }
  // Labels at the same N are moved apart, so close values stay readable.
  const columns = new Map();
  for (const l of labelsToDraw) columns.set(l.x, [...(columns.get(l.x) ?? []), l]);
  for (const column of columns.values()) {
    column.sort((a, b) => a.y - b.y);
    for (let i = 1; i < column.length; i++) column[i].y = Math.max(column[i].y, column[i - 1].y + 12);
  }
  for (const l of labelsToDraw) {
    out.push(`<text x="${l.x}" y="${l.y.toFixed(1)}" fill="${l.color}" font-size="11">${esc(l.text)}</text>`);
  }

  series.forEach((s, i) => {
    const y = m.top + 12 + i * 22;
    const x = m.left + pw + 16;
    out.push(
      `<line x1="${x}" y1="${y}" x2="${x + 28}" y2="${y}" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`,
    );
    out.push(marker(s.marker, x + 14, y, s.color));
    out.push(`<text x="${x + 36}" y="${y + 4}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return `${out.filter(Boolean).join('\n')}\n`;
}

/**
 * @param {Series['marker']} kind
 * @param {number} x
 * @param {number} y
 * @param {string} color
 */
function marker(kind, x, y, color) {
  if (kind === 'circle') return `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="4" fill="${color}"/>`;
  if (kind === 'square')
    return `<rect x="${(x - 4).toFixed(1)}" y="${(y - 4).toFixed(1)}" width="8" height="8" fill="${color}"/>`;
  if (kind === 'triangle') {
    return `<path d="M${x.toFixed(1)},${(y - 5).toFixed(1)} l5,9 h-10 z" fill="none" stroke="${color}" stroke-width="1.5"/>`;
  }
  return '';
}
