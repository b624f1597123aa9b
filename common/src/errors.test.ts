import * as z from 'zod';
import {fieldErrorsOf} from './errors';

describe('fieldErrorsOf', () => {
    const schema = z.strictObject({name: z.string().min(1, 'name is required'), trigger: z.object({words: z.array(z.string()).min(1)})});

    it('keys each message by its dotted field path', () => {
        const result = schema.safeParse({name: '', trigger: {words: []}});
        expect(result.success).toBe(false);
        const fields = fieldErrorsOf(result.error!);
        expect(fields.name).toBe('name is required');
        expect(Object.keys(fields)).toEqual(['name', 'trigger.words']);
    });

    it('reports unknown fields at the object that holds them', () => {
        const result = schema.safeParse({name: 'x', trigger: {words: ['a']}, extra: 1});
        expect(fieldErrorsOf(result.error!)).toEqual({'': expect.stringContaining('extra')});
    });
});
