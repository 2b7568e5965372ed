import * as z from 'zod';
import { configSchema } from './schema.ts';

/** The file editors read (`# yaml-language-server: $schema=./rundschau.schema.json`); `rundschau schema` prints it. */
export const JSON_SCHEMA_FILE = 'rundschau.schema.json';
/** The first line of a config file that points editors (YAML language server) at the schema beside it. */
export const SCHEMA_COMMENT = `# yaml-language-server: $schema=./${JSON_SCHEMA_FILE}`;

type JsonObject = { [key: string]: unknown };

/**
 * JSON Schema (draft 2020-12) of what an operator may write in rundschau.yaml, generated from the zod schema so the
 * two cannot drift: the input side (durations as `15m` or seconds, defaults optional). The loader drops keys whose
 * value is empty (`server:` with nothing under it), so every property also accepts null.
 */
export function configJsonSchema(): JsonObject {
  const schema = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' }) as JsonObject;
  allowEmptyValues(schema);
  return {
    $schema: schema.$schema,
    title: 'rundschau.yaml',
    description: 'rundschau configuration: sources, topics, fetch defaults and the web server',
    ...schema,
  };
}

/** The schema as the bundled file holds it: two-space JSON and a final newline. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

function allowEmptyValues(node: unknown): void {
  if (Array.isArray(node)) {
    for (const child of node) allowEmptyValues(child);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const object = node as JsonObject;
  for (const child of Object.values(object)) allowEmptyValues(child);
  const properties = object.properties as JsonObject | undefined;
  if (object.type === 'object' && properties) {
    for (const [key, property] of Object.entries(properties)) {
      properties[key] = { anyOf: [property, { type: 'null' }] };
    }
  }
}
