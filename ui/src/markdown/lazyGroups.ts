// Which full groups (of blocks, or of a long block's chunks) are drawn lazily: with
// `content-visibility: auto` (the .md-group-lazy and .md-chunk-group-lazy rules), a group off
// screen is neither laid out nor painted, so a frame's layout and paint follow what is on screen,
// not the length of the answer. Its size while skipped is the size it was last drawn at
// (`contain-intrinsic-size: auto`), which every group records from its first layout on.
//
// A group is made lazy only once its size is known and final: it filled while its answer was shown
// (it was laid out, complete, before it could be skipped), and another group has filled after it
// since (and the group after that has an item). WebKit records a group's size some frames late; a group made lazy the moment it filled
// could be skipped at a size from before its last blocks, then drawn again at its full size, and
// the page under it would move (measured in WebKitGTK 2.50: groups 100-300 px short at first).
// Groups already full when the answer is first drawn (a conversation reopened from the history)
// are drawn as before: skipped at once, they would take an estimated height, and the page would
// jump as the user scrolled to them.
import { useState } from 'react';

/**
 * Whether the full group at an index may be lazy, given how many groups are full now and how many
 * items the group being filled holds. The group that may become lazy when a group fills does so
 * only once the next one has an item: not in the frame in which a group fills, which has the most
 * to lay out already (in WebKitGTK, a frame that did both was the longest of a code block's stream).
 */
export function useLazyGroups(full: number, filling: number): (index: number) => boolean {
  // The groups full when this answer (or block) was first drawn.
  const [fullAtFirst] = useState(full);
  const lazyBefore = filling > 0 ? full - 1 : full - 2;
  return (index) => index >= fullAtFirst && index < lazyBefore;
}
