// The results as Markdown tables (ms unless said otherwise; "a–b" is the spread over repeats).

const f = (x, d = 1) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x >= 100 ? String(Math.round(x)) : x.toFixed(d));
const range = (s) => (s && s.n > 1 ? `${f(s.min)}–${f(s.max)}` : '');
const fail = (r) => (r?.error ? `**failed**: ${r.error}` : null);
const times = (k, word) => `${k} ${word}${k === 1 ? '' : 'es'}`;
const okText = (ok, verify) =>
  ok ? 'yes' : verify ? `**no** (missing ${verify.missing}, dup ${verify.duplicated}, out of order ${verify.outOfOrder})` : '**no**';

function table(head, rows) {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function markdown(results) {
  const out = [];
  const r = results.scenarios;
  const ids = Object.keys(r);
  const pick = (prefix) => ids.filter((id) => id === prefix || id.startsWith(prefix + '/'));

  if (r.enter) {
    const e = r.enter;
    out.push(`### Enter (server answers at once, ${e.sends ?? '?'} sends, one app)`);
    out.push(
      fail(e) ??
        table(
          ['what', 'p50', 'p95', 'min–max'],
          [
            ['Enter → status chip painted', f(e.enterToChip.median), f(e.enterToChip.p95), range(e.enterToChip)],
            ['Enter → first token painted', f(e.enterToFirstToken.median), f(e.enterToFirstToken.p95), range(e.enterToFirstToken)],
          ],
        ) + (e.problems?.length ? `\n\nProblems: ${e.problems.join('; ')}` : ''),
    );
  }

  const n = (x) => x.toLocaleString('en');
  const streamRows = (list) =>
    list.map(([id, s]) => {
      if (s.error) return [id, `n/a`, '', '', '', '', '', '', '', fail(s)];
      const l = s.latency;
      const what = s.upto ? `first ${n(s.upto)} tokens of the ${n(s.n)}-token growth run` : `n=${n(s.n)}`;
      return [
        `${id} (${what}, server ${s.serverTokensPerSecond ?? '?'} tok/s)`,
        f(l.p50),
        f(l.p90),
        f(l.p99),
        f(l.max),
        s.tail ? `${((100 * s.tail.over) / s.latency.count).toFixed(1)} % (${s.tail.afterLongGap})` : '–',
        f(s.frames.fps),
        f(s.frames.gapP99),
        f(s.frames.gapMax),
        s.finished ? okText(s.ok, s.verify) : `**unfinished**: ${s.painted} of ${s.n} painted by the deadline`,
      ];
    });
  const streams = [
    ...pick('stream').map((id) => [id, r[id]]),
    ...pick('growth').map((id) => [`stream/${id.slice('growth/'.length)}-1000`, r[id].error ? r[id] : r[id].first]),
    ...pick('throughput').map((id) => [id, r[id]]),
  ];
  if (streams.length) {
    out.push('### Send → painted');
    out.push(
      table(
        [
          'stream',
          'p50',
          'p90',
          'p99',
          'max',
          'over 20 ms (of them after a long gap)',
          'frames/s',
          'gap p99',
          'gap max',
          'all there, in order',
        ],
        streamRows(streams),
      ),
    );
    out.push(
      'Over 20 ms: the share of tokens painted more than 20 ms after the server sent them, and how many of those were painted in a frame that came over 20 ms after the one before (the engine or the machine was busy); the rest reached the page too late for a frame and waited for the next.',
    );
  }

  const gapCell = (w) => `${f(w.gap)} (tokens ${n(w.from)}–${n(w.to)}, ${w.frames} gap${w.frames === 1 ? '' : 's'})`;
  const growth = pick('growth');
  if (growth.length) {
    out.push('### Frame gap growth (median frame gap while these tokens are painted; target ratio ≤ 1.5)');
    out.push(
      table(
        ['shape (1,000 tok/s)', 'gap @ early', 'gap @ late', 'ratio', 'frames/s', 'gap max', 'p99 latency', 'all there'],
        growth.map((id) => {
          const g = r[id];
          if (g.error) return [id, '', '', '', '', '', '', fail(g)];
          return [
            id,
            gapCell(g.early),
            gapCell(g.late),
            g.ratio === null ? '–' : `${g.ratio.toFixed(2)}×`,
            f(g.stream.frames.fps),
            f(g.stream.frames.gapMax),
            f(g.stream.latency.p99),
            g.stream.finished ? okText(g.stream.ok, g.stream.verify) : `**unfinished** (${g.stream.painted} painted)`,
          ];
        }),
      ),
    );
  }

  const once = [];
  if (r.startup) {
    const s = r.startup;
    once.push(
      fail(s)
        ? ['process start → window interactive', fail(s), '', '']
        : [
            'process start → window interactive (composer enabled)',
            f(s.interactive.median),
            range(s.interactive),
            `${times(s.launches, 'launch')}${s.notes.length ? '; ' + s.notes.join('; ') : ''}`,
          ],
    );
  }
  if (r.startup && !r.startup.error) {
    const s = r.startup;
    once.push([
      'idle window (nothing happening): frames/s',
      f(s.idleFps.median),
      range(s.idleFps),
      `max frame gap ${f(s.idleGapMax.median)} ms (median over launches): the ceiling for every frames/s figure`,
    ]);
  }
  if (r.reopen) {
    const s = r.reopen;
    once.push(
      fail(s)
        ? ['reopen a saved conversation', fail(s), '', '']
        : [
            `reopen a conversation of ${n(s.n)} events: click → last token painted`,
            f(s.clickToLastToken.median),
            range(s.clickToLastToken),
            `${times(s.launches, 'launch')}; all there: ${s.ok ? 'yes' : '**no**'}`,
          ],
    );
  }
  if (r.scroll) {
    const s = r.scroll;
    once.push(
      fail(s)
        ? ['scroll a long conversation', fail(s), '', '']
        : [
            `scroll ${s.turns} turns bottom → top: frames/s`,
            f(s.frames.fps),
            '',
            `gap p99 ${f(s.frames.gapP99)} ms, max ${f(s.frames.gapMax)} ms; ${s.scrolledPx} px; ${s.answersInDom} answers in the DOM; open → first answer painted ${f(s.clickToFirstAnswerPaintedMs)} ms`,
          ],
    );
  }
  if (once.length) {
    out.push('### Startup, reopen, scroll');
    out.push(table(['what', 'median', 'min–max', 'notes'], once));
  }
  const crashes = ids.filter((id) => r[id].crashes?.length);
  if (crashes.length) {
    out.push('### Crashes');
    out.push(
      crashes
        .flatMap((id) =>
          r[id].crashes.map(
            (c) =>
              `- ${id}, attempt ${c.attempt}: ${c.error}${c.kernel.length ? ` — kernel: ${c.kernel.join('; ')}` : ''}${r[id].error ? '' : ' (the figures above are from the next attempt)'}`,
          ),
        )
        .join('\n'),
    );
  }
  return out.join('\n\n') + '\n';
}
