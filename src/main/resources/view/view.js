// The live view: renders each state the server pushes on /events (see org.maskstream.view.ViewState.Snapshot).
// Text from the topics (instructions, reasons) is hostile input: it only ever goes into textContent.
'use strict';

const RATE_POINTS = 300; // throughput/latency history kept in the page (one point per push)

// Distinct colours for any number of model versions: hues a golden angle apart never repeat.
function colour(i) {
  return `hsl(${Math.round((i * 137.508) % 360)}, 70%, 42%)`;
}

function clock(ms) {
  return new Date(ms).toTimeString().slice(0, 8);
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
  }
  children.forEach(c => e.appendChild(c));
  return e;
}

// Time axes count whole seconds since the epoch, so the library's round steps (1, 2, 5, 10 s...) never label two
// ticks with the same clock time.
const timeAxis = {type: 'linear', ticks: {callback: v => clock(v * 1000), precision: 0, maxTicksLimit: 7}};
const iouChart = new Chart(document.getElementById('iou-chart'), {
  type: 'line',
  data: {datasets: []},
  options: {
    animation: false, maintainAspectRatio: false, parsing: false,
    scales: {x: timeAxis, y: {min: 0, max: 1, title: {display: true, text: 'mean fg IoU'}}},
    plugins: {legend: {position: 'bottom'},
      tooltip: {callbacks: {title: items => clock(items[0].parsed.x * 1000)}}},
  },
});
const rateChart = new Chart(document.getElementById('rate-chart'), {
  type: 'line',
  data: {datasets: [
    {label: 'results/s', data: [], yAxisID: 'rate', borderColor: colour(0), pointRadius: 0},
    {label: 'p50 latency (ms)', data: [], yAxisID: 'ms', borderColor: colour(1), pointRadius: 0},
    {label: 'p99 latency (ms)', data: [], yAxisID: 'ms', borderColor: colour(2), pointRadius: 0, borderDash: [4, 3]},
  ]},
  options: {
    animation: false, maintainAspectRatio: false, parsing: false,
    scales: {x: timeAxis, rate: {position: 'left', min: 0, title: {display: true, text: 'results/s'}},
      ms: {position: 'right', min: 0, grid: {drawOnChartArea: false}, title: {display: true, text: 'ms'}}},
    plugins: {legend: {position: 'bottom'}},
  },
});

const versionColours = new Map();
function versionColour(version) {
  if (!versionColours.has(version)) versionColours.set(version, colour(versionColours.size + 3));
  return versionColours.get(version);
}

function card(c) {
  const caption = `${c.instruction ?? '(request not seen)'} · ${c.modelVersion}` +
    (c.iou == null ? '' : ` · IoU ${c.iou.toFixed(3)}`) + ` · ${c.latencyMs} ms`;
  const img = el('img', {class: 'thumb', src: `/results/${c.seq}/thumb.png`, alt: caption, title: c.id});
  img.addEventListener('click', () => openFull(c.seq, caption));
  return el('div', {class: 'card', 'data-seq': String(c.seq), 'data-version': c.modelVersion}, img,
    el('div', {class: 'instruction', text: c.instruction ?? '(request not seen: mask only)'}),
    el('div', {class: 'meta'},
      el('span', {class: 'version', text: c.modelVersion}),
      el('span', {class: 'iou', text: c.iou == null ? 'unlabeled' : `IoU ${c.iou.toFixed(3)}`}),
      el('span', {class: 'latency', text: `${c.latencyMs} ms`})));
}

// Cards already on the page are moved, not rebuilt, so their pictures are not fetched again.
function renderResults(cards) {
  const box = document.getElementById('results');
  const existing = new Map([...box.children].map(child => [child.dataset.seq, child]));
  box.replaceChildren(...cards.map(c => existing.get(String(c.seq)) ?? card(c)));
}

function openFull(seq, caption) {
  document.getElementById('lightbox-img').src = `/results/${seq}/full.png`;
  document.getElementById('lightbox-caption').textContent = caption;
  document.getElementById('lightbox').hidden = false;
}
document.getElementById('lightbox').addEventListener('click', e => { e.currentTarget.hidden = true; });

function renderIou(series) {
  const datasets = Object.entries(series).map(([version, points]) => ({
    label: version, data: points.map(p => ({x: p.t / 1000, y: p.iou, count: p.count})),
    borderColor: versionColour(version), backgroundColor: versionColour(version), pointRadius: 3,
  }));
  iouChart.data.datasets = datasets;
  iouChart.update();
}

function renderRates(s) {
  const [rate, p50, p99] = rateChart.data.datasets;
  const x = s.time / 1000;
  rate.data.push({x, y: s.resultsPerSecond});
  if (s.p50LatencyMs != null) p50.data.push({x, y: s.p50LatencyMs});
  if (s.p99LatencyMs != null) p99.data.push({x, y: s.p99LatencyMs});
  rateChart.data.datasets.forEach(d => { if (d.data.length > RATE_POINTS) d.data.splice(0, d.data.length - RATE_POINTS); });
  rateChart.update();
}

function renderDeadLetters(groups) {
  const box = document.getElementById('dead-letters');
  const kinds = Object.entries(groups);
  if (kinds.length === 0) return;
  box.replaceChildren(...kinds.map(([kind, g]) => el('div', {class: 'kind', 'data-kind': kind},
    el('h3', {}, el('span', {text: kind + ' '}), el('span', {class: 'count', text: String(g.count)})),
    el('ul', {}, ...g.latest.map(d => el('li', {class: 'reason',
      text: `${clock(d.time)} ${d.key ?? '(no key)'} at ${d.source}: ${d.reason}`}))))));
}

function renderTimeline(events) {
  if (events.length === 0) return;
  document.getElementById('timeline').replaceChildren(...events.map(e => el('li',
    {'data-type': e.type, 'data-version': e.version ?? ''},
    el('span', {text: clock(e.time) + ' '}), el('b', {text: `${e.type} ${e.version ?? ''}`}),
    el('span', {text: (e.previous ? ` (after ${e.previous})` : '') + ': ' + e.detail}))));
}

function render(s) {
  window.maskstreamView.lastState = s;
  document.getElementById('serving').textContent = s.serving ?? '-';
  document.getElementById('rate').textContent = s.resultsPerSecond.toFixed(1);
  document.getElementById('p50').textContent = s.p50LatencyMs == null ? '-' : `${s.p50LatencyMs} ms`;
  document.getElementById('p99').textContent = s.p99LatencyMs == null ? '-' : `${s.p99LatencyMs} ms`;
  document.getElementById('total').textContent = String(s.results);
  renderResults(s.latest);
  renderIou(s.iou);
  renderRates(s);
  renderDeadLetters(s.deadLetters);
  renderTimeline(s.timeline);
}

window.maskstreamView = {iouChart, rateChart, lastState: null};
const events = new EventSource('/events');
const connection = document.getElementById('connection');
events.addEventListener('state', e => render(JSON.parse(e.data)));
events.onopen = () => { connection.textContent = 'live'; connection.className = 'up'; };
events.onerror = () => { connection.textContent = 'reconnecting'; connection.className = 'down'; };
