import type uPlot from 'uplot';

/**
 * Keeps a uPlot chart as wide as its element (at the height it was made with). Returns the effect's
 * cleanup: stop following the element and destroy the chart.
 */
export function followWidth(chart: uPlot, element: HTMLElement): () => void {
  const resize = new ResizeObserver(() => chart.setSize({ width: element.clientWidth, height: chart.height }));
  resize.observe(element);
  return () => {
    resize.disconnect();
    chart.destroy();
  };
}
