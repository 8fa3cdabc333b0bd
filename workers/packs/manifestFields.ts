/**
 * Path-aware field readers for manifest validation. Each one either returns the typed value or throws
 * PackError('pack-invalid') with a message that names the JSON path ("graphs.detector.queries must be …").
 */
import { PackError } from './packError';

export type JsonObject = Record<string, unknown>;

export function invalid(path: string, what: string, value: unknown): never {
  throw new PackError('pack-invalid', `Invalid pack manifest: ${path} ${what}`, `got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

export function objectAt(value: unknown, path: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    invalid(path === '' ? 'the manifest' : path, 'must be an object', value);
  }
  return value as JsonObject;
}

export function stringAt(obj: JsonObject, key: string, path: string): string {
  const value = obj[key];
  if (typeof value !== 'string' || value.trim().length === 0)
    invalid(join(path, key), 'must be a non-empty string', value);
  return value;
}

export function optionalStringAt(obj: JsonObject, key: string, path: string): string | undefined {
  if (obj[key] === undefined) return undefined;
  return stringAt(obj, key, path);
}

export function optionalBooleanAt(obj: JsonObject, key: string, path: string): boolean | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') invalid(join(path, key), 'must be true or false', value);
  return value;
}

export function booleanAt(obj: JsonObject, key: string, path: string): boolean {
  const value = obj[key];
  if (typeof value !== 'boolean') invalid(join(path, key), 'must be true or false', value);
  return value;
}

export function integerAt(obj: JsonObject, key: string, path: string, min: number, what: string): number {
  const value = obj[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) invalid(join(path, key), what, value);
  return value;
}

export function finiteNumberAt(arr: unknown[], index: number, path: string): number {
  const value = arr[index];
  if (typeof value !== 'number' || !Number.isFinite(value))
    invalid(join(path, index), 'must be a finite number', value);
  return value;
}

export function oneOfAt<T extends string>(obj: JsonObject, key: string, path: string, allowed: readonly T[]): T {
  const value = obj[key];
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    invalid(join(path, key), `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value);
  }
  return value as T;
}

export function optionalOneOfAt<T extends string>(
  obj: JsonObject,
  key: string,
  path: string,
  allowed: readonly T[],
): T | undefined {
  if (obj[key] === undefined) return undefined;
  return oneOfAt(obj, key, path, allowed);
}

export function arrayAt(obj: JsonObject, key: string, path: string, minLength: number): unknown[] {
  const value = obj[key];
  if (!Array.isArray(value) || value.length < minLength) {
    invalid(
      join(path, key),
      minLength > 0 ? `must be an array with at least ${minLength} item(s)` : 'must be an array',
      value,
    );
  }
  return value;
}
