/**
 * package.json's `contributes.configuration`, generated from the settings table
 * (settingsSchema.ts). `scripts/configuration.mjs` writes or checks it; the build runs the check.
 */
import {
  COORDINATE_MAX,
  DECAY_KINDS,
  DIM_MAX,
  METHOD_FIELDS,
  OPTIMIZER_KINDS,
  SETTINGS_SECTION,
  STAGE_FIELDS,
  SWEEP_AXES,
  VSCODE_SETTINGS,
  fieldSpec,
  type FieldSpec,
  type NumberSpec,
} from './settingsSchema';

export { SETTINGS_SECTION, VSCODE_SETTINGS };

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function numberSchema(spec: NumberSpec): Record<string, Json> {
  const s: Record<string, Json> = { type: spec.kind };
  // VS Code's schema cannot say "0 or [3, 2001]": the minimum is 0 and the description says the rest.
  if (spec.zero) s.minimum = 0;
  else if (spec.exclusiveMin) s.exclusiveMinimum = spec.min;
  else s.minimum = spec.min;
  if (spec.exclusiveMax) s.exclusiveMaximum = spec.max;
  else s.maximum = spec.max;
  return s;
}

const coordinates: Record<string, Json> = {
  type: ['array', 'number'],
  items: { type: 'number', minimum: -COORDINATE_MAX, maximum: COORDINATE_MAX },
  minimum: -COORDINATE_MAX,
  maximum: COORDINATE_MAX,
};

function boxSchema(description: string): Record<string, Json> {
  return { type: 'object', description, properties: { low: coordinates, high: coordinates }, additionalProperties: false };
}

function decaySchema(description: string): Record<string, Json> {
  const properties: Record<string, Json> = { kind: { type: 'string', enum: Object.keys(DECAY_KINDS) } };
  for (const { params } of Object.values(DECAY_KINDS)) {
    for (const [name, spec] of Object.entries(params)) properties[name] = { ...numberSchema(spec), description: spec.description };
  }
  return { type: 'object', description, properties, required: ['kind'], additionalProperties: false };
}

function stageSchema(): Record<string, Json> {
  const properties: Record<string, Json> = {};
  for (const [k, spec] of Object.entries(STAGE_FIELDS) as Array<[string, FieldSpec]>) properties[k] = schemaOf(spec, spec.description);
  return { type: 'object', properties, additionalProperties: false };
}

function methodSchema(): Record<string, Json> {
  const variants: Json[] = Object.entries(OPTIMIZER_KINDS).map(([kind, { description, params }]) => {
    const properties: Record<string, Json> = { kind: { type: 'string', const: kind } };
    for (const [name, spec] of Object.entries(params)) {
      properties[name] = { ...numberSchema(spec), default: spec.default ?? null, description: spec.description };
    }
    return { type: 'object', description, properties, required: ['kind'], additionalProperties: false };
  });
  return {
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1, maxLength: METHOD_FIELDS.name.maxLength, description: METHOD_FIELDS.name.description },
      optimizer: { description: METHOD_FIELDS.optimizer.description, oneOf: variants },
      noise: { type: 'string', enum: [...METHOD_FIELDS.noise.values], description: METHOD_FIELDS.noise.description },
    },
    required: ['name'],
    additionalProperties: false,
  };
}

function schemaOf(spec: FieldSpec, description: string): Record<string, Json> {
  switch (spec.kind) {
    case 'number':
    case 'integer':
      return { ...numberSchema(spec), description: spec.zero ? `${description} 0 = ${spec.zero}.` : description };
    case 'boolean':
      return { type: 'boolean', description };
    case 'enum':
      return { type: 'string', enum: [...spec.values], enumDescriptions: [...spec.valueDescriptions], description };
    case 'name':
    case 'seed':
      return { type: 'string', minLength: 1, maxLength: spec.maxLength, description };
    case 'box':
      return boxSchema(description);
    case 'decay':
      return decaySchema(description);
    case 'stages':
      return { type: 'array', maxItems: spec.maxItems, items: stageSchema(), description };
    case 'vector':
      return { type: 'array', items: coordinates.items, maxItems: DIM_MAX, description };
    case 'directions':
    case 'points':
      return { type: 'array', maxItems: spec.maxItems, items: { type: 'array', items: coordinates.items }, description };
    case 'sweep': {
      const properties: Record<string, Json> = {};
      for (const [k, axis] of Object.entries(SWEEP_AXES) as Array<[string, NumberSpec]>) {
        properties[k] = { type: 'array', minItems: 1, maxItems: spec.maxValues, uniqueItems: true, items: numberSchema(axis) };
      }
      properties.allStages = { type: 'boolean', description: 'Scale the later stages by the same factors as the first.' };
      return { type: 'object', properties, additionalProperties: false, description };
    }
    case 'methods':
      return { type: 'array', minItems: 1, maxItems: spec.maxItems, items: methodSchema(), description };
  }
}

/** package.json's `contributes.configuration`, generated from the table. */
export function vscodeConfiguration(): { title: string; properties: Record<string, Json> } {
  const properties: Record<string, Json> = {};
  for (const s of VSCODE_SETTINGS) {
    const spec = fieldSpec(s.field);
    const described = schemaOf(spec, s.description ?? spec.description);
    const { description, ...rest } = described;
    const def = (s.default ?? ('default' in spec ? spec.default : undefined)) as Json | undefined;
    const prop: Record<string, Json> = { ...rest };
    if (def !== undefined) prop.default = def;
    prop.markdownDescription = description ?? null;
    properties[`${SETTINGS_SECTION}.${s.key}`] = prop;
  }
  return { title: 'SGD Landscape', properties };
}
