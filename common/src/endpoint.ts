import {z} from 'zod';

// PLACEHOLDER owned by the delivery work (issue 5): it will grow method, headers, templates, payload mode, signing
// and retry settings. The rule model (issue 4) imports endpointSchema and responseOptionsSchema from here.
export const endpointSchema = z.strictObject({
    url: z.url({protocol: /^https?$/, error: 'must be an http(s) URL'}),
});
export type Endpoint = z.infer<typeof endpointSchema>;

export const responseOptionsSchema = z.strictObject({});
export type ResponseOptions = z.infer<typeof responseOptionsSchema>;
