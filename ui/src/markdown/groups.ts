// Items that only grow (an answer's completed blocks, a long block's cut chunks), kept in groups of
// a fixed size. A full group is never changed again and stays the same array, so the component that
// draws it (memoised) is skipped by every later render, and the page lays out its element once: a
// frame touches the last group only, not every item of the answer.

export class Groups<T> {
  private groups: (readonly T[])[] = [];
  private filling: T[] = [];
  private view: readonly (readonly T[])[] = [];

  constructor(readonly size: number) {}

  push(item: T): void {
    this.filling.push(item);
    if (this.filling.length === this.size) {
      this.groups.push(this.filling);
      this.filling = [];
    }
  }

  /** The full groups: the same array until another group fills, each group the same array for good. */
  full(): readonly (readonly T[])[] {
    if (this.view.length !== this.groups.length) this.view = this.groups.slice();
    return this.view;
  }

  /** Items after the last full group, in a new array. */
  rest(): readonly T[] {
    return this.filling.slice();
  }
}
