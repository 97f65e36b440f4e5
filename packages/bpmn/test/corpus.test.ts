import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BpmnModdle } from 'bpmn-moddle';
import { describe, expect, it } from 'vitest';
import { ValidationError, readBpmnXml, readDmnXml } from '@spiff-ts/bpmn';

// Reads every model of the spiff behaviour corpus (../shared, next to the repository) at run
// time; nothing from it is copied into the repository.
const MODELS = fileURLToPath(
  new URL('../../../../shared/conformance/spiff/models/', import.meta.url),
);
const present = existsSync(MODELS);

/** Models the reader must reject, and why. None is loaded by a scenario. */
const EXPECTED_FAILURES: Readonly<Record<string, RegExp>> = {
  'bpmn/data/data_object_invalid.bpmn': /duplicate ID <DataObjectReference_0cm8dnh>/,
};

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
}

interface AsyncModdle {
  fromXML(xml: string): Promise<{
    rootElement: unknown;
    elementsById: Record<string, unknown>;
    warnings: unknown[];
  }>;
}

const models = present
  ? walk(MODELS)
      .map((path) => relative(MODELS, path))
      .filter((file) => /\.(bpmn|dmn|bpmn20\.xml)$/.test(file))
  : [];

describe('the spiff corpus models', () => {
  if (!present) {
    it('reports the missing corpus', () => {
      console.warn(`spiff corpus not found at ${MODELS}: models not read`);
      expect(present).toBe(false);
    });
    return;
  }

  it('has models', () => {
    expect(models.length).toBeGreaterThan(100);
  });

  it.each(models)('reads %s', (file) => {
    const text = readFileSync(join(MODELS, file), 'utf8');
    const read = () =>
      file.endsWith('.dmn') ? readDmnXml(text, { file }) : readBpmnXml(text, { file });
    const failure = EXPECTED_FAILURES[file];
    if (failure === undefined) {
      const doc = read();
      const lineStarts = [0, ...[...text.matchAll(/\n/g)].map((m) => (m.index ?? 0) + 1)];
      for (const [id, line] of doc.lines) {
        // The start tag that begins on that line carries the id.
        const from = lineStarts[line - 1] ?? 0;
        const tag = text.slice(text.indexOf('<', from), text.indexOf('>', from) + 1);
        expect(tag).toMatch(
          new RegExp(`\\sid\\s*=\\s*["']${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']`),
        );
      }
    } else {
      expect(read).toThrow(ValidationError);
      expect(read).toThrow(failure);
    }
  });

  // The reader takes moddle's result synchronously (see read-xml.ts); check that it is the
  // result moddle hands over asynchronously.
  it.each(models.filter((file) => !file.endsWith('.dmn') && EXPECTED_FAILURES[file] === undefined))(
    'reads %s as moddle.fromXML does',
    async (file) => {
      const text = readFileSync(join(MODELS, file), 'utf8');
      // Without a flavour's packages: vendor extensions are generic elements on both sides.
      const moddle = BpmnModdle() as AsyncModdle;
      const expected = await moddle.fromXML(text);
      const doc = readBpmnXml(text, { file });
      expect([...doc.elementsById.keys()]).toEqual(Object.keys(expected.elementsById));
      expect(doc.warnings.length).toBe(expected.warnings.length);
      expect(JSON.stringify(doc.definitions)).toBe(JSON.stringify(expected.rootElement));
    },
  );
});
