/**
 * How many columns the board's tiles get: the arrangement that makes the smallest tile as large as
 * possible in the space there is, for a tile about 1.7 times as wide as high. Eight chairs on a wall
 * display fill the screen in 4 × 2 instead of one strip along the top; sixteen on a tablet make 4 × 4.
 * Below a readable minimum the rows keep that minimum and the board scrolls (the alarm list does not).
 */
export const TILE_ASPECT = 1.7;

export function boardColumns(count: number, width: number, height: number, minWidth: number): number {
  if (count <= 1 || width <= 0 || height <= 0) return 1;
  const most = Math.max(1, Math.min(count, Math.floor(width / minWidth)));
  let best = 1;
  let bestSize = -1;
  for (let cols = 1; cols <= most; cols++) {
    const rows = Math.ceil(count / cols);
    const w = width / cols;
    const h = height / rows;
    // The usable size of a tile of that box: limited by whichever side is short for the aspect.
    const size = Math.min(w, h * TILE_ASPECT);
    if (size > bestSize + 0.5) {
      best = cols;
      bestSize = size;
    }
  }
  return best;
}
