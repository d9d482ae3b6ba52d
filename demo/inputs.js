// The generator's inputs and output, read from a variant's card.json (no LiteRT here).
//
// The card says each input's name, dtype, shape and, for the noise, its distribution; the
// page builds typed arrays from it instead of knowing any of them itself. LiteRT.js runs
// float32, int32 and uint8 tensors of fixed shape only, so a card asking for anything else
// is refused here with the card field that says so.

const TYPED_ARRAYS = {float32: Float32Array, int32: Int32Array, uint8: Uint8Array};

export class CardError extends Error {}

function field(card, name) {
  if (!(name in card)) throw new CardError(`card.json of ${card.variant} has no "${name}"`);
  return card[name];
}

// The signature the page calls and its tensors: the card's `web_signature` (the same
// generator at a fixed batch, in `signatures`), or the main one for a card without it.
export function webSignature(card) {
  const name = card.web_signature;
  if (!name) {
    return {name: field(card, 'signature'), inputs: field(card, 'inputs'), outputs: field(card, 'outputs'),
            note: ' (the card names no "web_signature": a release from before fixed-shape signatures)'};
  }
  const described = field(card, 'signatures')[name];
  if (!described) throw new CardError(`card.json of ${card.variant}: "web_signature" ${name} is not in "signatures"`);
  return {name, inputs: described.inputs, outputs: described.outputs, note: ''};
}

// The signature's entry for the input or output of each role (noise / label / images).
export function tensorEntries(card, signature = webSignature(card)) {
  const {inputs, outputs} = signature;
  if (!Array.isArray(inputs) || inputs.length < 1 || !Array.isArray(outputs) || outputs.length !== 1) {
    throw new CardError(`card.json of ${card.variant}, signature ${signature.name}: "inputs" must list the noise (and label), "outputs" one image tensor`);
  }
  for (const entry of [...inputs, ...outputs]) {
    const where = `card.json of ${card.variant}, signature ${signature.name}, tensor "${entry.name}"`;
    if (!(entry.dtype in TYPED_ARRAYS)) {
      throw new CardError(`${where}: dtype ${entry.dtype} is not one LiteRT.js runs (${Object.keys(TYPED_ARRAYS).join(', ')})${signature.note}`);
    }
    if (!Array.isArray(entry.shape) || entry.shape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new CardError(`${where}: shape [${entry.shape}] is not fixed; LiteRT.js runs no dynamic dimension${signature.note}`);
    }
  }
  return {noise: inputs[0], label: inputs[1] || null, images: outputs[0]};
}

// mulberry32: a small seeded generator, so a seed gives the same grid again in any browser
// (it is not numpy's stream: the same seed draws other numbers in Python).
function uniformStream(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Noise of the entry's shape, drawn from the distribution the card names.
export function seededNoise(entry, seed) {
  const count = entry.shape.reduce((a, b) => a * b, 1);
  const spec = entry.distribution || {};
  const next = uniformStream(seed);
  const values = new Float32Array(count);
  if (spec.distribution === 'uniform') {
    const low = spec.low ?? -1, high = spec.high ?? 1;
    for (let i = 0; i < count; i++) values[i] = low + (high - low) * next();
  } else if (spec.distribution === 'normal') {
    const mean = spec.mean ?? 0, stddev = spec.stddev ?? 1;
    for (let i = 0; i < count; i++) {  // Box-Muller
      const u = 1 - next(), v = next();
      values[i] = mean + stddev * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
  } else {
    throw new CardError(`card.json, tensor "${entry.name}": distribution ${JSON.stringify(spec)} is neither uniform nor normal`);
  }
  return values;
}

// Float noise -> the input's dtype (quantized inputs: q = round(x / scale) + zero_point).
export function noiseTensorData(entry, floats) {
  const count = entry.shape.reduce((a, b) => a * b, 1);
  if (floats.length !== count) {
    throw new CardError(`noise has ${floats.length} values, the card's "${entry.name}" shape [${entry.shape}] needs ${count}`);
  }
  if (entry.dtype === 'float32') return floats;
  const q = entry.quantization;
  if (!q) throw new CardError(`card.json, tensor "${entry.name}": ${entry.dtype} input without "quantization"`);
  const out = new TYPED_ARRAYS[entry.dtype](count);
  const [lo, hi] = entry.dtype === 'uint8' ? [0, 255] : [-2147483648, 2147483647];
  for (let i = 0; i < count; i++) out[i] = Math.min(hi, Math.max(lo, Math.round(floats[i] / q.scale) + q.zero_point));
  return out;
}

export function labelTensorData(entry, digit) {
  const count = entry.shape.reduce((a, b) => a * b, 1);
  return new TYPED_ARRAYS[entry.dtype](count).fill(digit);
}

// Output values -> floats in the card's range (quantized outputs: scale * (q - zero_point)).
export function imagesAsFloats(entry, data) {
  const q = entry.quantization;
  if (entry.dtype === 'float32' || !q) return Float32Array.from(data);
  return Float32Array.from(data, (v) => q.scale * (v - q.zero_point));
}

export function decodeFloat32(base64) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new Float32Array(bytes.buffer);
}

export function encodeBytes(view) {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}
