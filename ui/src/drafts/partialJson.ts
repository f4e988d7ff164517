// Incremental parser for a tool call's arguments as they stream: a JSON object whose fields fill
// in while the text arrives in fragments. Each `feed` costs O(fragment), not O(text so far), and
// `fields` always holds what is known: complete strings, and the growing string being written.
//
// Top-level string, number, boolean and null values are read; nested objects and arrays are
// skipped (drafting tools have flat arguments). Anything malformed stops the parser (`failed`),
// keeping what it had read.

type Mode =
  | 'start' // before `{`
  | 'key_or_end' // after `{` or `,`: expecting `"` or `}`
  | 'key' // inside a key string
  | 'colon'
  | 'value' // expecting a value
  | 'string' // inside a string value
  | 'scalar' // inside a number / true / false / null
  | 'nested' // inside a nested object or array (skipped)
  | 'after_value' // expecting `,` or `}`
  | 'done'
  | 'failed';

export type PartialValue = string | number | boolean | null;

export class PartialJsonObject {
  /** The fields read so far; a string being written holds its prefix. */
  readonly fields: Record<string, PartialValue> = {};
  /** The field currently being written, if any. */
  current: string | null = null;
  private mode: Mode = 'start';
  private key = '';
  private buf = '';
  private escape: string | null = null; // pending escape sequence after `\`
  private depth = 0;
  private nestedInString = false;
  private nestedEscape = false;

  get done(): boolean {
    return this.mode === 'done';
  }

  get failed(): boolean {
    return this.mode === 'failed';
  }

  feed(fragment: string): this {
    for (const c of fragment) {
      if (this.mode === 'failed') break;
      this.step(c);
    }
    // Publish the growing string once per fragment, not per character.
    if (this.mode === 'string') this.fields[this.key] = this.buf;
    return this;
  }

  private fail() {
    this.mode = 'failed';
    this.current = null;
  }

  private step(c: string) {
    const ws = c === ' ' || c === '\n' || c === '\r' || c === '\t';
    switch (this.mode) {
      case 'start':
        if (c === '{') this.mode = 'key_or_end';
        else if (!ws) this.fail();
        return;
      case 'key_or_end':
        if (c === '"') {
          this.mode = 'key';
          this.buf = '';
        } else if (c === '}') this.mode = 'done';
        else if (!ws) this.fail();
        return;
      case 'key':
        if (this.readStringChar(c)) {
          this.key = this.buf;
          this.mode = 'colon';
        }
        return;
      case 'colon':
        if (c === ':') this.mode = 'value';
        else if (!ws) this.fail();
        return;
      case 'value':
        if (ws) return;
        this.buf = '';
        this.current = this.key;
        if (c === '"') {
          this.mode = 'string';
          this.fields[this.key] = '';
        } else if (c === '{' || c === '[') {
          this.mode = 'nested';
          this.depth = 1;
        } else if (/[-0-9tfn]/.test(c)) {
          this.mode = 'scalar';
          this.buf = c;
        } else this.fail();
        return;
      case 'string':
        if (this.readStringChar(c)) {
          this.fields[this.key] = this.buf;
          this.mode = 'after_value';
          this.current = null;
        }
        return;
      case 'scalar':
        if (c === ',' || c === '}' || ws) {
          const value = parseScalar(this.buf);
          if (value === undefined) return this.fail();
          this.fields[this.key] = value;
          this.current = null;
          this.mode = 'after_value';
          if (!ws) this.step(c);
        } else this.buf += c;
        return;
      case 'nested':
        this.skipNested(c);
        return;
      case 'after_value':
        if (c === ',') this.mode = 'key_or_end';
        else if (c === '}') this.mode = 'done';
        else if (!ws) this.fail();
        return;
      case 'done':
        if (!ws) this.fail();
        return;
    }
  }

  /** Reads one character of a string body into `buf`; true when the closing quote was read. */
  private readStringChar(c: string): boolean {
    if (this.escape !== null) {
      this.escape += c;
      const seq = this.escape;
      if (seq[0] === 'u') {
        if (seq.length < 5) return false;
        const code = Number.parseInt(seq.slice(1), 16);
        if (Number.isNaN(code)) {
          this.fail();
          return false;
        }
        this.buf += String.fromCharCode(code); // surrogate halves pair up in the JS string
      } else {
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (!(seq in simple)) {
          this.fail();
          return false;
        }
        this.buf += simple[seq];
      }
      this.escape = null;
      return false;
    }
    if (c === '\\') {
      this.escape = '';
      return false;
    }
    if (c === '"') return true;
    this.buf += c;
    return false;
  }

  private skipNested(c: string) {
    if (this.nestedInString) {
      if (this.nestedEscape) this.nestedEscape = false;
      else if (c === '\\') this.nestedEscape = true;
      else if (c === '"') this.nestedInString = false;
      return;
    }
    if (c === '"') this.nestedInString = true;
    else if (c === '{' || c === '[') this.depth++;
    else if (c === '}' || c === ']') {
      this.depth--;
      if (this.depth === 0) {
        this.mode = 'after_value';
        this.current = null;
      }
    }
  }
}

function parseScalar(text: string): PartialValue | undefined {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null') return null;
  if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(text)) return Number(text);
  return undefined;
}
