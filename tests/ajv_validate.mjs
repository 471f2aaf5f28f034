// Compile a JSON Schema with ajv in strict mode and validate instances with it (used by tests/test_validity.py).
// Usage: node tests/ajv_validate.mjs SCHEMA.json < INSTANCES.json  (a JSON list); prints a JSON list of error lists.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats").default;

const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
const schema = JSON.parse(readFileSync(process.argv[2], "utf8"));
let validate;
try {
  validate = ajv.compile(schema);
} catch (error) {
  process.stdout.write(JSON.stringify({ schema_error: String(error.message || error) }));
  process.exit(0);
}
const instances = JSON.parse(readFileSync(0, "utf8"));
const results = instances.map((instance) => (validate(instance) ? [] : validate.errors.map(
  (e) => `${e.instancePath || "/"} ${e.message}`)));
process.stdout.write(JSON.stringify({ results }));
