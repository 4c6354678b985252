import type { MeasureGroup } from '../lib/result';
import { NotAvailableError } from '../lib/result';

export const consolidateGroup: MeasureGroup = {
  name: 'consolidate',
  metrics: [],
  async run() {
    throw new NotAvailableError('todo');
  },
};
