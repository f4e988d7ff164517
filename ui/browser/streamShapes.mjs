// The streams of the benchmarks in a browser (stream.bench.mjs in Chromium, stream.webkit.mjs in
// WebKitGTK): the real-window benchmark's shapes and rates (bench/window/stamp_server.py).

export const SCENARIOS = {
  'prose-5000': { shape: 'prose', n: 300_000, rate: 5000 },
  'prose-1000': { shape: 'prose', n: 20_000, rate: 1000 },
  'code-100': { shape: 'code', n: 3_000, rate: 100 },
  'code-1000': { shape: 'code', n: 20_000, rate: 1000 },
  'list-1000': { shape: 'list', n: 20_000, rate: 1000 },
  'para-1000': { shape: 'para', n: 20_000, rate: 1000 },
};

/**
 * The first `n` tokens of a stream: `w<i>:<19 digits>`, a paragraph break every 60 tokens (prose),
 * a line every 8 (one code block), an item every 12 (one list), or one endless paragraph. Built in
 * the page (300,000 tokens are not worth sending over the protocol): self-contained, as it is sent
 * as source.
 */
export function pageTokens([shape, n]) {
  const stamp = '1764570000000000000';
  return Array.from({ length: n }, (_, i) => {
    let sep = ' ';
    if (shape === 'prose' && i && i % 60 === 0) sep = '\n\n';
    if (shape === 'code' && i % 8 === 0) sep = '\nx = ';
    if (shape === 'list' && i % 12 === 0) sep = '\n- ';
    return `${i === 0 && shape === 'code' ? 'Here it is:\n\n```python' : ''}${sep}w${i}:${stamp}`;
  });
}

const sorted = (xs) => [...xs].sort((a, b) => a - b);
export const pct = (xs, p) => (xs.length ? sorted(xs)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] : NaN);
export const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '–');
export const sum = (xs) => xs.reduce((a, b) => a + b, 0);

/**
 * Runs `run(name)` for each scenario and prints its result with `print`; a page that crashes
 * (runs out of memory) is a finding, not the end of the run: it is reported and the exit code set.
 */
export async function runEach(names, run, print) {
  for (const name of names) {
    try {
      print(await run(name));
    } catch (e) {
      console.log(`\n## ${name}: could not finish: ${e.message.split('\n')[0]}`);
      process.exitCode = 1;
    }
  }
}
