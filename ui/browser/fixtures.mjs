// Scripted answers for the browser tests.

export const LONG_MARKDOWN = `## A day in Tokyo under $200

Here is a plan that keeps **transport cheap** and leaves time to wander. Prices are in US dollars and
rounded; check the [JR East fares](https://www.jreast.co.jp/e/) before you go.

### Morning

1. Breakfast at a *kissaten* near Ueno (about $8).
2. Walk through Ueno Park to the Tokyo National Museum ($7 entry).
3. Take the Yamanote line to Harajuku with a \`Suica\` card.

### Budget

| Item | Cost | Notes |
|:-----|-----:|-------|
| Transport | $12 | Suica, about 8 rides |
| Food | $45 | three meals and snacks |
| Museums | $15 | two entries |
| **Total** | **$72** | well under budget |

### Checking the total in code

\`\`\`ts
const costs = { transport: 12, food: 45, museums: 15 };
// Sum every line of the budget.
const total = Object.values(costs).reduce((a, b) => a + b, 0);
console.log(\`total: $\${total}\`); // total: $72
\`\`\`

> Tip: most temples are free, and the evening view from the Tokyo Metropolitan Government Building costs nothing.

That leaves **$128** for a night out.`;

/** About `count` tokens of varied Markdown (headings, paragraphs, lists, tables, code). */
export function markdownTokens(count, tokenize) {
  const words = 'the agent reads each file then writes a short summary of what changed and why it matters for the release'.split(' ');
  const tokens = [];
  let section = 0;
  while (tokens.length < count) {
    section++;
    const parts = [];
    parts.push(`## Section ${section}\n\n`);
    let para = '';
    for (let i = 0; i < 60; i++) para += `${i === 0 ? 'The' : words[(i * 7 + section) % words.length]}${i % 13 === 12 ? ', ' : ' '}`;
    parts.push(`${para.trim()} with \`inline code\` and a [link](https://example.com/${section}).\n\n`);
    parts.push('- first point about the change\n- second point, **bold** and *italic*\n- third point\n\n');
    parts.push('| file | lines | state |\n|---|---:|---|\n');
    for (let r = 0; r < 4; r++) parts.push(`| src/mod${r}.rs | ${r * 17 + section} | ok |\n`);
    parts.push('\n```rust\n');
    for (let l = 0; l < 6; l++) parts.push(`fn step_${l}(x: u32) -> u32 { x * ${l + 2} + ${section} } // line ${l}\n`);
    parts.push('```\n\n');
    for (const part of parts) tokens.push(...tokenize(part));
  }
  return tokens.slice(0, count);
}
