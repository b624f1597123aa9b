import {readFileSync} from 'node:fs';
import {join} from 'node:path';

import {apiRoutes, integrationRoutes} from '@tripwire/common';

import {openApiDocument} from './openapi';

const committedPath = join(__dirname, '../../openapi.json');

describe('the OpenAPI document', () => {
    const doc = openApiDocument() as {paths: Record<string, Record<string, {operationId: string}>>; components: {schemas: Record<string, unknown>}};

    it('is committed as generated (regenerate: node server/scripts/gen-openapi.mjs)', () => {
        expect(JSON.parse(readFileSync(committedPath, 'utf8'))).toEqual(JSON.parse(JSON.stringify(doc)));
    });

    it('has one operation per route of the table', () => {
        const operations = Object.values(doc.paths).flatMap((methods) => Object.values(methods).map((op) => op.operationId));
        expect(operations.filter((id) => id in apiRoutes).sort()).toEqual(Object.keys(apiRoutes).sort());
    });

    it('describes every route outside the REST API too, so fuzzers reach them (make fuzz-api)', () => {
        for (const r of Object.values(integrationRoutes)) {
            const path = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
            expect(doc.paths[path]?.[r.method.toLowerCase()]?.operationId).toEqual(expect.any(String));
        }
        expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/health', '/api/v1/openapi.json']));
        const operations = Object.values(doc.paths).flatMap((methods) => Object.values(methods).map((op) => op.operationId));
        expect(new Set(operations).size).toBe(operations.length);
    });

    it('resolves every reference', () => {
        const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
        expect(refs.length).toBeGreaterThan(50);
        for (const ref of refs) {
            const m = /^#\/components\/(schemas|responses)\/([A-Za-z]+)$/.exec(ref);
            expect(m).not.toBeNull();
            expect((doc.components as Record<string, Record<string, unknown>>)[m![1]!]![m![2]!]).toBeDefined();
        }
    });

    it('describes request bodies as clients send them: defaults optional, unknown fields refused', () => {
        const spec = doc.components.schemas.RuleSpecInput as {required: string[]; additionalProperties: boolean};
        expect(spec.required.sort()).toEqual(['name', 'scope', 'trigger']);
        expect(spec.additionalProperties).toBe(false);
    });
});
