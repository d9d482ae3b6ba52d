// The preview page: the newest release's variant, run by LiteRT.js on the CPU (wasm), one
// grid of the picked digit. /release.json (tools/serve_demo.py) lists the variants' model
// and card URLs; each card names the fixed-shape signature to call (web_signature) and its
// inputs.
//
// URL parameters (all optional): variant, digit, seed; noise = base64 float32 little-endian
// values to use instead of seeded ones (a test's fixed vector); runs = timed invocations;
// report=1 posts what was drawn and measured to /report (the test server's sink).
import {loadLiteRt, loadAndCompile, Tensor} from '@litertjs/core';
import {
  CardError, decodeFloat32, encodeBytes, imagesAsFloats, labelTensorData, noiseTensorData,
  seededNoise, tensorEntries, webSignature,
} from './inputs.js';

const WASM_DIR = '/demo/node_modules/@litertjs/core/wasm/';
const PREFERRED = ['int8', 'fp16', 'fp32'];  // the menu's order; other variants follow
const params = new URLSearchParams(location.search);
const $ = (id) => document.getElementById(id);
const models = new Map();  // variant -> compiled model, compiled once per page
let release = null;

function status(text, isError = false) {
  $('status').textContent = text;
  $('status').className = isError ? 'error' : '';
}

async function fetchJson(url) {
  const response = await fetch(url, {cache: 'no-store'});
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || `${url}: HTTP ${response.status}`);
  return body;
}

async function compiled(variant) {
  if (!models.has(variant)) {
    models.set(variant, await loadAndCompile(release.variants[variant].model, {accelerator: 'wasm'}));
  }
  return models.get(variant);
}

// Images [N, 28, 28, 1] in [0, 1] as one gray grid, near square, at 1 pixel per pixel
// (the canvas is scaled up by CSS); returns the drawn gray levels.
function drawGrid(floats, count) {
  const side = 28, columns = Math.ceil(Math.sqrt(count)), rows = Math.ceil(count / columns);
  const canvas = $('grid');
  canvas.width = columns * side;
  canvas.height = rows * side;
  const context = canvas.getContext('2d');
  const image = context.createImageData(canvas.width, canvas.height);
  for (let n = 0; n < count; n++) {
    const x0 = (n % columns) * side, y0 = Math.floor(n / columns) * side;
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const level = Math.round(255 * Math.min(1, Math.max(0, floats[n * side * side + y * side + x])));
        const at = 4 * ((y0 + y) * canvas.width + x0 + x);
        image.data.set([level, level, level, 255], at);
      }
    }
  }
  context.putImageData(image, 0, 0);
  const drawn = context.getImageData(0, 0, canvas.width, canvas.height).data;
  return Uint8Array.from({length: drawn.length / 4}, (_, i) => drawn[4 * i]);
}

async function draw(variant, digit, seed) {
  const card = await fetchJson(release.variants[variant].card);
  const called = webSignature(card);  // the fixed-shape signature: LiteRT.js runs no other
  const entries = tensorEntries(card, called);
  $('digit').disabled = !entries.label;  // an unconditional generator draws any digit
  const count = entries.noise.shape[0];
  const noise = params.has('noise') ? decodeFloat32(params.get('noise')) : seededNoise(entries.noise, seed);
  const feed = {[entries.noise.name]: noiseTensorData(entries.noise, noise)};
  if (entries.label) feed[entries.label.name] = labelTensorData(entries.label, digit);
  const model = await compiled(variant);
  const signature = called.name;
  if (!(signature in model.signatures)) {
    throw new CardError(`${variant}: the card's signature "${signature}" is not in the model (has ${Object.keys(model.signatures).join(', ')})`);
  }
  const shapes = {[entries.noise.name]: entries.noise.shape};
  if (entries.label) shapes[entries.label.name] = entries.label.shape;
  const run = async () => {
    const inputs = Object.fromEntries(Object.entries(feed).map(([name, data]) => [name, new Tensor(data, shapes[name])]));
    const outputs = await model.run(signature, inputs);
    Object.values(inputs).forEach((t) => t.delete());
    const data = outputs[entries.images.name].toTypedArray().slice();
    Object.values(outputs).forEach((t) => t.delete());
    return data;
  };
  const images = imagesAsFloats(entries.images, await run());
  const pixels = drawGrid(images, count);
  // Real time (performance.now), never a headless browser's virtual time, which stands still.
  const runs = Number(params.get('runs') || 20), times = [];
  for (let i = 0; i < 3; i++) await run();
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const msPerImage = times[Math.floor(times.length / 2)] / count;
  return {variant, digit, signature, count, images, pixels, msPerImage, runs, width: $('grid').width};
}

async function report(result) {
  if (params.get('report') !== '1') return;
  await fetch('/report', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(result)});
}

async function onDraw(event) {
  event?.preventDefault();
  const variant = $('variant').value, digit = Number($('digit').value), seed = Number($('seed').value);
  status(`Drawing ${variant}…`);
  try {
    const r = await draw(variant, digit, seed);
    status(`${variant}, signature ${r.signature}: ${r.count} images, ${r.msPerImage.toFixed(3)} ms/image ` +
           `(median of ${r.runs} runs of the batch, LiteRT.js wasm, this browser)`);
    await report({version: release.version, variant, digit, signature: r.signature, count: r.count,
                  width: r.width, images: encodeBytes(r.images), pixels: encodeBytes(r.pixels),
                  ms_per_image: r.msPerImage, runs: r.runs, user_agent: navigator.userAgent});
  } catch (error) {
    status(`${variant}: ${error.message}`, true);
    await report({version: release?.version, variant, error: error.message});
  }
}

async function main() {
  try {
    release = await fetchJson('/release.json');
    const names = Object.keys(release.variants);
    const ordered = [...PREFERRED.filter((v) => names.includes(v)), ...names.filter((v) => !PREFERRED.includes(v))];
    $('variant').replaceChildren(...ordered.map((v) => new Option(v, v)));
    $('digit').replaceChildren(...Array.from({length: 10}, (_, d) => new Option(String(d), String(d))));
    for (const name of ['variant', 'digit', 'seed']) if (params.has(name)) $(name).value = params.get(name);
    $('release').textContent = `Release ${release.version}: ${ordered.join(', ')}`;
    await loadLiteRt(WASM_DIR);
    $('controls').addEventListener('submit', onDraw);
    await onDraw();
  } catch (error) {
    status(error.message, true);
    await report({error: error.message});
  }
}

main();
