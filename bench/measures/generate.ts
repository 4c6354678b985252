/**
 * `generate_60_ms`: the forms engine generating 60 pre-filled workbooks (unit name, period,
 * protection, validations), one per unit of every type, as `tonghop links`/the portal do before
 * a period opens. One warm-up generation first (module loading and JIT are not the user's wait).
 */
import { openPeriod } from '../../functions/core/periods';
import { loadFormKit } from '../lib/forms';
import type { MeasureGroup, MetricRow } from '../lib/result';
import { syntheticUnits } from '../lib/stack';
import { round, timeMs } from '../lib/stats';

const UNITS = 60;

export const generateGroup: MeasureGroup = {
  name: 'generate',
  metrics: ['generate_60_ms'],
  async run(ctx): Promise<MetricRow[]> {
    const kit = await loadFormKit('sap-xep-bo-may');
    const period = openPeriod(kit.form, new Date());
    const units = syntheticUnits(UNITS, 'GEN');
    await kit.generate(units[0]!, period);
    let bytes = 0;
    const ms = await timeMs(async () => {
      for (const unit of units) bytes += (await kit.generate(unit, period)).length;
    });
    ctx.log(`generate: ${UNITS} forms, ${Math.round(bytes / 1024)} KB in all`);
    return [{ metric: 'generate_60_ms', value: round(ms), unit: 'ms', note: `${round(ms / UNITS)} ms per form, ~${Math.round(bytes / UNITS / 1024)} KB each` }];
  },
};
