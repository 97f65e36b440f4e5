/**
 * dmn-moddle knows DMN 1.3. DMN 1.4 and 1.5 add a few boxed expressions (conditional, filter,
 * iterators) and item definition constraints; this package is dmn-moddle's DMN 1.3 descriptor
 * plus those types, so 1.4/1.5 files read with the same reader.
 */
import dmn13 from 'dmn-moddle/resources/dmn/json/dmn13.json' with { type: 'json' };

const child = (name: string, type = 'ChildExpression') => ({
  name,
  type,
  xml: { serialize: 'property' },
});

const addedTypes = [
  {
    name: 'ChildExpression',
    properties: [
      { name: 'id', type: 'String', isAttr: true },
      { name: 'expression', type: 'Expression' },
    ],
  },
  {
    name: 'TypedChildExpression',
    superClass: ['ChildExpression'],
    properties: [{ name: 'typeRef', type: 'String', isAttr: true }],
  },
  {
    name: 'Conditional',
    superClass: ['Expression'],
    properties: [child('if'), child('then'), child('else')],
  },
  { name: 'Filter', superClass: ['Expression'], properties: [child('in'), child('match')] },
  {
    name: 'Iterator',
    isAbstract: true,
    superClass: ['Expression'],
    properties: [child('in', 'TypedChildExpression')],
  },
  {
    name: 'For',
    superClass: ['Iterator'],
    properties: [{ name: 'iteratorVariable', type: 'String', isAttr: true }, child('return')],
  },
  {
    name: 'Quantified',
    isAbstract: true,
    superClass: ['Iterator'],
    properties: [{ name: 'iteratorVariable', type: 'String', isAttr: true }, child('satisfies')],
  },
  { name: 'Some', superClass: ['Quantified'], properties: [] },
  { name: 'Every', superClass: ['Quantified'], properties: [] },
];

interface Descriptor {
  readonly types: readonly { readonly name: string; readonly properties?: readonly object[] }[];
}

const base = dmn13 as unknown as Descriptor & Record<string, unknown>;

/** dmn-moddle's `dmn` package with the DMN 1.4/1.5 additions. */
export const dmn15Package: Record<string, unknown> = {
  ...base,
  types: [
    ...base.types.map((type) =>
      type.name === 'ItemDefinition'
        ? {
            ...type,
            properties: [
              ...(type.properties ?? []),
              { name: 'typeConstraint', type: 'UnaryTests', xml: { serialize: 'property' } },
            ],
          }
        : type,
    ),
    ...addedTypes,
  ],
};
