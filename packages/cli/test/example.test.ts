import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runOrder } from '../../../examples/order.js';

describe('examples/order.ts (the README usage example)', () => {
  it('drives the order model through the engine API to the end', () => {
    const workflow = runOrder(
      fileURLToPath(new URL('../../../examples/order.bpmn', import.meta.url)),
    );
    expect(workflow.isCompleted()).toBe(true);
    expect(workflow.data).toMatchObject({
      total: 1048.5,
      approved_by: 'Dana',
      status: 'shipped',
      shipped_at: '2026-03-02T11:01:00',
    });
  });
});
