import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runSpecFile } from '@spiff-ts/cli';

const example = fileURLToPath(new URL('../../../examples/order.xml', import.meta.url));

describe('running the order example', () => {
  it('takes the automatic approval for a vip customer and joins pack and bill', () => {
    const result = runSpecFile(example, { customer: 'vip' });
    expect(result.completed).toBe(true);
    expect(result.trace).toEqual([
      'Start',
      '  receive_order',
      '    check_customer',
      '      auto_approve',
      '        approved',
      '          pack',
      '          bill',
      '            ready_to_ship',
      '              ship',
      '                End',
    ]);
    expect(result.data).toEqual({ customer: 'vip' });
  });

  it('takes the manager approval for anyone else', () => {
    const result = runSpecFile(example, { customer: 'regular' });
    expect(result.completed).toBe(true);
    expect(result.trace).toContain('      manager_approval');
    expect(result.trace).not.toContain('      auto_approve');
  });

  it('names the file when it does not exist', () => {
    expect(() => runSpecFile('no/such/spec.xml')).toThrow(/spec\.xml/);
  });
});
