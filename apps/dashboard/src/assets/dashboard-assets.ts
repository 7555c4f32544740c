/**
 * The dashboard's own script: draws each `canvas[data-chart]` as a stacked bar chart with
 * Chart.js (served from node_modules), and copies a query's curl command on its button. Served
 * as a file, never inline, so the Content-Security-Policy allows scripts from 'self' only.
 */
export const dashboardScript = `'use strict';
document.addEventListener('DOMContentLoaded', () => {
  for (const canvas of document.querySelectorAll('canvas[data-chart]')) {
    const spec = JSON.parse(canvas.dataset.chart);
    new Chart(canvas, {
      type: 'bar',
      data: { labels: spec.days, datasets: spec.datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          x: { stacked: true },
          y: { stacked: true, title: { display: true, text: spec.unit } },
        },
        plugins: { legend: { position: 'bottom' } },
      },
    });
    canvas.dataset.drawn = 'true';
  }
  for (const button of document.querySelectorAll('button[data-copy]')) {
    button.addEventListener('click', () => {
      navigator.clipboard.writeText(button.dataset.copy).then(
        () => { button.textContent = 'copied'; },
        () => { button.textContent = 'select the URL to copy'; },
      );
    });
  }
});
`;

/** The dashboard's stylesheet (a file: the Content-Security-Policy allows no inline style). */
export const dashboardStyles = `body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d2330; }
header { background: #f2f4f8; padding: 0.6rem 1.2rem; display: flex; gap: 2rem; align-items: center; flex-wrap: wrap; }
nav a { margin-left: 1rem; }
main { padding: 0 1.2rem 2rem; max-width: 72rem; }
.totals { display: flex; gap: 3rem; font-size: 1.4rem; }
.totals .label { display: block; font-size: 0.8rem; color: #5b6475; }
.chart { height: 18rem !important; width: 100% !important; }
section { margin: 1.5rem 0; }
table { border-collapse: collapse; }
th, td { padding: 0.25rem 0.7rem; border-bottom: 1px solid #e3e6ec; text-align: left; }
td:has(a.n), td.unpriced { text-align: right; font-variant-numeric: tabular-nums; }
a.n { color: inherit; text-decoration: underline dotted; }
.unpriced { color: #a0522d; }
.note { color: #5b6475; font-size: 0.85rem; }
#queries li { margin: 0.3rem 0; }
#queries li:target { background: #fff6c8; }
.query-url { word-break: break-all; }
table.drift td.number, table.drift td.reported, table.drift td.mark { text-align: right; font-variant-numeric: tabular-nums; }
table.drift td { white-space: nowrap; }
table.drift .source { color: #5b6475; font-size: 0.75rem; }
table.drift tr.past td.mark { color: #b3261e; font-weight: bold; }
table.drift tr.known td.mark { color: #8a6d00; font-weight: bold; }
#legend dt { font-weight: bold; }
#legend dd { margin: 0 0 0.4rem 1.5rem; }
`;
