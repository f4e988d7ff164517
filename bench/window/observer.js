// Page-side observer: what the user sees, and when. Injected with WebDriver executeScript (as a
// statement; it installs `window.__tb` once and is harmless to inject again).
//
// It knows nothing of how the app renders: only the stable hooks below, and the stamp server's
// tokens `w<i>:<epoch_ns>` (epoch ns taken by the server just before the write that carries it).
//
// Time: a frame's time is when its first requestAnimationFrame callback runs, in epoch ms. A token
// is "painted" at the first frame that renders with its text in the DOM: mutations made before the
// frame's callbacks, and mutations made by the page's own rAF callbacks in that frame (which paint
// in that frame too). For the latter, window.requestAnimationFrame is wrapped (pass-through) so
// the MutationObserver, whose microtask runs right after the callback that mutated, knows it is
// inside a frame's callbacks; mutations from any other task wait for the next frame.
//
// Cost per frame is proportional to what the page changed since the last frame, never to the
// answer's length: only added/changed nodes are scanned, a text that merely grew is scanned from
// where its last scan ended, and the whole answer is read once, at the end, to verify it.
(() => {
  if (window.__tb) return;

  const ANSWER = '[data-testid="answer"]';
  const CHIP = '[data-testid="status-chip"]';
  const COMPOSER = '[data-testid="composer-input"]';
  const TOKEN = /w(\d+):(\d{19})/g;
  // A token is at most "w" + 6 digits + ":" + 19 digits; scans resume this far back for safety.
  const OVERLAP = 40;
  // A text that ends in the middle of a token (its rest is in the next text node).
  const PARTIAL_END = /w\d*(?::\d{0,18})?$/;
  // A text that starts in the middle of a token.
  const PARTIAL_START = /^[\d:]/;

  // Epoch ms = performance time + offset, calibrated against Date.now() (CLOCK_REALTIME, the clock
  // the server stamps with) at the moment its millisecond ticks: good to about 1 ms, the resolution
  // of performance.now() in this WebKit.
  function calibrate() {
    const samples = [];
    let prev = Date.now();
    const end = performance.now() + 6;
    while (performance.now() < end && samples.length < 5) {
      const d = Date.now();
      if (d !== prev) {
        samples.push(d - performance.now());
        prev = d;
      }
    }
    if (samples.length === 0) return Date.now() - performance.now();
    samples.sort((a, b) => a - b);
    return samples[samples.length >> 1];
  }
  let toEpoch = calibrate();
  const epochNow = () => performance.now() + toEpoch;

  // Per-measurement state, reset by arm().
  let m = null;
  // Nodes added or changed since they were last scanned.
  let pending = new Set();
  // Set while one of the page's rAF callbacks (and the microtasks it queued) runs, else null.
  let inFrame = null;
  // Where each text node's last scan ended: node -> the text it had then.
  let scannedText = new WeakMap();
  // The last few long element texts scanned: a re-rendered block usually starts with its old text.
  let longTexts = [];
  // Startup: the first frame at which the composer exists and is enabled.
  let composerReadyAt = null;
  const installedAt = epochNow();
  const composerAtInstall = composerReady();

  function composerReady() {
    const el = document.querySelector(COMPOSER);
    return !!el && !el.disabled;
  }

  function arm(opts) {
    toEpoch = calibrate();
    const n = opts.n | 0;
    m = {
      n,
      // Tokens stamped before this are from earlier answers still on screen: ignored.
      minStampMs: opts.anyStamp ? -Infinity : epochNow() - 2,
      armedAt: epochNow(),
      frames: [],
      cost: [],
      seenAt: new Float64Array(n).fill(NaN),
      latency: new Float64Array(n).fill(NaN),
      firstStamp: NaN,
      lastStamp: NaN,
      seen: 0,
      maxIndex: -1,
      outOfRange: 0,
      keydownAt: null,
      clickAt: null,
      chipAt: null,
      watchChip: !!opts.watchChip,
      scroll: null,
    };
    pending = new Set();
    scannedText = new WeakMap();
    longTexts = [];
    return m.armedAt;
  }

  // The Enter that sends, and the click that opens a conversation: when the user acted.
  window.addEventListener(
    'keydown',
    (e) => {
      if (m && m.keydownAt === null && e.key === 'Enter' && !e.shiftKey && e.target.matches?.(COMPOSER)) {
        m.keydownAt = e.timeStamp + toEpoch;
      }
    },
    true,
  );
  for (const type of ['pointerdown', 'mousedown', 'click']) {
    window.addEventListener(
      type,
      (e) => {
        if (m && m.clickAt === null) m.clickAt = e.timeStamp + toEpoch;
      },
      true,
    );
  }

  const mo = new MutationObserver((records) => {
    if (!m) return;
    for (const r of records) {
      if (r.type === 'characterData') pending.add(r.target);
      else for (const node of r.addedNodes) pending.add(node);
    }
    if (inFrame !== null) flush(frameAt);
  });
  mo.observe(document.documentElement, { childList: true, subtree: true, characterData: true });

  // All callbacks of one frame get the same timestamp: the first to run starts the frame.
  let frameTs = null;
  let frameAt = null;
  function enterFrame(ts) {
    if (ts === frameTs) return;
    frameTs = ts;
    // The time now rather than `ts`: some engines give a frame its vsync time, which can precede
    // mutations made before the frame's callbacks (and painted by it).
    const t = (frameAt = epochNow());
    if (composerReadyAt === null && composerReady()) composerReadyAt = t;
    if (!m) return;
    m.frames.push(t);
    flush(t);
    if (m.scroll) scrollStep(t);
  }

  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (callback) =>
    raf((ts) => {
      enterFrame(ts);
      inFrame = ts;
      try {
        callback(ts);
      } finally {
        // Queued after the MutationObserver's delivery for this callback's mutations, so that
        // delivery still sees inFrame set.
        queueMicrotask(() => {
          inFrame = null;
        });
      }
    });

  function frame(ts) {
    raf(frame);
    enterFrame(ts);
  }
  raf(frame);

  function flush(t) {
    if (pending.size === 0) return;
    const started = performance.now();
    const nodes = pending;
    pending = new Set();
    const targets = [];
    for (const node of nodes) {
      if (!node.isConnected) continue;
      const el = node.nodeType === 1 ? node : node.parentElement;
      if (!el) continue;
      if (m.watchChip && m.chipAt === null && node.nodeType === 1 && (el.matches(CHIP) || el.querySelector(CHIP))) {
        m.chipAt = t;
      }
      const answer = el.closest(ANSWER);
      if (answer) {
        if (!hasAncestorIn(node, nodes, answer)) targets.push([node, answer]);
      } else if (node.nodeType === 1) {
        // A whole turn or conversation was added: its answers are new.
        for (const a of el.querySelectorAll(ANSWER)) targets.push([a, a]);
      }
    }
    for (const [node, answer] of targets) scanNode(node, answer, t);
    // The chip is looked for only until the answer starts (afterwards it would cost a query per frame).
    if (m.seen > 0) m.watchChip = false;
    m.cost.push(performance.now() - started);
  }

  function hasAncestorIn(node, set, stop) {
    for (let p = node.parentNode; p && p !== stop.parentNode; p = p.parentNode) if (set.has(p)) return true;
    return false;
  }

  function scanNode(node, answer, t) {
    const isText = node.nodeType === 3;
    const text = isText ? node.data : node.textContent;
    let from = 0;
    if (isText) {
      const before = scannedText.get(node);
      if (before !== undefined && text.startsWith(before)) from = Math.max(0, before.length - OVERLAP);
      scannedText.set(node, text);
    } else if (text.length > 4096) {
      // A block re-rendered whole: skip the part that was already scanned, if it is unchanged.
      for (const old of longTexts) {
        const keep = old.length - 64;
        if (keep > 0 && text.length >= old.length && text.startsWith(keep === old.length ? old : old.slice(0, keep))) {
          from = Math.max(from, keep - OVERLAP);
        }
      }
      longTexts.unshift(text);
      if (longTexts.length > 8) longTexts.pop();
    }
    scanText(text, from, t);
    // A token split across text nodes (e.g. by highlighting spans): read a little of the neighbours.
    if (from === 0 && PARTIAL_START.test(text)) scanText(neighbourText(node, answer, false) + text.slice(0, OVERLAP), 0, t);
    if (PARTIAL_END.test(text.slice(-OVERLAP))) scanText(text.slice(-OVERLAP) + neighbourText(node, answer, true), 0, t);
  }

  /** Up to OVERLAP characters of text before (or after) `node` inside `answer`, in document order. */
  function neighbourText(node, answer, after) {
    const walker = document.createTreeWalker(answer, NodeFilter.SHOW_TEXT);
    let edge = node;
    if (after) while (edge.lastChild) edge = edge.lastChild;
    walker.currentNode = edge;
    let s = '';
    while (s.length < OVERLAP && (after ? walker.nextNode() : walker.previousNode())) {
      s = after ? s + walker.currentNode.data : walker.currentNode.data + s;
    }
    return after ? s.slice(0, OVERLAP) : s.slice(-OVERLAP);
  }

  function scanText(text, from, t) {
    TOKEN.lastIndex = from;
    let match;
    while ((match = TOKEN.exec(text)) !== null) {
      const i = Number(match[1]);
      if (i >= m.n) {
        m.outOfRange++;
        continue;
      }
      if (m.seenAt[i] === m.seenAt[i]) continue; // already seen (not NaN)
      const digits = match[2];
      const stampMs = Number(digits.slice(0, 13)) + Number(digits.slice(13)) / 1e6;
      if (stampMs < m.minStampMs) continue;
      m.seenAt[i] = t;
      m.latency[i] = t - stampMs;
      if (i === 0) m.firstStamp = stampMs;
      if (i === m.n - 1) m.lastStamp = stampMs;
      m.seen++;
      if (i > m.maxIndex) m.maxIndex = i;
    }
  }

  // Programmatic scrolling, bottom to top over `ms`: one scrollTop change per frame.
  function startScroll(ms) {
    const el = scrollerOf(document.querySelector(ANSWER));
    if (!el) return 'no scrollable ancestor of an answer';
    el.scrollTop = el.scrollHeight;
    const top = el.scrollTop;
    m.frames = [];
    m.scroll = { el, top, ms, start: null, steps: 0, done: false, startHeight: el.scrollHeight };
    return null;
  }
  function scrollStep(t) {
    const s = m.scroll;
    if (s.done) return;
    if (s.start === null) s.start = t;
    const progress = Math.min(1, (t - s.start) / s.ms);
    s.el.scrollTop = Math.round(s.top * (1 - progress));
    s.steps++;
    if (progress >= 1) {
      s.done = true;
      s.end = t;
    }
  }
  function scrollerOf(el) {
    for (let p = el?.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowY;
      if ((o === 'auto' || o === 'scroll') && p.scrollHeight > p.clientHeight) return p;
    }
    return document.scrollingElement;
  }

  /** Reads the newest answer once and checks tokens 0..n-1 are all there, once each, in order. */
  function verify() {
    const answers = document.querySelectorAll(ANSWER);
    const answer = answers[answers.length - 1];
    const text = answer ? answer.textContent : '';
    const count = new Uint32Array(m.n);
    let total = 0;
    let outOfOrder = 0;
    let prev = -1;
    let extra = 0;
    TOKEN.lastIndex = 0;
    let match;
    while ((match = TOKEN.exec(text)) !== null) {
      const i = Number(match[1]);
      total++;
      if (i >= m.n) {
        extra++;
        continue;
      }
      count[i]++;
      if (i !== prev + 1) outOfOrder++;
      prev = i;
    }
    let missing = 0;
    let duplicated = 0;
    let unobserved = 0;
    for (let i = 0; i < m.n; i++) {
      if (count[i] === 0) missing++;
      else if (count[i] > 1) duplicated++;
      if (count[i] > 0 && m.seenAt[i] !== m.seenAt[i]) unobserved++;
    }
    return { answers: answers.length, chars: text.length, total, missing, duplicated, outOfOrder, extra, unobserved };
  }

  const round = (x) => (x === x ? Math.round(x * 100) / 100 : null);

  window.__tb = {
    installedAt,
    composerAtInstall,
    arm,
    startScroll,
    composerReadyAt: () => composerReadyAt,
    progress() {
      if (!m) return null;
      return {
        seen: m.seen,
        maxIndex: m.maxIndex,
        frames: m.frames.length,
        now: epochNow(),
        stop: !!document.querySelector('[data-testid="stop-button"]'),
        error: document.querySelector('[data-testid="turn-error"]')?.textContent ?? null,
        scrollDone: m.scroll ? m.scroll.done : null,
      };
    },
    /** Everything measured since arm(), in epoch ms; `full` adds per-token arrays. */
    result(full = true) {
      const s = m.scroll;
      return {
        n: m.n,
        armedAt: m.armedAt,
        keydownAt: m.keydownAt,
        clickAt: m.clickAt,
        chipAt: m.chipAt,
        token0At: round(m.seenAt[0] ?? NaN),
        lastTokenAt: round(m.seenAt[m.n - 1] ?? NaN),
        firstStamp: m.firstStamp,
        lastStamp: m.lastStamp,
        seen: m.seen,
        outOfRange: m.outOfRange,
        frames: m.frames.map(round),
        cost: m.cost.map(round),
        seenAt: full ? Array.from(m.seenAt, round) : undefined,
        latency: full ? Array.from(m.latency, round) : undefined,
        verify: m.n > 0 ? verify() : null,
        scroll: s && {
          top: s.top,
          steps: s.steps,
          start: s.start,
          end: s.end ?? null,
          finalTop: s.el.scrollTop,
          startHeight: s.startHeight,
          answersInDom: document.querySelectorAll(ANSWER).length,
        },
      };
    },
  };
})();
