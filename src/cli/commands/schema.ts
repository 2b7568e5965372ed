import { Command } from 'commander';
import { configJsonSchemaText, JSON_SCHEMA_FILE, SCHEMA_COMMENT } from '../../config/json-schema.ts';

export function schemaCommand(): Command {
  return new Command('schema')
    .description('Print the JSON Schema of rundschau.yaml (for editors: completion and checks of keys)')
    .addHelpText(
      'after',
      `\nSave it beside the config and point the YAML language server at it with the first line:\n  npx rundschau schema > ${JSON_SCHEMA_FILE}\n  ${SCHEMA_COMMENT}`,
    )
    .action(() => {
      process.stdout.write(configJsonSchemaText());
    });
}
