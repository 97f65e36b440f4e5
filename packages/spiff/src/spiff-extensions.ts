import type { ModdleElement } from '@spiff-ts/bpmn';

/** A `spiffworkflow:serviceTaskOperator`: which connector a service task calls, and how. */
export interface SpiffServiceOperator {
  /** The operator id, e.g. `http/GetRequest`. */
  readonly name: string;
  readonly resultVariable: string | null;
  /** Parameter id → its type and value expression (parameters without a value are left out). */
  readonly parameters: Readonly<Record<string, { readonly type: string; readonly value: string }>>;
  readonly retries?: number;
  readonly retryBackoffBase?: number;
}

/** A `spiffworkflow:unitTest` of a script task. */
export interface SpiffUnitTest {
  readonly id: string;
  readonly inputJson: string;
  readonly expectedOutputJson: string;
}

/** A `spiffworkflow:processVariableCorrelation` of a message event. */
export interface SpiffProcessVariableCorrelation {
  readonly propertyId: string;
  readonly expression: string;
}

/** The text extension elements; `null` when the element is empty. */
export type SpiffTextExtension =
  | 'preScript'
  | 'postScript'
  | 'calledDecisionId'
  | 'instructionsForEndUser'
  | 'messagePayload'
  | 'messageVariable'
  | 'payloadExpression'
  | 'variableName'
  | 'allowGuest'
  | 'guestConfirmation'
  | 'signalButtonLabel'
  | 'processModelToStartOnTaskAvailable'
  | 'category';

/**
 * The `spiffworkflow:` children of an element's `extensionElements`, as SpiffWorkflow's
 * `task_spec.extensions` holds them. A key is present only when its element is.
 */
export type SpiffExtensions = {
  readonly [K in SpiffTextExtension]?: string | null;
} & {
  readonly properties?: Readonly<Record<string, string>>;
  readonly unitTests?: readonly SpiffUnitTest[];
  readonly serviceTaskOperator?: SpiffServiceOperator;
  readonly taskMetadataValues?: Readonly<Record<string, string | null>>;
  readonly processVariableCorrelations?: readonly SpiffProcessVariableCorrelation[];
};

const PREFIX = 'spiffworkflow:';

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const many = (value: unknown): readonly ModdleElement[] =>
  Array.isArray(value) ? (value as ModdleElement[]) : [];
/** Whether moddle read `element` without a type (its namespace had no package). */
const isGeneric = (element: ModdleElement): boolean =>
  (element as { readonly $descriptor?: { readonly isGeneric?: boolean } }).$descriptor
    ?.isGeneric === true;

/**
 * Collects the `spiffworkflow:` extension elements directly under `element`'s
 * `extensionElements`, from a tree read with the flavour's moddle package (a plain
 * `readBpmnXml` leaves them generic elements, which this skips). Matches SpiffWorkflow: when an element
 * repeats, the last one wins, and an empty text element gives `null`.
 *
 * @example
 * ```ts
 * const doc = readBpmnXml(text, { file: 'order.bpmn', moddle: spiffFlavour.moddle });
 * const { preScript, serviceTaskOperator } = spiffExtensions(doc.elementsById.get('task_1')!);
 * ```
 */
export function spiffExtensions(element: ModdleElement): SpiffExtensions {
  const container = element['extensionElements'] as ModdleElement | undefined;
  const out: Record<string, unknown> = {};
  const correlations: SpiffProcessVariableCorrelation[] = [];
  for (const child of many(container?.['values'])) {
    if (!child.$type.startsWith(PREFIX) || isGeneric(child)) continue;
    const type = child.$type.slice(PREFIX.length);
    const key = type.charAt(0).toLowerCase() + type.slice(1);
    switch (type) {
      case 'Properties':
        out[key] = Object.fromEntries(
          many(child['properties']).map((p) => [str(p['name']) ?? '', str(p['value']) ?? '']),
        );
        break;
      case 'UnitTests':
        out[key] = many(child['unitTests']).map((t) => ({
          id: str(t['id']) ?? '',
          inputJson: str(t['inputJson']) ?? '',
          expectedOutputJson: str(t['expectedOutputJson']) ?? '',
        }));
        break;
      case 'ServiceTaskOperator':
        out[key] = serviceOperator(child);
        break;
      case 'TaskMetadataValues':
        out[key] = Object.fromEntries(
          many(child['taskMetadataValues']).map((v) => [
            str(v['name']) ?? '',
            str(v['value']) ?? null,
          ]),
        );
        break;
      case 'ProcessVariableCorrelation':
        correlations.push({
          propertyId: str(child['propertyId']) ?? '',
          expression: str(child['expression']) ?? '',
        });
        break;
      default:
        out[key] = str(child['value']) ?? null;
    }
  }
  if (correlations.length > 0) out['processVariableCorrelations'] = correlations;
  return out as SpiffExtensions;
}

function serviceOperator(node: ModdleElement): SpiffServiceOperator {
  const list = node['parameters'] as ModdleElement | undefined;
  const parameters = Object.fromEntries(
    many(list?.['parameters']).flatMap((parameter) => {
      const value = str(parameter['value']);
      const type = str(parameter['type']) ?? '';
      return value === undefined ? [] : [[str(parameter['id']) ?? '', { type, value }]];
    }),
  ) as Record<string, { type: string; value: string }>;
  const retry = node['retry'] as ModdleElement | undefined;
  const retries = retry?.['retries'];
  const backoff = retry?.['backoff_base'];
  return {
    name: str(node['id']) ?? '',
    resultVariable: str(node['resultVariable']) ?? null,
    parameters,
    ...(typeof retries === 'number' ? { retries } : {}),
    ...(typeof backoff === 'number' ? { retryBackoffBase: backoff } : {}),
  };
}
