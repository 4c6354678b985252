import { createChartRenderer } from '../../functions/adapters/echarts-chart-renderer';
import type { ChartRenderer } from '../../functions/core/briefing/model';

let shared: ChartRenderer | undefined;
/** The real chart renderer, one per test worker (its WebAssembly module loads once). */
export function testChartRenderer(): ChartRenderer {
  shared ??= createChartRenderer();
  return shared;
}
