/** `typeRef` conformance and DMN's implicit conversions for FEEL values. */
import type { ModdleElement } from '@spiff-ts/bpmn';
import { FeelFunction } from 'feelin';
import { many, one, str, type DmnModel, type DmnModelSet } from '../model.js';
import { passesUnaryTests } from './unary.js';
import { builtinType, conformsToBuiltin, isContext } from './values.js';

interface ResolvedType {
  readonly builtin?: string;
  readonly item?: ModdleElement;
  readonly model: DmnModel;
}

function resolveType(set: DmnModelSet, model: DmnModel, typeRef: string): ResolvedType | undefined {
  const local = model.itemDefinitions.get(typeRef);
  if (local !== undefined) return { item: local, model };
  const dot = typeRef.indexOf('.');
  if (dot > 0) {
    const namespace = model.imports.get(typeRef.slice(0, dot));
    const imported = namespace === undefined ? undefined : set.byNamespace.get(namespace);
    const item = imported?.itemDefinitions.get(typeRef.slice(dot + 1));
    if (imported !== undefined && item !== undefined) return { item, model: imported };
  }
  const builtin = builtinType(typeRef);
  return builtin === undefined ? undefined : { builtin, model };
}

function typeRefOf(item: ModdleElement): string {
  const ref = item.typeRef;
  if (typeof ref === 'string') return ref;
  // DMN 1.1 writes <typeRef> as an element
  return str(ref as ModdleElement | undefined, 'text');
}

/** Whether `value` conforms to the type `typeRef` names in `model` (unknown types: yes). */
export function conforms(
  set: DmnModelSet,
  model: DmnModel,
  typeRef: string,
  value: unknown,
): boolean {
  if (value === null || value === undefined || typeRef === '') return true;
  const type = resolveType(set, model, typeRef);
  if (type === undefined) return true;
  if (type.builtin !== undefined) return conformsToBuiltin(value, type.builtin);
  return conformsItem(set, type.model, type.item as ModdleElement, value, true);
}

function conformsItem(
  set: DmnModelSet,
  model: DmnModel,
  item: ModdleElement,
  value: unknown,
  checkCollection: boolean,
): boolean {
  if (value === null || value === undefined) return true;
  if (checkCollection && item.isCollection === true) {
    return Array.isArray(value) && value.every((v) => conformsItem(set, model, item, v, false));
  }
  if (one(item, 'functionItem') !== undefined) return value instanceof FeelFunction;
  const components = many(item, 'itemComponent');
  if (components.length > 0) {
    if (!isContext(value)) return false;
    // A context conforms when it has every component (extra entries are allowed).
    return components.every((component) => {
      const name = str(component, 'name');
      return Object.hasOwn(value, name) && conformsItem(set, model, component, value[name], true);
    });
  }
  const typeRef = typeRefOf(item);
  if (typeRef !== '' && !conforms(set, model, typeRef, value)) return false;
  for (const property of ['allowedValues', 'typeConstraint']) {
    const text = str(one(item, property), 'text');
    if (text !== '' && !passesUnaryTests(text, value)) return false;
  }
  return true;
}

function isCollectionType(set: DmnModelSet, model: DmnModel, typeRef: string): boolean {
  const type = resolveType(set, model, typeRef);
  if (type === undefined) return false;
  if (type.builtin !== undefined) return type.builtin === 'list';
  return type.item?.isCollection === true;
}

/**
 * Applies a `typeRef` to a value as DMN does when a value is bound to a variable: a value
 * that conforms is kept, a singleton list becomes its element (and an element a singleton
 * list) when that makes it conform, and anything else becomes `null`.
 */
export function coerce(
  set: DmnModelSet,
  model: DmnModel,
  typeRef: string,
  value: unknown,
): unknown {
  if (value === undefined) return null;
  if (value === null || typeRef === '') return value;
  if (conforms(set, model, typeRef, value)) return value;
  if (Array.isArray(value) && value.length === 1 && !isCollectionType(set, model, typeRef)) {
    const element: unknown = value[0];
    if (conforms(set, model, typeRef, element)) return element;
  }
  if (!Array.isArray(value) && isCollectionType(set, model, typeRef)) {
    if (conforms(set, model, typeRef, [value])) return [value];
  }
  return null;
}
